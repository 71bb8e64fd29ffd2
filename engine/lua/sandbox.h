// A sandboxed Lua 5.4 state: the only way the engine runs procedure, adapter or report code.
//
// - Globals come from an allow-list; no io, package, require, debug, dofile, loadfile,
//   string.dump, collectgarbage beyond "count"; os only for time functions.
// - Text chunks only: the host loads with mode "t" and `load` is replaced by a text-only wrapper.
// - The string metatable's __index is a private copy hidden behind __metatable = false, so one
//   script cannot change how another's ("x"):upper() behaves.
// - A counting allocator caps memory; a count hook caps instructions and wall time per call and
//   re-arms itself after expiry, so `pcall` inside the script cannot swallow the stop.
// - Pattern functions refuse subjects above a size limit (the hook never fires inside them).
// - Lua runs no hooks inside a message handler called for an error raised by a hook, nor inside
//   __gc finalizers: so xpcall skips the script's handler once the budget has expired, and
//   setmetatable refuses metatables with __gc.
// - Every call into Lua goes through ProtectedCall, which adds a traceback and returns a Status.
#pragma once

#include <lua.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace siaga {

struct LuaLimits {
  std::size_t memory_bytes = 64u << 20;
  std::uint64_t instructions = 50'000'000;   // per ProtectedCall
  std::chrono::milliseconds wall_time{2000};  // per ProtectedCall
  std::size_t pattern_subject_bytes = 64u << 10;
  // Worst-case backtracking steps of one pattern call (PatternStepBound); about a second here.
  double pattern_steps = 1e8;
  std::size_t log_bytes = 64u << 10;          // print()/log output kept per state
};

class LuaSandbox {
 public:
  static Result<std::unique_ptr<LuaSandbox>> Create(const LuaLimits& limits = {});
  ~LuaSandbox();
  LuaSandbox(const LuaSandbox&) = delete;
  LuaSandbox& operator=(const LuaSandbox&) = delete;

  lua_State* state() const { return L_; }

  // Compiles `source` as a text chunk whose _ENV is the sandbox environment.
  // On success pushes the compiled function [-0, +1]; on failure pushes nothing.
  Status Load(std::string_view source, const std::string& chunk_name);

  // Calls the function below `nargs` arguments on the stack, under the budgets.
  // [-(nargs+1), +nresults] on success; [-(nargs+1), +0] on failure.
  Status ProtectedCall(int nargs, int nresults);

  // Pushes the sandbox environment table [-0, +1].
  void PushEnv();
  // Sets env[name] = function.
  void RegisterGlobal(const char* name, lua_CFunction fn);

  std::size_t memory_in_use() const { return memory_in_use_; }
  bool budget_expired() const { return budget_expired_; }
  const std::string& log() const { return log_; }
  const LuaLimits& limits() const { return limits_; }

  // Used by the C trampolines; not part of the contract.
  static LuaSandbox* From(lua_State* L);
  void AppendLog(std::string_view line);

 private:
  explicit LuaSandbox(const LuaLimits& limits);
  Status Init();
  static void* Allocate(void* ud, void* ptr, std::size_t osize, std::size_t nsize);
  static void InstructionHook(lua_State* L, lua_Debug* ar);

  LuaLimits limits_;
  lua_State* L_ = nullptr;
  int env_ref_ = LUA_NOREF;
  std::size_t memory_in_use_ = 0;
  std::uint64_t instructions_used_ = 0;
  std::chrono::steady_clock::time_point deadline_{};
  bool budget_expired_ = false;
  bool calling_ = false;
  std::string log_;
};

// Registry reference with one owner; released when it goes out of scope.
class LuaRef {
 public:
  LuaRef() = default;
  // Pops the value on top of the stack into the registry [-1, +0].
  static LuaRef PopFrom(lua_State* L);
  ~LuaRef();
  LuaRef(LuaRef&& other) noexcept;
  LuaRef& operator=(LuaRef&& other) noexcept;
  LuaRef(const LuaRef&) = delete;
  LuaRef& operator=(const LuaRef&) = delete;

  void Push() const;  // [-0, +1]
  bool valid() const { return L_ != nullptr && ref_ != LUA_NOREF; }

 private:
  lua_State* L_ = nullptr;
  int ref_ = LUA_NOREF;
};

}  // namespace siaga
