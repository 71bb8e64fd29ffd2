// The adapter worker processes: the real siaga binary as the worker, a watchdog that kills a
// run stuck inside a C function (a backtracking pattern), and recovery afterwards.
#include <catch2/catch.hpp>

#include <chrono>

#include "test_support.h"
#include "webhooks/adapter_pool.h"

using namespace siaga;
using namespace siaga::test;

namespace {

AdapterPoolOptions Options(const TempDir& dir) {
  AdapterPoolOptions o;
  o.executable = kBinary;
  o.webhooks_dir = dir.path();
  o.workers = 1;
  o.run_timeout = std::chrono::milliseconds(1500);
  o.queue_wait = std::chrono::milliseconds(5000);
  return o;
}

}  // namespace

TEST_CASE("adapters run in worker processes and a stuck one is killed by the watchdog", "[adapter_pool]") {
  TempDir dir;
  WriteFile(dir / "echo.lua", R"(adapter { title = "echo", format = "json", auth = "token",
    parse = function(p, meta) return { { title = p.title, severity = "low", source = meta.adapter } } end })");
  // Each find stays just under the sandbox's pattern bound (about a second of C code, where the
  // instruction hook cannot fire); the watchdog, at 1.5 s, kills the worker before the script's
  // own 2 s budget is checked between two calls.
  WriteFile(dir / "stuck.lua", R"(adapter { title = "stuck", format = "json", auth = "token",
    parse = function(p) for i = 1, 50 do string.find(string.rep("a", 840), ".-.-x") end return {} end })");
  WriteFile(dir / "picky.lua", R"(adapter { title = "picky", format = "json", auth = "token",
    parse = function(p) if type(p.id) ~= "number" then reject("id", "must be a number") end return {} end })");
  AdapterPool pool(Options(dir));
  const nlohmann::json meta = {{"adapter", "echo"}, {"received_at", 1}, {"sender", "t"}};

  auto out = pool.Run("echo", R"({"title": "hello"})", meta);
  REQUIRE(out.ok());
  CHECK((*out)[0]["title"] == "hello");

  auto rejected = pool.Run("picky", R"({"id": "x"})", meta);
  REQUIRE_FALSE(rejected.ok());
  CHECK(rejected.status().code() == StatusCode::kInvalidArgument);
  CHECK(rejected.status().field() == "id");

  auto malformed = pool.Run("echo", R"({"title": )", meta);
  REQUIRE_FALSE(malformed.ok());
  CHECK(malformed.status().field() == "body");

  const auto t0 = std::chrono::steady_clock::now();
  auto stuck = pool.Run("stuck", "{}", meta);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  REQUIRE_FALSE(stuck.ok());
  CHECK(stuck.status().code() == StatusCode::kScriptError);
  CHECK_THAT(stuck.status().message(), Catch::Contains("killed"));
  CHECK(ms < 3000);
  CHECK(pool.timeouts() == 1);

  // A fresh worker takes the next payload.
  auto after = pool.Run("echo", R"({"title": "again"})", meta);
  REQUIRE(after.ok());
  CHECK((*after)[0]["title"] == "again");

  auto missing = pool.Run("nope", "{}", meta);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == StatusCode::kNotFound);
}

TEST_CASE("an edited adapter file is picked up by the worker on its next run", "[adapter_pool]") {
  TempDir dir;
  WriteFile(dir / "v.lua", R"(adapter { title = "v", format = "json", parse = function() return { { title = "one", severity = "low", source = "v" } } end })");
  AdapterPool pool(Options(dir));
  auto first = pool.Run("v", "{}", nlohmann::json::object());
  REQUIRE(first.ok());
  CHECK((*first)[0]["title"] == "one");
  WriteFile(dir / "v.lua", R"(adapter { title = "v", format = "json", parse = function() return { { title = "two!", severity = "low", source = "v" } } end })");
  auto second = pool.Run("v", "{}", nlohmann::json::object());
  REQUIRE(second.ok());
  CHECK((*second)[0]["title"] == "two!");
}
