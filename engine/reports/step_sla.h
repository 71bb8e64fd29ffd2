// Host-side aggregate of step deadlines (Mutu Baku): one pass over step_instances counts, per
// group, the visits whose deadline was met or breached and the durations' median and 90th
// percentile. A Lua loop over millions of step visits cannot meet the 2-second target
// (DESIGN.md §8), so this runs in C++ and scripts get a few dozen rows (data.step_sla).
//
// Which visits count: work steps (task, decision, external) that have a deadline (due_at) and
// were not cancelled, whose visit became ready in [from, to).
// - done:  met when completed_at <= due_at, else late.
// - open:  overdue when now >= due_at (a breach already), else still within its time.
// - duration = completed_at - ready_at (elapsed seconds) of done visits; median and p90 use the
//   nearest-rank method (the smallest duration that at least 50 % / 90 % of visits do not exceed).
// - month: the local month (the procedure's zone) of ready_at, as "2026-01".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "reports/report_catalog.h"
#include "reports/scan_control.h"
#include "store/database.h"

namespace siaga {

enum class SlaDimension { kProcedure, kStep, kRole, kMonth };

const char* SlaDimensionName(SlaDimension d);

struct StepSlaQuery {
  std::optional<std::vector<std::string>> procedures;  // nullopt: all
  std::optional<std::string> role, step;
  std::optional<UnixSeconds> from, to;                  // on ready_at
  UnixSeconds now = 0;
  std::vector<std::vector<SlaDimension>> groupings;     // each: the dimensions of one grouping
  // From this many step rows on, the scan is split in two halves read on two connections at the
  // same snapshot (two cores); 0: always one. See AggregateStepSla.
  std::int64_t parallel_from_rows = 400'000;
};

struct StepSlaGroup {
  std::string procedure, step, role, month;  // "" for dimensions not in the grouping
  std::int64_t visits = 0, done = 0, met = 0, late = 0, open = 0, open_overdue = 0;
  std::optional<std::int64_t> median_seconds, p90_seconds;  // of done visits; none when there are none
};

struct StepSlaResult {
  StepSlaGroup total;
  std::vector<std::vector<StepSlaGroup>> groupings;  // same order as the query's; groups sorted
  std::int64_t rows_scanned = 0;
  int threads = 1;  // 2 when the scan was split (AggregateStepSla)
};

// Reads on `db`. When the step table is large and `db` is inside a read transaction, a second
// read-only connection to the same file reads the upper half of the step ids on a second thread;
// it is used only if it shows the very same snapshot (the latest audit event, step visit and case
// agree; every change the engine commits writes an audit event), else the scan stays on one thread.
Result<StepSlaResult> AggregateStepSla(Database& db, const ReportCatalog& catalog, const StepSlaQuery& query,
                                       ScanControl& control);



}  // namespace siaga
