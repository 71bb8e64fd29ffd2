#include "webhooks/adapter.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/sha256.h"
#include "lua/json_bridge.h"

namespace siaga {

namespace {

constexpr const char* kDeclarationKey = "siaga.adapter";
constexpr const char* kRejectKey = "siaga.reject";

// adapter { ... }: keeps the declaration for the host.
int DeclareAdapter(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  if (lua_getfield(L, LUA_REGISTRYINDEX, kDeclarationKey) != LUA_TNIL) return luaL_error(L, "adapter { } is declared twice");
  lua_pop(L, 1);
  lua_pushvalue(L, 1);
  lua_setfield(L, LUA_REGISTRYINDEX, kDeclarationKey);
  return 0;
}

// reject(field, message): the payload is bad; the sender gets a 400 naming the field.
int Reject(lua_State* L) {
  const char* field = luaL_checkstring(L, 1);
  const char* message = luaL_optstring(L, 2, "is not valid");
  lua_createtable(L, 0, 2);
  lua_pushstring(L, field);
  lua_setfield(L, -2, "field");
  lua_pushstring(L, message);
  lua_setfield(L, -2, "message");
  lua_setfield(L, LUA_REGISTRYINDEX, kRejectKey);
  return luaL_error(L, "payload rejected: %s: %s", field, message);
}

std::string StringField(lua_State* L, int table, const char* key) {
  lua_getfield(L, table, key);
  std::string value = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
  lua_pop(L, 1);
  return value;
}

Result<HookAuth> ParseAuth(const std::string& name) {
  if (name == "hmac") return HookAuth::kHmac;
  if (name == "github") return HookAuth::kGithub;
  if (name == "token") return HookAuth::kToken;
  return InvalidField("auth", "must be hmac, github or token, not '" + name + "'");
}

}  // namespace

const char* HookAuthName(HookAuth auth) {
  switch (auth) {
    case HookAuth::kHmac: return "hmac";
    case HookAuth::kGithub: return "github";
    case HookAuth::kToken: return "token";
  }
  return "?";
}

bool IsAdapterName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  return true;
}

std::string AdapterLibraryPath(const std::string& dir) { return dir + "/lib/bantu.lua"; }

namespace {

// The whole file, or "" when it does not exist.
bool ReadText(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream text;
  text << in.rdbuf();
  out = text.str();
  return true;
}

}  // namespace

Result<std::unique_ptr<AdapterScript>> AdapterScript::LoadFromFolder(const std::string& dir, const std::string& name,
                                                                     const LuaLimits& limits) {
  if (!IsAdapterName(name)) return NotFound("no adapter '" + name + "'");
  const std::string path = dir + "/" + name + ".lua";
  std::string source, library;
  if (!ReadText(path, source)) return NotFound("no adapter " + path);
  ReadText(AdapterLibraryPath(dir), library);
  return Load(name, source, path, limits, library);
}

Result<std::unique_ptr<AdapterScript>> AdapterScript::Load(const std::string& name, const std::string& source,
                                                           const std::string& file, const LuaLimits& limits,
                                                           const std::string& library) {
  auto sandbox = LuaSandbox::Create(limits);
  if (!sandbox.ok()) return sandbox.status();
  std::unique_ptr<AdapterScript> script(new AdapterScript());
  script->sandbox_ = std::move(*sandbox);
  LuaSandbox& sb = *script->sandbox_;
  sb.RegisterGlobal("adapter", DeclareAdapter);
  sb.RegisterGlobal("reject", Reject);
  lua_State* L = sb.state();
  if (!library.empty()) {
    Status lib = sb.Load(library, "webhooks/lib/bantu.lua");
    if (lib.ok()) lib = sb.ProtectedCall(0, 1);
    if (!lib.ok()) return ScriptError("webhooks/lib/bantu.lua: " + lib.message());
    sb.PushEnv();
    lua_insert(L, -2);
    lua_setfield(L, -2, "bantu");
    lua_pop(L, 1);
  }
  Status st = sb.Load(source, file);
  if (st.ok()) st = sb.ProtectedCall(0, 0);
  if (!st.ok()) return Status(st.code(), st.message());
  if (lua_getfield(L, LUA_REGISTRYINDEX, kDeclarationKey) != LUA_TTABLE) {
    lua_pop(L, 1);
    return ScriptError(file + ": the file must call adapter { title = ..., format = ..., auth = ..., parse = function ... }");
  }
  const int decl = lua_gettop(L);
  AdapterInfo& info = script->info_;
  info.name = name;
  info.file = file;
  info.hash = Sha256Hex(source);
  info.title = StringField(L, decl, "title");
  const std::string format = StringField(L, decl, "format");
  const std::string auth = StringField(L, decl, "auth");
  lua_getfield(L, decl, "parse");
  const bool has_parse = lua_type(L, -1) == LUA_TFUNCTION;
  if (has_parse) script->parse_ = LuaRef::PopFrom(L); else lua_pop(L, 1);
  lua_pop(L, 1);
  if (info.title.empty()) return InvalidField("title", file + ": adapter { title = \"...\" } is required");
  auto parsed_format = ParsePayloadFormat(format);
  if (!parsed_format.ok()) return Status(parsed_format.status().code(), file + ": " + parsed_format.status().message());
  info.format = *parsed_format;
  auto parsed_auth = ParseAuth(auth.empty() ? "token" : auth);
  if (!parsed_auth.ok()) return Status(parsed_auth.status().code(), file + ": " + parsed_auth.status().message());
  info.auth = *parsed_auth;
  if (!has_parse) return InvalidField("parse", file + ": adapter { parse = function(payload, meta) ... end } is required");
  return script;
}

Result<nlohmann::json> AdapterScript::Parse(const nlohmann::json& payload, const nlohmann::json& meta) {
  lua_State* L = sandbox_->state();
  lua_pushnil(L);
  lua_setfield(L, LUA_REGISTRYINDEX, kRejectKey);
  const int top = lua_gettop(L);
  parse_.Push();
  Status st;
  // Building the arguments can fail on memory; run it protected too.
  lua_pushcfunction(L, [](lua_State* S) -> int {
    PushJson(S, *static_cast<const nlohmann::json*>(lua_touserdata(S, 1)));
    PushJson(S, *static_cast<const nlohmann::json*>(lua_touserdata(S, 2)));
    return 2;
  });
  lua_pushlightuserdata(L, const_cast<nlohmann::json*>(&payload));
  lua_pushlightuserdata(L, const_cast<nlohmann::json*>(&meta));
  st = sandbox_->ProtectedCall(2, 2);
  if (st.ok()) st = sandbox_->ProtectedCall(2, 1);
  if (!st.ok()) {
    lua_settop(L, top);
    if (lua_getfield(L, LUA_REGISTRYINDEX, kRejectKey) == LUA_TTABLE) {
      const std::string field = StringField(L, lua_gettop(L), "field");
      const std::string message = StringField(L, lua_gettop(L), "message");
      lua_settop(L, top);
      return InvalidField(field, message);
    }
    lua_settop(L, top);
    return ScriptError(info_.file + ": parse: " + st.message());
  }
  if (lua_type(L, -1) != LUA_TTABLE) {
    lua_settop(L, top);
    return ScriptError(info_.file + ": parse must return a list of drafts (a table), even an empty one");
  }
  auto out = LuaToJson(L, -1);
  lua_settop(L, top);
  if (!out.ok()) return ScriptError(info_.file + ": parse returned " + out.status().message());
  if (out->is_object() && out->empty()) return nlohmann::json::array();  // {} reads as an empty object
  return std::move(*out);
}

Result<nlohmann::json> AdapterScript::Run(const std::string& body, const nlohmann::json& meta) {
  auto payload = DecodePayload(info_.format, body);
  if (!payload.ok()) return payload.status();
  return Parse(*payload, meta);
}

AdapterSet LoadAdapters(const std::string& dir, const LuaLimits& limits) {
  AdapterSet set;
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".lua") files.push_back(entry.path());
  if (ec) {
    set.errors.push_back(dir + ": " + ec.message());
    return set;
  }
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    const std::string name = path.stem().string();
    if (name == "routes") continue;
    if (!IsAdapterName(name)) {
      set.errors.push_back(path.string() + ": an adapter's file name must be [a-z0-9_-] (it is the URL's {adapter})");
      continue;
    }
    auto script = AdapterScript::LoadFromFolder(dir, name, limits);
    if (!script.ok()) {
      set.errors.push_back(script.status().message());
      continue;
    }
    set.adapters[name] = std::move(*script);
  }
  return set;
}

}  // namespace siaga
