// An engine on a fresh store with a fake clock at Monday 5 January 2026, 08:00 WIB, for unit
// tests of the runner. Tests add the procedures they need with Load.
#pragma once

#include <catch2/catch.hpp>

#include "procedure/loader.h"
#include "runner/engine.h"
#include "test_support.h"

namespace siaga::test {

struct EngineFixture {
  TempDir dir;
  std::unique_ptr<Database> db = std::move(*OpenStore(dir / "siaga.db"));
  FakeClock clock{*ParseInstant("2026-01-05T08:00", 7 * 60)};
  ProcedureRegistry registry;
  Engine engine{*db, registry, clock};

  std::shared_ptr<CompiledProcedure> Load(const std::string& source, const std::string& file = "sop/uji/mini.lua") {
    LoadResult r = LoadProcedureSource(source, file);
    std::string errors;
    for (const auto& d : r.diagnostics) errors += d.ToString() + "\n";
    INFO(errors);
    REQUIRE(r.procedure);
    registry.Add(r.procedure);
    return r.procedure;
  }
};

}  // namespace siaga::test
