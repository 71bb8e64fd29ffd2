#include <catch2/catch.hpp>

#include "procedure_fixtures.h"
#include "runner/simulator.h"

using namespace siaga;

namespace {

ProcedureRegistry MiniRegistry() {
  ProcedureRegistry registry;
  LoadResult r = LoadProcedureSource(test::Mini(), "sop/uji/mini.lua");
  REQUIRE(r.procedure);
  registry.Add(r.procedure);
  return registry;
}

std::vector<std::string> Steps(const SimulationReport& r) {
  std::vector<std::string> out;
  for (const auto& s : r.path) out.push_back(s.step_id + "#" + std::to_string(s.visit));
  return out;
}

}  // namespace

TEST_CASE("simulate follows scripted choices on a virtual clock", "[simulate]") {
  ProcedureRegistry registry = MiniRegistry();
  SimulationOptions options;
  options.procedure_id = "uji/mini";
  options.start = *ParseInstant("2026-01-05T08:00", 7 * 60);
  options.choices["periksa"] = {"ulang", "ok"};
  auto report = Simulate(registry, options);
  REQUIRE(report.ok());
  CHECK(Steps(*report) == std::vector<std::string>{"terima#1", "periksa#1", "terima#2", "periksa#2", "beritahu#1", "tunggu#1", "selesai#1"});
  CHECK(report->outcome == "beres");
  // Each step is done at its deadline: terima 2 jam, periksa 1-2 jam (high end), ...
  CHECK(FormatLocal(*report->path[0].due_at, 420, "WIB") == "2026-01-05 10:00 WIB");
  CHECK(FormatLocal(*report->path[3].done_at, 420, "WIB") == "2026-01-06 08:30 WIB");
  // The 5-day wait runs out at close of business on the fifth working day.
  CHECK(FormatLocal(report->end, 420, "WIB") == "2026-01-13 16:00 WIB");
  CHECK(report->notes.empty());
}

TEST_CASE("simulate: a signal ends a wait early, and unscripted decisions are reported", "[simulate]") {
  ProcedureRegistry registry = MiniRegistry();
  SimulationOptions options;
  options.procedure_id = "uji/mini";
  options.start = *ParseInstant("2026-01-05T08:00", 7 * 60);
  options.signals["tunggu"] = {"lanjutan"};
  options.pace = SimulationOptions::Pace::kInstant;
  auto report = Simulate(registry, options);
  REQUIRE(report.ok());
  const auto steps = Steps(*report);
  CHECK(std::count(steps.begin(), steps.end(), "tunggu#2") == 1);
  CHECK(report->outcome == "beres");
  REQUIRE_FALSE(report->notes.empty());
  CHECK_THAT(report->notes.front(), Catch::Contains("no choice scripted for step 'periksa'"));
}

TEST_CASE("simulate: unknown procedures and unused choices are reported", "[simulate]") {
  ProcedureRegistry registry = MiniRegistry();
  SimulationOptions options;
  options.procedure_id = "uji/tidak-ada";
  CHECK(Simulate(registry, options).status().code() == StatusCode::kNotFound);
  options.procedure_id = "uji/mini";
  options.choices["periksa"] = {"ok"};
  options.choices["tidak_ada"] = {"x"};
  auto report = Simulate(registry, options);
  REQUIRE(report.ok());
  CHECK_THAT(report->notes.back(), Catch::Contains("'tidak_ada' were not used"));
  options.choices["periksa"] = {"mungkin"};
  CHECK(Simulate(registry, options).status().code() == StatusCode::kInvalidArgument);
}
