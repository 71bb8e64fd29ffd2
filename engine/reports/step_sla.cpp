#include "reports/step_sla.h"

#include <algorithm>
#include <map>
#include <thread>

#include "reports/duration_percentiles.h"
#include "reports/step_sla_scan.h"

namespace siaga {

namespace {

struct ProcedureSlot {
  std::string id;
  std::map<std::string, int> step_order;  // declared position, for sorting
};

std::string MonthLabel(std::uint16_t month_index) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", 1970 + month_index / 12, month_index % 12 + 1);
  return buf;
}

Result<std::int64_t> SingleInt(Database& db, const std::string& sql) {
  auto q = db.Prepare(sql);
  if (!q.ok()) return q.status();
  auto row = q->Step();
  if (!row.ok()) return row.status();
  const std::int64_t v = q->Int(0);
  q->Run();
  return v;
}

// What identifies a snapshot: the engine writes an audit event with every change it commits.
Result<std::string> SnapshotMarker(Database& db) {
  auto q = db.Prepare(
      "SELECT (SELECT COALESCE(MAX(seq), 0) FROM audit_events), (SELECT COALESCE(MAX(id), 0) FROM step_instances), "
      "(SELECT COALESCE(MAX(id), 0) FROM cases)");
  if (!q.ok()) return q.status();
  auto row = q->Step();
  if (!row.ok()) return row.status();
  std::string marker = std::to_string(q->Int(0)) + "/" + std::to_string(q->Int(1)) + "/" + std::to_string(q->Int(2));
  q->Run();
  return marker;
}

// A second connection showing the snapshot `db` reads, or null when there cannot be one.
std::unique_ptr<Database> SiblingAtSameSnapshot(Database& db) {
  if (sqlite3_get_autocommit(db.handle()) != 0 || db.path().empty() || db.path() == ":memory:") return nullptr;
  auto mine = SnapshotMarker(db);
  if (!mine.ok()) return nullptr;
  auto sibling = Database::Open(db.path(), Database::Mode::kReadOnly);
  if (!sibling.ok() || !(*sibling)->Exec("BEGIN").ok()) return nullptr;
  auto theirs = SnapshotMarker(**sibling);
  if (!theirs.ok() || *theirs != *mine) return nullptr;  // a commit fell between: stay on one thread
  return std::move(*sibling);
}

}  // namespace

const char* SlaDimensionName(SlaDimension d) {
  switch (d) {
    case SlaDimension::kProcedure: return "procedure";
    case SlaDimension::kStep: return "step";
    case SlaDimension::kRole: return "role";
    case SlaDimension::kMonth: return "month";
  }
  return "?";
}

Result<StepSlaResult> AggregateStepSla(Database& db, const ReportCatalog& catalog, const StepSlaQuery& query,
                                       ScanControl& control) {
  // 1. The procedure of every case, by case id (ids are dense: MAX(id) + 1 at each open).
  auto max_case_id = SingleInt(db, "SELECT COALESCE(MAX(id), 0) FROM cases");
  if (!max_case_id.ok()) return max_case_id.status();
  if (*max_case_id > 200'000'000) return Internal("case ids above 200,000,000 are not supported by the SLA aggregate");
  std::vector<ProcedureSlot> procedures;
  SlaCaseMap map;
  map.procedure_of_case.assign(static_cast<std::size_t>(*max_case_id) + 1, kSlaNone);
  {
    // Every procedure that has a stored version, then its cases through the covering index
    // (procedure_id, id): whole numbers only, no text per case.
    auto ids = db.Prepare("SELECT DISTINCT procedure_id FROM procedure_versions ORDER BY procedure_id");
    if (!ids.ok()) return ids.status();
    while (true) {
      auto row = ids->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      if (procedures.size() >= kSlaNone - 1) return Internal("more than 65,534 procedures");
      ProcedureSlot p;
      p.id = ids->Text(0);
      int offset = 7 * 60;
      if (const ReportProcedureInfo* info = catalog.Find(p.id)) {
        offset = info->utc_offset_minutes;
        for (std::size_t i = 0; i < info->steps.size(); ++i) p.step_order[info->steps[i].id] = static_cast<int>(i);
      }
      map.wanted.push_back(!query.procedures ||
                           std::find(query.procedures->begin(), query.procedures->end(), p.id) != query.procedures->end());
      map.offset_minutes.push_back(offset);
      procedures.push_back(std::move(p));
    }
    std::int64_t n = 0;
    for (std::size_t slot = 0; slot < procedures.size(); ++slot) {
      if (!map.wanted[slot]) continue;  // its cases stay unknown: their visits are skipped
      auto cases = db.Prepare("SELECT id FROM cases WHERE procedure_id = ?");
      if (!cases.ok()) return cases.status();
      cases->Bind(1, procedures[slot].id);
      while (true) {
        auto row = cases->Step();
        if (!row.ok()) return row.status();
        if (!*row) break;
        SIAGA_TRY(control.Tick("cases", ++n, *max_case_id));
        const std::int64_t id = cases->Int(0);
        if (id >= 0 && id <= *max_case_id) map.procedure_of_case[static_cast<std::size_t>(id)] = static_cast<std::uint16_t>(slot);
      }
    }
    control.AddRows(n);
  }

  // 2. The step visits into cells: one pass, or two halves on two threads.
  auto step_total = SingleInt(db, "SELECT COALESCE(MAX(id), 0) FROM step_instances");
  if (!step_total.ok()) return step_total.status();
  SlaPartial part;
  std::unique_ptr<Database> sibling;
  if (query.parallel_from_rows > 0 && *step_total >= query.parallel_from_rows) sibling = SiblingAtSameSnapshot(db);
  if (sibling) {
    const std::int64_t middle = *step_total / 2;
    SlaPartial upper;
    Status upper_status;
    ScanControl quiet = control.Quiet();
    std::thread helper([&] {
      try {
        upper_status = ScanStepVisits(*sibling, query, map, middle + 1, *step_total, quiet, upper);
      } catch (const std::exception& e) {  // nothing may escape a thread
        upper_status = Internal(std::string("SLA scan: ") + e.what());
      }
    });
    Status lower_status = ScanStepVisits(db, query, map, 0, middle, control, part);
    helper.join();
    SIAGA_TRY(lower_status);
    SIAGA_TRY(upper_status);
    MergeSlaPartial(part, std::move(upper));
  } else {
    SIAGA_TRY(ScanStepVisits(db, query, map, 0, *step_total, control, part));
  }
  StepSlaResult result;
  result.rows_scanned = part.rows;
  result.threads = sibling ? 2 : 1;
  control.AddRows(part.rows);

  // 3. Groupings (and the total) as sums of cells. Each cell's durations are sorted once; a
  // group's percentiles are then found across its cells' sorted lists without copying them.
  for (SlaCell& c : part.cells) SortDurations(c.durations);
  auto label = [&](std::uint64_t k, StepSlaGroup& g) {
    const auto proc = static_cast<std::uint16_t>(k >> 48), step = static_cast<std::uint16_t>(k >> 32),
               role = static_cast<std::uint16_t>(k >> 16), month = static_cast<std::uint16_t>(k);
    if (proc != kSlaNone) g.procedure = procedures[proc].id;
    if (step != kSlaNone) g.step = part.steps.Name(step);
    if (role != kSlaNone) g.role = part.roles.Name(role);
    if (month != kSlaNone) g.month = MonthLabel(month);
  };
  auto sum = [&](const std::vector<std::uint32_t>& members, StepSlaGroup& g) {
    std::vector<const std::vector<std::uint32_t>*> sorted;
    for (std::uint32_t i : members) {
      const SlaCell& c = part.cells[i];
      g.visits += c.visits;
      g.done += c.done;
      g.met += c.met;
      g.late += c.late;
      g.open += c.open;
      g.open_overdue += c.open_overdue;
      if (!c.durations.empty()) sorted.push_back(&c.durations);
    }
    if (!sorted.empty()) {
      g.median_seconds = NearestRankAcross(sorted, 0.5);
      g.p90_seconds = NearestRankAcross(sorted, 0.9);
    }
  };
  std::vector<std::uint32_t> all(part.cells.size());
  for (std::uint32_t i = 0; i < all.size(); ++i) all[i] = i;
  sum(all, result.total);

  for (const auto& dims : query.groupings) {
    auto has = [&](SlaDimension d) { return std::find(dims.begin(), dims.end(), d) != dims.end(); };
    std::map<std::uint64_t, std::vector<std::uint32_t>> members;
    for (std::uint32_t i = 0; i < part.cells.size(); ++i) {
      const SlaCell& c = part.cells[i];
      members[PackSlaKey(has(SlaDimension::kProcedure) ? c.procedure : kSlaNone, has(SlaDimension::kStep) ? c.step : kSlaNone,
                         has(SlaDimension::kRole) ? c.role : kSlaNone, has(SlaDimension::kMonth) ? c.month : kSlaNone)]
          .push_back(i);
    }
    struct Sorted {
      int step_order = 0;
      StepSlaGroup group;
    };
    std::vector<Sorted> groups;
    for (const auto& [k, m] : members) {
      Sorted s;
      label(k, s.group);
      sum(m, s.group);
      const auto proc = static_cast<std::uint16_t>(k >> 48);
      if (proc != kSlaNone && !s.group.step.empty()) {
        auto it = procedures[proc].step_order.find(s.group.step);
        s.step_order = it != procedures[proc].step_order.end() ? it->second : 1 << 20;
      }
      groups.push_back(std::move(s));
    }
    std::sort(groups.begin(), groups.end(), [](const Sorted& a, const Sorted& b) {
      return std::tie(a.group.procedure, a.step_order, a.group.step, a.group.role, a.group.month) <
             std::tie(b.group.procedure, b.step_order, b.group.step, b.group.role, b.group.month);
    });
    std::vector<StepSlaGroup> out;
    for (auto& s : groups) out.push_back(std::move(s.group));
    result.groupings.push_back(std::move(out));
  }
  return result;
}

}  // namespace siaga
