#include "reports/lua_host_call.h"

#include <string>

namespace siaga {

namespace {

struct HostJob {
  const std::function<Status(lua_State*)>* work;
  Status result;
};

int HostTrampoline(lua_State* L) {
  auto* job = static_cast<HostJob*>(lua_touserdata(L, lua_upvalueindex(1)));
  std::string error;
  try {
    job->result = (*job->work)(L);
  } catch (const std::exception& e) {  // a Lua error is not a std::exception: it passes through
    error = e.what();
  }
  if (!error.empty()) return luaL_error(L, "host error: %s", error.c_str());  // raise after the handler
  return 0;
}

}  // namespace

Status CallHost(LuaSandbox& sandbox, int nargs, const std::function<Status(lua_State*)>& work) {
  lua_State* L = sandbox.state();
  HostJob job{&work, Status::Ok()};
  if (!lua_checkstack(L, 2)) return ScriptError("Lua stack exhausted");
  lua_pushlightuserdata(L, &job);
  lua_pushcclosure(L, HostTrampoline, 1);  // args... fn
  lua_insert(L, -(nargs + 1));             // fn args...
  Status st = sandbox.ProtectedCall(nargs, 0);
  if (!st.ok()) return st;
  return job.result;
}

}  // namespace siaga
