#include "reports/step_sla_scan.h"

#include <algorithm>

namespace siaga {

namespace {

// The scan reads millions of rows: its text columns are read in place (no copy per row) through
// a statement of its own, finalized when the scan ends. Parameters are bound, as everywhere.
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

}  // namespace

std::uint64_t PackSlaKey(std::uint16_t a, std::uint16_t b, std::uint16_t c, std::uint16_t d) {
  return (static_cast<std::uint64_t>(a) << 48) | (static_cast<std::uint64_t>(b) << 32) | (static_cast<std::uint64_t>(c) << 16) | d;
}

std::uint16_t Interner::Id(std::string_view s) {
  if (!names_.empty() && names_[last_] == s) return last_;
  auto it = ids_.find(s);
  if (it == ids_.end()) {
    it = ids_.emplace(std::string(s), static_cast<std::uint16_t>(names_.size())).first;
    names_.push_back(it->first);
  }
  last_ = it->second;
  return last_;
}

Status ScanStepVisits(Database& db, const StepSlaQuery& query, const SlaCaseMap& cases, std::int64_t first_id,
                      std::int64_t last_id, ScanControl& control, SlaPartial& out) {
  auto steps = ScanStatement::Prepare(db,
      "SELECT s.case_id, s.step_id, s.role, s.state, s.ready_at, s.due_at, s.completed_at, s.id FROM step_instances s "
      "WHERE s.id BETWEEN ?5 AND ?6 AND s.due_at IS NOT NULL AND s.kind IN ('task', 'decision', 'external') "
      "AND s.state <> 'cancelled' AND (?1 IS NULL OR s.ready_at >= ?1) AND (?2 IS NULL OR s.ready_at < ?2) "
      "AND (?3 IS NULL OR s.role = ?3) AND (?4 IS NULL OR s.step_id = ?4)");
  if (!steps.ok()) return steps.status();
  steps->Bind(1, query.from);
  steps->Bind(2, query.to);
  steps->Bind(3, query.role);
  steps->Bind(4, query.step);
  steps->Bind(5, first_id);
  steps->Bind(6, last_id);

  const std::int64_t max_case = static_cast<std::int64_t>(cases.procedure_of_case.size()) - 1;
  std::uint64_t last_key = ~0ull;
  std::uint32_t last_cell = 0;
  std::int64_t last_local_day = INT64_MIN;
  int last_offset = -1;
  std::uint16_t month = 0;
  for (std::int64_t n = 1;; ++n) {
    auto row = steps->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    // Progress by the id of the row read: rows come in id order, so it tells how far the scan is.
    if (n % ScanControl::kEvery == 0 || n == 1) SIAGA_TRY(control.Check("step visits", steps->Int(7) - first_id, last_id - first_id + 1));
    ++out.rows;
    const UnixSeconds ready = steps->Int(4);
    const std::string_view state = steps->Text(3);
    const std::int64_t case_id = steps->Int(0);
    if (case_id < 0 || case_id > max_case) continue;
    const std::uint16_t proc = cases.procedure_of_case[static_cast<std::size_t>(case_id)];
    if (proc == kSlaNone || !cases.wanted[proc]) continue;
    const std::uint16_t step = out.steps.Id(steps->Text(1));
    const std::uint16_t role = out.roles.Id(steps->Text(2));
    if (out.steps.size() >= kSlaNone || out.roles.size() >= kSlaNone) return Internal("more than 65,534 distinct step or role ids");
    const int offset = cases.offset_minutes[proc];
    const UnixSeconds local = ready + offset * 60;
    const std::int64_t day = local / 86400 - (local % 86400 < 0 ? 1 : 0);
    if (day != last_local_day || offset != last_offset) {  // most neighbouring rows share a day
      int y = 0;
      unsigned m = 0, d = 0;
      CivilFromDays(day, y, m, d);
      month = static_cast<std::uint16_t>(std::clamp<std::int64_t>((y - 1970) * 12 + (m - 1), 0, kSlaNone - 1));
      last_local_day = day;
      last_offset = offset;
    }

    const std::uint64_t key = PackSlaKey(proc, step, role, month);
    if (key != last_key) {
      auto [it, added] = out.index.try_emplace(key, static_cast<std::uint32_t>(out.cells.size()));
      if (added) {
        SlaCell cell;
        cell.procedure = proc;
        cell.step = step;
        cell.role = role;
        cell.month = month;
        out.cells.push_back(std::move(cell));
      }
      last_key = key;
      last_cell = it->second;
    }
    SlaCell& cell = out.cells[last_cell];
    ++cell.visits;
    const UnixSeconds due = steps->Int(5);
    if (state == "done" && !steps->IsNull(6)) {
      const UnixSeconds completed = steps->Int(6);
      ++cell.done;
      ++(completed <= due ? cell.met : cell.late);
      cell.durations.push_back(static_cast<std::uint32_t>(std::clamp<std::int64_t>(completed - ready, 0, 0xFFFFFFFFll)));
    } else {
      ++cell.open;
      if (query.now >= due) ++cell.open_overdue;
    }
  }
  return Status::Ok();
}

void MergeSlaPartial(SlaPartial& into, SlaPartial&& from) {
  into.rows += from.rows;
  for (SlaCell& c : from.cells) {
    const std::uint16_t step = into.steps.Id(from.steps.Name(c.step));
    const std::uint16_t role = into.roles.Id(from.roles.Name(c.role));
    const std::uint64_t key = PackSlaKey(c.procedure, step, role, c.month);
    auto [it, added] = into.index.try_emplace(key, static_cast<std::uint32_t>(into.cells.size()));
    if (added) {
      c.step = step;
      c.role = role;
      into.cells.push_back(std::move(c));
      continue;
    }
    SlaCell& t = into.cells[it->second];
    t.visits += c.visits;
    t.done += c.done;
    t.met += c.met;
    t.late += c.late;
    t.open += c.open;
    t.open_overdue += c.open_overdue;
    t.durations.insert(t.durations.end(), c.durations.begin(), c.durations.end());
  }
}

}  // namespace siaga
