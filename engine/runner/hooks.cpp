#include "runner/hooks.h"

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

// Pushes ctx [-0, +1].
void PushContext(lua_State* L, lua_Integer call_id, const nlohmann::json& case_snapshot,
                 const nlohmann::json& step_snapshot) {
  lua_createtable(L, 0, 5);
  PushJson(L, case_snapshot);
  lua_setfield(L, -2, "case");
  if (!step_snapshot.is_null()) {
    PushJson(L, step_snapshot);
    lua_setfield(L, -2, "step");
  }
  const std::pair<const char*, lua_CFunction> methods[] = {{"set", CtxSet}, {"notify", CtxNotify}, {"note", CtxNote}};
  for (const auto& [name, fn] : methods) {
    lua_pushinteger(L, call_id);
    lua_pushcclosure(L, fn, 1);
    lua_setfield(L, -2, name);
  }
}

}  // namespace

HookOutcome RunHook(const CompiledProcedure& procedure, const StepDef* step, const char* hook_name,
                    const nlohmann::json& case_snapshot, const nlohmann::json& step_snapshot) {
  HookOutcome outcome;
  LuaSandbox& sandbox = procedure.sandbox();
  lua_State* L = sandbox.state();
  const int top = lua_gettop(L);
  if (!procedure.PushHook(step, hook_name)) return outcome;
  outcome.ran = true;

  const lua_Integer call_id = ++g_next_call_id;
  const ActiveHook previous = g_active;
  g_active = {call_id, &outcome.effects};
  PushContext(L, call_id, case_snapshot, step_snapshot);
  Status st = sandbox.ProtectedCall(1, 2);
  g_active = previous;

  const std::string where = std::string(hook_name) + (step ? " hook of step '" + step->id + "'" : " hook");
  if (!st.ok()) {
    outcome.status = ScriptError(procedure.def().file + ": " + where + " failed: " + st.message());
    lua_settop(L, top);
    return outcome;
  }
  const std::string name(hook_name);
  if (name == "guard") {
    outcome.allowed = lua_toboolean(L, -2) != 0;
    if (!outcome.allowed) outcome.refusal = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "refused by guard";
  } else if (name == "decide" || name == "run") {
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

}  // namespace siaga
