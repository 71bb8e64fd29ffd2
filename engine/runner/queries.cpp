#include "runner/queries.h"

#include <cctype>
#include <map>

#include "common/clock.h"
#include "time/calendar.h"

namespace siaga {

namespace {

nlohmann::json Instant(const Statement& q, int column, const WorkingCalendar& cal) {
  if (q.IsNull(column)) return nullptr;
  const UnixSeconds t = q.Int(column);
  return {{"utc", FormatUtc(t)}, {"local", cal.Format(t)}, {"unix", t}};
}

WorkingCalendar CalendarFor(const std::string& zone) {
  auto cal = WorkingCalendar::ForZone(zone);
  return cal.ok() ? *cal : WorkingCalendar::Standard(7 * 60, "WIB");
}

nlohmann::json ParseJson(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  return j.is_discarded() ? nlohmann::json(text) : j;
}

// The SLA state of open work from its earliest warning and deadline.
std::string OpenSla(const Statement& q, int warn_col, int due_col, UnixSeconds now) {
  if (q.IsNull(due_col)) return "none";
  if (now >= q.Int(due_col)) return "breached";
  if (!q.IsNull(warn_col) && now >= q.Int(warn_col)) return "warning";
  return "on_time";
}

}  // namespace

Result<nlohmann::json> ListCases(Database& db, const CaseFilter& filter) {
  // Only the filters given are in the SQL: a filter written as (?2 = '' OR c.status = ?2) keeps
  // SQLite from using cases_by_status / cases_by_procedure, and the list then walked every case
  // from the first (75 ms for the open cases among 100,000, docs/performance.md).
  std::string sql =
      "SELECT c.id, c.number, c.procedure_id, c.title, c.status, c.opened_at, c.closed_at, c.outcome, v.zona_waktu, "
      "(SELECT group_concat(step_id, ',') FROM step_instances s WHERE s.case_id = c.id AND s.state = 'ready'), "
      "(SELECT MIN(s.warn_at) FROM step_instances s WHERE s.case_id = c.id AND s.state = 'ready'), "
      "(SELECT MIN(s.due_at) FROM step_instances s WHERE s.case_id = c.id AND s.state = 'ready') "
      "FROM cases c JOIN procedure_versions v ON v.id = c.version_id WHERE c.id > ?1";
  if (!filter.status.empty()) sql += " AND c.status = ?2";
  if (!filter.procedure_id.empty()) sql += " AND c.procedure_id = ?3";
  if (filter.restrict_to_readable) sql += " AND instr(?6, ',' || c.procedure_id || ',') > 0";
  // The worst open step decides: any deadline passed is breached, else any warning passed.
  constexpr const char* kNextDue = "IFNULL((SELECT MIN(s.due_at) FROM step_instances s WHERE s.case_id = c.id AND s.state = 'ready'), 9e18)";
  constexpr const char* kNextWarn = "IFNULL((SELECT MIN(s.warn_at) FROM step_instances s WHERE s.case_id = c.id AND s.state = 'ready'), 9e18)";
  if (filter.sla == "breached") sql += std::string(" AND ") + kNextDue + " <= ?7";
  else if (filter.sla == "warning") sql += std::string(" AND ") + kNextDue + " > ?7 AND " + kNextWarn + " <= ?7";
  else if (filter.sla == "on_time") sql += std::string(" AND ") + kNextDue + " > ?7 AND " + kNextWarn + " > ?7";
  else if (!filter.sla.empty()) return InvalidField("sla", "one of on_time, warning, breached");
  sql += " ORDER BY c.id LIMIT ?4";
  auto q = db.Prepare(sql);
  if (!q.ok()) return q.status();
  std::string readable = ",";
  for (const auto& id : filter.readable_procedures) readable += id + ",";
  q->Bind(1, filter.after_id).Bind(4, std::max(1, std::min(filter.limit, 1000)));
  if (!filter.status.empty()) q->Bind(2, filter.status);
  if (!filter.procedure_id.empty()) q->Bind(3, filter.procedure_id);
  if (filter.restrict_to_readable) q->Bind(6, readable);
  if (!filter.sla.empty()) q->Bind(7, static_cast<std::int64_t>(filter.now));
  nlohmann::json out = nlohmann::json::array();
  while (true) {
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    const WorkingCalendar cal = CalendarFor(q->Text(8));
    nlohmann::json open_steps = nlohmann::json::array();
    std::string steps = q->Text(9);
    for (std::size_t start = 0; !steps.empty() && start <= steps.size();) {
      const std::size_t comma = steps.find(',', start);
      open_steps.push_back(steps.substr(start, comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    out.push_back({{"id", q->Int(0)}, {"number", q->Text(1)}, {"procedure", q->Text(2)}, {"title", q->Text(3)},
                   {"status", q->Text(4)}, {"opened_at", Instant(*q, 5, cal)}, {"closed_at", Instant(*q, 6, cal)},
                   {"outcome", q->IsNull(7) ? nlohmann::json(nullptr) : nlohmann::json(q->Text(7))},
                   {"open_steps", open_steps}, {"sla", OpenSla(*q, 10, 11, filter.now)}, {"next_due_at", Instant(*q, 11, cal)}});
  }
  return out;
}

Result<nlohmann::json> ListQueue(Database& db, const QueueFilter& filter, UnixSeconds now) {
  std::string roles = ",", extra = ",";
  for (const auto& r : filter.roles) roles += r + ",";
  for (const auto& e : filter.extra) extra += e + ",";
  auto q = db.Prepare(
      "SELECT c.id, c.number, c.title, c.procedure_id, v.title, c.status, s.step_id, s.kind, s.visit, s.role, s.assignee, "
      "s.ready_at, s.warn_at, s.due_at, v.zona_waktu, s.id FROM step_instances s "
      "JOIN cases c ON c.id = s.case_id JOIN procedure_versions v ON v.id = c.version_id "
      "WHERE s.state = 'ready' AND s.kind IN ('task', 'decision', 'external') AND c.status IN ('open', 'waiting') "
      "AND (?1 OR instr(?2, ',' || s.role || ',') > 0 OR instr(?3, ',' || c.procedure_id || char(9) || s.step_id || ',') > 0) "
      "AND (?5 IS NULL OR c.procedure_id IN (SELECT value FROM json_each(?5))) "
      "ORDER BY s.due_at IS NULL, s.due_at, s.ready_at, s.id LIMIT ?4");
  if (!q.ok()) return q.status();
  q->Bind(1, static_cast<std::int64_t>(filter.everything ? 1 : 0)).Bind(2, roles).Bind(3, extra)
      .Bind(4, static_cast<std::int64_t>(std::max(1, std::min(filter.limit, 1000))));
  if (filter.procedures) q->Bind(5, nlohmann::json(*filter.procedures).dump());
  else q->BindNull(5);
  nlohmann::json out = nlohmann::json::array();
  while (true) {
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    const WorkingCalendar cal = CalendarFor(q->Text(14));
    auto text_or_null = [&](int col) { return q->IsNull(col) ? nlohmann::json(nullptr) : nlohmann::json(q->Text(col)); };
    out.push_back({{"case", {{"id", q->Int(0)}, {"number", q->Text(1)}, {"title", q->Text(2)}, {"procedure", q->Text(3)},
                             {"procedure_title", q->Text(4)}, {"status", q->Text(5)}}},
                   {"instance", q->Int(15)}, {"step", q->Text(6)}, {"kind", q->Text(7)}, {"visit", q->Int(8)},
                   {"role", text_or_null(9)}, {"assignee", text_or_null(10)}, {"ready_at", Instant(*q, 11, cal)},
                   {"warn_at", Instant(*q, 12, cal)}, {"due_at", Instant(*q, 13, cal)}, {"sla", OpenSla(*q, 12, 13, now)},
                   {"zona_waktu", cal.zone_label()}});
  }
  return out;
}

Result<std::int64_t> ResolveCaseRef(Database& db, const std::string& ref) {
  const bool numeric = !ref.empty() && ref.size() < 19 &&
                       std::all_of(ref.begin(), ref.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  auto q = db.Prepare(numeric ? "SELECT id FROM cases WHERE id = ?" : "SELECT id FROM cases WHERE number = ?");
  if (!q.ok()) return q.status();
  if (numeric) q->Bind(1, static_cast<std::int64_t>(std::stoll(ref)));
  else q->Bind(1, ref);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return NotFound("no case '" + ref + "' (give its id or its number)");
  const std::int64_t id = q->Int(0);
  q->Run();
  return id;
}

std::string SlaState(const Statement& q, int warn_col, int due_col, int end_col, UnixSeconds now) {
  if (q.IsNull(due_col)) return "none";
  const UnixSeconds due = q.Int(due_col);
  if (!q.IsNull(end_col)) return q.Int(end_col) <= due ? "met" : "late";
  if (now >= due) return "breached";
  if (!q.IsNull(warn_col) && now >= q.Int(warn_col)) return "warning";
  return "on_time";
}

Result<nlohmann::json> ShowCase(Database& db, std::int64_t case_id, UnixSeconds now) {
  auto q = db.Prepare(
      "SELECT c.id, c.number, c.procedure_id, c.title, c.status, c.outcome, c.fields, c.opened_at, c.closed_at, "
      "c.sla_due_at, c.parent_case_id, v.hash, v.revision, v.zona_waktu, v.title, "
      "c.handed_over_from, (SELECT number FROM cases f WHERE f.id = c.handed_over_from), "
      "c.handed_over_to, (SELECT number FROM cases t WHERE t.id = c.handed_over_to) FROM cases c "
      "JOIN procedure_versions v ON v.id = c.version_id WHERE c.id = ?");
  if (!q.ok()) return q.status();
  q->Bind(1, case_id);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return NotFound("case " + std::to_string(case_id) + " does not exist");
  const WorkingCalendar cal = CalendarFor(q->Text(13));
  nlohmann::json out;
  out["case"] = {{"id", q->Int(0)},
                 {"number", q->Text(1)},
                 {"procedure", q->Text(2)},
                 {"procedure_title", q->Text(14)},
                 {"version", {{"hash", q->Text(11)}, {"revision", q->Int(12)}}},
                 {"title", q->Text(3)},
                 {"status", q->Text(4)},
                 {"outcome", q->IsNull(5) ? nlohmann::json(nullptr) : nlohmann::json(q->Text(5))},
                 {"fields", ParseJson(q->Text(6))},
                 {"opened_at", Instant(*q, 7, cal)},
                 {"closed_at", Instant(*q, 8, cal)},
                 {"sla_due_at", Instant(*q, 9, cal)},
                 {"parent_case", q->IsNull(10) ? nlohmann::json(nullptr) : nlohmann::json(q->Int(10))},
                 {"sla", SlaState(*q, 9, 9, 8, now)},
                 {"zona_waktu", cal.zone_label()}};
  // The other end of a hand-over between agencies (docs/multi-agency.md), by id and number.
  if (!q->IsNull(15)) out["case"]["handed_over_from"] = {{"id", q->Int(15)}, {"number", q->Text(16)}};
  if (!q->IsNull(17)) out["case"]["handed_over_to"] = {{"id", q->Int(17)}, {"number", q->Text(18)}};
  q->Run();

  auto steps = db.Prepare(
      "SELECT s.id, s.step_id, s.kind, s.visit, s.role, s.state, s.ready_at, s.warn_at, s.due_at, s.basis, s.completed_at, "
      "s.completed_by, s.outcome, s.assignee FROM step_instances s WHERE s.case_id = ? ORDER BY s.id");
  if (!steps.ok()) return steps.status();
  steps->Bind(1, case_id);
  out["steps"] = nlohmann::json::array();
  while (true) {
    auto r = steps->Step();
    if (!r.ok()) return r.status();
    if (!*r) break;
    const std::string sla = steps->Text(5) == "cancelled" ? "none" : SlaState(*steps, 7, 8, 10, now);
    out["steps"].push_back({{"instance", steps->Int(0)}, {"step", steps->Text(1)}, {"kind", steps->Text(2)},
                            {"visit", steps->Int(3)}, {"role", steps->IsNull(4) ? nlohmann::json(nullptr) : nlohmann::json(steps->Text(4))},
                            {"state", steps->Text(5)}, {"ready_at", Instant(*steps, 6, cal)}, {"warn_at", Instant(*steps, 7, cal)},
                            {"due_at", Instant(*steps, 8, cal)}, {"basis", steps->IsNull(9) ? nlohmann::json(nullptr) : nlohmann::json(steps->Text(9))},
                            {"completed_at", Instant(*steps, 10, cal)},
                            {"completed_by", steps->IsNull(11) ? nlohmann::json(nullptr) : nlohmann::json(steps->Text(11))},
                            {"assignee", steps->IsNull(13) ? nlohmann::json(nullptr) : nlohmann::json(steps->Text(13))},
                            {"outcome", steps->IsNull(12) ? nlohmann::json(nullptr) : nlohmann::json(steps->Text(12))},
                            {"sla", sla}});
  }

  auto decisions = db.Prepare(
      "SELECT d.label, d.decided_by, d.decided_at, d.note, s.step_id, s.visit FROM decisions d "
      "JOIN step_instances s ON s.id = d.step_instance_id WHERE s.case_id = ? ORDER BY d.id");
  if (!decisions.ok()) return decisions.status();
  decisions->Bind(1, case_id);
  out["decisions"] = nlohmann::json::array();
  while (true) {
    auto r = decisions->Step();
    if (!r.ok()) return r.status();
    if (!*r) break;
    out["decisions"].push_back({{"step", decisions->Text(4)}, {"visit", decisions->Int(5)}, {"label", decisions->Text(0)},
                                {"by", decisions->Text(1)}, {"at", Instant(*decisions, 2, cal)}, {"note", decisions->Text(3)}});
  }

  auto timers = db.Prepare("SELECT id, kind, due_at, basis, source, state, fired_at FROM timers WHERE case_id = ? ORDER BY id");
  if (!timers.ok()) return timers.status();
  timers->Bind(1, case_id);
  out["timers"] = nlohmann::json::array();
  while (true) {
    auto r = timers->Step();
    if (!r.ok()) return r.status();
    if (!*r) break;
    out["timers"].push_back({{"id", timers->Int(0)}, {"kind", timers->Text(1)}, {"due_at", Instant(*timers, 2, cal)},
                             {"basis", timers->Text(3)}, {"standard", timers->Text(4)}, {"state", timers->Text(5)},
                             {"fired_at", Instant(*timers, 6, cal)}});
  }

  auto evidence = db.Prepare("SELECT name, media_type, size, sha256, tlp, added_by, added_at, id FROM evidence WHERE case_id = ? ORDER BY id");
  if (!evidence.ok()) return evidence.status();
  evidence->Bind(1, case_id);
  out["evidence"] = nlohmann::json::array();
  while (true) {
    auto r = evidence->Step();
    if (!r.ok()) return r.status();
    if (!*r) break;
    out["evidence"].push_back({{"id", evidence->Int(7)}, {"name", evidence->Text(0)}, {"media_type", evidence->Text(1)}, {"size", evidence->Int(2)},
                               {"sha256", evidence->Text(3)}, {"tlp", evidence->Text(4)}, {"added_by", evidence->Text(5)},
                               {"added_at", Instant(*evidence, 6, cal)}});
  }

  // Each notice with its deliveries (one per recipient and channel); message bodies stay in the
  // store (GET /api/notices/{id} shows one).
  std::map<std::int64_t, nlohmann::json> deliveries;
  auto d = db.Prepare("SELECT outbox_id, id, channel, recipient, language, state, attempts, last_error, sent_at, next_attempt_at "
                      "FROM deliveries WHERE case_id = ? ORDER BY id");
  if (!d.ok()) return d.status();
  d->Bind(1, case_id);
  while (true) {
    auto r = d->Step();
    if (!r.ok()) return r.status();
    if (!*r) break;
    nlohmann::json one = {{"id", d->Int(1)}, {"channel", d->Text(2)}, {"recipient", d->Text(3)}, {"language", d->Text(4)},
                          {"state", d->Text(5)}, {"attempts", d->Int(6)}, {"error", d->IsNull(7) ? nlohmann::json() : nlohmann::json(d->Text(7))},
                          {"sent_at", Instant(*d, 8, cal)}};
    if (d->Text(5) == "pending") one["next_attempt_at"] = Instant(*d, 9, cal);
    if (!deliveries.contains(d->Int(0))) deliveries[d->Int(0)] = nlohmann::json::array();
    deliveries[d->Int(0)].push_back(std::move(one));
  }
  auto notices = db.Prepare("SELECT recipient_role, template, tlp, state, created_at, id FROM outbox WHERE case_id = ? ORDER BY id");
  if (!notices.ok()) return notices.status();
  notices->Bind(1, case_id);
  out["notices"] = nlohmann::json::array();
  while (true) {
    auto r = notices->Step();
    if (!r.ok()) return r.status();
    if (!*r) break;
    auto found = deliveries.find(notices->Int(5));
    out["notices"].push_back({{"to", notices->Text(0)}, {"template", notices->Text(1)}, {"tlp", notices->Text(2)},
                              {"state", notices->Text(3)}, {"at", Instant(*notices, 4, cal)},
                              {"deliveries", found == deliveries.end() ? nlohmann::json::array() : found->second}});
  }

  auto history = db.Prepare("SELECT seq, at, actor, event, detail FROM audit_events WHERE case_id = ? ORDER BY seq");
  if (!history.ok()) return history.status();
  history->Bind(1, case_id);
  out["history"] = nlohmann::json::array();
  while (true) {
    auto r = history->Step();
    if (!r.ok()) return r.status();
    if (!*r) break;
    out["history"].push_back({{"seq", history->Int(0)}, {"at", Instant(*history, 1, cal)}, {"actor", history->Text(2)},
                              {"event", history->Text(3)}, {"detail", ParseJson(history->Text(4))}});
  }
  return out;
}

// Deliveries in one state, newest first, with their case: the dead-letter list and friends.
Result<nlohmann::json> ListDeliveries(Database& db, const std::string& state, int limit,
                                      const std::optional<std::vector<std::string>>& procedures) {
  if (state != "pending" && state != "sent" && state != "dead" && state != "refused")
    return InvalidField("state", "pending, sent, dead or refused");
  auto q = db.Prepare(
      "SELECT d.id, d.case_id, c.number, o.recipient_role, o.template, d.channel, d.recipient, d.tlp, d.state, d.attempts, "
      "d.max_attempts, d.last_error, d.created_at, d.sent_at, d.next_attempt_at, d.idempotency_key, d.subject "
      "FROM deliveries d JOIN outbox o ON o.id = d.outbox_id JOIN cases c ON c.id = d.case_id "
      "WHERE d.state = ?1 AND (?3 IS NULL OR c.procedure_id IN (SELECT value FROM json_each(?3))) ORDER BY d.id DESC LIMIT ?2");
  if (!q.ok()) return q.status();
  q->Bind(1, state).Bind(2, static_cast<std::int64_t>(limit));
  if (procedures) q->Bind(3, nlohmann::json(*procedures).dump());
  else q->BindNull(3);
  nlohmann::json out = nlohmann::json::array();
  while (true) {
    auto r = q->Step();
    if (!r.ok()) return r.status();
    if (!*r) break;
    auto when = [&](int col) { return q->IsNull(col) ? nlohmann::json() : nlohmann::json(FormatUtc(q->Int(col))); };
    out.push_back({{"id", q->Int(0)}, {"case_id", q->Int(1)}, {"case", q->Text(2)}, {"to", q->Text(3)}, {"template", q->Text(4)},
                   {"channel", q->Text(5)}, {"recipient", q->Text(6)}, {"tlp", q->Text(7)}, {"state", q->Text(8)},
                   {"attempts", q->Int(9)}, {"max_attempts", q->Int(10)},
                   {"last_error", q->IsNull(11) ? nlohmann::json() : nlohmann::json(q->Text(11))}, {"created_at", when(12)},
                   {"sent_at", when(13)}, {"next_attempt_at", q->Text(8) == "pending" ? when(14) : nlohmann::json()},
                   {"idempotency_key", q->Text(15)}, {"subject", q->Text(16)}});
  }
  return out;
}

}  // namespace siaga
