#include "runner/engine.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "auth/tokens.h"
#include "common/sha256.h"
#include "common/tlp.h"
#include "notify/notification_book.h"
#include "notify/retry.h"
#include "runner/hooks.h"
#include "store/schema.h"

namespace siaga {

namespace {

constexpr int kMaxTransitionsPerCommand = 500;  // a cycle of automatic steps must not spin forever
constexpr int kMaxTimersPerTick = 1000;
constexpr std::size_t kMaxEvidenceBytes = 16u << 20;

struct CaseRow {
  std::int64_t id = 0;
  std::string number, procedure_id, title, status, hash, source, file, bases = "{}";
  std::int64_t version_id = 0;
  nlohmann::json fields = nlohmann::json::object();
  std::optional<std::int64_t> parent_case_id, parent_step_id;
};

struct InstanceRow {
  std::int64_t id = 0;
  std::string step_id, kind, state;
  std::int64_t visit = 0;
  std::string role;
};

// RAII savepoint: rolled back unless released.
class Savepoint {
 public:
  Savepoint(Database& db, std::string name) : db_(db), name_(std::move(name)) {
    status_ = db_.Exec("SAVEPOINT " + name_);
  }
  ~Savepoint() {
    if (status_.ok() && !released_) {
      db_.Exec("ROLLBACK TO " + name_);
      db_.Exec("RELEASE " + name_);
    }
  }
  const Status& status() const { return status_; }
  Status Release() {
    released_ = true;
    return db_.Exec("RELEASE " + name_);
  }

 private:
  Database& db_;
  std::string name_;
  Status status_;
  bool released_ = false;
};

std::string CaseNumberPrefix(const ProcedureDef& def) {
  std::string prefix;
  for (char c : def.instansi.empty() ? std::string("siaga") : def.instansi)
    prefix.push_back(c == '_' ? '-' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return prefix;
}

}  // namespace

const char* CommandName(Command::Type type) {
  switch (type) {
    case Command::Type::kOpenCase: return "open_case";
    case Command::Type::kComplete: return "complete";
    case Command::Type::kDecide: return "decide";
    case Command::Type::kSignal: return "signal";
    case Command::Type::kComment: return "comment";
    case Command::Type::kAttach: return "attach";
    case Command::Type::kCancel: return "cancel";
    case Command::Type::kFireDueTimers: return "fire_due_timers";
    case Command::Type::kRecomputeDeadlines: return "recompute_deadlines";
    case Command::Type::kAssign: return "assign";
    case Command::Type::kIngest: return "ingest";
    case Command::Type::kPublishProcedures: return "publish_procedures";
    case Command::Type::kMigrate: return "migrate";
    case Command::Type::kDeliveryOutcome: return "delivery_outcome";
    case Command::Type::kRetryDeliveries: return "retry_deliveries";
    case Command::Type::kSecurityEvent: return "security_event";
    case Command::Type::kHandover: return "handover";
    case Command::Type::kCreateToken: return "create_token";
    case Command::Type::kRevokeToken: return "revoke_token";
  }
  return "?";
}

// The work of one command inside its savepoint.
class Engine::Transition {
 public:
  Transition(Engine& engine, const Command& command)
      : engine_(engine), db_(engine.db_), command_(command), now_(engine.clock_.Now()) {}

  CommandResult Run() {
    CommandResult result;
    Status st;
    switch (command_.type) {
      case Command::Type::kOpenCase: st = OpenCase(); break;
      case Command::Type::kComplete: st = Complete(); break;
      case Command::Type::kDecide: st = Decide(); break;
      case Command::Type::kSignal: st = Signal(); break;
      case Command::Type::kComment: st = Comment(); break;
      case Command::Type::kAttach: st = Attach(); break;
      case Command::Type::kCancel: st = Cancel(); break;
      case Command::Type::kFireDueTimers: st = FireDueTimers(); break;
      case Command::Type::kRecomputeDeadlines: st = RecomputeDeadlines(); break;
      case Command::Type::kAssign: st = Assign(); break;
      case Command::Type::kIngest: st = Ingest(); break;
      case Command::Type::kPublishProcedures: st = PublishProcedures(); break;
      case Command::Type::kMigrate: st = Migrate(); break;
      case Command::Type::kDeliveryOutcome: st = DeliveryOutcome(); break;
      case Command::Type::kRetryDeliveries: st = RetryDeliveries(); break;
      case Command::Type::kSecurityEvent: st = SecurityEvent(); break;
      case Command::Type::kHandover: st = Handover(); break;
      case Command::Type::kCreateToken: st = CreateToken(); break;
      case Command::Type::kRevokeToken: st = RevokeToken(); break;
    }
    result.status = st;
    result.case_id = result_case_id_;
    result.detail = std::move(detail_);
    return result;
  }

 private:
  // ---- reading -------------------------------------------------------------------------------

  // A checked, agency-bound actor acts only within its agencies (the HTTP layer answers 404
  // before; this is the engine's own guard, so no path can forget it).
  Status CheckAgency(const std::string& procedure_id) {
    const Actor& actor = command_.actor;
    if (!actor.checked || !actor.agencies) return Status::Ok();
    auto latest = engine_.registry_.Latest(procedure_id);
    const std::string instansi = latest ? latest->def().instansi : "";
    if (!instansi.empty() && std::find(actor.agencies->begin(), actor.agencies->end(), instansi) != actor.agencies->end())
      return Status::Ok();
    return PermissionDenied(ActorLabel() + " is not bound to agency '" + instansi + "' of procedure " + procedure_id);
  }

  Result<CaseRow> LoadCase(std::int64_t case_id) {
    auto q = db_.Prepare(
        "SELECT c.id, c.number, c.procedure_id, c.title, c.status, c.fields, c.version_id, v.hash, v.source, "
        "v.file, c.parent_case_id, c.parent_step_id, v.bases FROM cases c JOIN procedure_versions v ON v.id = c.version_id "
        "WHERE c.id = ?");
    if (!q.ok()) return q.status();
    q->Bind(1, case_id);
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) return NotFound("case " + std::to_string(case_id) + " does not exist");
    CaseRow c;
    c.id = q->Int(0);
    c.number = q->Text(1);
    c.procedure_id = q->Text(2);
    c.title = q->Text(3);
    c.status = q->Text(4);
    c.fields = nlohmann::json::parse(q->Text(5), nullptr, false);
    if (c.fields.is_discarded()) c.fields = nlohmann::json::object();
    c.version_id = q->Int(6);
    c.hash = q->Text(7);
    c.source = q->Text(8);
    c.file = q->Text(9);
    c.parent_case_id = q->OptionalInt(10);
    c.parent_step_id = q->OptionalInt(11);
    c.bases = q->Text(12);
    q->Run();
    if (case_id == command_.case_id) SIAGA_TRY(CheckAgency(c.procedure_id));
    return c;
  }

  Result<std::shared_ptr<CompiledProcedure>> ProcedureOf(const CaseRow& c) {
    return engine_.registry_.LoadStored(c.hash, c.source, c.file, c.bases);
  }

  std::vector<InstanceRow> OpenInstances(std::int64_t case_id) {
    std::vector<InstanceRow> out;
    auto q = db_.Prepare("SELECT id, step_id, kind, state, visit, COALESCE(role, '') FROM step_instances WHERE case_id = ? AND state = 'ready' ORDER BY id");
    if (!q.ok()) return out;
    q->Bind(1, case_id);
    while (true) {
      auto row = q->Step();
      if (!row.ok() || !*row) break;
      out.push_back({q->Int(0), q->Text(1), q->Text(2), q->Text(3), q->Int(4), q->Text(5)});
    }
    return out;
  }

  // The open visit of `step_id`; with no step named, the case's only open step.
  Result<InstanceRow> OpenInstance(const CaseRow& c, const std::string& step_id) {
    const std::vector<InstanceRow> open_now = OpenInstances(c.id);
    if (step_id.empty() && open_now.size() == 1) return open_now.front();
    if (step_id.empty() && open_now.size() > 1) return InvalidField("step", "case " + c.number + " has several open steps; name one");
    for (const InstanceRow& i : open_now)
      if (i.step_id == step_id) return i;
    std::string open;
    for (const InstanceRow& i : OpenInstances(c.id)) open += (open.empty() ? "" : ", ") + i.step_id;
    return Conflict("step '" + step_id + "' of case " + c.number + " is not open" +
                    (open.empty() ? " (the case has no open step; status " + c.status + ")"
                                  : "; open now: " + open));
  }

  Result<std::int64_t> CountVisits(std::int64_t case_id, const std::string& step_id) {
    auto q = db_.Prepare("SELECT COUNT(*) FROM step_instances WHERE case_id = ? AND step_id = ?");
    if (!q.ok()) return q.status();
    q->Bind(1, case_id).Bind(2, step_id);
    auto row = q->Step();
    if (!row.ok()) return row.status();
    const std::int64_t n = q->Int(0);
    q->Run();
    return n;
  }

  static nlohmann::json Snapshot(const CaseRow& c) {
    return {{"id", c.id}, {"number", c.number}, {"title", c.title}, {"status", c.status}, {"fields", c.fields}};
  }

  // ---- writing -------------------------------------------------------------------------------

  Status Audit(std::int64_t case_id, std::optional<std::int64_t> instance, const std::string& event,
               const nlohmann::json& detail) {
    auto q = db_.Prepare("INSERT INTO audit_events(at, actor, case_id, step_instance_id, event, detail) VALUES (?,?,?,?,?,?)");
    if (!q.ok()) return q.status();
    q->Bind(1, now_).Bind(2, command_.actor.name).Bind(4, instance).Bind(5, event).Bind(6, detail.dump());
    if (case_id == 0) q->BindNull(3);  // events about no case (a procedure published)
    else q->Bind(3, case_id);
    return q->Run();
  }

  Status SaveCase(const CaseRow& c) {
    auto q = db_.Prepare("UPDATE cases SET fields = ?, status = ? WHERE id = ?");
    if (!q.ok()) return q.status();
    q->Bind(1, c.fields.dump()).Bind(2, c.status).Bind(3, c.id);
    return q->Run();
  }

  Status SetFields(CaseRow& c, const ProcedureDef& def, const nlohmann::json& values, const std::string& origin) {
    if (values.is_null()) return Status::Ok();
    if (!values.is_object()) return InvalidArgument(origin + ": fields must be name = value pairs");
    for (const auto& [name, value] : values.items()) {
      if (name.empty() || name.size() > 64) return InvalidArgument(origin + ": field name '" + name + "' is not allowed");
      if (!value.is_null() && !value.is_string() && !value.is_number() && !value.is_boolean())
        return InvalidArgument(origin + ": field '" + name + "' must be a string, number or boolean");
      auto it = def.fields.find(name);
      if (it != def.fields.end() && !it->second.enum_values.empty() && !value.is_null()) {
        const auto& allowed = it->second.enum_values;
        if (!value.is_string() || std::find(allowed.begin(), allowed.end(), value.get<std::string>()) == allowed.end()) {
          std::string list;
          for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
          return InvalidArgument(origin + ": field '" + name + "' must be one of: " + list);
        }
      }
      if (value.is_null()) c.fields.erase(name);
      else c.fields[name] = value;
    }
    return Status::Ok();
  }

  Status ArmTimer(std::int64_t case_id, std::optional<std::int64_t> instance, const char* kind, UnixSeconds due,
                  const TimeStandard& ts) {
    auto q = db_.Prepare("INSERT INTO timers(case_id, step_instance_id, kind, due_at, basis, source, state) VALUES (?,?,?,?,?,?,'armed')");
    if (!q.ok()) return q.status();
    q->Bind(1, case_id).Bind(2, instance).Bind(3, kind).Bind(4, due).Bind(5, TimeBasisName(ts.basis)).Bind(6, ts.raw);
    return q->Run();
  }

  Status CancelTimers(const char* where_column, std::int64_t id) {
    auto q = db_.Prepare(std::string("UPDATE timers SET state = 'cancelled' WHERE state = 'armed' AND ") + where_column + " = ?");
    if (!q.ok()) return q.status();
    q->Bind(1, id);
    return q->Run();
  }

  // A notice: the outbox row, and one delivery per recipient and channel, rendered now (the
  // message says what was true when it was queued) and sent later by the delivery workers.
  Status Notify(const CaseRow& c, std::optional<std::int64_t> instance, const Notice& n, const ProcedureDef& def) {
    if (!def.roles.contains(n.to)) return InvalidArgument("notify: unknown role '" + n.to + "'");
    if (!n.tlp.empty() && !TlpRank(n.tlp)) return InvalidArgument("notify: unknown TLP '" + n.tlp + "' (" + kTlpChoices + ")");
    // The message carries the stricter of the notice's label and the case's own.
    std::string tlp = n.tlp;
    if (auto f = c.fields.find("tlp"); f != c.fields.end() && f->is_string() && TlpRank(f->get<std::string>()))
      tlp = tlp.empty() ? f->get<std::string>() : StricterTlp(tlp, *f);
    if (tlp.empty()) tlp = "AMBER";
    if (tlp == "WHITE") tlp = "CLEAR";
    const std::string template_name = n.template_name.empty() ? "default" : n.template_name;
    auto key = RandomHex(16);
    if (!key.ok()) return key.status();
    NotificationBook& book = *engine_.registry_.notifications();
    auto q = db_.Prepare("INSERT INTO outbox(case_id, step_instance_id, recipient_role, template, tlp, idempotency_key, created_at, state) VALUES (?,?,?,?,?,?,?,?)");
    if (!q.ok()) return q.status();
    NoticeFacts notice{c.procedure_id, def.instansi, n.to, template_name, tlp, c.fields, nlohmann::json::object()};
    auto facts = FactsForNotice(c, instance, n, template_name, tlp, def, book);
    if (!facts.ok()) return facts.status();
    notice.facts = std::move(*facts);
    const std::vector<PlannedDelivery> planned = book.Plan(notice);
    q->Bind(1, c.id).Bind(2, instance).Bind(3, n.to).Bind(4, template_name).Bind(5, tlp).Bind(6, "siaga-" + *key).Bind(7, now_)
        .Bind(8, planned.empty() ? "unrouted" : "queued");
    SIAGA_TRY(q->Run());
    const std::int64_t outbox_id = db_.LastInsertId();
    nlohmann::json summary = nlohmann::json::array();
    for (const PlannedDelivery& d : planned) {
      auto dkey = RandomHex(16);
      if (!dkey.ok()) return dkey.status();
      auto ins = db_.Prepare(
          "INSERT INTO deliveries(outbox_id, case_id, channel, recipient, language, tlp, subject, body_text, body_html, data, "
          "idempotency_key, state, max_attempts, next_attempt_at, last_error, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
      if (!ins.ok()) return ins.status();
      nlohmann::json data = notice.facts;
      data["template_used"] = d.message.template_used;
      ins->Bind(1, outbox_id).Bind(2, c.id).Bind(3, d.channel).Bind(4, d.recipient).Bind(5, d.language).Bind(6, d.tlp)
          .Bind(7, d.message.subject).Bind(8, d.message.text).Bind(9, d.message.html)
          .Bind(10, d.state == "refused" ? std::string("{}") : data.dump()).Bind(11, "siaga-" + *dkey).Bind(12, d.state)
          .Bind(13, d.max_attempts).Bind(14, now_).Bind(15, d.error).Bind(16, now_);
      SIAGA_TRY(ins->Run());
      nlohmann::json one = {{"delivery", db_.LastInsertId()}, {"channel", d.channel}, {"recipient", d.recipient}, {"state", d.state}};
      if (!d.error.empty()) one["error"] = d.error;
      if (!d.message.errors.empty()) one["template_errors"] = d.message.errors;
      summary.push_back(one);
      if (d.state == "refused") SIAGA_TRY(Audit(c.id, instance, "notice_refused", one));
      if (!d.message.errors.empty())
        spdlog::warn("case {}: notice '{}' rendered with {}: {}", c.number, template_name, d.message.template_used, d.message.errors.front());
    }
    // No recipient is recorded (outbox state, audit event), not logged: `serve` warns once at
    // start when no channel is set up, and simulations would drown in it.
    return Audit(c.id, instance, planned.empty() ? "notice_unrouted" : "notice_queued",
                 {{"to", n.to}, {"template", template_name}, {"tlp", tlp}, {"outbox", outbox_id}, {"deliveries", summary}});
  }

  // What a template sees: the case, the step that caused the notice with its deadline in the
  // agency's time zone, the notice and a link to the case.
  Result<nlohmann::json> FactsForNotice(const CaseRow& c, std::optional<std::int64_t> instance, const Notice& n,
                                        const std::string& template_name, const std::string& tlp, const ProcedureDef& def,
                                        const NotificationBook& book) {
    auto calendar = engine_.registry_.calendars().For(def.instansi, def.zona_waktu);
    const WorkingCalendar cal = calendar.ok() ? *calendar : WorkingCalendar::Standard(7 * 60, "WIB");
    auto when = [&](const Statement& st, int column) -> nlohmann::json {
      return st.IsNull(column) ? nlohmann::json() : nlohmann::json(cal.Format(st.Int(column)));
    };
    auto q = db_.Prepare("SELECT opened_at, sla_due_at, status FROM cases WHERE id = ?");
    if (!q.ok()) return q.status();
    q->Bind(1, c.id);
    auto row = q->Step();
    if (!row.ok()) return row.status();
    const std::int64_t opened = q->Int(0);
    const nlohmann::json sla_due = when(*q, 1);
    q->Run();
    std::string link = book.link();
    for (auto at = link.find("{case}"); at != std::string::npos; at = link.find("{case}")) link.replace(at, 6, std::to_string(c.id));
    const RoleDef& to = def.roles.at(n.to);
    nlohmann::json facts = {
        {"case", {{"id", c.id}, {"number", c.number}, {"title", c.title}, {"status", c.status}, {"procedure", c.procedure_id},
                  {"procedure_title", def.Title()}, {"fields", c.fields}, {"opened_at", cal.Format(opened)},
                  {"sla_due", sla_due}, {"link", link}}},
        {"notice", {{"to", n.to}, {"to_label", to.label.empty() ? n.to : to.label}, {"template", template_name}, {"tlp", tlp}}},
        {"agency", {{"id", def.instansi}, {"zona_waktu", cal.zone_label()}}},
        {"now", cal.Format(now_)},
    };
    if (instance) {
      auto s = db_.Prepare(
          "SELECT si.step_id, si.visit, (SELECT due_at FROM timers t WHERE t.step_instance_id = si.id AND t.kind IN ('sla_due', 'wait_timeout') "
          "ORDER BY t.id DESC LIMIT 1) FROM step_instances si WHERE si.id = ?");
      if (!s.ok()) return s.status();
      s->Bind(1, *instance);
      auto srow = s->Step();
      if (!srow.ok()) return srow.status();
      if (*srow) {
        const StepDef* step = def.Find(s->Text(0));
        nlohmann::json j = {{"id", s->Text(0)}, {"visit", s->Int(1)}, {"due", when(*s, 2)}};
        if (step != nullptr) {
          j["no"] = step->no;
          j["kegiatan"] = step->kegiatan;
          j["role"] = step->role;
          auto r = def.roles.find(step->role);
          j["role_label"] = r == def.roles.end() ? step->role : r->second.label;
          if (step->waktu) j["waktu"] = step->waktu->raw;
        }
        facts["step"] = std::move(j);
      }
      s->Run();
    }
    return facts;
  }

  // ---- deliveries ----------------------------------------------------------------------------

  // A delivery worker's report on one attempt: sent, or failed (retried with backoff until the
  // channel's attempts are used up, then a dead letter).
  Status DeliveryOutcome() {
    auto q = db_.Prepare("SELECT case_id, state, attempts, max_attempts, channel, recipient, outbox_id FROM deliveries WHERE id = ?");
    if (!q.ok()) return q.status();
    q->Bind(1, command_.delivery_id);
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) return NotFound("no delivery " + std::to_string(command_.delivery_id));
    const std::int64_t case_id = q->Int(0), attempts = q->Int(2) + 1, max_attempts = q->Int(3);
    const std::string state = q->Text(1);
    nlohmann::json detail = {{"delivery", command_.delivery_id}, {"channel", q->Text(4)}, {"recipient", q->Text(5)}, {"attempt", attempts}};
    q->Run();
    result_case_id_ = case_id;
    if (state != "pending") {  // an operator's retry or a second worker got there first
      detail_ = {{"ignored", "delivery is " + state}};
      return Status::Ok();
    }
    const bool sent = command_.label == "sent";
    std::string next_state = sent ? "sent" : "pending";
    std::int64_t next_at = now_;
    if (!sent && (command_.label == "refused" || attempts >= max_attempts)) {
      next_state = command_.label == "refused" ? "refused" : "dead";
    } else if (!sent) {
      next_at = now_ + RetryDelaySeconds(command_.retry_first_seconds, command_.retry_max_seconds, attempts);
    }
    auto u = db_.Prepare("UPDATE deliveries SET state = ?, attempts = ?, next_attempt_at = ?, last_error = ?, sent_at = ? WHERE id = ?");
    if (!u.ok()) return u.status();
    u->Bind(1, next_state).Bind(2, attempts).Bind(3, next_at).Bind(4, sent ? std::string() : command_.note.substr(0, 2000))
        .Bind(6, command_.delivery_id);
    if (sent) u->Bind(5, now_);
    else u->BindNull(5);
    SIAGA_TRY(u->Run());
    if (!sent) detail["error"] = command_.note.substr(0, 500);
    if (next_state == "pending") detail["next_attempt_at"] = FormatUtc(next_at);
    detail_ = detail;
    detail_["state"] = next_state;
    if (next_state == "pending") return Status::Ok();  // retries are in the row, not the audit trail
    const char* event = next_state == "sent" ? "notice_sent" : next_state == "dead" ? "notice_dead" : "notice_refused";
    return Audit(case_id, std::nullopt, event, detail);
  }

  Status SecurityEvent() {
    if (command_.label.empty() || command_.label.size() > 64) return InvalidArgument("security event: a name of 1 to 64 characters");
    auto detail = nlohmann::json::parse(command_.note, nullptr, false);
    if (detail.is_discarded() || !detail.is_object()) detail = {{"text", command_.note.substr(0, 1000)}};
    return Audit(0, std::nullopt, command_.label, detail);
  }

  // The token rules live with the token store (auth/tokens.h); the engine puts the row and its
  // audit event in the command's transaction.
  Status CreateToken() {
    if (!command_.token_grant) return InvalidArgument("create token: the command carries no grant");
    const TokenGrant& grant = *command_.token_grant;
    SIAGA_TRY(ValidateGrant(grant, now_));
    SIAGA_TRY(MayGrant(command_.actor, grant));
    SIAGA_TRY(CheckGrantScope(engine_.registry_.calendars(), grant.scope));
    auto id = InsertToken(db_, grant, command_.actor.name, now_);
    if (!id.ok()) return id.status();
    detail_ = {{"token_id", *id}};
    return Audit(0, std::nullopt, "token_created", TokenCreatedDetail(*id, grant));
  }

  Status RevokeToken() {
    auto token = FindToken(db_, command_.token_id);
    if (!token.ok()) return token.status();
    // A token outside an agency admin's reach answers as one that does not exist.
    if (!*token || (*token)->revoked_at || !MayManage(command_.actor, **token))
      return NotFound("no active token " + std::to_string(command_.token_id)).WithField("id");
    SIAGA_TRY(MarkTokenRevoked(db_, command_.token_id, now_));
    detail_ = {{"token_id", command_.token_id}, {"revoked", true}};
    return Audit(0, std::nullopt, "token_revoked", {{"token_id", command_.token_id}, {"user", (*token)->user}});
  }

  // An operator sends dead letters again: each gets the channel's attempts anew, same key.
  Status RetryDeliveries() {
    SIAGA_TRY(CheckAdmin("retrying dead notices"));
    const bool all = command_.delivery_id == 0;
    auto q = db_.Prepare(all ? "SELECT id, case_id, state FROM deliveries WHERE state = 'dead' ORDER BY id"
                             : "SELECT id, case_id, state FROM deliveries WHERE id = ?");
    if (!q.ok()) return q.status();
    if (!all) q->Bind(1, command_.delivery_id);
    std::vector<std::pair<std::int64_t, std::int64_t>> ids;
    while (true) {
      auto row = q->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      if (q->Text(2) != "dead") return Conflict("delivery " + std::to_string(q->Int(0)) + " is " + q->Text(2) + ", not dead");
      ids.emplace_back(q->Int(0), q->Int(1));
    }
    if (!all && ids.empty()) return NotFound("no delivery " + std::to_string(command_.delivery_id));
    for (const auto& [id, case_id] : ids) {
      auto u = db_.Prepare("UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_at = ? WHERE id = ?");
      if (!u.ok()) return u.status();
      u->Bind(1, now_).Bind(2, id);
      SIAGA_TRY(u->Run());
      SIAGA_TRY(Audit(case_id, std::nullopt, "notice_retried", {{"delivery", id}, {"by", command_.actor.name}}));
    }
    detail_ = {{"retried", ids.size()}};
    return Status::Ok();
  }

  Status ApplyEffects(CaseRow& c, const CompiledProcedure& proc, std::optional<std::int64_t> instance,
                      const HookEffects& effects, const std::string& origin) {
    if (!effects.set.empty()) {
      SIAGA_TRY(SetFields(c, proc.def(), effects.set, origin));
      SIAGA_TRY(Audit(c.id, instance, "fields_set", {{"by", origin}, {"fields", effects.set}}));
    }
    for (const Notice& n : effects.notices) SIAGA_TRY(Notify(c, instance, n, proc.def()));
    for (const std::string& note : effects.notes) SIAGA_TRY(Audit(c.id, instance, "note", {{"by", origin}, {"text", note}}));
    if (!effects.assign_role.empty()) {
      if (!proc.def().roles.contains(effects.assign_role))
        return ScriptError(proc.def().file + ": " + origin + ": ctx:assign: unknown role '" + effects.assign_role + "'");
      if (!instance) return ScriptError(proc.def().file + ": " + origin + ": ctx:assign needs a step (not a case hook)");
      auto q = db_.Prepare("UPDATE step_instances SET role = ? WHERE id = ? AND state = 'ready'");
      if (!q.ok()) return q.status();
      q->Bind(1, effects.assign_role).Bind(2, *instance);
      SIAGA_TRY(q->Run());
      SIAGA_TRY(Audit(c.id, instance, "step_reassigned", {{"by", origin}, {"role", effects.assign_role}}));
    }
    for (const ScheduledCall& call : effects.calls) {
      UnixSeconds due = 0;
      TimeStandard source;
      const ProcedureDef& def = proc.def();
      if (!call.after.empty()) {
        auto ts = ParseTimeStandard(call.after, def.defaults);
        if (!ts.ok()) return ScriptError(def.file + ": " + origin + ": ctx:after: " + ts.status().message());
        auto calendar = engine_.registry_.calendars().For(def.instansi, def.zona_waktu);
        if (!calendar.ok()) return calendar.status();
        due = calendar->Add(now_, ts->max, ts->unit, ts->basis);
        source = *ts;
      } else {
        auto calendar = WorkingCalendar::ForZone(def.zona_waktu);
        auto at = ParseInstant(call.at, calendar.ok() ? calendar->utc_offset_minutes() : 7 * 60);
        if (!at.ok()) return ScriptError(def.file + ": " + origin + ": ctx:at: " + at.status().message());
        due = *at;
        source.raw = call.at;
        source.basis = TimeBasis::kElapsed;
      }
      auto q = db_.Prepare("INSERT INTO timers(case_id, step_instance_id, kind, due_at, basis, source, state, function) VALUES (?,?,'call',?,?,?,'armed',?)");
      if (!q.ok()) return q.status();
      q->Bind(1, c.id).BindNull(2).Bind(3, due).Bind(4, TimeBasisName(source.basis)).Bind(5, source.raw).Bind(6, call.function);
      SIAGA_TRY(q->Run());
      SIAGA_TRY(Audit(c.id, instance, "call_scheduled", {{"fungsi", call.function}, {"due_at", FormatUtc(due)}, {"by", origin}}));
    }
    return SaveCase(c);
  }

  // Runs a hook and applies what it queued; a hook error fails the command.
  Result<HookOutcome> Hook(CaseRow& c, const CompiledProcedure& proc, const StepDef* step, std::optional<std::int64_t> instance,
                           std::int64_t visit, const char* name) {
    nlohmann::json step_snapshot = nullptr;
    if (step) step_snapshot = {{"id", step->id}, {"no", step->no}, {"visit", visit}};
    HookOutcome outcome = RunHook(proc, step, name, Snapshot(c), step_snapshot);
    if (!outcome.status.ok()) return outcome.status;
    if (outcome.ran) SIAGA_TRY(ApplyEffects(c, proc, instance, outcome.effects, std::string(name) + " hook"));
    return outcome;
  }

  // The step visit's role: the procedure's pelaksana unless a hook reassigned it (ctx:assign).
  Status CheckActor(const StepDef& step, const InstanceRow& inst, const ProcedureDef& def) {
    const Actor& actor = command_.actor;
    const std::string& owner = inst.role.empty() ? step.role : inst.role;
    if (!actor.checked || actor.Holds(owner)) return Status::Ok();
    for (const std::string& helper : step.assisting)
      if (actor.Holds(helper)) return Status::Ok();
    const auto it = def.roles.find(owner);
    return PermissionDenied(ActorLabel() + " may not act on " + step.Label() + "; its pelaksana is '" + owner +
                            "' (" + (it != def.roles.end() ? it->second.label : "?") + ")");
  }

  // Comments, evidence and new cases come from the people the procedure names (or an admin).
  Status CheckParticipant(const ProcedureDef& def, const char* what) {
    const Actor& actor = command_.actor;
    if (!actor.checked || actor.IsAdmin()) return Status::Ok();
    for (const auto& [role, unused] : def.roles)
      if (actor.Holds(role)) return Status::Ok();
    return PermissionDenied(ActorLabel() + " holds no role of procedure " + def.id + " and may not " + what);
  }

  Status CheckAdmin(const char* what) {
    if (!command_.actor.checked || command_.actor.IsAdmin()) return Status::Ok();
    return PermissionDenied(ActorLabel() + " may not " + what + ": it needs the 'admin' role");
  }

  std::string ActorLabel() const {
    std::string roles;
    for (const auto& r : command_.actor.roles) roles += (roles.empty() ? "" : ", ") + r;
    return "user '" + command_.actor.name + "' (roles: " + (roles.empty() ? "none" : roles) + ")";
  }

  Status MarkDone(const CaseRow& c, std::int64_t instance, const std::string& outcome) {
    auto q = db_.Prepare("UPDATE step_instances SET state = 'done', completed_at = ?, completed_by = ?, outcome = ? WHERE id = ? AND state = 'ready'");
    if (!q.ok()) return q.status();
    q->Bind(1, now_).Bind(2, command_.actor.name).Bind(3, outcome).Bind(4, instance);
    SIAGA_TRY(q->Run());
    if (db_.Changes() != 1) return Conflict("step of case " + c.number + " was completed already");
    return CancelTimers("step_instance_id", instance);
  }

  // ---- the state machine ---------------------------------------------------------------------

  Status Enter(CaseRow& c, const std::shared_ptr<CompiledProcedure>& proc, const std::string& step_id) {
    if (++transitions_ > kMaxTransitionsPerCommand)
      return ScriptError("more than " + std::to_string(kMaxTransitionsPerCommand) +
                         " steps in one command: a loop of automatic steps in " + proc->def().file + "?");
    const ProcedureDef& def = proc->def();
    const StepDef* step = def.Find(step_id);
    if (step == nullptr) return Internal("step '" + step_id + "' is missing from " + def.file);
    auto visits = CountVisits(c.id, step->id);
    if (!visits.ok()) return visits.status();
    const std::int64_t visit = *visits + 1;
    SIAGA_TRY(UpdateCaseClock(c, def, *step));

    std::optional<Deadline> deadline;
    if (step->waktu && step->kind != StepKind::kStart && step->kind != StepKind::kFinish) {
      auto calendar = engine_.registry_.calendars().For(def.instansi, def.zona_waktu, step->role);
      if (!calendar.ok()) return calendar.status();
      deadline = calendar->DeadlineFor(*step->waktu, now_, def.warn_share);
    }
    auto q = db_.Prepare("INSERT INTO step_instances(case_id, step_id, kind, visit, role, state, ready_at, warn_at, due_at, basis) VALUES (?,?,?,?,?,'ready',?,?,?,?)");
    if (!q.ok()) return q.status();
    q->Bind(1, c.id).Bind(2, step->id).Bind(3, StepKindName(step->kind)).Bind(4, visit);
    if (step->role.empty()) q->BindNull(5); else q->Bind(5, step->role);
    q->Bind(6, now_);
    if (deadline) {
      q->Bind(7, deadline->warn_at).Bind(8, deadline->due_at).Bind(9, TimeBasisName(step->waktu->basis));
    } else {
      q->BindNull(7).BindNull(8).BindNull(9);
    }
    SIAGA_TRY(q->Run());
    const std::int64_t instance = db_.LastInsertId();
    nlohmann::json entered = {{"step", step->id}, {"kind", StepKindName(step->kind)}, {"visit", visit}};
    if (deadline) entered["due_at"] = FormatUtc(deadline->due_at);
    SIAGA_TRY(Audit(c.id, instance, "step_entered", entered));

    switch (step->kind) {
      case StepKind::kStart:
        SIAGA_TRY(MarkDone(c, instance, "next"));
        return Enter(c, proc, step->next->step);

      case StepKind::kTask:
      case StepKind::kExternal:
      case StepKind::kDecision: {
        if (deadline) {
          SIAGA_TRY(ArmTimer(c.id, instance, "sla_warn", deadline->warn_at, *step->waktu));
          SIAGA_TRY(ArmTimer(c.id, instance, "sla_due", deadline->due_at, *step->waktu));
        }
        if (c.status == "waiting") {
          c.status = "open";
          SIAGA_TRY(SaveCase(c));
        }
        auto entered_hook = Hook(c, *proc, step, instance, visit, "on_enter");
        if (!entered_hook.ok()) return entered_hook.status();
        if (step->kind == StepKind::kDecision && step->has_decide) {
          auto decided = Hook(c, *proc, step, instance, visit, "decide");
          if (!decided.ok()) return decided.status();
          if (decided->label) return TakeBranch(c, proc, *step, {instance, step->id, "decision", "ready", visit, ""}, *decided->label, "decide hook");
        }
        return Status::Ok();
      }

      case StepKind::kWait: {
        if (deadline) SIAGA_TRY(ArmTimer(c.id, instance, "wait_timeout", deadline->due_at, *step->waktu));
        c.status = "waiting";
        SIAGA_TRY(SaveCase(c));
        auto entered_hook = Hook(c, *proc, step, instance, visit, "on_enter");
        return entered_hook.ok() ? Status::Ok() : entered_hook.status();
      }

      case StepKind::kAutomatic: {
        auto ran = Hook(c, *proc, step, instance, visit, "run");
        if (!ran.ok()) return ran.status();
        if (!step->branches.empty()) {
          if (!ran->label) return ScriptError(def.file + ": run hook of " + step->Label() + " must return one of its branch labels");
          return TakeBranch(c, proc, *step, {instance, step->id, "automatic", "ready", visit, ""}, *ran->label, "run hook");
        }
        SIAGA_TRY(FinishWork(c, *proc, *step, instance, visit, nlohmann::json::object(), nullptr));
        SIAGA_TRY(MarkDone(c, instance, "next"));
        return Enter(c, proc, step->next->step);
      }

      case StepKind::kCall: {
        auto child_proc = engine_.registry_.Latest(step->prosedur);
        if (!child_proc) return NotFound(step->Label() + " calls procedure '" + step->prosedur + "', which is not loaded");
        auto child = OpenCaseOf(child_proc, c.title, nlohmann::json::object(), "", c.id, instance);
        if (!child.ok()) return child.status();
        return Audit(c.id, instance, "subprocedure_started", {{"procedure", step->prosedur}, {"child_case", *child}});
      }

      case StepKind::kFinish: {
        SIAGA_TRY(MarkDone(c, instance, "finish"));
        return CloseCase(c, proc, step->hasil.empty() ? "selesai" : step->hasil);
      }
    }
    return Status::Ok();
  }

  // The service-standard clock stops while the case sits on a step with jeda_sla_kasus and
  // starts again, with the time that was left, on the first step after it.
  Status UpdateCaseClock(const CaseRow& c, const ProcedureDef& def, const StepDef& step) {
    if (!def.sla_kasus) return Status::Ok();
    auto q = db_.Prepare("SELECT sla_due_at, sla_paused_at FROM cases WHERE id = ?");
    if (!q.ok()) return q.status();
    q->Bind(1, c.id);
    auto row = q->Step();
    if (!row.ok()) return row.status();
    const std::optional<UnixSeconds> due = q->OptionalInt(0), paused = q->OptionalInt(1);
    q->Run();
    if (!due) return Status::Ok();
    if (step.pauses_case_sla && !paused) {
      auto upd = db_.Prepare("UPDATE cases SET sla_paused_at = ? WHERE id = ?");
      if (!upd.ok()) return upd.status();
      upd->Bind(1, now_).Bind(2, c.id);
      SIAGA_TRY(upd->Run());
      auto t = db_.Prepare("UPDATE timers SET state = 'cancelled' WHERE case_id = ? AND kind = 'case_sla_due' AND state = 'armed'");
      if (!t.ok()) return t.status();
      t->Bind(1, c.id);
      SIAGA_TRY(t->Run());
      return Audit(c.id, std::nullopt, "case_sla_paused", {{"step", step.id}, {"due_at", FormatUtc(*due)}});
    }
    if (!step.pauses_case_sla && paused) {
      auto calendar = engine_.registry_.calendars().For(def.instansi, def.zona_waktu);
      if (!calendar.ok()) return calendar.status();
      const UnixSeconds new_due = calendar->ResumeDeadline(*due, *paused, now_, def.sla_kasus->basis);
      auto upd = db_.Prepare("UPDATE cases SET sla_due_at = ?, sla_paused_at = NULL WHERE id = ?");
      if (!upd.ok()) return upd.status();
      upd->Bind(1, new_due).Bind(2, c.id);
      SIAGA_TRY(upd->Run());
      // A standard already missed before the pause stays missed; otherwise it is watched again.
      if (*due > *paused) SIAGA_TRY(ArmTimer(c.id, std::nullopt, "case_sla_due", new_due, *def.sla_kasus));
      return Audit(c.id, std::nullopt, "case_sla_resumed",
                   {{"paused_seconds", now_ - *paused}, {"old_due_at", FormatUtc(*due)}, {"new_due_at", FormatUtc(new_due)}});
    }
    return Status::Ok();
  }

  // Effects shared by every way a work step ends: fields from the command, the step's `set`,
  // the branch's `set`, on_complete, and declared notices.
  Status FinishWork(CaseRow& c, const CompiledProcedure& proc, const StepDef& step, std::int64_t instance,
                    std::int64_t visit, const nlohmann::json& command_fields, const Branch* branch) {
    if (command_fields.is_object() && !command_fields.empty()) {
      SIAGA_TRY(SetFields(c, proc.def(), command_fields, "field"));
      SIAGA_TRY(Audit(c.id, instance, "fields_set", {{"by", command_.actor.name}, {"fields", command_fields}}));
    }
    nlohmann::json declared = step.set;
    if (branch) declared.update(branch->set);
    if (!declared.empty()) {
      SIAGA_TRY(SetFields(c, proc.def(), declared, step.Label() + " set"));
      SIAGA_TRY(Audit(c.id, instance, "fields_set", {{"by", step.Label()}, {"fields", declared}}));
    }
    SIAGA_TRY(SaveCase(c));
    auto completed = Hook(c, proc, &step, instance, visit, "on_complete");
    if (!completed.ok()) return completed.status();
    for (const Notice& n : step.notify) SIAGA_TRY(Notify(c, instance, n, proc.def()));
    return Status::Ok();
  }

  Status GuardAllows(CaseRow& c, const CompiledProcedure& proc, const StepDef& step, const InstanceRow& inst) {
    auto guard = Hook(c, proc, &step, inst.id, inst.visit, "guard");
    if (!guard.ok()) return guard.status();
    if (guard->ran && !guard->allowed) return Conflict(step.Label() + " cannot be completed yet: " + guard->refusal);
    return Status::Ok();
  }

  Status TakeBranch(CaseRow& c, const std::shared_ptr<CompiledProcedure>& proc, const StepDef& step, const InstanceRow& inst,
                    const std::string& label, const std::string& decided_by,
                    const nlohmann::json& fields = nlohmann::json::object()) {
    const Branch* branch = nullptr;
    for (const Branch& b : step.branches)
      if (b.label == label) branch = &b;
    if (branch == nullptr) {
      std::string labels;
      for (const Branch& b : step.branches) labels += (labels.empty() ? "'" : ", '") + b.label + "'";
      return InvalidArgument(step.Label() + " has no branch '" + label + "'; choose one of: " + labels);
    }
    if (step.max_ulang && inst.visit >= *step.max_ulang) {
      auto earlier = CountVisits(c.id, branch->next.step);
      if (!earlier.ok()) return earlier.status();
      if (*earlier > 0)
        return Conflict(step.Label() + " has reached its loop bound (max_ulang = " + std::to_string(*step.max_ulang) +
                        "); branch '" + label + "' would loop again, choose a branch that leaves the loop");
    }
    if (step.kind == StepKind::kDecision) {
      auto q = db_.Prepare("INSERT INTO decisions(step_instance_id, label, decided_by, decided_at, note) VALUES (?,?,?,?,?)");
      if (!q.ok()) return q.status();
      q->Bind(1, inst.id).Bind(2, label).Bind(3, decided_by).Bind(4, now_).Bind(5, command_.note);
      SIAGA_TRY(q->Run());
    }
    SIAGA_TRY(FinishWork(c, *proc, step, inst.id, inst.visit, fields, branch));
    SIAGA_TRY(MarkDone(c, inst.id, label));
    SIAGA_TRY(Audit(c.id, inst.id, "branch_taken", {{"step", step.id}, {"branch", label}, {"next", branch->next.step}, {"by", decided_by}}));
    return Enter(c, proc, branch->next.step);
  }

  Status CloseCase(CaseRow& c, const std::shared_ptr<CompiledProcedure>& proc, const std::string& outcome) {
    for (const InstanceRow& i : OpenInstances(c.id)) {
      auto q = db_.Prepare("UPDATE step_instances SET state = 'cancelled', completed_at = ? WHERE id = ?");
      if (!q.ok()) return q.status();
      q->Bind(1, now_).Bind(2, i.id);
      SIAGA_TRY(q->Run());
    }
    c.status = "closed";
    auto q = db_.Prepare("UPDATE cases SET status = 'closed', outcome = ?, closed_at = ? WHERE id = ?");
    if (!q.ok()) return q.status();
    q->Bind(1, outcome).Bind(2, now_).Bind(3, c.id);
    SIAGA_TRY(q->Run());
    SIAGA_TRY(CancelTimers("case_id", c.id));
    auto closed = Hook(c, *proc, nullptr, std::nullopt, 0, "on_close");
    if (!closed.ok()) return closed.status();
    SIAGA_TRY(Audit(c.id, std::nullopt, "case_closed", {{"outcome", outcome}}));
    if (c.parent_case_id && c.parent_step_id) return ResumeParent(*c.parent_case_id, *c.parent_step_id, outcome, c);
    return Status::Ok();
  }

  // A child case finished: its outcome completes the parent's call step.
  Status ResumeParent(std::int64_t parent_id, std::int64_t parent_instance, const std::string& outcome, const CaseRow& child) {
    auto parent = LoadCase(parent_id);
    if (!parent.ok()) return parent.status();
    auto proc = ProcedureOf(*parent);
    if (!proc.ok()) return proc.status();
    InstanceRow inst;
    for (const InstanceRow& i : OpenInstances(parent_id))
      if (i.id == parent_instance) inst = i;
    if (inst.id == 0) return Status::Ok();  // the parent moved on (cancelled); nothing to resume
    const StepDef* step = (*proc)->def().Find(inst.step_id);
    if (step == nullptr) return Internal("call step '" + inst.step_id + "' is missing");
    SIAGA_TRY(Audit(parent_id, inst.id, "subprocedure_finished", {{"child_case", child.id}, {"child_number", child.number}, {"outcome", outcome}}));
    if (!step->branches.empty()) return TakeBranch(*parent, *proc, *step, inst, outcome, "sub-procedure " + child.number);
    SIAGA_TRY(FinishWork(*parent, **proc, *step, inst.id, inst.visit, nlohmann::json::object(), nullptr));
    SIAGA_TRY(MarkDone(*parent, inst.id, outcome));
    return Enter(*parent, *proc, step->next->step);
  }

  Result<std::int64_t> PublishVersion(const CompiledProcedure& proc) {
    const ProcedureDef& def = proc.def();
    auto ins = db_.Prepare("INSERT OR IGNORE INTO procedure_versions(procedure_id, hash, revision, file, title, zona_waktu, source, published_at, effective_from, bases) VALUES (?,?,?,?,?,?,?,?,?,?)");
    if (!ins.ok()) return ins.status();
    ins->Bind(1, def.id).Bind(2, def.hash).Bind(3, def.revision).Bind(4, def.file).Bind(5, def.Title()).Bind(6, def.zona_waktu)
        .Bind(7, proc.source()).Bind(8, now_).Bind(9, def.effective_from).Bind(10, proc.bases().dump());
    Status st = ins->Run();
    if (!st.ok()) return st;
    if (db_.Changes() == 1) {
      const std::int64_t id = db_.LastInsertId();
      st = Audit(0, std::nullopt, "procedure_published", {{"procedure", def.id}, {"hash", def.hash}, {"revision", def.revision}, {"file", def.file}});
      if (!st.ok()) return st;
      return id;
    }
    auto sel = db_.Prepare("SELECT id FROM procedure_versions WHERE hash = ?");
    if (!sel.ok()) return sel.status();
    sel->Bind(1, def.hash);
    auto row = sel->Step();
    if (!row.ok()) return row.status();
    const std::int64_t id = sel->Int(0);
    sel->Run();
    return id;
  }

  Result<std::int64_t> OpenCaseOf(const std::shared_ptr<CompiledProcedure>& proc, const std::string& title,
                                  const nlohmann::json& fields, const std::string& dedupe_key,
                                  std::optional<std::int64_t> parent_case, std::optional<std::int64_t> parent_step) {
    const ProcedureDef& def = proc->def();
    auto version = PublishVersion(*proc);
    if (!version.ok()) return version.status();
    auto next_id = db_.Prepare("SELECT COALESCE(MAX(id), 0) + 1 FROM cases");
    if (!next_id.ok()) return next_id.status();
    auto row = next_id->Step();
    if (!row.ok()) return row.status();
    const std::int64_t id = next_id->Int(0);
    next_id->Run();
    auto calendar = engine_.registry_.calendars().For(def.instansi, def.zona_waktu);
    if (!calendar.ok()) return calendar.status();
    int year = 0;
    unsigned month = 0, day = 0;
    CivilFromDays((now_ + calendar->utc_offset_minutes() * 60) / 86400, year, month, day);
    char number[128];
    std::snprintf(number, sizeof number, "%s-%04d-%06lld", CaseNumberPrefix(def).c_str(), year, static_cast<long long>(id));

    CaseRow c;
    c.id = id;
    c.number = number;
    c.procedure_id = def.id;
    c.title = title.empty() ? def.Title() : title;
    c.status = "open";
    c.version_id = *version;
    c.parent_case_id = parent_case;
    c.parent_step_id = parent_step;
    for (const auto& [name, f] : def.fields)
      if (!f.initial.is_null()) c.fields[name] = f.initial;
    SIAGA_TRY(SetFields(c, def, fields, "field"));

    std::optional<UnixSeconds> sla_due;
    if (def.sla_kasus) sla_due = calendar->DeadlineFor(*def.sla_kasus, now_).due_at;
    auto ins = db_.Prepare("INSERT INTO cases(id, number, procedure_id, version_id, title, status, fields, opened_at, sla_due_at, parent_case_id, parent_step_id, dedupe_key) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!ins.ok()) return ins.status();
    ins->Bind(1, id).Bind(2, c.number).Bind(3, def.id).Bind(4, c.version_id).Bind(5, c.title).Bind(6, c.status)
        .Bind(7, c.fields.dump()).Bind(8, now_).Bind(9, sla_due).Bind(10, parent_case).Bind(11, parent_step);
    if (dedupe_key.empty()) ins->BindNull(12); else ins->Bind(12, dedupe_key);
    SIAGA_TRY(ins->Run());
    if (def.sla_kasus) SIAGA_TRY(ArmTimer(id, std::nullopt, "case_sla_due", *sla_due, *def.sla_kasus));
    nlohmann::json opened = {{"procedure", def.id}, {"hash", def.hash}, {"number", c.number}, {"title", c.title}};
    if (parent_case) opened["parent_case"] = *parent_case;
    SIAGA_TRY(Audit(id, std::nullopt, "case_opened", opened));
    auto hook = Hook(c, *proc, nullptr, std::nullopt, 0, "on_open");
    if (!hook.ok()) return hook.status();
    SIAGA_TRY(Enter(c, proc, def.steps.front().id));
    return id;
  }

  // ---- commands ------------------------------------------------------------------------------

  // The version new cases take: the newest whose berlaku_mulai has come. A file's newest version
  // that is not in force yet leaves the one before it (stored when it was published) serving.
  Result<std::shared_ptr<CompiledProcedure>> VersionInForce(const std::string& procedure_id) {
    auto latest = engine_.registry_.Latest(procedure_id);
    if (!latest) return NotFound("no procedure '" + procedure_id + "' is loaded (see siaga lint for load errors)");
    if (!latest->def().effective_from || *latest->def().effective_from <= now_) return latest;
    auto q = db_.Prepare("SELECT hash, source, file, bases FROM procedure_versions WHERE procedure_id = ? AND hash != ? "
                         "AND COALESCE(effective_from, 0) <= ? ORDER BY id DESC LIMIT 1");
    if (!q.ok()) return q.status();
    q->Bind(1, procedure_id).Bind(2, latest->def().hash).Bind(3, now_);
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row)
      return Conflict("procedure " + procedure_id + " takes effect on " + FormatUtc(*latest->def().effective_from) +
                      " (berlaku_mulai) and no earlier version is stored to serve until then");
    const std::string hash = q->Text(0), source = q->Text(1), file = q->Text(2), bases = q->Text(3);
    q->Run();
    return engine_.registry_.LoadStored(hash, source, file, bases);
  }

  Status OpenCase() {
    auto in_force = VersionInForce(command_.procedure_id);
    if (!in_force.ok()) return in_force.status();
    auto proc = *in_force;
    SIAGA_TRY(CheckAgency(proc->def().id));
    if (command_.title.size() > 500) return InvalidArgument("title: at most 500 characters");
    SIAGA_TRY(CheckParticipant(proc->def(), "open its cases"));
    if (!command_.dedupe_key.empty()) {
      auto q = db_.Prepare("SELECT id FROM cases WHERE dedupe_key = ?");
      if (!q.ok()) return q.status();
      q->Bind(1, command_.dedupe_key);
      auto row = q->Step();
      if (!row.ok()) return row.status();
      if (*row) {
        result_case_id_ = q->Int(0);
        q->Run();
        detail_["duplicate"] = true;
        return Audit(result_case_id_, std::nullopt, "duplicate_received", {{"dedupe_key", command_.dedupe_key}});
      }
    }
    auto id = OpenCaseOf(proc, command_.title, command_.fields, command_.dedupe_key, std::nullopt, std::nullopt);
    if (!id.ok()) return id.status();
    result_case_id_ = *id;
    if (!command_.evidence_content.empty())
      return StoreEvidence(*id, std::nullopt, command_.evidence_name.empty() ? "payload.json" : command_.evidence_name);
    return Status::Ok();
  }

  Result<std::pair<CaseRow, std::shared_ptr<CompiledProcedure>>> CaseForCommand() {
    auto c = LoadCase(command_.case_id);
    if (!c.ok()) return c.status();
    result_case_id_ = c->id;
    if (c->status == "closed" || c->status == "cancelled")
      return Conflict("case " + c->number + " is " + c->status + "; it takes no more actions");
    auto proc = ProcedureOf(*c);
    if (!proc.ok()) return proc.status();
    return std::make_pair(std::move(*c), *proc);
  }

  // The open step a complete or decide command names, with its case and definition.
  struct OpenStepOfCommand {
    CaseRow c;
    std::shared_ptr<CompiledProcedure> proc;
    InstanceRow inst;
    const StepDef* step = nullptr;
  };

  Result<OpenStepOfCommand> LoadOpenStep() {
    auto loaded = CaseForCommand();
    if (!loaded.ok()) return loaded.status();
    OpenStepOfCommand o{std::move(loaded->first), loaded->second, {}, nullptr};
    auto inst = OpenInstance(o.c, command_.step_id);
    if (!inst.ok()) return inst.status();
    o.inst = *inst;
    o.step = o.proc->def().Find(o.inst.step_id);
    if (o.step == nullptr) return Internal("step '" + o.inst.step_id + "' missing from its procedure");
    return o;
  }

  Status Complete() {
    auto open = LoadOpenStep();
    if (!open.ok()) return open.status();
    auto& [c, proc, inst, step] = *open;
    if (step->kind == StepKind::kDecision)
      return InvalidArgument(step->Label() + " is a decision: use decide with one of its branches");
    if (step->kind == StepKind::kWait) return InvalidArgument(step->Label() + " is a wait: it ends on its timer or a signal");
    if (step->kind == StepKind::kCall) return InvalidArgument(step->Label() + " ends when its sub-procedure case closes");
    SIAGA_TRY(CheckActor(*step, inst, proc->def()));
    SIAGA_TRY(GuardAllows(c, *proc, *step, inst));
    SIAGA_TRY(FinishWork(c, *proc, *step, inst.id, inst.visit, command_.fields, nullptr));
    SIAGA_TRY(MarkDone(c, inst.id, "done"));
    SIAGA_TRY(Audit(c.id, inst.id, "step_completed", {{"step", step->id}, {"note", command_.note}}));
    return Enter(c, proc, step->next->step);
  }

  Status Decide() {
    auto open = LoadOpenStep();
    if (!open.ok()) return open.status();
    auto& [c, proc, inst, step] = *open;
    if (step->kind != StepKind::kDecision) return InvalidArgument(step->Label() + " is not a decision: use complete");
    SIAGA_TRY(CheckActor(*step, inst, proc->def()));
    SIAGA_TRY(GuardAllows(c, *proc, *step, inst));
    return TakeBranch(c, proc, *step, inst, command_.label, command_.actor.name, command_.fields);
  }

  Status Signal() {
    auto loaded = CaseForCommand();
    if (!loaded.ok()) return loaded.status();
    auto& [c, proc] = *loaded;
    if (command_.label.empty()) return InvalidArgument("signal: a signal name is required");
    for (const InstanceRow& inst : OpenInstances(c.id)) {
      const StepDef* step = proc->def().Find(inst.step_id);
      if (step == nullptr) continue;
      if (step->kind == StepKind::kWait && step->on.contains(command_.label)) {
        SIAGA_TRY(CheckSignaller(*step, inst, proc->def()));
        SIAGA_TRY(MarkDone(c, inst.id, command_.label));
        SIAGA_TRY(Audit(c.id, inst.id, "signal_received", {{"signal", command_.label}, {"step", step->id}, {"note", command_.note}}));
        c.status = "open";
        SIAGA_TRY(SaveCase(c));
        return Enter(c, proc, step->on.at(command_.label));
      }
      if (step->kind == StepKind::kExternal && step->selesai_bila == command_.label) {
        SIAGA_TRY(CheckSignaller(*step, inst, proc->def()));
        SIAGA_TRY(FinishWork(c, *proc, *step, inst.id, inst.visit, command_.fields, nullptr));
        SIAGA_TRY(MarkDone(c, inst.id, command_.label));
        SIAGA_TRY(Audit(c.id, inst.id, "signal_received", {{"signal", command_.label}, {"step", step->id}, {"note", command_.note}}));
        return Enter(c, proc, step->next->step);
      }
    }
    return Conflict("no open step of case " + c.number + " waits for signal '" + command_.label + "'");
  }

  Status Comment() {
    auto c = LoadCase(command_.case_id);
    if (!c.ok()) return c.status();
    result_case_id_ = c->id;
    auto proc = ProcedureOf(*c);
    if (!proc.ok()) return proc.status();
    SIAGA_TRY(CheckParticipant((*proc)->def(), "comment on its cases"));
    if (command_.note.empty() || command_.note.size() > 10000) return InvalidArgument("comment: text of 1 to 10000 characters required");
    return Audit(c->id, std::nullopt, "comment", {{"text", command_.note}});
  }

  Status Attach() {
    auto c = LoadCase(command_.case_id);
    if (!c.ok()) return c.status();
    result_case_id_ = c->id;
    auto proc = ProcedureOf(*c);
    if (!proc.ok()) return proc.status();
    SIAGA_TRY(CheckParticipant((*proc)->def(), "attach evidence to its cases"));
    if (command_.evidence_name.empty()) return InvalidArgument("attach: name is required");
    std::optional<std::int64_t> instance;
    if (!command_.step_id.empty()) {
      auto inst = OpenInstance(*c, command_.step_id);
      if (!inst.ok()) return inst.status();
      instance = inst->id;
    }
    return StoreEvidence(c->id, instance, command_.evidence_name);
  }

  // The command's evidence bytes, hashed and kept in the store (DESIGN.md §11.8).
  Status StoreEvidence(std::int64_t case_id, std::optional<std::int64_t> instance, const std::string& name) {
    const std::string tlp = command_.tlp.empty() ? "AMBER" : command_.tlp;
    if (!IsTlpLabel(tlp)) return InvalidField("tlp", std::string("must be one of ") + kTlpChoices);
    if (name.size() > 200) return InvalidArgument("evidence name: at most 200 characters");
    if (command_.evidence_content.size() > kMaxEvidenceBytes) return InvalidArgument("evidence: over 16 MiB is not stored in this version");
    const std::string sha = Sha256Hex(command_.evidence_content);
    auto q = db_.Prepare("INSERT INTO evidence(case_id, step_instance_id, name, media_type, size, sha256, tlp, added_by, added_at, content) VALUES (?,?,?,?,?,?,?,?,?,?)");
    if (!q.ok()) return q.status();
    q->Bind(1, case_id).Bind(2, instance).Bind(3, name).Bind(4, command_.media_type)
        .Bind(5, static_cast<std::int64_t>(command_.evidence_content.size())).Bind(6, sha)
        .Bind(7, tlp).Bind(8, command_.actor.name).Bind(9, now_).BindBlob(10, command_.evidence_content);
    SIAGA_TRY(q->Run());
    detail_["sha256"] = sha;
    return Audit(case_id, instance, "evidence_attached", {{"name", name}, {"sha256", sha}, {"size", command_.evidence_content.size()}, {"tlp", tlp}});
  }

  // Who may send a signal to a waiting or external step: its pelaksana, an admin, or (for a step
  // without one) any role of the procedure.
  Status CheckSignaller(const StepDef& step, const InstanceRow& inst, const ProcedureDef& def) {
    if (!command_.actor.checked || command_.actor.IsAdmin()) return Status::Ok();
    if (step.role.empty() && inst.role.empty()) return CheckParticipant(def, "signal its cases");
    return CheckActor(step, inst, def);
  }

  Status Assign() {
    auto open = LoadOpenStep();
    if (!open.ok()) return open.status();
    auto& [c, proc, inst, step] = *open;
    if (command_.label.empty() && command_.assignee.empty())
      return InvalidArgument("assign: give a user (assignee), a role, or both");
    if (command_.assignee.size() > 100) return InvalidArgument("assignee: at most 100 characters");
    if (!command_.label.empty()) {
      SIAGA_TRY(CheckAdmin("hand a step to another role"));
      if (!proc->def().roles.contains(command_.label))
        return InvalidArgument("role: '" + command_.label + "' is not a pelaksana of " + proc->def().id);
      auto q = db_.Prepare("UPDATE step_instances SET role = ? WHERE id = ?");
      if (!q.ok()) return q.status();
      q->Bind(1, command_.label).Bind(2, inst.id);
      SIAGA_TRY(q->Run());
      SIAGA_TRY(Audit(c.id, inst.id, "step_reassigned", {{"by", command_.actor.name}, {"role", command_.label}, {"step", step->id}}));
    } else if (!command_.actor.IsAdmin()) {
      SIAGA_TRY(CheckActor(*step, inst, proc->def()));
    }
    if (!command_.assignee.empty()) {
      auto q = db_.Prepare("UPDATE step_instances SET assignee = ? WHERE id = ?");
      if (!q.ok()) return q.status();
      q->Bind(1, command_.assignee).Bind(2, inst.id);
      SIAGA_TRY(q->Run());
      SIAGA_TRY(Audit(c.id, inst.id, "step_assigned", {{"by", command_.actor.name}, {"assignee", command_.assignee}, {"step", step->id}}));
    }
    return Status::Ok();
  }

  // Each draft opens (or finds, by its dedupe key) a case in a savepoint of its own, so one bad
  // draft does not lose the others; the payload is held for reprocessing when any draft failed.
  Status Ingest() {
    if (!command_.ingest) return InvalidArgument("ingest: no payload");
    const IngestRequest& in = *command_.ingest;
    nlohmann::json cases = nlohmann::json::array(), failed = nlohmann::json::array();
    int accepted = 0, duplicates = 0;
    for (std::size_t i = 0; i < in.opens.size(); ++i) {
      Savepoint sp(db_, "draft");
      SIAGA_TRY(sp.status());
      Transition draft(engine_, in.opens[i]);
      CommandResult r = draft.Run();
      if (!r.status.ok()) {
        failed.push_back({{"draft", i + 1}, {"error", r.status.message()}});
        continue;
      }
      SIAGA_TRY(sp.Release());
      (r.detail.contains("duplicate") ? duplicates : accepted) += 1;
      cases.push_back(r.case_id);
    }
    std::string error = in.error;
    for (const auto& f : failed)
      error += (error.empty() ? "" : "; ") + ("draft " + std::to_string(f["draft"].get<std::size_t>()) + ": " + f["error"].get<std::string>());
    const char* state = error.empty() ? "processed" : "held";
    nlohmann::json result = {{"accepted", accepted}, {"duplicates", duplicates}, {"ignored", in.ignored}, {"cases", cases}};
    if (!failed.empty()) result["failed"] = failed;
    if (in.inbox_id != 0) {
      auto q = db_.Prepare("UPDATE inbox SET state = ?, error = ?, attempts = attempts + 1, result = ? WHERE id = ? AND state = 'held'");
      if (!q.ok()) return q.status();
      q->Bind(1, state).Bind(3, result.dump()).Bind(4, in.inbox_id);
      if (error.empty()) q->BindNull(2); else q->Bind(2, error);
      SIAGA_TRY(q->Run());
      if (db_.Changes() != 1) return Conflict("inbox payload " + std::to_string(in.inbox_id) + " is not held");
      detail_["inbox_id"] = in.inbox_id;
      SIAGA_TRY(Audit(0, std::nullopt, "inbox_reprocessed", {{"inbox_id", in.inbox_id}, {"state", state}, {"result", result}}));
    } else {
      auto q = db_.Prepare("INSERT INTO inbox(adapter, sender, content_type, body, sha256, received_at, state, error, result) VALUES (?,?,?,?,?,?,?,?,?)");
      if (!q.ok()) return q.status();
      q->Bind(1, in.adapter).Bind(2, in.sender).Bind(3, in.content_type).BindBlob(4, in.body).Bind(5, Sha256Hex(in.body))
          .Bind(6, now_).Bind(7, state).Bind(9, result.dump());
      if (error.empty()) q->BindNull(8); else q->Bind(8, error);
      SIAGA_TRY(q->Run());
      detail_["inbox_id"] = db_.LastInsertId();
    }
    for (auto& [k, v] : result.items()) detail_[k] = v;
    detail_["state"] = state;
    if (!error.empty()) detail_["error"] = error;
    return Status::Ok();
  }

  // Moves a running case to another version of its procedure. Open steps that exist in the new
  // version stay as they are (deadlines too); others move to the step the mapping names, as a new
  // visit. The new version's fungsi.migrasi(ctx), when it has one, runs last (e.g. to set fields).
  Status Migrate() {
    auto loaded = CaseForCommand();
    if (!loaded.ok()) return loaded.status();
    CaseRow& c = loaded->first;
    SIAGA_TRY(CheckAdmin("migrate cases"));
    std::shared_ptr<CompiledProcedure> to;
    if (command_.label.empty()) {
      auto in_force = VersionInForce(c.procedure_id);
      if (!in_force.ok()) return in_force.status();
      to = *in_force;
    } else {
      to = engine_.registry_.ByHash(command_.label);
      if (!to) {
        auto q = db_.Prepare("SELECT hash, source, file, bases FROM procedure_versions WHERE hash = ? OR hash LIKE ? || '%' LIMIT 2");
        if (!q.ok()) return q.status();
        q->Bind(1, command_.label).Bind(2, command_.label);
        auto row = q->Step();
        if (!row.ok()) return row.status();
        if (!*row) return InvalidField("to", "no stored version " + command_.label);
        const std::string hash = q->Text(0), source = q->Text(1), file = q->Text(2), bases = q->Text(3);
        q->Run();
        auto stored = engine_.registry_.LoadStored(hash, source, file, bases);
        if (!stored.ok()) return stored.status();
        to = *stored;
      }
    }
    if (to->def().id != c.procedure_id)
      return InvalidField("to", "version " + to->def().hash.substr(0, 12) + " is of " + to->def().id + ", not " + c.procedure_id);
    if (to->def().hash == c.hash) return Conflict("case " + c.number + " already runs on version " + c.hash.substr(0, 12));
    const nlohmann::json& mapping = command_.fields;
    struct Move {
      InstanceRow inst;
      std::string target;
    };
    std::vector<Move> moves;
    for (const InstanceRow& inst : OpenInstances(c.id)) {
      std::string target = inst.step_id;
      if (mapping.contains(inst.step_id)) {
        if (!mapping[inst.step_id].is_string()) return InvalidField("map." + inst.step_id, "must name a step");
        target = mapping[inst.step_id].get<std::string>();
      }
      if (to->def().Find(target) == nullptr)
        return InvalidField("map." + inst.step_id, "open step '" + inst.step_id + "' has no step '" + target +
                                                       "' in the new version; map it, e.g. " + inst.step_id + "=<step of the new version>");
      moves.push_back({inst, target});
    }
    auto version = PublishVersion(*to);
    if (!version.ok()) return version.status();
    const std::string old_hash = c.hash;
    c.version_id = *version;
    c.hash = to->def().hash;
    c.source = to->source();
    c.file = to->def().file;
    c.bases = to->bases().dump();
    auto q = db_.Prepare("UPDATE cases SET version_id = ? WHERE id = ?");
    if (!q.ok()) return q.status();
    q->Bind(1, *version).Bind(2, c.id);
    SIAGA_TRY(q->Run());
    nlohmann::json moved = nlohmann::json::object();
    for (const Move& m : moves) {
      if (m.target == m.inst.step_id) continue;
      auto cancel = db_.Prepare("UPDATE step_instances SET state = 'cancelled', completed_at = ?, completed_by = ?, outcome = 'migrated' WHERE id = ?");
      if (!cancel.ok()) return cancel.status();
      cancel->Bind(1, now_).Bind(2, command_.actor.name).Bind(3, m.inst.id);
      SIAGA_TRY(cancel->Run());
      SIAGA_TRY(CancelTimers("step_instance_id", m.inst.id));
      moved[m.inst.step_id] = m.target;
    }
    SIAGA_TRY(Audit(c.id, std::nullopt, "case_migrated",
                    {{"from", old_hash}, {"to", c.hash}, {"revision", to->def().revision}, {"moved", moved}, {"note", command_.note}}));
    for (const auto& [old_step, target] : moved.items()) SIAGA_TRY(Enter(c, to, target.get<std::string>()));
    if (to->PushFunction("migrasi")) {
      lua_pop(to->sandbox().state(), 1);
      HookOutcome ran = RunFunction(*to, "migrasi", Snapshot(c));
      if (!ran.status.ok()) return ran.status;
      SIAGA_TRY(ApplyEffects(c, *to, std::nullopt, ran.effects, "fungsi 'migrasi'"));
    }
    detail_["from"] = old_hash;
    detail_["to"] = c.hash;
    detail_["moved"] = moved;
    return Status::Ok();
  }

  Status PublishProcedures() {
    int published = 0;
    for (const auto& proc : engine_.registry_.LatestAll()) {
      auto before = db_.Prepare("SELECT COUNT(*) FROM procedure_versions WHERE hash = ?");
      if (!before.ok()) return before.status();
      before->Bind(1, proc->def().hash);
      auto row = before->Step();
      if (!row.ok()) return row.status();
      const bool known = before->Int(0) > 0;
      before->Run();
      auto id = PublishVersion(*proc);
      if (!id.ok()) return id.status();
      published += known ? 0 : 1;
    }
    detail_["published"] = published;
    return Status::Ok();
  }

  Status Cancel() {
    auto loaded = CaseForCommand();
    if (!loaded.ok()) return loaded.status();
    auto& [c, proc] = *loaded;
    SIAGA_TRY(CheckAdmin("cancel a case"));
    if (command_.note.empty()) return InvalidArgument("cancel: a reason is required");
    for (const InstanceRow& i : OpenInstances(c.id)) {
      auto q = db_.Prepare("UPDATE step_instances SET state = 'cancelled', completed_at = ?, completed_by = ? WHERE id = ?");
      if (!q.ok()) return q.status();
      q->Bind(1, now_).Bind(2, command_.actor.name).Bind(3, i.id);
      SIAGA_TRY(q->Run());
    }
    auto q = db_.Prepare("UPDATE cases SET status = 'cancelled', outcome = 'dibatalkan', closed_at = ? WHERE id = ?");
    if (!q.ok()) return q.status();
    q->Bind(1, now_).Bind(2, c.id);
    SIAGA_TRY(q->Run());
    SIAGA_TRY(CancelTimers("case_id", c.id));
    return Audit(c.id, std::nullopt, "case_cancelled", {{"reason", command_.note}});
  }

  // Hand-over between agencies (docs/multi-agency.md): in this one savepoint the source case is
  // closed with outcome 'diserahkan' (open steps and timers cancelled) and a case opens on the
  // receiving agency's procedure, each linked to the other, with an audit event on both.
  Status Handover() {
    auto loaded = CaseForCommand();
    if (!loaded.ok()) return loaded.status();
    auto& [c, proc] = *loaded;
    const ProcedureDef& source = proc->def();
    SIAGA_TRY(CheckParticipant(source, "hand its cases over"));
    const std::string& to_agency = command_.label;
    if (to_agency.empty()) return InvalidField("to_agency", "the receiving agency is required");
    if (command_.procedure_id.empty()) return InvalidField("procedure", "the receiving agency's procedure is required");
    if (command_.note.size() > 10000) return InvalidField("note", "at most 10000 characters");
    if (c.parent_case_id) return InvalidArgument("case " + c.number + " runs as a sub-procedure of case " +
                                                 std::to_string(*c.parent_case_id) + "; hand over that case instead");
    if (source.instansi.empty())
      return InvalidArgument("procedure " + source.id + " names no agency (instansi); its cases cannot be handed over");
    if (to_agency == source.instansi) return InvalidField("to_agency", "the case is already at " + to_agency);
    const CalendarBook& book = engine_.registry_.calendars();
    const AgencySettings* receiver = book.Agency(to_agency);
    if (receiver == nullptr) return InvalidField("to_agency", "no agency '" + to_agency + "' (sop/instansi/)");
    if (std::find(receiver->mengawasi.begin(), receiver->mengawasi.end(), source.instansi) == receiver->mengawasi.end())
      return PermissionDenied("agency " + to_agency + " does not receive hand-overs from " + source.instansi +
                              " (its mengawasi list in " + receiver->file + " does not name it)").WithField("to_agency");
    auto target = VersionInForce(command_.procedure_id);
    if (!target.ok()) return Status(target.status().code(), target.status().message()).WithField("procedure");
    const ProcedureDef& dest = (*target)->def();
    if (dest.instansi != to_agency)
      return InvalidField("procedure", "procedure " + dest.id + " belongs to '" + dest.instansi + "', not to " + to_agency);

    // The fields travel when the receiving procedure accepts them; the rest are named in the audit.
    nlohmann::json carried = nlohmann::json::object();
    std::vector<std::string> dropped;
    for (const auto& [name, value] : c.fields.items()) {
      CaseRow probe;
      if (SetFields(probe, dest, nlohmann::json{{name, value}}, "field").ok()) carried[name] = value;
      else dropped.push_back(name);
    }
    for (const InstanceRow& i : OpenInstances(c.id)) {
      auto q = db_.Prepare("UPDATE step_instances SET state = 'cancelled', completed_at = ?, completed_by = ? WHERE id = ?");
      if (!q.ok()) return q.status();
      q->Bind(1, now_).Bind(2, command_.actor.name).Bind(3, i.id);
      SIAGA_TRY(q->Run());
    }
    SIAGA_TRY(CancelTimers("case_id", c.id));
    auto opened = OpenCaseOf(*target, c.title, carried, "", std::nullopt, std::nullopt);
    if (!opened.ok()) return opened.status();
    {
      auto q = db_.Prepare("UPDATE cases SET status = 'closed', outcome = 'diserahkan', closed_at = ?, handed_over_to = ? WHERE id = ?");
      if (!q.ok()) return q.status();
      q->Bind(1, now_).Bind(2, *opened).Bind(3, c.id);
      SIAGA_TRY(q->Run());
      auto link = db_.Prepare("UPDATE cases SET handed_over_from = ? WHERE id = ?");
      if (!link.ok()) return link.status();
      link->Bind(1, c.id).Bind(2, *opened);
      SIAGA_TRY(link->Run());
    }
    std::string to_number;
    {
      auto q = db_.Prepare("SELECT number FROM cases WHERE id = ?");
      if (!q.ok()) return q.status();
      q->Bind(1, *opened);
      auto row = q->Step();
      if (!row.ok()) return row.status();
      to_number = q->Text(0);
      q->Run();
    }
    SIAGA_TRY(Audit(c.id, std::nullopt, "handed_over",
                    {{"to_case", *opened}, {"to_number", to_number}, {"to_agency", to_agency}, {"to_procedure", dest.id},
                     {"from_agency", source.instansi}, {"note", command_.note}, {"fields_not_carried", dropped}}));
    SIAGA_TRY(Audit(*opened, std::nullopt, "handover_received",
                    {{"from_case", c.id}, {"from_number", c.number}, {"from_agency", source.instansi}, {"from_procedure", source.id},
                     {"to_agency", to_agency}, {"note", command_.note}}));
    detail_ = {{"from_case", c.id}, {"to_case", *opened}, {"to_number", to_number}};
    result_case_id_ = c.id;
    return Status::Ok();
  }

  // Re-reads every open deadline that runs on working time or working days against the current
  // calendar data; a changed one moves its armed timers, audited with the old and new instant.
  Status RecomputeDeadlines() {
    struct Open {
      std::int64_t instance, case_id;
      std::string step_id;
      UnixSeconds ready_at;
      std::optional<UnixSeconds> warn_at, due_at;
    };
    std::vector<Open> open;
    {
      auto q = db_.Prepare("SELECT s.id, s.case_id, s.step_id, s.ready_at, s.warn_at, s.due_at FROM step_instances s "
                           "WHERE s.state = 'ready' AND s.basis IN ('jam_kerja', 'hari_kerja') ORDER BY s.id");
      if (!q.ok()) return q.status();
      while (true) {
        auto row = q->Step();
        if (!row.ok()) return row.status();
        if (!*row) break;
        open.push_back({q->Int(0), q->Int(1), q->Text(2), q->Int(3), q->OptionalInt(4), q->OptionalInt(5)});
      }
    }
    const CalendarBook& book = engine_.registry_.calendars();
    int moved = 0;
    for (const Open& o : open) {
      auto c = LoadCase(o.case_id);
      if (!c.ok()) return c.status();
      auto proc = ProcedureOf(*c);
      if (!proc.ok()) return proc.status();
      const ProcedureDef& def = (*proc)->def();
      const StepDef* step = def.Find(o.step_id);
      if (step == nullptr || !step->waktu) continue;
      auto calendar = book.For(def.instansi, def.zona_waktu, step->role);
      if (!calendar.ok()) return calendar.status();
      const Deadline d = calendar->DeadlineFor(*step->waktu, o.ready_at, def.warn_share);
      if (o.due_at && *o.due_at == d.due_at && o.warn_at && *o.warn_at == d.warn_at) continue;
      auto upd = db_.Prepare("UPDATE step_instances SET warn_at = ?, due_at = ? WHERE id = ?");
      if (!upd.ok()) return upd.status();
      upd->Bind(1, d.warn_at).Bind(2, d.due_at).Bind(3, o.instance);
      SIAGA_TRY(upd->Run());
      // Only timers still armed move; a warning that already fired stays fired.
      for (const auto& [kind, at] : {std::pair<const char*, UnixSeconds>{"sla_warn", d.warn_at},
                                     {"sla_due", d.due_at}, {"wait_timeout", d.due_at}}) {
        auto t = db_.Prepare("UPDATE timers SET due_at = ? WHERE step_instance_id = ? AND kind = ? AND state = 'armed'");
        if (!t.ok()) return t.status();
        t->Bind(1, at).Bind(2, o.instance).Bind(3, kind);
        SIAGA_TRY(t->Run());
      }
      SIAGA_TRY(Audit(o.case_id, o.instance, "deadline_recomputed",
                      {{"step", o.step_id}, {"old_due_at", o.due_at ? FormatUtc(*o.due_at) : ""},
                       {"new_due_at", FormatUtc(d.due_at)}, {"calendar", book.Hash().substr(0, 12)}}));
      ++moved;
    }
    // Service standards of open cases (not paused: a paused clock is re-read when it resumes).
    struct OpenCase {
      std::int64_t id;
      UnixSeconds opened_at, due_at;
    };
    std::vector<OpenCase> cases;
    {
      auto q = db_.Prepare("SELECT id, opened_at, sla_due_at FROM cases WHERE status IN ('open', 'waiting') "
                           "AND sla_due_at IS NOT NULL AND sla_paused_at IS NULL ORDER BY id");
      if (!q.ok()) return q.status();
      while (true) {
        auto row = q->Step();
        if (!row.ok()) return row.status();
        if (!*row) break;
        cases.push_back({q->Int(0), q->Int(1), q->Int(2)});
      }
    }
    for (const OpenCase& oc : cases) {
      auto c = LoadCase(oc.id);
      if (!c.ok()) return c.status();
      auto proc = ProcedureOf(*c);
      if (!proc.ok()) return proc.status();
      const ProcedureDef& def = (*proc)->def();
      if (!def.sla_kasus || (def.sla_kasus->basis != TimeBasis::kWorkingDays && def.sla_kasus->basis != TimeBasis::kWorkingTime)) continue;
      auto calendar = book.For(def.instansi, def.zona_waktu);
      if (!calendar.ok()) return calendar.status();
      const UnixSeconds due = calendar->DeadlineFor(*def.sla_kasus, oc.opened_at).due_at;
      if (due == oc.due_at) continue;
      auto upd = db_.Prepare("UPDATE cases SET sla_due_at = ? WHERE id = ?");
      if (!upd.ok()) return upd.status();
      upd->Bind(1, due).Bind(2, oc.id);
      SIAGA_TRY(upd->Run());
      auto t = db_.Prepare("UPDATE timers SET due_at = ? WHERE case_id = ? AND kind = 'case_sla_due' AND state = 'armed'");
      if (!t.ok()) return t.status();
      t->Bind(1, due).Bind(2, oc.id);
      SIAGA_TRY(t->Run());
      SIAGA_TRY(Audit(oc.id, std::nullopt, "deadline_recomputed",
                      {{"service_standard", def.sla_kasus->raw}, {"old_due_at", FormatUtc(oc.due_at)},
                       {"new_due_at", FormatUtc(due)}, {"calendar", book.Hash().substr(0, 12)}}));
      ++moved;
    }
    auto save = db_.Prepare("INSERT INTO settings(key, value) VALUES ('calendar_hash', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    if (!save.ok()) return save.status();
    save->Bind(1, book.Hash());
    SIAGA_TRY(save->Run());
    detail_ = {{"recomputed", moved}, {"checked", open.size()}};
    return Status::Ok();
  }

  struct DueTimer {
    std::int64_t id, case_id;
    std::optional<std::int64_t> instance;
    std::string kind, source;
    UnixSeconds due_at;
  };

  Status FireDueTimers() {
    std::vector<DueTimer> due;
    {
      auto q = db_.Prepare("SELECT id, case_id, step_instance_id, kind, source, due_at FROM timers WHERE state = 'armed' AND due_at <= ? ORDER BY due_at, id LIMIT ?");
      if (!q.ok()) return q.status();
      q->Bind(1, now_).Bind(2, kMaxTimersPerTick);
      while (true) {
        auto row = q->Step();
        if (!row.ok()) return row.status();
        if (!*row) break;
        due.push_back({q->Int(0), q->Int(1), q->OptionalInt(2), q->Text(3), q->Text(4), q->Int(5)});
      }
    }
    int fired = 0, failed = 0;
    for (const DueTimer& t : due) {
      Status st;
      {
        Savepoint sp(db_, "timer");
        SIAGA_TRY(sp.status());
        st = FireOne(t);
        if (st.code() == StatusCode::kStorageError) return st;
        if (st.ok()) {
          SIAGA_TRY(sp.Release());
          ++fired;
          continue;
        }
      }  // the savepoint rolled back what the failed timer did
      // Record that it fired and failed, so a broken hook is reported once, not at every tick.
      ++failed;
      spdlog::warn("timer {} of case {} failed: {}", t.id, t.case_id, st.message());
      auto q = db_.Prepare("UPDATE timers SET state = 'fired', fired_at = ? WHERE id = ? AND state = 'armed'");
      if (!q.ok()) return q.status();
      q->Bind(1, now_).Bind(2, t.id);
      SIAGA_TRY(q->Run());
      SIAGA_TRY(Audit(t.case_id, t.instance, "timer_failed", {{"timer", t.id}, {"kind", t.kind}, {"error", st.message()}}));
    }
    detail_ = {{"fired", fired}, {"failed", failed}};
    return Status::Ok();
  }

  Status FireOne(const DueTimer& t) {
    auto q = db_.Prepare("UPDATE timers SET state = 'fired', fired_at = ? WHERE id = ? AND state = 'armed'");
    if (!q.ok()) return q.status();
    q->Bind(1, now_).Bind(2, t.id);
    SIAGA_TRY(q->Run());
    if (db_.Changes() != 1) return Status::Ok();  // fired already: firing is idempotent
    auto c = LoadCase(t.case_id);
    if (!c.ok()) return c.status();
    auto proc = ProcedureOf(*c);
    if (!proc.ok()) return proc.status();
    nlohmann::json detail = {{"timer", t.id}, {"kind", t.kind}, {"due_at", FormatUtc(t.due_at)}, {"standard", t.source}};
    if (t.kind == "case_sla_due") return Audit(c->id, std::nullopt, "case_sla_breached", detail);
    if (t.kind == "call") {
      auto fn = db_.Prepare("SELECT COALESCE(function, '') FROM timers WHERE id = ?");
      if (!fn.ok()) return fn.status();
      fn->Bind(1, t.id);
      auto row = fn->Step();
      if (!row.ok()) return row.status();
      const std::string name = fn->Text(0);
      fn->Run();
      if (c->status == "closed" || c->status == "cancelled") return Status::Ok();
      SIAGA_TRY(Audit(c->id, std::nullopt, "call_fired", {{"fungsi", name}, {"timer", t.id}}));
      HookOutcome ran = RunFunction(**proc, name, Snapshot(*c));
      if (!ran.status.ok()) return ran.status;
      return ApplyEffects(*c, **proc, std::nullopt, ran.effects, "fungsi '" + name + "'");
    }
    if (!t.instance) return Internal("step timer without a step instance");
    InstanceRow inst;
    for (const InstanceRow& i : OpenInstances(c->id))
      if (i.id == *t.instance) inst = i;
    if (inst.id == 0) return Status::Ok();  // the step ended; its timers were cancelled with it
    const StepDef* step = (*proc)->def().Find(inst.step_id);
    if (step == nullptr) return Internal("timer for a step missing from its procedure");
    detail["step"] = step->id;
    if (t.kind == "sla_warn") {
      SIAGA_TRY(Audit(c->id, inst.id, "sla_warning", detail));
      auto warned = Hook(*c, **proc, step, inst.id, inst.visit, "on_warning");
      return warned.ok() ? Status::Ok() : warned.status();
    }
    if (t.kind == "sla_due") {
      SIAGA_TRY(Audit(c->id, inst.id, "sla_breached", detail));
      auto breached = Hook(*c, **proc, step, inst.id, inst.visit, "on_breach");
      return breached.ok() ? Status::Ok() : breached.status();
    }
    // wait_timeout: the wait ends and the flow takes its timeout exit.
    SIAGA_TRY(MarkDone(*c, inst.id, "timeout"));
    SIAGA_TRY(Audit(c->id, inst.id, "wait_timed_out", detail));
    c->status = "open";
    SIAGA_TRY(SaveCase(*c));
    return Enter(*c, *proc, step->timeout->step);
  }

  Engine& engine_;
  Database& db_;
  const Command& command_;
  const UnixSeconds now_;
  std::int64_t result_case_id_ = 0;
  nlohmann::json detail_ = nlohmann::json::object();
  int transitions_ = 0;
};

Engine::Engine(Database& db, ProcedureRegistry& registry, const Clock& clock)
    : db_(db), registry_(registry), clock_(clock) {}

Engine::~Engine() = default;

std::vector<CommandResult> Engine::ApplyBatch(const std::vector<Command>& commands) { return Run(commands, true); }

std::vector<CommandResult> Engine::DryRun(const std::vector<Command>& commands) { return Run(commands, false); }

std::vector<CommandResult> Engine::Run(const std::vector<Command>& commands, bool commit) {
  std::vector<CommandResult> results(commands.size());
  Status st = db_.Begin();
  if (!st.ok()) {
    for (auto& r : results) r.status = st;
    return results;
  }
  // SQLite may roll the whole transaction back by itself after an I/O error or a full disk:
  // then everything the batch did is gone, every command of it fails, and no later command may
  // run (it would commit on its own, outside the batch).
  auto transaction_lost = [&]() {
    if (db_.InTransaction()) return false;
    std::string why;
    for (const auto& r : results)
      if (!r.status.ok() && why.empty()) why = r.status.message();
    const Status lost = StorageError("the store rolled the transaction back" + (why.empty() ? std::string() : ": " + why));
    for (auto& r : results) r.status = lost;
    return true;
  };
  for (std::size_t i = 0; i < commands.size(); ++i) {
    if (transaction_lost()) return results;
    Savepoint sp(db_, "command");
    if (!sp.status().ok()) {
      results[i].status = sp.status();
      continue;
    }
    try {
      results[i] = Transition(*this, commands[i]).Run();
    } catch (const std::exception& e) {
      results[i].status = Internal(std::string("command ") + CommandName(commands[i].type) + " failed: " + e.what());
    }
    if (results[i].status.ok()) {
      Status released = sp.Release();
      if (!released.ok()) results[i].status = released;
    }
  }
  if (transaction_lost()) return results;
  if (!commit) {
    db_.Rollback();
    return results;
  }
  st = db_.Commit();
  if (!st.ok()) {
    db_.Rollback();
    for (auto& r : results) r.status = st;
  }
  return results;
}

bool Actor::Holds(const std::string& role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

CommandResult Engine::Apply(const Command& command) { return ApplyBatch({command}).front(); }

Result<bool> Engine::CalendarChanged() {
  auto q = db_.Prepare("SELECT value FROM settings WHERE key = 'calendar_hash'");
  if (!q.ok()) return q.status();
  auto row = q->Step();
  if (!row.ok()) return row.status();
  const std::string stored = *row ? q->Text(0) : "";
  q->Run();
  return stored != registry_.calendars().Hash();
}

Result<int> Engine::RecomputeIfCalendarChanged() {
  auto changed = CalendarChanged();
  if (!changed.ok()) return changed.status();
  if (!*changed) return 0;
  Command recompute;
  recompute.type = Command::Type::kRecomputeDeadlines;
  recompute.actor.name = "calendar";
  CommandResult r = Apply(recompute);
  if (!r.status.ok()) return r.status;
  return r.detail.value("recomputed", 0);
}

Result<std::shared_ptr<CompiledProcedure>> Engine::ProcedureOfCase(std::int64_t case_id) {
  auto q = db_.Prepare("SELECT v.hash, v.source, v.file, v.bases FROM cases c JOIN procedure_versions v ON v.id = c.version_id WHERE c.id = ?");
  if (!q.ok()) return q.status();
  q->Bind(1, case_id);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return NotFound("case " + std::to_string(case_id) + " does not exist");
  const std::string hash = q->Text(0), source = q->Text(1), file = q->Text(2), bases = q->Text(3);
  q->Run();
  return registry_.LoadStored(hash, source, file, bases);
}

Result<std::unique_ptr<Database>> OpenStore(const std::string& path) {
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  auto db = Database::Open(path);
  if (!db.ok()) return db.status();
  Status st = QuickCheck(**db);
  if (st.ok()) st = MigrateSchema(**db);
  if (!st.ok()) return st;
  return std::move(*db);
}

}  // namespace siaga
