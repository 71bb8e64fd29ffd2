#include "lua/sandbox.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <algorithm>

namespace siaga {

namespace {

constexpr int kHookEvery = 1000;  // instructions between budget checks
constexpr std::size_t kHostReserveBytes = 8u << 20;  // see Allocate
constexpr const char* kBudgetMessage = "script stopped: instruction or time budget exhausted";

// Globals a script may use. Anything not listed here does not exist in the sandbox.
constexpr const char* kBaseAllowList[] = {
    "assert", "error", "ipairs", "next", "pairs", "pcall", "xpcall", "select", "tonumber",
    "tostring", "type", "rawequal", "rawlen", "rawget", "rawset", "setmetatable", "getmetatable",
    "_VERSION",
};
constexpr const char* kStringBlockList[] = {"dump"};
constexpr const char* kOsAllowList[] = {"time", "date", "clock", "difftime"};
constexpr const char* kPatternFunctions[] = {"find", "match", "gmatch", "gsub"};

LuaSandbox* SandboxOf(lua_State* L) { return *static_cast<LuaSandbox**>(lua_getextraspace(L)); }

// Message handler for the one protected door: adds a traceback, never runs script code
// (a hostile error object's __tostring could loop), and bounds the message size.
int MessageHandler(lua_State* L) {
  const char* msg = lua_tostring(L, 1);
  std::string text;
  if (msg != nullptr) {
    text.assign(msg, std::min<std::size_t>(std::strlen(msg), 4096));
  } else {
    text = std::string("(error object is a ") + luaL_typename(L, 1) + " value)";
  }
  luaL_traceback(L, L, text.c_str(), 1);
  return 1;
}

// Copies table at `index` into a new table [-0, +1], leaving out names in `skip`.
template <std::size_t N>
void PushCopy(lua_State* L, int index, const char* const (&skip)[N]) {
  index = lua_absindex(L, index);
  lua_newtable(L);
  lua_pushnil(L);
  while (lua_next(L, index) != 0) {
    bool skipped = false;
    if (lua_type(L, -2) == LUA_TSTRING) {
      for (const char* s : skip) skipped = skipped || std::strcmp(lua_tostring(L, -2), s) == 0;
    }
    if (skipped) {
      lua_pop(L, 1);
      continue;
    }
    lua_pushvalue(L, -2);  // key
    lua_insert(L, -2);     // key key value
    lua_rawset(L, -4);     // copy[key] = value; leaves key
  }
}

// The worst number of steps Lua's backtracking matcher may take for `pattern` over `subject_len`
// bytes. Each `*`, `-` or `+` item that something else follows can try every length of the rest
// of the subject, and an unanchored search tries every start: at most C(n + m, m) steps for m
// such choices (`?` doubles). A quantified last item needs no backtracking and is not counted.
double PatternStepBound(std::string_view pattern, std::size_t subject_len, bool caret_anchors) {
  std::size_t i = 0;
  const bool anchored = caret_anchors && !pattern.empty() && pattern[0] == '^';
  if (!pattern.empty() && pattern[0] == '^') i = 1;
  int choices = anchored ? 0 : 1;
  double optional_factor = 1;
  bool last_was_quantified = false;
  while (i < pattern.size()) {
    const char c = pattern[i];
    if (c == '(' || c == ')' || (c == '$' && i + 1 == pattern.size())) {
      ++i;  // captures and the end anchor match no characters
      continue;
    }
    // One single-character item: %x, [set], . or a literal; %b and %f take arguments.
    std::size_t end = i + 1;
    if (c == '%' && end < pattern.size()) {
      const char kind = pattern[end];
      end += 1;
      if (kind == 'b') end += 2;
      if (kind == 'f' && end < pattern.size() && pattern[end] == '[') {
        end += 1;
        if (end < pattern.size() && pattern[end] == '^') ++end;
        if (end < pattern.size()) ++end;  // a ']' right after '[' is a member
        while (end < pattern.size() && pattern[end] != ']') end += pattern[end] == '%' ? 2 : 1;
        end += 1;
      }
    } else if (c == '[') {
      if (end < pattern.size() && pattern[end] == '^') ++end;
      if (end < pattern.size()) ++end;
      while (end < pattern.size() && pattern[end] != ']') end += pattern[end] == '%' ? 2 : 1;
      end += 1;
    }
    end = std::min(end, pattern.size());
    last_was_quantified = false;
    if (end < pattern.size()) {
      const char q = pattern[end];
      if (q == '*' || q == '-' || q == '+') {
        ++choices;
        last_was_quantified = true;
        ++end;
      } else if (q == '?') {
        optional_factor *= 2;
        ++end;
      }
    }
    i = end;
  }
  if (last_was_quantified) --choices;
  double bound = optional_factor * static_cast<double>(std::max<std::size_t>(subject_len, 1));
  const double n = static_cast<double>(subject_len);
  for (int k = 2; k <= choices; ++k) bound *= (n + k) / k;
  return bound;
}

// Pattern functions with the subject length and the backtracking bound capped: the count hook
// never fires inside C code, so a backtracking pattern would run unbounded.
int GuardedPattern(lua_State* L) {
  std::size_t len = 0;
  luaL_checklstring(L, 1, &len);
  const LuaSandbox* sandbox = SandboxOf(L);
  if (len > sandbox->limits().pattern_subject_bytes) {
    return luaL_error(L, "pattern subject of %d bytes is over the sandbox limit of %d bytes",
                      static_cast<int>(len), static_cast<int>(sandbox->limits().pattern_subject_bytes));
  }
  const std::string_view function = lua_tostring(L, lua_upvalueindex(2));
  const bool plain_find = function == "find" && lua_toboolean(L, 4);
  std::size_t pattern_len = 0;
  const char* pattern = lua_tolstring(L, 2, &pattern_len);
  if (!plain_find && pattern != nullptr) {
    // gmatch takes a leading '^' as a plain character (Lua 5.4 manual, string.gmatch).
    const double steps = PatternStepBound(std::string_view(pattern, pattern_len), len, function != "gmatch");
    if (steps > sandbox->limits().pattern_steps) {
      char message[400];
      std::snprintf(message, sizeof message,
                    "pattern '%s' over a subject of %zu bytes could take %.3g matching steps, over the sandbox limit "
                    "of %.3g; anchor the pattern with ^, use fewer repeated items (*, -, +) before its end, or match "
                    "a shorter subject",
                    std::string(pattern, std::min<std::size_t>(pattern_len, 60)).c_str(), len, steps,
                    sandbox->limits().pattern_steps);
      return luaL_error(L, "%s", message);
    }
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

// setmetatable that refuses __gc: finalizers run with hooks off, so a looping one could never
// be stopped. (A __gc added to the metatable later has no effect in Lua 5.4.)
int SandboxSetmetatable(lua_State* L) {
  if (lua_istable(L, 2)) {
    lua_pushliteral(L, "__gc");
    if (lua_rawget(L, 2) != LUA_TNIL) return luaL_error(L, "setmetatable: __gc metamethods are not allowed in the sandbox");
    lua_pop(L, 1);
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

// The script's message handler, skipped once the budget has expired: Lua calls a handler for
// an error raised inside a hook with hooks disabled, so a looping handler would never stop.
int GuardedMessageHandler(lua_State* L) {
  if (SandboxOf(L)->budget_expired()) {
    lua_settop(L, 1);
    return 1;
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

int SandboxXpcall(lua_State* L) {
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_pushvalue(L, 2);
  lua_pushcclosure(L, GuardedMessageHandler, 1);
  lua_replace(L, 2);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

// load(chunk [, name [, mode [, env]]]): text only, and the sandbox env unless a table is given.
int SandboxLoad(lua_State* L) {
  std::size_t len = 0;
  const char* chunk = lua_tolstring(L, 1, &len);
  if (chunk == nullptr) return luaL_error(L, "load: only string chunks are allowed in the sandbox");
  const char* name = luaL_optstring(L, 2, "=(load)");
  const int status = luaL_loadbufferx(L, chunk, len, name, "t");
  if (status != LUA_OK) {
    lua_pushnil(L);
    lua_insert(L, -2);
    return 2;
  }
  if (lua_istable(L, 4)) {
    lua_pushvalue(L, 4);
  } else {
    SandboxOf(L)->PushEnv();
  }
  lua_setupvalue(L, -2, 1);  // _ENV of the new chunk
  return 1;
}

// print(...): goes to the state's bounded log, never to stdout.
int SandboxPrint(lua_State* L) {
  std::string line;
  const int n = lua_gettop(L);
  for (int i = 1; i <= n; ++i) {
    std::size_t len = 0;
    const char* s = luaL_tolstring(L, i, &len);
    if (i > 1) line += '\t';
    line.append(s, len);
    lua_pop(L, 1);
  }
  SandboxOf(L)->AppendLog(line);
  return 0;
}

// collectgarbage: only "count" (a script must not stop the collector).
int SandboxCollectGarbage(lua_State* L) {
  const char* opt = luaL_optstring(L, 1, "count");
  if (std::strcmp(opt, "count") != 0) return luaL_error(L, "collectgarbage: only \"count\" is allowed");
  lua_pushnumber(L, static_cast<lua_Number>(lua_gc(L, LUA_GCCOUNT, 0)) +
                        static_cast<lua_Number>(lua_gc(L, LUA_GCCOUNTB, 0)) / 1024.0);
  return 1;
}

}  // namespace

LuaSandbox* LuaSandbox::From(lua_State* L) { return SandboxOf(L); }

LuaSandbox::LuaSandbox(const LuaLimits& limits) : limits_(limits) {}

LuaSandbox::~LuaSandbox() {
  if (L_ != nullptr) lua_close(L_);
}

Result<std::unique_ptr<LuaSandbox>> LuaSandbox::Create(const LuaLimits& limits) {
  std::unique_ptr<LuaSandbox> sandbox(new LuaSandbox(limits));
  Status st = sandbox->Init();
  if (!st.ok()) return st;
  return sandbox;
}

void* LuaSandbox::Allocate(void* ud, void* ptr, std::size_t osize, std::size_t nsize) {
  auto* self = static_cast<LuaSandbox*>(ud);
  const std::size_t old_size = ptr != nullptr ? osize : 0;
  if (nsize == 0) {
    self->memory_in_use_ -= old_size;
    std::free(ptr);
    return nullptr;
  }
  // Growing past the budget fails; shrinking must never fail (Lua manual, lua_Alloc). Outside a
  // protected call only the host allocates (a call's arguments, its context), and a memory error
  // there would be unprotected: the host gets a reserve above the budget that scripts never get.
  const std::size_t limit = self->limits_.memory_bytes + (self->calling_ ? 0 : kHostReserveBytes);
  if (nsize > old_size && self->memory_in_use_ - old_size + nsize > limit) return nullptr;
  void* block = std::realloc(ptr, nsize);
  if (block == nullptr) return nullptr;
  self->memory_in_use_ = self->memory_in_use_ - old_size + nsize;
  return block;
}

void LuaSandbox::InstructionHook(lua_State* L, lua_Debug*) {
  LuaSandbox* self = SandboxOf(L);
  if (!self->budget_expired_) {
    self->instructions_used_ += kHookEvery;
    if (self->instructions_used_ < self->limits_.instructions &&
        std::chrono::steady_clock::now() < self->deadline_) {
      return;
    }
    self->budget_expired_ = true;
    // From now on fire at every instruction: a pcall in the script that catches this error
    // gets the same error again at its next instruction, so the stop cannot be swallowed.
    lua_sethook(L, &LuaSandbox::InstructionHook, LUA_MASKCOUNT, 1);
  }
  luaL_error(L, kBudgetMessage);
}

Status LuaSandbox::Init() {
  L_ = lua_newstate(&LuaSandbox::Allocate, this);
  if (L_ == nullptr) return Internal("cannot create a Lua state");
  *static_cast<LuaSandbox**>(lua_getextraspace(L_)) = this;
  lua_atpanic(L_, [](lua_State* L) -> int {
    std::fprintf(stderr, "siaga: unprotected Lua error: %s\n", lua_tostring(L, -1));
    std::abort();
  });

  // Open only the libraries we copy from; never luaL_openlibs.
  luaL_requiref(L_, LUA_GNAME, luaopen_base, 1);
  luaL_requiref(L_, LUA_STRLIBNAME, luaopen_string, 1);
  luaL_requiref(L_, LUA_TABLIBNAME, luaopen_table, 1);
  luaL_requiref(L_, LUA_MATHLIBNAME, luaopen_math, 1);
  luaL_requiref(L_, LUA_UTF8LIBNAME, luaopen_utf8, 1);
  luaL_requiref(L_, LUA_OSLIBNAME, luaopen_os, 1);
  lua_pop(L_, 6);

  lua_newtable(L_);  // env
  const int env = lua_gettop(L_);
  lua_pushglobaltable(L_);
  const int globals = lua_gettop(L_);
  for (const char* name : kBaseAllowList) {
    lua_getfield(L_, globals, name);
    lua_setfield(L_, env, name);
  }
  lua_pushvalue(L_, env);
  lua_setfield(L_, env, "_G");
  lua_getfield(L_, globals, "setmetatable");
  lua_pushcclosure(L_, SandboxSetmetatable, 1);
  lua_setfield(L_, env, "setmetatable");
  lua_getfield(L_, globals, "xpcall");
  lua_pushcclosure(L_, SandboxXpcall, 1);
  lua_setfield(L_, env, "xpcall");

  // string: a copy for the script, a second hidden copy behind the shared string metatable.
  lua_getfield(L_, globals, LUA_STRLIBNAME);
  const int string_lib = lua_gettop(L_);
  PushCopy(L_, string_lib, kStringBlockList);  // script's string table
  for (const char* fn : kPatternFunctions) {
    lua_getfield(L_, -1, fn);
    lua_pushstring(L_, fn);
    lua_pushcclosure(L_, GuardedPattern, 2);
    lua_setfield(L_, -2, fn);
  }
  lua_setfield(L_, env, "string");
  PushCopy(L_, string_lib, kStringBlockList);  // hidden copy for method calls
  for (const char* fn : kPatternFunctions) {
    lua_getfield(L_, -1, fn);
    lua_pushstring(L_, fn);
    lua_pushcclosure(L_, GuardedPattern, 2);
    lua_setfield(L_, -2, fn);
  }
  lua_pushliteral(L_, "");
  lua_getmetatable(L_, -1);   // hidden_copy "" mt
  lua_pushvalue(L_, -3);
  lua_setfield(L_, -2, "__index");
  lua_pushboolean(L_, 0);
  lua_setfield(L_, -2, "__metatable");
  lua_pop(L_, 4);  // mt, "", hidden copy, string_lib

  static const char* const kNothing[] = {""};
  for (const char* lib : {LUA_TABLIBNAME, LUA_MATHLIBNAME, LUA_UTF8LIBNAME}) {
    lua_getfield(L_, globals, lib);
    PushCopy(L_, -1, kNothing);
    lua_setfield(L_, env, lib);
    lua_pop(L_, 1);
  }
  lua_getfield(L_, globals, LUA_OSLIBNAME);
  lua_newtable(L_);
  for (const char* fn : kOsAllowList) {
    lua_getfield(L_, -2, fn);
    lua_setfield(L_, -2, fn);
  }
  lua_setfield(L_, env, "os");
  lua_pop(L_, 1);

  lua_pushcfunction(L_, SandboxLoad);
  lua_setfield(L_, env, "load");
  lua_pushcfunction(L_, SandboxPrint);
  lua_setfield(L_, env, "print");
  lua_pushcfunction(L_, SandboxCollectGarbage);
  lua_setfield(L_, env, "collectgarbage");

  lua_pop(L_, 1);  // globals
  env_ref_ = luaL_ref(L_, LUA_REGISTRYINDEX);  // pops env
  // The real global table keeps the full libraries for the host; no script can reach it.
  return Status::Ok();
}

void LuaSandbox::PushEnv() { lua_rawgeti(L_, LUA_REGISTRYINDEX, env_ref_); }

void LuaSandbox::RegisterGlobal(const char* name, lua_CFunction fn) {
  PushEnv();
  lua_pushcfunction(L_, fn);
  lua_setfield(L_, -2, name);
  lua_pop(L_, 1);
}

void LuaSandbox::AppendLog(std::string_view line) {
  if (log_.size() >= limits_.log_bytes) return;
  log_.append(line.substr(0, limits_.log_bytes - log_.size()));
  log_.push_back('\n');
}

Status LuaSandbox::Load(std::string_view source, const std::string& chunk_name) {
  if (!source.empty() && source[0] == LUA_SIGNATURE[0])
    return ScriptError(chunk_name + ": binary (precompiled) chunks are refused; only Lua source text is loaded");
  const std::string name = "@" + chunk_name;
  const int rc = luaL_loadbufferx(L_, source.data(), source.size(), name.c_str(), "t");
  if (rc != LUA_OK) {
    std::string message = lua_tostring(L_, -1) != nullptr ? lua_tostring(L_, -1) : "cannot load chunk";
    lua_pop(L_, 1);
    return ScriptError(rc == LUA_ERRMEM ? chunk_name + ": not enough memory to compile" : message);
  }
  PushEnv();
  lua_setupvalue(L_, -2, 1);  // _ENV
  return Status::Ok();
}

Status LuaSandbox::ProtectedCall(int nargs, int nresults) {
  if (calling_) {
    // A nested door (a host binding calling back into Lua) shares the outer budget.
    const int base = lua_gettop(L_) - nargs;
    lua_pushcfunction(L_, MessageHandler);
    lua_insert(L_, base);
    const int rc = lua_pcall(L_, nargs, nresults, base);
    lua_remove(L_, base);
    if (rc == LUA_OK) return Status::Ok();
    std::string message = lua_tostring(L_, -1) != nullptr ? lua_tostring(L_, -1) : "error";
    lua_pop(L_, 1);
    return ScriptError(message);
  }
  calling_ = true;
  instructions_used_ = 0;
  budget_expired_ = false;
  deadline_ = std::chrono::steady_clock::now() + limits_.wall_time;
  lua_sethook(L_, &LuaSandbox::InstructionHook, LUA_MASKCOUNT, kHookEvery);

  const int base = lua_gettop(L_) - nargs;  // index of the function
  lua_pushcfunction(L_, MessageHandler);
  lua_insert(L_, base);
  const int rc = lua_pcall(L_, nargs, nresults, base);
  lua_remove(L_, base);

  lua_sethook(L_, nullptr, 0, 0);
  calling_ = false;
  if (rc == LUA_OK) return Status::Ok();

  std::string message;
  if (rc == LUA_ERRMEM) {
    message = "script stopped: memory budget of " + std::to_string(limits_.memory_bytes >> 20) + " MiB exhausted";
  } else if (budget_expired_) {
    message = kBudgetMessage;
    if (const char* m = lua_tostring(L_, -1)) {
      std::string s(m);
      const auto pos = s.find("\nstack traceback");
      message += pos != std::string::npos ? s.substr(pos) : "";
    }
  } else {
    message = lua_tostring(L_, -1) != nullptr ? lua_tostring(L_, -1) : "script error";
  }
  lua_pop(L_, 1);
  lua_gc(L_, LUA_GCCOLLECT, 0);  // give back what a failed script held before the next call
  return ScriptError(message);
}

LuaRef LuaRef::PopFrom(lua_State* L) {
  LuaRef r;
  r.L_ = L;
  r.ref_ = luaL_ref(L, LUA_REGISTRYINDEX);
  return r;
}

LuaRef::~LuaRef() {
  if (L_ != nullptr && ref_ != LUA_NOREF) luaL_unref(L_, LUA_REGISTRYINDEX, ref_);
}

LuaRef::LuaRef(LuaRef&& other) noexcept : L_(other.L_), ref_(other.ref_) {
  other.L_ = nullptr;
  other.ref_ = LUA_NOREF;
}

LuaRef& LuaRef::operator=(LuaRef&& other) noexcept {
  if (this != &other) {
    if (L_ != nullptr && ref_ != LUA_NOREF) luaL_unref(L_, LUA_REGISTRYINDEX, ref_);
    L_ = other.L_;
    ref_ = other.ref_;
    other.L_ = nullptr;
    other.ref_ = LUA_NOREF;
  }
  return *this;
}

void LuaRef::Push() const { lua_rawgeti(L_, LUA_REGISTRYINDEX, ref_); }

}  // namespace siaga
