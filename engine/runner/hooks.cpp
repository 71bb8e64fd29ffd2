#include "runner/hooks.h"

#include <string_view>

#include "lua/json_bridge.h"

namespace siaga {

namespace {

// The effects of the hook now running. A ctx method checks its call id against this, so a ctx
// a hook stashed in a global cannot queue effects into a later command.
struct ActiveHook {
  lua_Integer call_id = 0;
  HookEffects* effects = nullptr;
};
ActiveHook g_active;          // hooks run on the engine thread only
lua_Integer g_next_call_id = 0;

HookEffects& EffectsFor(lua_State* L) {
  const lua_Integer id = lua_tointeger(L, lua_upvalueindex(1));
  if (g_active.effects == nullptr || id != g_active.call_id) {
    luaL_error(L, "ctx was used outside the hook it was given to");
  }
  return *g_active.effects;
}

int CtxSet(lua_State* L) {
  HookEffects& effects = EffectsFor(L);
  const char* name = luaL_checkstring(L, 2);
  const int t = lua_type(L, 3);
  if (t != LUA_TSTRING && t != LUA_TNUMBER && t != LUA_TBOOLEAN && t != LUA_TNIL)
    return luaL_error(L, "ctx:set('%s', ...): the value must be a string, number, boolean or nil", name);
  auto value = LuaToJson(L, 3);
  if (!value.ok()) return luaL_error(L, "ctx:set('%s'): %s", name, value.status().message().c_str());
  effects.set[name] = *value;
  return 0;
}

int CtxNotify(lua_State* L) {
  HookEffects& effects = EffectsFor(L);
  luaL_checktype(L, 2, LUA_TTABLE);
  Notice n;
  lua_getfield(L, 2, "to");
  if (lua_type(L, -1) != LUA_TSTRING) return luaL_error(L, "ctx:notify{...}: 'to' must name a role");
  n.to = lua_tostring(L, -1);
  lua_getfield(L, 2, "template");
  n.template_name = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
  lua_getfield(L, 2, "tlp");
  n.tlp = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
  lua_pop(L, 3);
  effects.notices.push_back(std::move(n));
  return 0;
}

int CtxNote(lua_State* L) {
  HookEffects& effects = EffectsFor(L);
  std::size_t len = 0;
  const char* text = luaL_checklstring(L, 2, &len);
  if (len > 4096) return luaL_error(L, "ctx:note: a note is at most 4096 bytes");
  effects.notes.emplace_back(text, len);
  return 0;
}

int CtxAssign(lua_State* L) {
  HookEffects& effects = EffectsFor(L);
  effects.assign_role = luaL_checkstring(L, 2);
  return 0;
}

// The name under which `fn` (arg 3) sits in the procedure's `fungsi` table (upvalue 2).
std::string FunctionName(lua_State* L, const char* method) {
  luaL_checktype(L, 3, LUA_TFUNCTION);
  if (lua_istable(L, lua_upvalueindex(2))) {
    lua_pushnil(L);
    while (lua_next(L, lua_upvalueindex(2)) != 0) {
      if (lua_type(L, -2) == LUA_TSTRING && lua_rawequal(L, -1, 3)) {
        std::string name = lua_tostring(L, -2);
        lua_pop(L, 2);
        return name;
      }
      lua_pop(L, 1);
    }
  }
  luaL_error(L, "ctx:%s: the function must be one of the procedure's fungsi = { name = function(ctx) ... end }", method);
  return "";
}

int CtxAfter(lua_State* L) {
  HookEffects& effects = EffectsFor(L);
  const char* waktu = luaL_checkstring(L, 2);
  effects.calls.push_back({FunctionName(L, "after"), waktu, ""});
  return 0;
}

int CtxAt(lua_State* L) {
  HookEffects& effects = EffectsFor(L);
  const char* at = luaL_checkstring(L, 2);
  effects.calls.push_back({FunctionName(L, "at"), "", at});
  return 0;
}

// Pushes ctx [-0, +1].
void PushContext(lua_State* L, const CompiledProcedure& procedure, lua_Integer call_id,
                 const nlohmann::json& case_snapshot, const nlohmann::json& step_snapshot) {
  lua_createtable(L, 0, 5);
  PushJson(L, case_snapshot);
  lua_setfield(L, -2, "case");
  if (!step_snapshot.is_null()) {
    PushJson(L, step_snapshot);
    lua_setfield(L, -2, "step");
  }
  const std::pair<const char*, lua_CFunction> methods[] = {{"set", CtxSet},       {"notify", CtxNotify}, {"note", CtxNote},
                                                           {"assign", CtxAssign}, {"after", CtxAfter},   {"at", CtxAt}};
  for (const auto& [name, fn] : methods) {
    lua_pushinteger(L, call_id);
    procedure.PushFunctionTable();
    lua_pushcclosure(L, fn, 2);
    lua_setfield(L, -2, name);
  }
}

// Calls the function on top of the stack with a fresh ctx and reads its results.
HookOutcome CallPushed(const CompiledProcedure& procedure, const std::string& where, const std::string& kind,
                       const nlohmann::json& case_snapshot, const nlohmann::json& step_snapshot, int top) {
  HookOutcome outcome;
  outcome.ran = true;
  LuaSandbox& sandbox = procedure.sandbox();
  lua_State* L = sandbox.state();
  // Each call gets its own globals: a fresh table reading through to the sandbox environment is
  // put in the _ENV upvalue the file's functions share, and the original is put back afterwards,
  // so a global a hook sets does not leak into later hooks or cases. [stack: fn]
  const int fn = top + 1;
  int env_upvalue = 0;
  for (int i = 1;; ++i) {
    const char* name = lua_getupvalue(L, fn, i);
    if (name == nullptr) break;
    lua_pop(L, 1);
    if (std::string_view(name) == "_ENV") {
      env_upvalue = i;
      break;
    }
  }
  if (env_upvalue != 0) {
    lua_getupvalue(L, fn, env_upvalue);  // [fn, original_env]
    lua_createtable(L, 0, 1);            // the call's globals
    lua_pushvalue(L, -1);
    lua_setfield(L, -2, "_G");
    lua_createtable(L, 0, 1);
    sandbox.PushEnv();
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
    lua_setupvalue(L, fn, env_upvalue);  // [fn, original_env]
  } else {
    lua_pushnil(L);                      // [fn, nil]
  }
  lua_pushvalue(L, fn);                  // [fn, original_env, fn]
  const auto restore_env = [&] {
    if (env_upvalue == 0) return;
    lua_pushvalue(L, top + 2);
    lua_setupvalue(L, fn, env_upvalue);
  };
  const lua_Integer call_id = ++g_next_call_id;
  const ActiveHook previous = g_active;
  g_active = {call_id, &outcome.effects};
  PushContext(L, procedure, call_id, case_snapshot, step_snapshot);
  Status st = sandbox.ProtectedCall(1, 2);
  g_active = previous;
  restore_env();
  if (!st.ok()) {
    outcome.status = ScriptError(procedure.def().file + ": " + where + " failed: " + st.message());
    lua_settop(L, top);
    return outcome;
  }
  if (kind == "guard") {
    outcome.allowed = lua_toboolean(L, -2) != 0;
    if (!outcome.allowed) outcome.refusal = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "refused by guard";
  } else if (kind == "decide" || kind == "run") {
    if (lua_type(L, -2) == LUA_TSTRING) {
      outcome.label = lua_tostring(L, -2);
    } else if (!lua_isnil(L, -2)) {
      outcome.status = ScriptError(procedure.def().file + ": " + where + " must return a branch label (string) or nil, not a " +
                                   luaL_typename(L, -2));
    }
  }
  lua_settop(L, top);
  return outcome;
}

}  // namespace

HookOutcome RunHook(const CompiledProcedure& procedure, const StepDef* step, const char* hook_name,
                    const nlohmann::json& case_snapshot, const nlohmann::json& step_snapshot) {
  lua_State* L = procedure.sandbox().state();
  const int top = lua_gettop(L);
  if (!procedure.PushHook(step, hook_name)) return {};
  const std::string where = std::string(hook_name) + (step ? " hook of step '" + step->id + "'" : " hook");
  return CallPushed(procedure, where, hook_name, case_snapshot, step_snapshot, top);
}

HookOutcome RunFunction(const CompiledProcedure& procedure, const std::string& name, const nlohmann::json& case_snapshot) {
  lua_State* L = procedure.sandbox().state();
  const int top = lua_gettop(L);
  if (!procedure.PushFunction(name)) {
    HookOutcome missing;
    missing.status = ScriptError(procedure.def().file + ": fungsi '" + name + "' scheduled with ctx:after/at no longer exists");
    return missing;
  }
  return CallPushed(procedure, "fungsi '" + name + "'", "fungsi", case_snapshot, nullptr, top);
}

}  // namespace siaga
