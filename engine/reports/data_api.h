// The read-only data API of report scripts: the `data` table. A fixed set of host functions,
// each a prepared statement with bound parameters, over one read-only connection:
//
//   data.cases(f) / data.each_case(f, fn) / data.count_cases(f)      cases (fields as a table)
//   data.steps(f) / data.each_step(f, fn) / data.count_steps(f)      step visits with deadlines
//   data.events(f) / data.each_event(f, fn)                          the audit trail
//   data.count_cases_by(f, by)                                       case counts per procedure, status, SLA or field
//   data.evidence(f) / data.each_evidence(f, fn), data.decisions(f)  evidence metadata, decisions
//   data.step_sla(f)                                                 host-side SLA aggregate (step_sla.h)
//   data.procedures(), data.now()
//
// The list forms return at most `max_list_rows` rows (an error says to narrow the filter or use
// the each_ form, which calls fn(row) per row with bounded memory; fn returning false stops).
// Every function refuses to run outside the report's run function ("declare at load, act at
// run"), and every long read checks the run's time budget (ScanControl). docs/reports.md is the
// reference for filters and row fields.
#pragma once

#include <lua.hpp>

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "lua/sandbox.h"
#include "reports/report_catalog.h"
#include "reports/scan_control.h"
#include "store/database.h"

namespace siaga {

class DataApi {
 public:
  struct Options {
    UnixSeconds now = 0;
    std::size_t max_list_rows = 50'000;
    // The procedures whose cases this run may read (an HTTP reader's own); nullopt: all.
    std::optional<std::vector<std::string>> readable_procedures;
  };
  enum class Kind { kCases, kSteps, kEvents, kEvidence, kDecisions };
  enum class Mode { kList, kEach, kCount };

  // `db` may be null when scripts are only listed (no function can run then).
  DataApi(Database* db, const ReportCatalog& catalog, ScanControl& control, Options options);

  // Sets env.data in the sandbox. The DataApi must outlive every call into the sandbox.
  void Install(LuaSandbox& sandbox);
  void set_running(bool running) { running_ = running; }

  // Bodies of the Lua C functions (called through trampolines).
  int Query(lua_State* L, Kind kind, Mode mode);
  int StepSla(lua_State* L);
  int CountCasesBy(lua_State* L);
  int Procedures(lua_State* L);
  int Now(lua_State* L);

 private:
  Status CheckRunning(const char* function) const;

  Database* db_;
  const ReportCatalog& catalog_;
  ScanControl& control_;
  Options options_;
  bool running_ = false;
  std::array<bool, 5> busy_{};  // a list/each query of this kind is iterating (its statement is in use)
};

}  // namespace siaga
