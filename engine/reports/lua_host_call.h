// Runs host code that reads or builds Lua values inside the sandbox's protected door. Outside a
// protected call a Lua error (a failed allocation once the memory budget is spent, a stack
// overflow) would reach the panic handler and abort the process; inside, it comes back as a
// Status like any script error.
#pragma once

#include <functional>

#include "lua/sandbox.h"

namespace siaga {

// Calls `work(L)` inside LuaSandbox::ProtectedCall with the `nargs` values on top of the stack
// as its arguments [-nargs, +0]. Returns the Status of `work`, or the Lua error that stopped it.
// C++ exceptions (std::exception) thrown by `work` are turned into a Lua error after the handler.
Status CallHost(LuaSandbox& sandbox, int nargs, const std::function<Status(lua_State*)>& work);

}  // namespace siaga
