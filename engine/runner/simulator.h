// `siaga simulate`: runs a procedure on a virtual clock in a throw-away in-memory store, with
// scripted decisions and signals, and reports the path taken, each step's deadline and the
// total time. The simulation uses the real engine, so what it shows is what a case would do.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "procedure/registry.h"
#include "store/database.h"

namespace siaga {

struct SimulationOptions {
  std::string procedure_id;
  UnixSeconds start = 0;
  std::map<std::string, std::deque<std::string>> choices;  // decision step -> branch labels, in order
  std::map<std::string, std::deque<std::string>> signals;  // wait step -> signals, in order
  enum class Pace { kDue, kLowEnd, kInstant } pace = Pace::kDue;
  int max_steps = 500;
};

struct SimulatedStep {
  std::string case_number, procedure_id, step_id, no, kind, role, outcome, basis, waktu;
  std::int64_t visit = 0;
  UnixSeconds ready_at = 0;
  std::optional<UnixSeconds> due_at;
  std::optional<UnixSeconds> done_at;
  bool late = false;
};

struct SimulationReport {
  std::vector<SimulatedStep> path;
  UnixSeconds start = 0, end = 0;
  std::string outcome;
  std::string sla_kasus;  // the service standard as written, if any
  std::optional<UnixSeconds> sla_due;
  std::string zone_label;
  int utc_offset_minutes = 0;
  std::vector<std::string> notes;  // e.g. decisions taken by default
};

// Runs in a fresh in-memory store.
Result<SimulationReport> Simulate(ProcedureRegistry& registry, const SimulationOptions& options);
// Runs in `db` (used by `siaga demo` to leave real cases behind); the clock starts at
// options.start or at the store's latest instant, whichever is later.
Result<SimulationReport> SimulateInto(Database& db, ProcedureRegistry& registry, const SimulationOptions& options);

}  // namespace siaga
