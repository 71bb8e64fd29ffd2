#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "lua/json_bridge.h"
#include "lua/sandbox.h"

using namespace siaga;

namespace {

std::unique_ptr<LuaSandbox> NewSandbox(LuaLimits limits = {}) {
  auto s = LuaSandbox::Create(limits);
  REQUIRE(s.ok());
  return std::move(*s);
}

// Runs `code`; returns the Status and, on success, the first result as a string.
std::pair<Status, std::string> Run(LuaSandbox& sb, const std::string& code) {
  Status st = sb.Load(code, "test.lua");
  if (!st.ok()) return {st, ""};
  st = sb.ProtectedCall(0, 1);
  if (!st.ok()) return {st, ""};
  std::size_t len = 0;
  const char* s = luaL_tolstring(sb.state(), -1, &len);
  std::string out(s, len);
  lua_pop(sb.state(), 2);
  return {st, out};
}

}  // namespace

TEST_CASE("the sandbox environment holds only allow-listed names", "[lua][sandbox]") {
  auto sb = NewSandbox();
  const std::set<std::string> allowed = {
      "assert", "error", "ipairs", "next", "pairs", "pcall", "xpcall", "select", "tonumber", "tostring", "type",
      "rawequal", "rawlen", "rawget", "rawset", "setmetatable", "getmetatable", "_VERSION", "_G", "string", "table",
      "math", "utf8", "os", "load", "print", "collectgarbage"};
  auto [st, names] = Run(*sb, "local t = {} for k in pairs(_ENV) do t[#t+1] = k end table.sort(t) return table.concat(t, ' ')");
  REQUIRE(st.ok());
  std::set<std::string> found;
  for (std::size_t start = 0; start < names.size();) {
    const std::size_t space = names.find(' ', start);
    found.insert(names.substr(start, space - start));
    if (space == std::string::npos) break;
    start = space + 1;
  }
  for (const auto& name : found) {
    INFO(name);
    CHECK(allowed.contains(name));
  }
  CHECK(Run(*sb, "local t = {} for k in pairs(os) do t[#t+1] = k end table.sort(t) return table.concat(t, ',')").second ==
        "clock,date,difftime,time");
  CHECK(Run(*sb, "return string.dump").second == "nil");
}

TEST_CASE("one script cannot change string methods for another state or run", "[lua][sandbox]") {
  auto a = NewSandbox();
  auto [st, r] = Run(*a, "local ok = pcall(function() getmetatable('').__index = function() return 'PWNED' end end) "
                         "string.upper = function() return 'PWNED' end return tostring(ok)");
  REQUIRE(st.ok());
  CHECK(r == "false");  // the metatable is hidden: getmetatable('') is false
  CHECK(Run(*a, "return ('x'):upper()").second == "X");
  auto b = NewSandbox();
  CHECK(Run(*b, "return ('hello'):upper()").second == "HELLO");
}

TEST_CASE("load is text-only and bound to the sandbox", "[lua][sandbox]") {
  auto sb = NewSandbox();
  CHECK(Run(*sb, "return load('return 1 + 1')()").second == "2");
  CHECK(Run(*sb, "return select(2, load('\\27Lua', 'x', 'b'))").second.find("binary") != std::string::npos);
  CHECK(Run(*sb, "return load('return os.execute')()").second == "nil");
  CHECK(Run(*sb, "return select(2, pcall(load, function() return 'x' end))").second.find("only string chunks") != std::string::npos);
}

TEST_CASE("print goes to a bounded log, not stdout", "[lua][sandbox]") {
  LuaLimits limits;
  limits.log_bytes = 100;
  auto sb = NewSandbox(limits);
  REQUIRE(Run(*sb, "for i = 1, 1000 do print('line', i) end return true").first.ok());
  CHECK(sb->log().size() <= 101);
  CHECK(sb->log().rfind("line\t1\n", 0) == 0);
}

TEST_CASE("errors come back with file, line and a traceback", "[lua][sandbox]") {
  auto sb = NewSandbox();
  auto [st, r] = Run(*sb, "local x = 1\nerror('boom')");
  CHECK(st.code() == StatusCode::kScriptError);
  CHECK_THAT(st.message(), Catch::Contains("test.lua:2: boom") && Catch::Contains("stack traceback"));
  auto [st2, r2] = Run(*sb, "error(setmetatable({}, {__tostring = function() while true do end end}))");
  CHECK_THAT(st2.message(), Catch::Contains("error object is a table value"));
  CHECK(Run(*sb, "return 1 + 1").second == "2");
}

TEST_CASE("LuaRef releases its registry slot", "[lua][sandbox]") {
  auto sb = NewSandbox();
  lua_State* L = sb->state();
  lua_pushinteger(L, 42);
  const int before = lua_gettop(L);
  {
    LuaRef ref = LuaRef::PopFrom(L);
    ref.Push();
    CHECK(lua_tointeger(L, -1) == 42);
    lua_pop(L, 1);
    LuaRef moved = std::move(ref);
    CHECK(moved.valid());
    CHECK_FALSE(ref.valid());  // NOLINT(bugprone-use-after-move): checking the moved-from state
  }
  CHECK(lua_gettop(L) == before - 1);
}

TEST_CASE("JSON crosses the Lua boundary both ways with limits", "[lua][json]") {
  auto sb = NewSandbox();
  lua_State* L = sb->state();
  const nlohmann::json value = {{"a", 1}, {"b", {1, 2, 3}}, {"c", "teks"}, {"d", true}, {"e", 1.5}};
  PushJson(L, value);
  auto back = LuaToJson(L, -1);
  lua_pop(L, 1);
  REQUIRE(back.ok());
  CHECK(*back == value);
  REQUIRE(sb->Load("local t = {} t.self = t return t", "cycle.lua").ok());
  REQUIRE(sb->ProtectedCall(0, 1).ok());
  CHECK_FALSE(LuaToJson(L, -1).ok());
  lua_pop(L, 1);
  REQUIRE(sb->Load("return { 1, 2, x = 3 }", "mixed.lua").ok());
  REQUIRE(sb->ProtectedCall(0, 1).ok());
  CHECK_FALSE(LuaToJson(L, -1).ok());
  lua_pop(L, 1);
  REQUIRE(sb->Load("return function() end", "fn.lua").ok());
  REQUIRE(sb->ProtectedCall(0, 1).ok());
  CHECK_THAT(LuaToJson(L, -1).status().message(), Catch::Contains("function"));
  lua_pop(L, 1);
}

// Lua strings are bytes; JSON text must be UTF-8 (see tests/unit/procedure/loader_test.cpp, "data
// that is not UTF-8 text", found by fuzz_procedure_loader).
TEST_CASE("LuaToJson refuses strings and keys that are not UTF-8", "[lua][json][fuzz]") {
  auto sandbox = LuaSandbox::Create();
  REQUIRE(sandbox.ok());
  lua_State* L = (*sandbox)->state();
  for (const char* chunk : {"return '\\xC1'", "return { a = 'x\\xFF' }", "return { ['\\xE9t\\xE9'] = 1 }",
                            "return { 'ok', ('\\u{20AC}'):sub(1, 2) }"}) {
    INFO(chunk);
    REQUIRE((*sandbox)->Load(chunk, "=t").ok());
    REQUIRE((*sandbox)->ProtectedCall(0, 1).ok());
    auto j = LuaToJson(L, -1);
    lua_pop(L, 1);
    REQUIRE_FALSE(j.ok());
    CHECK_THAT(j.status().message(), Catch::Contains("not valid UTF-8"));
  }
  REQUIRE((*sandbox)->Load("return { kota = 'Tanjung Selor \\u{2013} Kaltara', ['\\u{e9}'] = 'ok' }", "=t").ok());
  REQUIRE((*sandbox)->ProtectedCall(0, 1).ok());
  auto good = LuaToJson(L, -1);
  lua_pop(L, 1);
  REQUIRE(good.ok());
  CHECK(good->dump().size() > 10);
}
