// Hooks that attack the host between calls: the engine sets up each call (context, snapshots,
// the hook lookup) outside the script's protected call, where a Lua error would abort the
// process. A hook that fills its memory budget and keeps it, or that puts traps on its own
// procedure table, must get clean refusals and leave the engine running.
#include <catch2/catch.hpp>

#include "engine_fixture.h"

using namespace siaga;

namespace {

// `P` is the procedure's own table, kept in a file local so its hooks can reach it.
std::string Procedure(const std::string& on_open) {
  return R"lua(
local keep = {}
local P
P = sop {
  id = "uji/mini", revision = 1, instansi = "uji", zona_waktu = "WIB",
  identitas = { nama = "Uji" },
  pelaksana = { staf = { label = "Staf", kolom = 1 } },
  on_open = function(ctx)
)lua" + on_open + R"lua(
  end,
  langkah = {
    task "terima" { no = 1, kegiatan = "Menerima", pelaksana = "staf", waktu = "1 jam", next = "selesai",
      on_complete = function(ctx) ctx:note("selesai") end },
    finish "selesai" { no = 2, kegiatan = "Selesai" },
  },
}
return P
)lua";
}

Command Open() {
  Command c;
  c.type = Command::Type::kOpenCase;
  c.procedure_id = "uji/mini";
  c.title = "uji";
  return c;
}

}  // namespace

TEST_CASE("a hook that keeps its memory budget full leaves the next call set up cleanly", "[runner][hostile][lua]") {
  test::EngineFixture f;
  // The first call fills the budget to the last kilobyte and keeps it (the memory errors it
  // meets are caught by its own pcall). The host must still build the next calls' contexts (it
  // has a reserve the script never gets), and their own allocations must be refused for memory.
  f.Load(Procedure(R"(
    if #keep == 0 then
      while pcall(function() keep[#keep + 1] = string.rep('k', 1000) .. #keep end) do end
      return
    end
    local more = string.rep('m', 1 << 20) .. #keep
  )"));
  CommandResult first = f.engine.Apply(Open());
  INFO(first.status.message());
  CHECK(first.status.ok());
  for (int i = 0; i < 3; ++i) {
    CommandResult next = f.engine.Apply(Open());
    CHECK(next.status.code() == StatusCode::kScriptError);
    CHECK_THAT(next.status.message(), Catch::Contains("memory"));
  }
}

TEST_CASE("a hook that traps or empties its procedure table does not crash the host's hook lookups", "[runner][hostile][lua]") {
  test::EngineFixture f;
  f.Load(Procedure(R"(
    setmetatable(P, { __index = function() error("trap in __index") end })
    setmetatable(P.langkah[1], { __index = function() error("trap in a step") end })
    P.fungsi = setmetatable({}, { __index = function() error("trap in fungsi") end })
  )"));
  CommandResult first = f.engine.Apply(Open());
  REQUIRE(first.status.ok());
  // The lookups for on_enter, on_complete, on_close... now meet the traps: raw lookups skip them.
  Command complete;
  complete.type = Command::Type::kComplete;
  complete.case_id = first.case_id;
  complete.step_id = "terima";
  CHECK(f.engine.Apply(complete).status.ok());

  test::EngineFixture g;
  g.Load(Procedure("P.langkah = 'gone' P.fungsi = 42"));
  CommandResult opened = g.engine.Apply(Open());
  REQUIRE(opened.status.ok());
  complete.case_id = opened.case_id;
  CHECK(g.engine.Apply(complete).status.ok());
  CHECK(g.engine.Apply(Open()).status.ok());
}
