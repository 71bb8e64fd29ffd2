#include "reports/report_script.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "reports/lua_host_call.h"

namespace siaga {

namespace {

const std::set<std::string> kDeclarationKeys = {"name", "title", "description", "params", "run"};
const std::set<std::string> kParamKeys = {"name", "type", "label", "required", "default", "values", "min", "max"};

int ReportConstructor(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  return 1;
}

// Reads declaration tables with raw access only: a metatable's __index must not run script
// code outside the budgeted call.
class DeclarationReader {
 public:
  DeclarationReader(lua_State* L, std::string file) : L_(L), file_(std::move(file)) {}

  Status Error(const std::string& where, const std::string& message) const {
    return ScriptError(file_ + ": " + where + ": " + message);
  }

  Status CheckKeys(int index, const std::set<std::string>& allowed, const std::string& where) {
    index = lua_absindex(L_, index);
    lua_pushnil(L_);
    while (lua_next(L_, index) != 0) {
      lua_pop(L_, 1);
      if (lua_type(L_, -1) != LUA_TSTRING) {
        lua_pop(L_, 1);
        return Error(where, "keys must be names");
      }
      const std::string key = lua_tostring(L_, -1);
      if (allowed.count(key) == 0) {
        lua_pop(L_, 1);
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        return Error(where.empty() ? key : where + "." + key, "unknown key (allowed: " + list + ")");
      }
    }
    return Status::Ok();
  }

  // t[key] as a string; "" when absent. [-0, +0]
  Result<std::string> String(int index, const char* key, const std::string& where, bool required = false) {
    lua_pushstring(L_, key);
    const int type = lua_rawget(L_, index);
    std::string out;
    if (type == LUA_TSTRING) {
      out = lua_tostring(L_, -1);
    } else if (type != LUA_TNIL || required) {
      lua_pop(L_, 1);
      return Error(where + key, type == LUA_TNIL ? "is required" : "must be a string");
    }
    lua_pop(L_, 1);
    return out;
  }

  Result<ParamSpec> Param(int index, std::string name, const std::string& where) {
    index = lua_absindex(L_, index);
    if (!lua_istable(L_, index)) return Error(where, "must be a table such as { type = \"date\" }");
    SIAGA_TRY(CheckKeys(index, kParamKeys, where));
    ParamSpec spec;
    if (name.empty()) {
      auto n = String(index, "name", where + ".", true);
      if (!n.ok()) return n.status();
      name = *n;
    }
    if (!ValidParamName(name)) return Error(where, "parameter names are lower-case letters, digits and '_'");
    spec.name = name;
    auto type = String(index, "type", where + ".", true);
    if (!type.ok()) return type.status();
    auto parsed = ParamTypeFromName(*type);
    if (!parsed) return Error(where + ".type", "unknown type '" + *type + "' (date, month, procedure, agency, role, string, integer, choice)");
    spec.type = *parsed;
    auto label = String(index, "label", where + ".");
    if (!label.ok()) return label.status();
    spec.label = label->empty() ? name : *label;

    lua_pushliteral(L_, "required");
    const int req = lua_rawget(L_, index);
    if (req != LUA_TNIL && req != LUA_TBOOLEAN) {
      lua_pop(L_, 1);
      return Error(where + ".required", "must be true or false");
    }
    spec.required = lua_toboolean(L_, -1) != 0;
    lua_pop(L_, 1);

    lua_pushliteral(L_, "default");
    const int def = lua_rawget(L_, index);
    if (def == LUA_TSTRING || def == LUA_TNUMBER) {
      lua_pushvalue(L_, -1);  // convert a copy: lua_tostring changes a number in place
      spec.default_value = lua_tostring(L_, -1);
      lua_pop(L_, 1);
    } else if (def != LUA_TNIL) {
      lua_pop(L_, 1);
      return Error(where + ".default", "must be a string or a number, written as it would be given");
    }
    lua_pop(L_, 1);

    lua_pushliteral(L_, "values");
    const int values = lua_rawget(L_, index);
    if (values == LUA_TTABLE) {
      const lua_Unsigned n = lua_rawlen(L_, -1);
      for (lua_Unsigned i = 1; i <= n; ++i) {
        if (lua_rawgeti(L_, -1, static_cast<lua_Integer>(i)) != LUA_TSTRING) {
          lua_pop(L_, 2);
          return Error(where + ".values", "must be a list of strings");
        }
        spec.values.push_back(lua_tostring(L_, -1));
        lua_pop(L_, 1);
      }
    } else if (values != LUA_TNIL) {
      lua_pop(L_, 1);
      return Error(where + ".values", "must be a list of strings");
    }
    lua_pop(L_, 1);
    if (spec.type == ParamType::kChoice && spec.values.empty()) return Error(where + ".values", "a choice needs its values");

    for (const char* bound : {"min", "max"}) {
      lua_pushstring(L_, bound);
      const int t = lua_rawget(L_, index);
      if (t == LUA_TNUMBER && lua_isinteger(L_, -1)) {
        (std::string(bound) == "min" ? spec.min : spec.max) = lua_tointeger(L_, -1);
      } else if (t != LUA_TNIL) {
        lua_pop(L_, 1);
        return Error(where + "." + bound, "must be a whole number");
      }
      lua_pop(L_, 1);
    }
    return spec;
  }

  // `params` as a map { from = {...} } (sorted by name) or a list { { name = "from", ... } }
  // (kept in order).
  Status Params(int index, std::vector<ParamSpec>& out) {
    index = lua_absindex(L_, index);
    lua_pushliteral(L_, "params");
    const int type = lua_rawget(L_, index);
    if (type == LUA_TNIL) {
      lua_pop(L_, 1);
      return Status::Ok();
    }
    if (type != LUA_TTABLE) {
      lua_pop(L_, 1);
      return Error("params", "must be a table");
    }
    const int params = lua_gettop(L_);
    const lua_Unsigned n = lua_rawlen(L_, params);
    if (n > 0) {
      for (lua_Unsigned i = 1; i <= n; ++i) {
        lua_rawgeti(L_, params, static_cast<lua_Integer>(i));
        auto spec = Param(-1, "", "params[" + std::to_string(i) + "]");
        lua_pop(L_, 1);
        if (!spec.ok()) {
          lua_pop(L_, 1);
          return spec.status();
        }
        out.push_back(std::move(*spec));
      }
    } else {
      lua_pushnil(L_);
      while (lua_next(L_, params) != 0) {
        if (lua_type(L_, -2) != LUA_TSTRING) {
          lua_pop(L_, 3);
          return Error("params", "a list of parameters, or a table keyed by parameter name");
        }
        auto spec = Param(-1, lua_tostring(L_, -2), std::string("params.") + lua_tostring(L_, -2));
        lua_pop(L_, 1);
        if (!spec.ok()) {
          lua_pop(L_, 2);
          return spec.status();
        }
        out.push_back(std::move(*spec));
      }
      std::sort(out.begin(), out.end(), [](const ParamSpec& a, const ParamSpec& b) { return a.name < b.name; });
    }
    lua_pop(L_, 1);
    std::set<std::string> seen;
    for (const auto& p : out)
      if (!seen.insert(p.name).second) return Error("params", "parameter '" + p.name + "' is declared twice");
    for (const char* reserved : {"format", "table"})
      if (seen.count(reserved) != 0) return Error("params." + std::string(reserved), "is reserved for the output format");
    return Status::Ok();
  }

  static bool ValidParamName(const std::string& name) {
    if (name.empty() || name.size() > 40) return false;
    return std::all_of(name.begin(), name.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
  }

 private:
  lua_State* L_;
  std::string file_;
};

}  // namespace

bool ValidReportName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'; });
}

void InstallReportConstructor(LuaSandbox& sandbox) { sandbox.RegisterGlobal("report", ReportConstructor); }

std::vector<std::string> ListReportFiles(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".lua") continue;
    out.push_back(entry.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<ReportDeclaration> LoadReportDeclaration(LuaSandbox& sandbox, const std::string& path, LuaRef& run) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return NotFound("no report script " + path);
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return NotFound("cannot read " + path + ": " + ec.message());
  if (size > kMaxReportScriptBytes)
    return ScriptError(path + ": " + std::to_string(size) + " bytes is over the limit of " + std::to_string(kMaxReportScriptBytes));
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) return NotFound("cannot read " + path);

  const std::string stem = std::filesystem::path(path).stem().string();
  if (!ValidReportName(stem))
    return ScriptError(path + ": a report file is named NAME.lua with NAME in lower-case letters, digits, '-' and '_'");

  SIAGA_TRY(sandbox.Load(text.str(), path));
  SIAGA_TRY(sandbox.ProtectedCall(0, 1));  // [+1] what the file returned
  ReportDeclaration decl;
  decl.file = path;
  Status st = CallHost(sandbox, 1, [&](lua_State* L) -> Status {
    DeclarationReader read(L, path);
    if (!lua_istable(L, 1)) return read.Error("the file", "must return report { name = ..., run = function(params, data) ... end }");
    SIAGA_TRY(read.CheckKeys(1, kDeclarationKeys, ""));
    auto name = read.String(1, "name", "");
    if (!name.ok()) return name.status();
    decl.name = name->empty() ? stem : *name;
    if (decl.name != stem) return read.Error("name", "'" + decl.name + "' must match the file name ('" + stem + "')");
    auto title = read.String(1, "title", "");
    if (!title.ok()) return title.status();
    decl.title = title->empty() ? decl.name : *title;
    auto description = read.String(1, "description", "");
    if (!description.ok()) return description.status();
    decl.description = *description;
    SIAGA_TRY(read.Params(1, decl.params));
    lua_pushliteral(L, "run");
    if (lua_rawget(L, 1) != LUA_TFUNCTION) {
      lua_pop(L, 1);
      return read.Error("run", "must be a function(params, data) that returns the report");
    }
    run = LuaRef::PopFrom(L);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return decl;
}

}  // namespace siaga
