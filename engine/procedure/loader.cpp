#include "procedure/loader.h"

#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "common/clock.h"
#include "common/sha256.h"
#include "lua/json_bridge.h"
#include "procedure/lint.h"

namespace siaga {

namespace {

constexpr const char* kKindKey = "__siaga_kind";
constexpr const char* kIdKey = "__siaga_id";
constexpr const char* kLineKey = "__siaga_line";
constexpr const char* kSopMarker = "__siaga_sop";

const std::set<std::string> kTopLevelKeys = {
    "id", "revision", "instansi", "zona_waktu", "identitas", "waktu_default", "sla_kasus", "berlaku_mulai",
    "pelaksana", "kasus", "on_open", "on_close", "fungsi", "langkah", kSopMarker};
const std::set<std::string> kStepKeys = {
    "no", "kegiatan", "en", "pelaksana", "kelengkapan", "waktu", "output", "keterangan", "sumber",
    "inferred", "next", "set", "notify", "on_enter", "on_complete", "on_warning", "on_breach", "guard", "branches",
    "decide", "max_ulang", "timeout", "on", "selesai_bila", "jeda_sla_kasus", "run", "prosedur", "hasil",
    kKindKey, kIdKey, kLineKey};

bool ValidId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

// "agency/slug": lower-case letters, digits, '_' and '-', one or more '/'-separated parts.
bool ValidProcedureId(const std::string& id) {
  if (id.empty() || id.size() > 128 || id.front() == '/' || id.back() == '/' || id.find("//") != std::string::npos) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '/')) return false;
  return true;
}

// `kind "id"` returns a function that takes the step table and tags it with kind, id and line.
int StepBody(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_setfield(L, 1, kKindKey);
  lua_pushvalue(L, lua_upvalueindex(2));
  lua_setfield(L, 1, kIdKey);
  lua_pushvalue(L, lua_upvalueindex(3));
  lua_setfield(L, 1, kLineKey);
  lua_settop(L, 1);
  return 1;
}

int StepConstructor(lua_State* L) {
  const char* kind = lua_tostring(L, lua_upvalueindex(1));
  if (lua_type(L, 1) != LUA_TSTRING)
    return luaL_error(L, "%s: the step id must be a string, as in %s \"triage\" { ... }", kind, kind);
  lua_Debug ar;
  int line = 0;
  if (lua_getstack(L, 1, &ar) != 0 && lua_getinfo(L, "l", &ar) != 0) line = ar.currentline;
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushvalue(L, 1);
  lua_pushinteger(L, line);
  lua_pushcclosure(L, StepBody, 3);
  return 1;
}

int SopConstructor(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_pushboolean(L, 1);
  lua_setfield(L, 1, kSopMarker);
  lua_settop(L, 1);
  return 1;
}

// ---- turunan: a procedure that extends a base procedure -----------------------------------------

// The merge, in Lua so that hooks and step tables stay plain Lua values of this state.
//   turunan "bersama/penanganan-insiden" {
//     id = "...", instansi = "...",                       -- top-level keys replace the base's
//     pelaksana = { analis = { label = "..." } },         -- pelaksana, kasus, fungsi, identitas merge by key
//     ubah   = { triage = { waktu = "4 jam" } },          -- fields replaced in a base step
//     tambah = { task "verifikasi" { setelah = "triage", ... } },  -- new steps (after `setelah`, or last)
//     hapus  = { "step_id" },                             -- base steps left out
//   }
constexpr const char* kExtendChunk = R"lua(
local base, changes = ...
local function copy(t) local c = {} for k, v in pairs(t) do c[k] = v end return c end
if type(changes) ~= "table" then error("turunan: the changes must be a table { ... }", 0) end
local out = copy(base)
for k, v in pairs(changes) do
  if k == "ubah" or k == "tambah" or k == "hapus" then
    -- below
  elseif (k == "pelaksana" or k == "kasus" or k == "fungsi" or k == "identitas") and type(v) == "table" then
    local merged = copy(base[k] or {})
    for kk, vv in pairs(v) do merged[kk] = vv end
    out[k] = merged
  else
    out[k] = v
  end
end
local steps = {}
for i, s in ipairs(base.langkah or {}) do steps[i] = s end
local function find(id)
  for i, s in ipairs(steps) do if s.__siaga_id == id then return i end end
  return nil
end
for id, fields in pairs(changes.ubah or {}) do
  local i = find(id)
  if not i then error("turunan: ubah." .. tostring(id) .. ": the base has no such step", 0) end
  if type(fields) ~= "table" then error("turunan: ubah." .. id .. " must be a table of fields", 0) end
  local step = copy(steps[i])
  for k, v in pairs(fields) do step[k] = v end
  steps[i] = step
end
for _, id in ipairs(changes.hapus or {}) do
  local i = find(id)
  if not i then error("turunan: hapus: the base has no step '" .. tostring(id) .. "'", 0) end
  table.remove(steps, i)
end
for _, step in ipairs(changes.tambah or {}) do
  if type(step) ~= "table" or not step.__siaga_id then error("turunan: tambah takes steps, e.g. task 'id' { ... }", 0) end
  if find(step.__siaga_id) then error("turunan: tambah: step '" .. step.__siaga_id .. "' exists; change it with ubah", 0) end
  local after = step.setelah
  step.setelah = nil
  if after ~= nil then
    local i = find(after)
    if not i then error("turunan: tambah." .. step.__siaga_id .. ".setelah: no step '" .. tostring(after) .. "'", 0) end
    table.insert(steps, i + 1, step)
  else
    steps[#steps + 1] = step
  end
end
out.langkah = steps
out.__siaga_base = nil
return out
)lua";

struct ExtendContext {
  BaseResolver resolver;
  nlohmann::json bases = nlohmann::json::object();
  std::vector<std::string> chain;  // ids being extended, to refuse cycles
};

constexpr const char* kExtendContextKey = "siaga.extend";

ExtendContext* ExtendContextOf(lua_State* L) {
  lua_getfield(L, LUA_REGISTRYINDEX, kExtendContextKey);
  auto* ctx = static_cast<ExtendContext*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  return ctx;
}

// turunan "id" { changes }: the inner function, with the base id as upvalue.
int ExtendWith(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  const std::string id = lua_tostring(L, lua_upvalueindex(1));
  ExtendContext* ctx = ExtendContextOf(L);
  if (ctx == nullptr || !ctx->resolver) return luaL_error(L, "turunan \"%s\": bases are not available here", id.c_str());
  if (std::find(ctx->chain.begin(), ctx->chain.end(), id) != ctx->chain.end() || ctx->chain.size() >= 8)
    return luaL_error(L, "turunan \"%s\": the bases extend each other in a circle (or more than 8 deep)", id.c_str());
  Result<BaseSource> base = ctx->resolver(id);
  if (!base.ok()) return luaL_error(L, "turunan \"%s\": %s", id.c_str(), base.status().message().c_str());
  ctx->bases[id] = {{"file", base->file}, {"source", base->source}};
  LuaSandbox* sb = LuaSandbox::From(L);
  Status st = sb->Load(base->source, base->file);
  if (!st.ok()) return luaL_error(L, "turunan \"%s\": %s", id.c_str(), st.message().c_str());
  ctx->chain.push_back(id);
  lua_call(L, 0, 1);  // inside the caller's protected call: errors propagate with their message
  ctx->chain.pop_back();
  if (!lua_istable(L, -1)) return luaL_error(L, "turunan \"%s\": %s does not return sop { ... }", id.c_str(), base->file.c_str());
  lua_getfield(L, -1, kSopMarker);
  const bool is_sop = lua_toboolean(L, -1);
  lua_pop(L, 1);
  if (!is_sop) return luaL_error(L, "turunan \"%s\": %s does not return sop { ... }", id.c_str(), base->file.c_str());
  const int base_index = lua_gettop(L);
  Status merge = sb->Load(kExtendChunk, "=turunan");
  if (!merge.ok()) return luaL_error(L, "turunan: internal merge failed to load: %s", merge.message().c_str());
  lua_pushvalue(L, base_index);
  lua_pushvalue(L, 1);
  lua_call(L, 2, 1);
  lua_pushboolean(L, 1);
  lua_setfield(L, -2, kSopMarker);
  return 1;
}

int ExtendConstructor(lua_State* L) {
  luaL_checkstring(L, 1);
  lua_pushvalue(L, 1);
  lua_pushcclosure(L, ExtendWith, 1);
  return 1;
}

// Reads the returned table into a ProcedureDef, collecting located diagnostics.
class TableReader {
 public:
  TableReader(lua_State* L, std::string file, std::vector<Diagnostic>& out)
      : L_(L), file_(std::move(file)), out_(out) {}

  void Error(int line, const std::string& step, const std::string& field, const std::string& msg) {
    out_.push_back({Diagnostic::Severity::kError, file_, line, step, field, msg});
  }

  // Value at `index` as string (numbers accepted for `no`-like fields).
  std::optional<std::string> String(int index, bool allow_number = false) {
    if (lua_type(L_, index) == LUA_TSTRING) return std::string(lua_tostring(L_, index));
    if (allow_number && lua_type(L_, index) == LUA_TNUMBER) {
      if (lua_isinteger(L_, index)) return std::to_string(lua_tointeger(L_, index));
      std::ostringstream s;
      s << lua_tonumber(L_, index);
      return s.str();
    }
    return std::nullopt;
  }

  // Reads t[key] (t at `table`) as an optional string; reports a type error.
  std::string StringField(int table, const char* key, int line, const std::string& step, bool allow_number = false) {
    lua_getfield(L_, table, key);
    std::string result;
    if (!lua_isnil(L_, -1)) {
      auto s = String(-1, allow_number);
      if (s) result = *s;
      else Error(line, step, key, std::string("must be a string, not a ") + luaL_typename(L_, -1));
    }
    lua_pop(L_, 1);
    return result;
  }

  // A list of strings; `{ "text", jenis = "alat" }` items give their first element.
  std::vector<std::string> StringList(int table, const char* key, int line, const std::string& step) {
    std::vector<std::string> out;
    lua_getfield(L_, table, key);
    if (lua_isstring(L_, -1) && !lua_isnumber(L_, -1)) {
      out.emplace_back(lua_tostring(L_, -1));
    } else if (lua_istable(L_, -1)) {
      const lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L_, -1));
      for (lua_Integer i = 1; i <= n; ++i) {
        lua_rawgeti(L_, -1, i);
        if (lua_type(L_, -1) == LUA_TSTRING) {
          out.emplace_back(lua_tostring(L_, -1));
        } else if (lua_istable(L_, -1)) {
          lua_rawgeti(L_, -1, 1);
          if (lua_type(L_, -1) == LUA_TSTRING) out.emplace_back(lua_tostring(L_, -1));
          else Error(line, step, key, "item " + std::to_string(i) + " must start with a string");
          lua_pop(L_, 1);
        } else {
          Error(line, step, key, "item " + std::to_string(i) + " must be a string");
        }
        lua_pop(L_, 1);
      }
    } else if (!lua_isnil(L_, -1)) {
      Error(line, step, key, std::string("must be a list of strings, not a ") + luaL_typename(L_, -1));
    }
    lua_pop(L_, 1);
    return out;
  }

  bool BoolField(int table, const char* key) {
    lua_getfield(L_, table, key);
    const bool v = lua_toboolean(L_, -1) != 0;
    lua_pop(L_, 1);
    return v;
  }

  bool IsFunction(int table, const char* key, int line, const std::string& step) {
    lua_getfield(L_, table, key);
    const int t = lua_type(L_, -1);
    lua_pop(L_, 1);
    if (t != LUA_TNIL && t != LUA_TFUNCTION) Error(line, step, key, "must be a function(ctx)");
    return t == LUA_TFUNCTION;
  }

  // A target: "id" or { "id", inferred = true }.
  std::optional<Target> TargetField(int index, int line, const std::string& step, const std::string& field) {
    if (lua_isnil(L_, index)) return std::nullopt;
    if (lua_type(L_, index) == LUA_TSTRING) return Target{lua_tostring(L_, index), false};
    if (lua_istable(L_, index)) {
      lua_rawgeti(L_, index, 1);
      std::optional<Target> t;
      if (lua_type(L_, -1) == LUA_TSTRING) t = Target{lua_tostring(L_, -1), BoolField(index, "inferred")};
      lua_pop(L_, 1);
      if (t) return t;
    }
    Error(line, step, field, "must be a step id or { \"step_id\", inferred = true }");
    return std::nullopt;
  }

  std::optional<TimeStandard> Waktu(int table, const char* key, int line, const std::string& step,
                                    const TimeDefaults& defaults) {
    lua_getfield(L_, table, key);
    std::optional<TimeStandard> out;
    std::optional<std::string> raw;
    std::optional<TimeBasis> basis;
    bool bad_basis = false;
    if (lua_type(L_, -1) == LUA_TSTRING) {
      raw = lua_tostring(L_, -1);
    } else if (lua_istable(L_, -1)) {
      lua_rawgeti(L_, -1, 1);
      if (lua_type(L_, -1) == LUA_TSTRING) raw = lua_tostring(L_, -1);
      lua_pop(L_, 1);
      lua_getfield(L_, -1, "basis");
      if (lua_type(L_, -1) == LUA_TSTRING) {
        basis = TimeBasisFromName(lua_tostring(L_, -1));
        if (!basis) {
          Error(line, step, key, std::string("unknown basis '") + lua_tostring(L_, -1) +
                                     "'; use jam_kerja, hari_kerja, kalender or elapsed");
          bad_basis = true;
        }
      }
      lua_pop(L_, 1);
      if (!raw) Error(line, step, key, "must be a string such as \"2 jam\" or { \"24 jam\", basis = \"elapsed\" }");
    } else if (!lua_isnil(L_, -1)) {
      Error(line, step, key, "must be a string such as \"2 jam\"");
    }
    lua_pop(L_, 1);
    if (raw && !bad_basis) {
      auto parsed = ParseTimeStandard(*raw, defaults, basis);
      if (parsed.ok()) out = *parsed;
      else Error(line, step, key, parsed.status().message());
    }
    return out;
  }

  nlohmann::json DataField(int table, const char* key, int line, const std::string& step) {
    lua_getfield(L_, table, key);
    nlohmann::json out = nlohmann::json::object();
    if (!lua_isnil(L_, -1)) {
      auto j = LuaToJson(L_, -1);
      if (!j.ok()) Error(line, step, key, j.status().message());
      else if (!j->is_object()) Error(line, step, key, "must be a table of name = value");
      else out = std::move(*j);
    }
    lua_pop(L_, 1);
    return out;
  }

  void UnknownKeys(int table, const std::set<std::string>& allowed, int line, const std::string& step) {
    lua_pushnil(L_);
    while (lua_next(L_, table) != 0) {
      lua_pop(L_, 1);
      if (lua_type(L_, -1) != LUA_TSTRING) {
        // positional items in a step table are a common slip: task "a" { "x" }
        Error(line, step, "", "unexpected positional value; every field needs a name (kegiatan = ...)");
        continue;
      }
      std::string key = lua_tostring(L_, -1);
      if (!allowed.contains(key)) Error(line, step, key, "unknown field '" + key + "' (a typo?)");
    }
  }

  lua_State* L_;
  std::string file_;
  std::vector<Diagnostic>& out_;
};

std::optional<StepKind> KindFromName(const std::string& name) {
  static const std::map<std::string, StepKind> kinds = {
      {"start", StepKind::kStart},       {"task", StepKind::kTask},         {"decision", StepKind::kDecision},
      {"wait", StepKind::kWait},         {"external", StepKind::kExternal}, {"automatic", StepKind::kAutomatic},
      {"call", StepKind::kCall},         {"finish", StepKind::kFinish}};
  auto it = kinds.find(name);
  if (it == kinds.end()) return std::nullopt;
  return it->second;
}

void ReadRoles(TableReader& r, int table, ProcedureDef& def) {
  lua_State* L = r.L_;
  lua_getfield(L, table, "pelaksana");
  if (!lua_istable(L, -1)) {
    r.Error(0, "", "pelaksana", "the procedure must declare its roles: pelaksana = { role_id = { label = \"...\" } }");
    lua_pop(L, 1);
    return;
  }
  const int roles = lua_gettop(L);
  // Lua does not keep the order of hash keys: columns sort by `kolom`, then by id.
  std::vector<std::pair<int, std::string>> order;
  lua_pushnil(L);
  while (lua_next(L, roles) != 0) {
    if (lua_type(L, -2) != LUA_TSTRING || !ValidId(lua_tostring(L, -2))) {
      r.Error(0, "", "pelaksana", "role ids must be lowercase names such as tim_teknis");
      lua_pop(L, 1);
      continue;
    }
    RoleDef role;
    role.id = lua_tostring(L, -2);
    int column = 1000;  // undeclared columns sort after declared ones, by id
    if (lua_type(L, -1) == LUA_TSTRING) {
      role.label = lua_tostring(L, -1);
    } else if (lua_istable(L, -1)) {
      const int t = lua_gettop(L);
      role.label = r.StringField(t, "label", 0, "", false);
      role.jenis = r.StringField(t, "jenis", 0, "", false);
      role.inferred = r.BoolField(t, "inferred");
      lua_getfield(L, t, "kolom");
      if (lua_isinteger(L, -1)) column = static_cast<int>(lua_tointeger(L, -1));
      lua_pop(L, 1);
    } else {
      r.Error(0, "", "pelaksana." + role.id, "must be a table { label = \"...\" }");
    }
    if (role.label.empty()) role.label = role.id;
    if (role.jenis.empty()) role.jenis = "internal";
    if (role.jenis != "internal" && role.jenis != "eksternal" && role.jenis != "pelapor")
      r.Error(0, "", "pelaksana." + role.id + ".jenis", "must be internal, eksternal or pelapor");
    order.emplace_back(column, role.id);
    def.roles[role.id] = role;
    lua_pop(L, 1);
  }
  std::sort(order.begin(), order.end());
  for (auto& [col, id] : order) def.role_order.push_back(id);
  lua_pop(L, 1);
}

void ReadFields(TableReader& r, int table, ProcedureDef& def) {
  lua_State* L = r.L_;
  lua_getfield(L, table, "kasus");
  if (lua_istable(L, -1)) {
    const int fields = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, fields) != 0) {
      if (lua_type(L, -2) != LUA_TSTRING || !lua_istable(L, -1)) {
        r.Error(0, "", "kasus", "each case field is name = { enum = {...}, awal = ... }");
        lua_pop(L, 1);
        continue;
      }
      FieldDef f;
      f.name = lua_tostring(L, -2);
      const int t = lua_gettop(L);
      f.enum_values = r.StringList(t, "enum", 0, "");
      lua_getfield(L, t, "awal");
      if (!lua_isnil(L, -1)) {
        auto j = LuaToJson(L, -1);
        if (j.ok()) f.initial = *j;
      }
      lua_pop(L, 1);
      def.fields[f.name] = f;
      lua_pop(L, 1);
    }
  } else if (!lua_isnil(L, -1)) {
    r.Error(0, "", "kasus", "must be a table of case fields");
  }
  lua_pop(L, 1);
}

void ReadStep(TableReader& r, int t, std::size_t index, ProcedureDef& def) {
  lua_State* L = r.L_;
  StepDef s;
  s.index = index;
  lua_getfield(L, t, kLineKey);
  s.line = static_cast<int>(lua_tointeger(L, -1));
  lua_pop(L, 1);
  s.id = r.StringField(t, kIdKey, s.line, "");
  const std::string kind_name = r.StringField(t, kKindKey, s.line, s.id);
  s.kind = *KindFromName(kind_name);
  if (!ValidId(s.id)) r.Error(s.line, s.id, "id", "step ids are lowercase letters, digits and _ (at most 64)");
  r.UnknownKeys(t, kStepKeys, s.line, s.id);

  s.no = r.StringField(t, "no", s.line, s.id, true);
  s.kegiatan = r.StringField(t, "kegiatan", s.line, s.id);
  s.en = r.StringField(t, "en", s.line, s.id);
  s.keterangan = r.StringField(t, "keterangan", s.line, s.id);
  s.sumber = r.StringField(t, "sumber", s.line, s.id);
  s.inferred = r.BoolField(t, "inferred");
  s.pauses_case_sla = r.BoolField(t, "jeda_sla_kasus");
  s.kelengkapan = r.StringList(t, "kelengkapan", s.line, s.id);
  s.output = r.StringList(t, "output", s.line, s.id);
  s.waktu = r.Waktu(t, "waktu", s.line, s.id, def.defaults);
  s.hasil = r.StringField(t, "hasil", s.line, s.id);
  s.prosedur = r.StringField(t, "prosedur", s.line, s.id);
  s.selesai_bila = r.StringField(t, "selesai_bila", s.line, s.id);
  s.set = r.DataField(t, "set", s.line, s.id);

  lua_getfield(L, t, "pelaksana");
  if (lua_type(L, -1) == LUA_TSTRING) {
    s.role = lua_tostring(L, -1);
  } else if (lua_istable(L, -1)) {
    const int p = lua_gettop(L);
    lua_rawgeti(L, p, 1);
    if (lua_type(L, -1) == LUA_TSTRING) s.role = lua_tostring(L, -1);
    else r.Error(s.line, s.id, "pelaksana", "must start with a role id: { \"role\", inferred = true }");
    lua_pop(L, 1);
    s.assisting = r.StringList(p, "dibantu", s.line, s.id);
    s.role_inferred = r.BoolField(p, "inferred");
  } else if (!lua_isnil(L, -1)) {
    r.Error(s.line, s.id, "pelaksana", "must be a role id or { \"role\", dibantu = {...}, inferred = true }");
  }
  lua_pop(L, 1);

  lua_getfield(L, t, "next");
  s.next = r.TargetField(lua_gettop(L), s.line, s.id, "next");
  lua_pop(L, 1);
  lua_getfield(L, t, "timeout");
  s.timeout = r.TargetField(lua_gettop(L), s.line, s.id, "timeout");
  lua_pop(L, 1);

  lua_getfield(L, t, "max_ulang");
  if (lua_isinteger(L, -1) && lua_tointeger(L, -1) > 0 && lua_tointeger(L, -1) < 1000) {
    s.max_ulang = static_cast<int>(lua_tointeger(L, -1));
  } else if (!lua_isnil(L, -1)) {
    r.Error(s.line, s.id, "max_ulang", "must be a whole number from 1 to 999");
  }
  lua_pop(L, 1);

  lua_getfield(L, t, "on");
  if (lua_istable(L, -1)) {
    const int on = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, on) != 0) {
      if (lua_type(L, -2) == LUA_TSTRING && lua_type(L, -1) == LUA_TSTRING) s.on[lua_tostring(L, -2)] = lua_tostring(L, -1);
      else r.Error(s.line, s.id, "on", "must map signal names to step ids: { laporan_lanjutan = \"triage\" }");
      lua_pop(L, 1);
    }
  } else if (!lua_isnil(L, -1)) {
    r.Error(s.line, s.id, "on", "must be a table of signal = step_id");
  }
  lua_pop(L, 1);

  lua_getfield(L, t, "branches");
  if (lua_istable(L, -1)) {
    const int b = lua_gettop(L);
    const lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L, b));
    for (lua_Integer i = 1; i <= n; ++i) {
      lua_rawgeti(L, b, i);
      const int bt = lua_gettop(L);
      Branch br;
      // Only a table has a first element: lua_rawgeti on anything else reads through a bad
      // pointer (branches = { "ya" } crashed the process with SIGSEGV).
      if (lua_istable(L, bt)) {
        lua_rawgeti(L, bt, 1);
        if (lua_type(L, -1) == LUA_TSTRING) br.label = lua_tostring(L, -1);
        lua_pop(L, 1);
      }
      if (br.label.empty()) {
        r.Error(s.line, s.id, "branches", "branch " + std::to_string(i) + " must be { \"label\", next = \"step_id\" }");
      } else {
        lua_getfield(L, bt, "next");
        if (auto target = r.TargetField(lua_gettop(L), s.line, s.id, "branches[" + br.label + "].next")) br.next = *target;
        else r.Error(s.line, s.id, "branches", "branch '" + br.label + "' has no next step");
        lua_pop(L, 1);
        br.next.inferred = br.next.inferred || r.BoolField(bt, "inferred");
        br.set = r.DataField(bt, "set", s.line, s.id);
        s.branches.push_back(br);
      }
      lua_pop(L, 1);
    }
  } else if (!lua_isnil(L, -1)) {
    r.Error(s.line, s.id, "branches", "must be a list of { \"label\", next = \"step_id\" }");
  }
  lua_pop(L, 1);

  lua_getfield(L, t, "notify");
  if (lua_istable(L, -1)) {
    const int nt = lua_gettop(L);
    const lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L, nt));
    for (lua_Integer i = 1; i <= n; ++i) {
      lua_rawgeti(L, nt, i);
      if (lua_istable(L, -1)) {
        const int it = lua_gettop(L);
        Notice notice{r.StringField(it, "to", s.line, s.id), r.StringField(it, "template", s.line, s.id),
                      r.StringField(it, "tlp", s.line, s.id)};
        if (notice.to.empty()) r.Error(s.line, s.id, "notify", "each notice needs to = \"role\"");
        s.notify.push_back(notice);
      } else {
        r.Error(s.line, s.id, "notify", "must be a list of { to = \"role\", template = \"name\" }");
      }
      lua_pop(L, 1);
    }
  } else if (!lua_isnil(L, -1)) {
    r.Error(s.line, s.id, "notify", "must be a list of { to = \"role\", template = \"name\" }");
  }
  lua_pop(L, 1);

  s.has_on_enter = r.IsFunction(t, "on_enter", s.line, s.id);
  s.has_on_complete = r.IsFunction(t, "on_complete", s.line, s.id);
  s.has_on_warning = r.IsFunction(t, "on_warning", s.line, s.id);
  s.has_on_breach = r.IsFunction(t, "on_breach", s.line, s.id);
  s.has_guard = r.IsFunction(t, "guard", s.line, s.id);
  s.has_decide = r.IsFunction(t, "decide", s.line, s.id);
  s.has_run = r.IsFunction(t, "run", s.line, s.id);
  def.steps.push_back(std::move(s));
}

void ReadProcedure(TableReader& r, int table, ProcedureDef& def) {
  lua_State* L = r.L_;
  r.UnknownKeys(table, kTopLevelKeys, 0, "");
  def.id = r.StringField(table, "id", 0, "");
  if (def.id.empty()) r.Error(0, "", "id", "the procedure needs id = \"<agency>/<slug>\"");
  lua_getfield(L, table, "revision");
  def.revision = lua_isinteger(L, -1) ? static_cast<int>(lua_tointeger(L, -1)) : 0;
  lua_pop(L, 1);
  def.instansi = r.StringField(table, "instansi", 0, "");
  const std::string zone = r.StringField(table, "zona_waktu", 0, "");
  if (!zone.empty()) def.zona_waktu = zone;
  // berlaku_mulai: the day (in the agency's zone) or instant from which new cases take this version.
  const std::string effective = r.StringField(table, "berlaku_mulai", 0, "");
  if (!effective.empty()) {
    const int offset = def.zona_waktu == "WITA" ? 8 * 60 : def.zona_waktu == "WIT" ? 9 * 60 : 7 * 60;
    auto t = ParseInstant(effective, offset);
    if (t.ok()) def.effective_from = *t;
    else r.Error(0, "", "berlaku_mulai", "not a date like \"2026-02-01\": " + t.status().message());
  }

  lua_getfield(L, table, "identitas");
  if (!lua_isnil(L, -1)) {
    auto j = LuaToJson(L, -1);
    if (!j.ok() || !j->is_object()) r.Error(0, "", "identitas", j.ok() ? "must be a table" : j.status().message());
    else def.identitas = *j;
  }
  lua_pop(L, 1);

  lua_getfield(L, table, "waktu_default");
  if (lua_istable(L, -1)) {
    const int wd = lua_gettop(L);
    const std::string hari = r.StringField(wd, "hari", 0, "");
    const std::string jam = r.StringField(wd, "jam", 0, "");
    if (hari == "kalender") def.defaults.day = TimeBasis::kCalendarDays;
    else if (!hari.empty() && hari != "hari_kerja") r.Error(0, "", "waktu_default.hari", "must be hari_kerja or kalender");
    if (jam == "elapsed") def.defaults.clock = TimeBasis::kElapsed;
    else if (!jam.empty() && jam != "jam_kerja") r.Error(0, "", "waktu_default.jam", "must be jam_kerja or elapsed");
    lua_getfield(L, wd, "peringatan");
    if (lua_isnumber(L, -1) && lua_tonumber(L, -1) > 0 && lua_tonumber(L, -1) < 1) {
      def.warn_share = lua_tonumber(L, -1);
    } else if (!lua_isnil(L, -1)) {
      r.Error(0, "", "waktu_default.peringatan", "must be a share between 0 and 1, e.g. 0.75 (warn when 75 % has passed)");
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);

  lua_getfield(L, table, "sla_kasus");
  if (lua_istable(L, -1)) {
    const int sk = lua_gettop(L);
    def.sla_kasus = r.Waktu(sk, "waktu", 0, "", def.defaults);
    def.sla_sumber = r.StringField(sk, "sumber", 0, "");
  } else if (!lua_isnil(L, -1)) {
    r.Error(0, "", "sla_kasus", "must be { waktu = \"1 hari kerja\", sumber = \"...\" }");
  }
  lua_pop(L, 1);

  ReadRoles(r, table, def);
  ReadFields(r, table, def);
  lua_getfield(L, table, "fungsi");
  if (lua_istable(L, -1)) {
    const int fns = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, fns) != 0) {
      if (lua_type(L, -2) == LUA_TSTRING && lua_isfunction(L, -1)) def.functions.emplace_back(lua_tostring(L, -2));
      else r.Error(0, "", "fungsi", "must map names to functions: fungsi = { ingatkan = function(ctx) ... end }");
      lua_pop(L, 1);
    }
  } else if (!lua_isnil(L, -1)) {
    r.Error(0, "", "fungsi", "must be a table of named functions");
  }
  lua_pop(L, 1);
  def.has_on_open = r.IsFunction(table, "on_open", 0, "");
  def.has_on_close = r.IsFunction(table, "on_close", 0, "");

  lua_getfield(L, table, "langkah");
  if (!lua_istable(L, -1) || lua_rawlen(L, -1) == 0) {
    r.Error(0, "", "langkah", "the procedure needs its steps: langkah = { task \"...\" { ... }, ... }");
  } else {
    const int steps = lua_gettop(L);
    const lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L, steps));
    for (lua_Integer i = 1; i <= n; ++i) {
      lua_rawgeti(L, steps, i);
      lua_getfield(L, -1, kKindKey);
      const bool is_step = lua_istable(L, -2) && lua_type(L, -1) == LUA_TSTRING;
      lua_pop(L, 1);
      if (is_step) ReadStep(r, lua_gettop(L), static_cast<std::size_t>(i - 1), def);
      else r.Error(0, "", "langkah", "item " + std::to_string(i) + " is not a step; write task \"id\" { ... }");
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
}

std::string ReadWholeFile(const std::string& path, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  ok = static_cast<bool>(in);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

const char* StepKindName(StepKind kind) {
  switch (kind) {
    case StepKind::kStart: return "start";
    case StepKind::kTask: return "task";
    case StepKind::kDecision: return "decision";
    case StepKind::kWait: return "wait";
    case StepKind::kExternal: return "external";
    case StepKind::kAutomatic: return "automatic";
    case StepKind::kCall: return "call";
    case StepKind::kFinish: return "finish";
  }
  return "?";
}

std::string StepDef::Label() const {
  return "step '" + id + "'" + (no.empty() ? "" : " (no " + no + ")");
}

std::vector<std::pair<std::string, Target>> StepDef::Exits() const {
  std::vector<std::pair<std::string, Target>> exits;
  if (next) exits.emplace_back("next", *next);
  for (const Branch& b : branches) exits.emplace_back(b.label, b.next);
  if (timeout) exits.emplace_back("timeout", *timeout);
  for (const auto& [signal, step] : on) exits.emplace_back(signal, Target{step, false});
  return exits;
}

const StepDef* ProcedureDef::Find(const std::string& step_id) const {
  for (const StepDef& s : steps)
    if (s.id == step_id) return &s;
  return nullptr;
}

std::string ProcedureDef::Title() const {
  if (identitas.contains("nama") && identitas["nama"].is_string()) return identitas["nama"].get<std::string>();
  return id;
}

std::string Diagnostic::ToString() const {
  std::string s = file;
  if (line > 0) s += ":" + std::to_string(line);
  s += severity == Severity::kError ? ": error: " : ": warning: ";
  if (!step.empty()) s += "step '" + step + "' ";
  if (!field.empty()) s += "field '" + field + "' ";
  if (!step.empty() || !field.empty()) s.insert(s.size() - 1, ":");
  return s + message;
}

bool HasErrors(const std::vector<Diagnostic>& diagnostics) {
  for (const auto& d : diagnostics)
    if (d.severity == Diagnostic::Severity::kError) return true;
  return false;
}

CompiledProcedure::CompiledProcedure(ProcedureDef def, std::unique_ptr<LuaSandbox> sandbox, LuaRef table,
                                     std::string source)
    : def_(std::move(def)), sandbox_(std::move(sandbox)), table_(std::move(table)), source_(std::move(source)) {}

namespace {

// Replaces the table on top with its raw field `name`, or nil when it is not a table [-1, +1].
// Raw: the procedure table is the script's own, and a hook may have put an __index trap on it
// that would otherwise run here, outside any protected call.
void ReplaceWithRawField(lua_State* L, const char* name) {
  if (lua_istable(L, -1)) {
    lua_pushstring(L, name);
    lua_rawget(L, -2);
  } else {
    lua_pushnil(L);
  }
  lua_replace(L, -2);
}

void ReplaceWithRawIndex(lua_State* L, lua_Integer index) {
  if (lua_istable(L, -1)) {
    lua_rawgeti(L, -1, index);
  } else {
    lua_pushnil(L);
  }
  lua_replace(L, -2);
}

}  // namespace

bool CompiledProcedure::PushHook(const StepDef* step, const char* name) const {
  lua_State* L = sandbox_->state();
  table_.Push();
  if (step != nullptr) {
    ReplaceWithRawField(L, "langkah");
    ReplaceWithRawIndex(L, static_cast<lua_Integer>(step->index + 1));
  }
  ReplaceWithRawField(L, name);
  if (lua_isfunction(L, -1)) return true;
  lua_pop(L, 1);
  return false;
}

bool CompiledProcedure::PushFunction(const std::string& name) const {
  lua_State* L = sandbox_->state();
  PushFunctionTable();
  ReplaceWithRawField(L, name.c_str());
  if (lua_isfunction(L, -1)) return true;
  lua_pop(L, 1);
  return false;
}

void CompiledProcedure::PushFunctionTable() const {
  lua_State* L = sandbox_->state();
  table_.Push();
  ReplaceWithRawField(L, "fungsi");
}

LuaLimits ProcedureLoadLimits() {
  LuaLimits limits;
  limits.memory_bytes = 32u << 20;
  limits.instructions = 20'000'000;
  limits.wall_time = std::chrono::milliseconds(2000);
  return limits;
}

BaseResolver FolderResolver(const std::string& root) {
  return [root](const std::string& id) -> Result<BaseSource> {
    if (!ValidProcedureId(id)) return InvalidArgument("'" + id + "' is not a procedure id");
    const std::string path = root + "/" + id + ".lua";
    bool ok = false;
    std::string source = ReadWholeFile(path, ok);
    if (!ok) return NotFound("no base procedure file " + path);
    return BaseSource{std::move(source), path};
  };
}

BaseResolver StoredResolver(const nlohmann::json& bases) {
  return [bases](const std::string& id) -> Result<BaseSource> {
    if (!bases.is_object() || !bases.contains(id)) return NotFound("the stored version has no base '" + id + "'");
    return BaseSource{bases[id].value("source", ""), bases[id].value("file", id)};
  };
}

namespace {

struct ReadContext {
  TableReader* reader;
  ProcedureDef* def;
};

// ReadProcedure as a Lua C function: the table is argument 1, the context upvalue 1.
int ReadProcedureProtected(lua_State* L) {
  auto* ctx = static_cast<ReadContext*>(lua_touserdata(L, lua_upvalueindex(1)));
  ReadProcedure(*ctx->reader, 1, *ctx->def);
  return 0;
}

}  // namespace

LoadResult LoadProcedureSource(std::string_view source, const std::string& file_name, const LuaLimits& limits,
                               const BaseResolver& resolver) {
  LoadResult result;
  auto& diags = result.diagnostics;
  auto sandbox = LuaSandbox::Create(limits);
  if (!sandbox.ok()) {
    diags.push_back({Diagnostic::Severity::kError, file_name, 0, "", "", sandbox.status().message()});
    return result;
  }
  LuaSandbox& sb = **sandbox;
  lua_State* L = sb.state();
  // The DSL constructors: sop { }, and kind "id" { } for each step kind.
  sb.RegisterGlobal("sop", SopConstructor);
  for (const char* kind : {"start", "task", "decision", "wait", "external", "automatic", "call", "finish"}) {
    sb.PushEnv();
    lua_pushstring(L, kind);
    lua_pushcclosure(L, StepConstructor, 1);
    lua_setfield(L, -2, kind);
    lua_pop(L, 1);
  }
  ExtendContext extend{resolver, nlohmann::json::object(), {}};
  lua_pushlightuserdata(L, &extend);
  lua_setfield(L, LUA_REGISTRYINDEX, kExtendContextKey);
  sb.RegisterGlobal("turunan", ExtendConstructor);

  Status st = sb.Load(source, file_name);
  if (st.ok()) st = sb.ProtectedCall(0, 1);
  if (!st.ok()) {
    // Lua messages already carry "file:line:"; keep the first line only for the diagnostic.
    std::string msg = st.message();
    diags.push_back({Diagnostic::Severity::kError, file_name, 0, "", "", msg.substr(0, msg.find('\n'))});
    return result;
  }
  // Raw access: what the file returned may be anything (nil, a number, a table whose metatable
  // raises or loops), and this runs outside any protected call.
  bool is_sop = false;
  if (lua_istable(L, -1)) {
    lua_pushstring(L, kSopMarker);
    lua_rawget(L, -2);
    is_sop = lua_toboolean(L, -1);
    lua_pop(L, 1);
  }
  if (!is_sop) {
    lua_pop(L, 1);
    diags.push_back({Diagnostic::Severity::kError, file_name, 0, "", "",
                     "the file must return sop { ... } (it returned something else)"});
    return result;
  }

  ProcedureDef def;
  def.file = file_name;
  // A derived version is its own text plus its bases' texts: editing a base makes a new version.
  std::string hashed(source);
  for (const auto& [id, base] : extend.bases.items()) hashed += "\n--[[base " + id + "]]\n" + base.value("source", "");
  def.hash = Sha256Hex(hashed);
  lua_pushnil(L);
  lua_setfield(L, LUA_REGISTRYINDEX, kExtendContextKey);  // `extend` dies with this call
  // Reading the table can run the script's code (metamethods of the tables it returned), so it
  // runs as a protected call under the sandbox's budgets: an error or an endless __index is a
  // diagnostic, never a Lua panic (abort) or a hang of the loader.
  TableReader reader(L, file_name, diags);
  ReadContext read{&reader, &def};
  lua_pushlightuserdata(L, &read);
  lua_pushcclosure(L, ReadProcedureProtected, 1);
  lua_pushvalue(L, -2);
  Status read_status = sb.ProtectedCall(1, 0);
  if (!read_status.ok()) {
    const std::string& msg = read_status.message();
    diags.push_back({Diagnostic::Severity::kError, file_name, 0, "", "",
                     "reading the returned table failed: " + msg.substr(0, msg.find('\n'))});
  }
  LuaRef table = LuaRef::PopFrom(L);
  if (!HasErrors(diags)) CheckProcedure(def, diags);
  if (HasErrors(diags)) return result;
  result.procedure = std::make_shared<CompiledProcedure>(std::move(def), std::move(*sandbox), std::move(table),
                                                         std::string(source));
  result.procedure->set_bases(std::move(extend.bases));
  return result;
}

LoadResult LoadProcedureFile(const std::string& path, const BaseResolver& resolver) {
  bool ok = false;
  std::string source = ReadWholeFile(path, ok);
  if (!ok) {
    LoadResult r;
    r.diagnostics.push_back({Diagnostic::Severity::kError, path, 0, "", "", "cannot read the file"});
    return r;
  }
  return LoadProcedureSource(source, path, ProcedureLoadLimits(), resolver);
}

}  // namespace siaga
