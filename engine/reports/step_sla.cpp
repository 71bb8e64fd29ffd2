#include "reports/step_sla.h"

#include <algorithm>
#include <map>
#include <string_view>
#include <unordered_map>

namespace siaga {

namespace {

constexpr std::uint16_t kNone = 0xFFFF;  // a dimension left out of a grouping

// One cell per (procedure, step, role, month): counts and the durations of its done visits.
// Groupings are sums of cells, so each duration is stored once however many groupings ask.
struct Cell {
  std::uint16_t procedure = kNone, step = kNone, role = kNone, month = kNone;
  std::int64_t visits = 0, done = 0, met = 0, late = 0, open = 0, open_overdue = 0;
  std::vector<std::uint32_t> durations;
};

std::uint64_t Pack(std::uint16_t a, std::uint16_t b, std::uint16_t c, std::uint16_t d) {
  return (static_cast<std::uint64_t>(a) << 48) | (static_cast<std::uint64_t>(b) << 32) | (static_cast<std::uint64_t>(c) << 16) | d;
}

// Interns short strings (step and role ids) as small numbers, looked up without a copy.
class Interner {
 public:
  std::uint16_t Id(std::string_view s) {
    if (!names_.empty() && names_[last_] == s) return last_;
    auto it = ids_.find(s);
    if (it == ids_.end()) it = ids_.emplace(std::string(s), static_cast<std::uint16_t>(names_.size())).first;
    if (it->second == names_.size()) names_.push_back(it->first);
    last_ = it->second;
    return last_;
  }
  const std::string& Name(std::uint16_t id) const { return names_[id]; }
  std::size_t size() const { return names_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, std::uint16_t, Hash, std::equal_to<>> ids_;
  std::vector<std::string> names_;
  std::uint16_t last_ = 0;
};

// The step scan reads millions of rows: its text columns are read in place (no copy per row)
// through a statement of its own, finalized when the scan ends. Parameters are bound as ever.
class ScanStatement {
 public:
  static Result<ScanStatement> Prepare(Database& db, const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db.handle(), sql, -1, 0, &stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteStatus(db.handle(), rc, sql);
    return ScanStatement(stmt);
  }
  ScanStatement(ScanStatement&& o) noexcept : stmt_(o.stmt_) { o.stmt_ = nullptr; }
  ScanStatement& operator=(ScanStatement&&) = delete;
  ~ScanStatement() { sqlite3_finalize(stmt_); }

  void Bind(int i, const std::optional<std::int64_t>& v) {
    if (v) sqlite3_bind_int64(stmt_, i, *v); else sqlite3_bind_null(stmt_, i);
  }
  void Bind(int i, const std::optional<std::string>& v) {
    if (v) sqlite3_bind_text(stmt_, i, v->data(), static_cast<int>(v->size()), SQLITE_TRANSIENT); else sqlite3_bind_null(stmt_, i);
  }
  Result<bool> Step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return SqliteStatus(sqlite3_db_handle(stmt_), rc, sqlite3_sql(stmt_));
  }
  std::int64_t Int(int c) const { return sqlite3_column_int64(stmt_, c); }
  bool IsNull(int c) const { return sqlite3_column_type(stmt_, c) == SQLITE_NULL; }
  std::string_view Text(int c) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, c));
    return p == nullptr ? std::string_view() : std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, c)));
  }

 private:
  explicit ScanStatement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  sqlite3_stmt* stmt_;
};

struct ProcedureSlot {
  std::string id;
  bool wanted = true;
  int offset_minutes = 7 * 60;
  std::map<std::string, int> step_order;  // declared position, for sorting
};

std::string MonthLabel(std::uint16_t month_index) {
  const int year = 1970 + month_index / 12;
  const int month = month_index % 12 + 1;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
  return buf;
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

void SortDurations(std::vector<std::uint32_t>& v) {
  if (v.size() < 512) {
    std::sort(v.begin(), v.end());
    return;
  }
  std::vector<std::uint32_t> tmp(v.size());
  for (int shift = 0; shift < 32; shift += 8) {
    std::size_t count[257] = {};
    for (std::uint32_t x : v) ++count[((x >> shift) & 0xFF) + 1];
    for (int i = 0; i < 256; ++i) count[i + 1] += count[i];
    for (std::uint32_t x : v) tmp[count[(x >> shift) & 0xFF]++] = x;
    v.swap(tmp);
  }
}

namespace {

// The k-th smallest (1-based) of the union of sorted vectors: a binary search on the value,
// counting with upper_bound in each; no merging or copying.
std::uint32_t KthOfSorted(const std::vector<const std::vector<std::uint32_t>*>& parts, std::uint64_t k) {
  std::uint64_t lo = 0, hi = 0xFFFFFFFFull;
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    std::uint64_t at_most = 0;
    for (const auto* p : parts)
      at_most += static_cast<std::uint64_t>(std::upper_bound(p->begin(), p->end(), static_cast<std::uint32_t>(mid)) - p->begin());
    if (at_most >= k) hi = mid; else lo = mid + 1;
  }
  return static_cast<std::uint32_t>(lo);
}

// Nearest rank of n values: ceil(p * n), at least 1.
std::uint64_t Rank(double p, std::uint64_t n) {
  const double rank = p * static_cast<double>(n);
  std::uint64_t k = static_cast<std::uint64_t>(rank);
  if (static_cast<double>(k) < rank) ++k;
  return std::clamp<std::uint64_t>(k, 1, n);
}

}  // namespace

std::uint32_t NearestRankAcross(const std::vector<const std::vector<std::uint32_t>*>& sorted, double p) {
  std::uint64_t n = 0;
  for (const auto* part : sorted) n += part->size();
  if (n == 0) return 0;
  return KthOfSorted(sorted, Rank(p, n));
}

Result<StepSlaResult> AggregateStepSla(Database& db, const ReportCatalog& catalog, const StepSlaQuery& query,
                                       ScanControl& control) {
  // 1. The procedure of every case, by case id (ids are dense: MAX(id) + 1 at each open).
  std::vector<ProcedureSlot> procedures;
  std::unordered_map<std::string, std::uint16_t> procedure_index;
  auto slot_of = [&](const std::string& id) -> std::uint16_t {
    auto it = procedure_index.find(id);
    if (it != procedure_index.end()) return it->second;
    ProcedureSlot slot;
    slot.id = id;
    slot.wanted = !query.procedures || std::find(query.procedures->begin(), query.procedures->end(), id) != query.procedures->end();
    if (const ReportProcedureInfo* info = catalog.Find(id)) {
      slot.offset_minutes = info->utc_offset_minutes;
      for (std::size_t i = 0; i < info->steps.size(); ++i) slot.step_order[info->steps[i].id] = static_cast<int>(i);
    }
    procedures.push_back(std::move(slot));
    return procedure_index[id] = static_cast<std::uint16_t>(procedures.size() - 1);
  };

  auto max_case = db.Prepare("SELECT COALESCE(MAX(id), 0), COUNT(*) FROM cases");
  if (!max_case.ok()) return max_case.status();
  if (auto r = max_case->Step(); !r.ok()) return r.status();
  const std::int64_t max_case_id = max_case->Int(0);
  max_case->Run();
  if (max_case_id > 200'000'000) return Internal("case ids above 200,000,000 are not supported by the SLA aggregate");
  std::vector<std::uint16_t> case_procedure(static_cast<std::size_t>(max_case_id) + 1, kNone);

  auto cases = ScanStatement::Prepare(db, "SELECT id, procedure_id FROM cases");
  if (!cases.ok()) return cases.status();
  std::string last_procedure;
  std::uint16_t last_slot = kNone;
  for (std::int64_t n = 1;; ++n) {
    auto row = cases->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    SIAGA_TRY(control.Tick("cases", n, max_case_id));
    const std::string_view id = cases->Text(1);
    if (last_slot == kNone || id != last_procedure) {
      last_procedure.assign(id);
      last_slot = slot_of(last_procedure);
    }
    case_procedure[static_cast<std::size_t>(cases->Int(0))] = last_slot;
    control.AddRows(1);
  }

  // 2. One pass over the step visits into cells.
  auto max_step = db.Prepare("SELECT COALESCE(MAX(id), 0) FROM step_instances");
  if (!max_step.ok()) return max_step.status();
  if (auto r = max_step->Step(); !r.ok()) return r.status();
  const std::int64_t step_total = max_step->Int(0);
  max_step->Run();

  auto steps = ScanStatement::Prepare(db,
      "SELECT s.case_id, s.step_id, s.role, s.state, s.ready_at, s.due_at, s.completed_at, s.id FROM step_instances s "
      "WHERE s.due_at IS NOT NULL AND s.kind IN ('task', 'decision', 'external') AND s.state <> 'cancelled' "
      "AND (?1 IS NULL OR s.ready_at >= ?1) AND (?2 IS NULL OR s.ready_at < ?2) "
      "AND (?3 IS NULL OR s.role = ?3) AND (?4 IS NULL OR s.step_id = ?4)");
  if (!steps.ok()) return steps.status();
  steps->Bind(1, query.from);
  steps->Bind(2, query.to);
  steps->Bind(3, query.role);
  steps->Bind(4, query.step);

  Interner step_names, role_names;
  std::vector<Cell> cells;
  std::unordered_map<std::uint64_t, std::uint32_t> cell_index;
  std::uint64_t last_key = ~0ull;
  std::uint32_t last_cell = 0;
  StepSlaResult result;
  for (std::int64_t n = 1;; ++n) {
    auto row = steps->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    // Progress by the id of the row read: rows come in id order, so it tells how far the scan is.
    if (n % ScanControl::kEvery == 0 || n == 1) SIAGA_TRY(control.Check("step visits", steps->Int(7), step_total));
    ++result.rows_scanned;
    const std::int64_t case_id = steps->Int(0);
    if (case_id < 0 || case_id > max_case_id) continue;
    const std::uint16_t proc = case_procedure[static_cast<std::size_t>(case_id)];
    if (proc == kNone || !procedures[proc].wanted) continue;
    const std::uint16_t step = step_names.Id(steps->Text(1));
    const std::uint16_t role = role_names.Id(steps->Text(2));
    if (step_names.size() >= kNone || role_names.size() >= kNone) return Internal("more than 65,534 distinct step or role ids");
    const UnixSeconds ready = steps->Int(4);
    const UnixSeconds local = ready + procedures[proc].offset_minutes * 60;
    std::int64_t days = local / 86400;
    if (local % 86400 < 0) --days;
    int y = 0;
    unsigned m = 0, d = 0;
    CivilFromDays(days, y, m, d);
    const std::uint16_t month = static_cast<std::uint16_t>(std::clamp<std::int64_t>((y - 1970) * 12 + (m - 1), 0, kNone - 1));

    const std::uint64_t key = Pack(proc, step, role, month);
    if (key != last_key) {
      auto [it, added] = cell_index.try_emplace(key, static_cast<std::uint32_t>(cells.size()));
      if (added) {
        Cell cell;
        cell.procedure = proc;
        cell.step = step;
        cell.role = role;
        cell.month = month;
        cells.push_back(std::move(cell));
      }
      last_key = key;
      last_cell = it->second;
    }
    Cell& cell = cells[last_cell];
    ++cell.visits;
    const UnixSeconds due = steps->Int(5);
    if (steps->Text(3) == std::string_view("done") && !steps->IsNull(6)) {
      const UnixSeconds completed = steps->Int(6);
      ++cell.done;
      ++(completed <= due ? cell.met : cell.late);
      cell.durations.push_back(static_cast<std::uint32_t>(std::clamp<std::int64_t>(completed - ready, 0, 0xFFFFFFFFll)));
    } else {
      ++cell.open;
      if (query.now >= due) ++cell.open_overdue;
    }
  }
  control.AddRows(result.rows_scanned);

  // 3. Groupings (and the total) as sums of cells.
  auto label = [&](std::uint64_t k, StepSlaGroup& g) {
    const auto proc = static_cast<std::uint16_t>(k >> 48), step = static_cast<std::uint16_t>(k >> 32),
               role = static_cast<std::uint16_t>(k >> 16), month = static_cast<std::uint16_t>(k);
    if (proc != kNone) g.procedure = procedures[proc].id;
    if (step != kNone) g.step = step_names.Name(step);
    if (role != kNone) g.role = role_names.Name(role);
    if (month != kNone) g.month = MonthLabel(month);
  };
  // Each cell's durations are sorted once; a group's percentiles are then found across its
  // cells' sorted lists without copying them (SortDurations, KthOfSorted).
  for (Cell& c : cells) SortDurations(c.durations);
  auto sum = [&](const std::vector<std::uint32_t>& members, StepSlaGroup& g) {
    std::vector<const std::vector<std::uint32_t>*> parts;
    std::uint64_t n = 0;
    for (std::uint32_t i : members) {
      const Cell& c = cells[i];
      g.visits += c.visits;
      g.done += c.done;
      g.met += c.met;
      g.late += c.late;
      g.open += c.open;
      g.open_overdue += c.open_overdue;
      if (!c.durations.empty()) parts.push_back(&c.durations);
      n += c.durations.size();
    }
    if (n > 0) {
      g.median_seconds = NearestRankAcross(parts, 0.5);
      g.p90_seconds = NearestRankAcross(parts, 0.9);
    }
  };
  std::vector<std::uint32_t> all(cells.size());
  for (std::uint32_t i = 0; i < all.size(); ++i) all[i] = i;
  sum(all, result.total);

  for (const auto& dims : query.groupings) {
    auto has = [&](SlaDimension d) { return std::find(dims.begin(), dims.end(), d) != dims.end(); };
    std::map<std::uint64_t, std::vector<std::uint32_t>> members;
    for (std::uint32_t i = 0; i < cells.size(); ++i) {
      const Cell& c = cells[i];
      members[Pack(has(SlaDimension::kProcedure) ? c.procedure : kNone, has(SlaDimension::kStep) ? c.step : kNone,
                   has(SlaDimension::kRole) ? c.role : kNone, has(SlaDimension::kMonth) ? c.month : kNone)]
          .push_back(i);
    }
    struct Sorted {
      std::string procedure;
      int step_order;
      StepSlaGroup group;
    };
    std::vector<Sorted> groups;
    for (const auto& [k, m] : members) {
      Sorted s{"", 0, {}};
      label(k, s.group);
      sum(m, s.group);
      const auto proc = static_cast<std::uint16_t>(k >> 48);
      s.procedure = s.group.procedure;
      if (proc != kNone && !s.group.step.empty()) {
        auto it = procedures[proc].step_order.find(s.group.step);
        s.step_order = it != procedures[proc].step_order.end() ? it->second : 1 << 20;
      }
      groups.push_back(std::move(s));
    }
    std::sort(groups.begin(), groups.end(), [](const Sorted& a, const Sorted& b) {
      return std::tie(a.procedure, a.step_order, a.group.step, a.group.role, a.group.month) <
             std::tie(b.procedure, b.step_order, b.group.step, b.group.role, b.group.month);
    });
    std::vector<StepSlaGroup> out;
    for (auto& s : groups) out.push_back(std::move(s.group));
    result.groupings.push_back(std::move(out));
  }
  return result;
}

}  // namespace siaga
