#include "http/api.h"

#include <map>
#include <sstream>

#include <spdlog/spdlog.h>

#include "runner/queries.h"

namespace siaga {

namespace {

std::vector<std::string> Segments(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 1;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

HttpResponse MethodNotAllowed(const char* allow) {
  HttpResponse r = ErrorResponse(405, "method_not_allowed", std::string("use ") + allow);
  r.headers.emplace_back("Allow", allow);
  return r;
}

// A token for feeds only ("webhook:zap") opens no API resource.
bool IsFeedOnly(const Principal& p) {
  for (const auto& r : p.roles)
    if (r.rfind("webhook:", 0) != 0) return false;
  return true;
}

}  // namespace

Api::Api(ApiContext context) : ctx_(std::move(context)), web_(ctx_.options.web_dir) {
  ctx_.metrics.Describe("siaga_http_requests_total", "HTTP requests answered, by status code.");
  ctx_.metrics.Describe("siaga_webhook_payloads_total", "Webhook payloads, by adapter and outcome.");
  ctx_.metrics.Describe("siaga_webhook_cases_total", "Cases opened by webhooks, by adapter.");
}

HttpResponse Api::Handle(const HttpRequest& request) {
  HttpResponse r = Route(request);
  ctx_.metrics.Add("siaga_http_requests_total", "code=\"" + std::to_string(r.status) + "\"");
  return r;
}

std::string Api::Sender(const HttpRequest& request) const {
  if (ctx_.options.trust_forwarded_for) {
    const std::string& xff = request.Header("x-forwarded-for");
    if (!xff.empty()) {
      const auto comma = xff.find(',');
      std::string first = xff.substr(0, comma);
      first.erase(0, first.find_first_not_of(' '));
      first.erase(first.find_last_not_of(' ') + 1);
      if (!first.empty()) return first;
    }
  }
  return request.remote_addr;
}

Result<Principal> Api::Authenticated(const HttpRequest& request) {
  const std::string& header = request.Header("authorization");
  if (header.rfind("Bearer ", 0) != 0) return PermissionDenied("missing Authorization: Bearer <token>").WithField("Authorization");
  auto lease = ctx_.reads.Borrow();
  if (!lease.ok()) return lease.status();
  auto p = Authenticate((*lease)->db(), header.substr(7), ctx_.clock.Now());
  if (!p.ok() && p.status().code() == StatusCode::kPermissionDenied)
    return Status(p.status().code(), p.status().message()).WithField("Authorization");
  return p;
}

std::optional<HttpResponse> Api::RefuseBlockedSender(const std::string& sender) {
  if (auth_failures_.HasToken(sender)) return std::nullopt;
  ctx_.metrics.Add("siaga_auth_refused_total", "reason=\"blocked\"");
  HttpResponse r = ErrorResponse(429, "too_many_requests", "too many failed sign-ins from this address; try again later");
  r.headers.emplace_back("Retry-After", std::to_string(auth_failures_.RetryAfterSeconds()));
  return r;
}

void Api::CountFailedSignIn(const std::string& sender, const std::string& path, const std::string& reason) {
  auth_failures_.Allow(sender);
  if (auth_failures_.HasToken(sender)) return;
  // The failure that starts a block is recorded once, through the writer, without waiting.
  spdlog::warn("sign-in: {} blocked after repeated failed credentials", sender);
  Command audit;
  audit.type = Command::Type::kSecurityEvent;
  audit.actor.name = "http:" + sender;
  audit.label = "auth_blocked";
  audit.note = nlohmann::json{{"sender", sender}, {"path", path.substr(0, 200)}, {"reason", reason}}.dump();
  (void)ctx_.loop.Submit({audit});
}

HttpResponse Api::Route(const HttpRequest& req) {
  const std::vector<std::string> seg = Segments(req.path);
  const bool get = req.method == "GET" || req.method == "HEAD";
  const bool post = req.method == "POST";
  if (seg.size() == 1 && seg[0] == "healthz") return get ? Health() : MethodNotAllowed("GET");
  if (seg.size() == 1 && seg[0] == "metrics") return get ? MetricsText() : MethodNotAllowed("GET");
  if (seg.size() == 2 && seg[0] == "hooks") return post ? Webhook(seg[1], req) : MethodNotAllowed("POST");
  if (WebAssets::Claims(req.path)) return get ? web_.Serve(req) : MethodNotAllowed("GET");
  if (seg.empty() || seg[0] != "api") return ErrorResponse(404, "not_found", "no resource at " + req.path);

  const std::string sender = Sender(req);
  if (auto refused = RefuseBlockedSender(sender)) return *refused;
  auto who = Authenticated(req);
  if (!who.ok()) {
    if (who.status().code() != StatusCode::kPermissionDenied) return StatusResponse(who.status());
    ctx_.metrics.Add("siaga_auth_refused_total", "reason=\"token\"");
    CountFailedSignIn(sender, req.path, who.status().message());
    HttpResponse r = ErrorResponse(401, "unauthorized", who.status().message(), "Authorization");
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  }
  if (IsFeedOnly(*who)) return ErrorResponse(403, "forbidden", "a webhook token opens only POST /hooks/{adapter}");
  const Principal& p = *who;

  if (seg.size() == 2 && seg[1] == "me") {
    if (!get) return MethodNotAllowed("GET");
    return JsonResponse(200, {{"user", p.user}, {"roles", p.roles}, {"token_id", p.token_id}, {"agencies", p.agencies},
                              {"oversees", p.oversees}});
  }
  if (seg.size() == 2 && seg[1] == "queue") return get ? Queue(req, p) : MethodNotAllowed("GET");
  if (seg.size() >= 2 && seg[1] == "cases") {
    if (seg.size() == 2) return get ? ListCases(req, p) : post ? CreateCase(req, p) : MethodNotAllowed("GET, POST");
    if (seg.size() == 3) return get ? ShowCase(seg[2], p) : MethodNotAllowed("GET");
    if (seg.size() == 4 && seg[3] == "actions") return post ? CaseAction(seg[2], req, p) : MethodNotAllowed("POST");
    if (seg.size() == 5 && seg[3] == "evidence") return get ? Evidence(seg[2], seg[4], p) : MethodNotAllowed("GET");
  }
  if (seg.size() >= 2 && seg[1] == "sops") {
    if (!get) return MethodNotAllowed("GET");
    std::string id;
    for (std::size_t i = 2; i < seg.size(); ++i) id += (id.empty() ? "" : "/") + seg[i];
    // A trailing "document" or "flowchart.svg" names a rendering, unless the whole path is itself
    // a procedure id (an agency may call a procedure "document").
    const std::string& last = seg.back();
    if (seg.size() >= 4 && (last == "document" || last == "flowchart.svg") && !Catalog()->procedure_details.contains(id)) {
      const std::string procedure = id.substr(0, id.size() - last.size() - 1);
      // The same scope as GET /api/sops/{id}: another agency's procedure does not exist here.
      if (!SeesProcedure(p, procedure))
        return ErrorResponse(404, "not_found", "no procedure '" + procedure + "' is loaded", "id");
      return SopRendering(procedure, last, req);
    }
    return Sops(id, p);
  }
  if (seg.size() == 2 && seg[1] == "adapters") return get ? Adapters(p) : MethodNotAllowed("GET");
  if (seg.size() == 2 && seg[1] == "agencies") return get ? Agencies(p) : MethodNotAllowed("GET");
  if (seg.size() >= 2 && seg[1] == "tokens") {
    if (!p.Holds(Actor::kAdminRole)) return ErrorResponse(403, "forbidden", "managing tokens needs the 'admin' role");
    if (seg.size() == 2) return get ? TokenList(p) : post ? TokenIssue(req, p) : MethodNotAllowed("GET, POST");
    if (seg.size() == 3) return get ? TokenShow(seg[2], p) : MethodNotAllowed("GET");
    if (seg.size() == 4 && seg[3] == "revoke") return post ? TokenRevoke(seg[2], p) : MethodNotAllowed("POST");
  }
  // The inbox holds payloads of every agency's feeds before they are routed, and a reload swaps
  // every agency's procedures: both stay with a deployment-wide (unscoped) admin.
  if (p.Scoped() && seg.size() >= 2 && (seg[1] == "inbox" || seg[1] == "reload"))
    return ErrorResponse(403, "forbidden", "/api/" + seg[1] + " is for a deployment-wide admin; this token is bound to agencies");
  if (seg.size() == 2 && seg[1] == "reload") return post ? Reload(p) : MethodNotAllowed("POST");
  if (seg.size() == 2 && seg[1] == "reports") return get ? Reports("", req, p) : MethodNotAllowed("GET");
  if (seg.size() == 3 && seg[1] == "reports") return get ? Reports(seg[2], req, p) : MethodNotAllowed("GET");
  if (seg.size() >= 2 && seg[1] == "inbox") {
    if (!p.Holds(Actor::kAdminRole)) return ErrorResponse(403, "forbidden", "the inbox is for the 'admin' role");
    if (seg.size() == 2) return get ? Inbox(req) : MethodNotAllowed("GET");
    if (seg.size() == 4 && seg[3] == "reprocess") return post ? Reprocess(seg[2], p) : MethodNotAllowed("POST");
  }
  if (seg.size() >= 2 && seg[1] == "notices") {
    if (!p.Holds(Actor::kAdminRole)) return ErrorResponse(403, "forbidden", "the notice deliveries are for the 'admin' role");
    if (seg.size() == 2) return get ? Notices(req, p) : MethodNotAllowed("GET");
    if (seg.size() == 4 && seg[3] == "retry") return post ? RetryNotice(seg[2], p) : MethodNotAllowed("POST");
  }
  return ErrorResponse(404, "not_found", "no resource at " + req.path);
}

bool Api::ReadsEverything(const Principal& who) const {
  return !who.Scoped() && (who.Holds(Actor::kAdminRole) || who.Holds("pengamat"));
}

std::string Api::AgencyOf(const std::string& procedure_id) const {
  const auto held = Catalog();
  auto it = held->procedure_details.find(procedure_id);
  if (it == held->procedure_details.end() || !it->second.contains("instansi") || !it->second["instansi"].is_string()) return "";
  return it->second["instansi"].get<std::string>();
}

bool Api::InScope(const Principal& who, const std::string& procedure_id) const {
  if (!who.Scoped()) return true;
  const std::string agency = AgencyOf(procedure_id);
  return who.MemberOf(agency) || who.Oversees(agency);
}

bool Api::MayAct(const Principal& who, const std::string& procedure_id) const {
  return !who.Scoped() || who.MemberOf(AgencyOf(procedure_id));
}

bool Api::SeesProcedure(const Principal& who, const std::string& procedure_id) const {
  return AgencyOf(procedure_id).empty() || InScope(who, procedure_id);
}

std::vector<std::string> Api::ActableProcedures(const Principal& who) const {
  std::vector<std::string> out;
  const auto held = Catalog();
  for (const auto& [id, unused] : held->procedure_details)
    if (MayAct(who, id)) out.push_back(id);
  return out;
}

bool Api::CanRead(const Principal& who, const std::string& procedure_id) const {
  if (ReadsEverything(who)) return true;
  const auto held = Catalog();
  auto it = held->procedure_details.find(procedure_id);
  if (it == held->procedure_details.end()) return false;
  if (who.Scoped()) {
    const std::string agency = AgencyOf(procedure_id);
    if (who.Oversees(agency)) return true;
    if (!who.MemberOf(agency)) return false;
    if (who.Holds(Actor::kAdminRole) || who.Holds("pengamat")) return true;
  }
  for (const auto& role : who.roles)
    if (it->second["roles"].contains(role)) return true;
  return false;
}

std::optional<std::vector<std::string>> Api::ReadableProcedures(const Principal& who) const {
  if (ReadsEverything(who)) return std::nullopt;
  std::vector<std::string> out;
  const auto held = Catalog();
  for (const auto& [id, unused] : held->procedure_details)
    if (CanRead(who, id)) out.push_back(id);
  return out;
}

void Api::AuditCrossAgency(const Principal& who, nlohmann::json detail) {
  spdlog::warn("user {} (token {}) reached outside its agencies: {}", who.user, who.token_id, detail.dump());
  detail["token_id"] = who.token_id;
  detail["user"] = who.user;
  detail["agencies"] = who.agencies;
  Command audit;
  audit.type = Command::Type::kSecurityEvent;
  audit.actor.name = who.user;
  audit.label = "cross_agency_denied";
  audit.note = detail.dump();
  (void)ctx_.loop.Submit({audit});
  ctx_.metrics.Add("siaga_auth_refused_total", "reason=\"cross_agency\"");
}

HttpResponse Api::HiddenCase(const Principal& who, const std::string& ref, std::int64_t case_id, const std::string& what) {
  AuditCrossAgency(who, {{"case_id", case_id}, {"ref", ref.substr(0, 100)}, {"what", what}});
  // Word for word the answer for a case that does not exist (ResolveCaseRef), so ids cannot be probed.
  return StatusResponse(NotFound("no case '" + ref + "' (give its id or its number)"));
}

Result<std::string> Api::ProcedureOfCase(std::int64_t case_id) {
  auto lease = ctx_.reads.Borrow();
  if (!lease.ok()) return lease.status();
  auto q = (*lease)->db().Prepare("SELECT procedure_id FROM cases WHERE id = ?");
  if (!q.ok()) return q.status();
  q->Bind(1, case_id);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  std::string procedure = *row ? q->Text(0) : "";
  q->Run();
  return procedure;
}

HttpResponse Api::Health() {
  nlohmann::json out = {{"status", "ok"}};
  auto lease = ctx_.reads.Borrow();
  Status db = lease.ok() ? (*lease)->db().Exec("SELECT 1 FROM cases LIMIT 1") : lease.status();
  const EngineLoopStats s = ctx_.loop.stats();
  out["store"] = db.ok() ? "ok" : db.message();
  out["engine"] = ctx_.loop.running() ? "running" : "stopped";
  out["queued_commands"] = s.queued;
  out["timers_pending"] = s.timers_pending;
  out["procedures"] = Catalog()->procedures.size();
  out["procedure_errors"] = Catalog()->procedure_errors.size();
  out["adapters"] = Catalog()->adapters.size();
  if (!db.ok() || !ctx_.loop.running()) {
    out["status"] = "unavailable";
    return JsonResponse(503, out);
  }
  return JsonResponse(200, out);
}

HttpResponse Api::MetricsText() {
  const EngineLoopStats s = ctx_.loop.stats();
  std::ostringstream g;
  g << "# HELP siaga_engine_batches_total Transactions the engine loop committed.\n# TYPE siaga_engine_batches_total counter\n"
    << "siaga_engine_batches_total " << s.batches << "\n"
    << "# HELP siaga_engine_commands_total Commands the engine loop applied.\n# TYPE siaga_engine_commands_total counter\n"
    << "siaga_engine_commands_total " << s.commands << "\n"
    << "# HELP siaga_engine_queued_commands Commands waiting for the engine loop.\n# TYPE siaga_engine_queued_commands gauge\n"
    << "siaga_engine_queued_commands " << s.queued << "\n"
    << "# HELP siaga_engine_last_batch_seconds Duration of the last committed batch.\n# TYPE siaga_engine_last_batch_seconds gauge\n"
    << "siaga_engine_last_batch_seconds " << s.last_batch_ms / 1000.0 << "\n"
    << "# HELP siaga_timers_pending Armed timers in the due-heap.\n# TYPE siaga_timers_pending gauge\n"
    << "siaga_timers_pending " << s.timers_pending << "\n"
    << "# HELP siaga_timers_fired_total Timers fired.\n# TYPE siaga_timers_fired_total counter\n"
    << "siaga_timers_fired_total " << s.timers_fired << "\n"
    << "# HELP siaga_timer_worst_lag_seconds Worst lateness of a fired timer since start.\n# TYPE siaga_timer_worst_lag_seconds gauge\n"
    << "siaga_timer_worst_lag_seconds " << static_cast<double>(s.worst_timer_lag_ms) / 1000.0 << "\n"
    << "# HELP siaga_adapter_worker_restarts_total Adapter worker processes killed or lost and restarted.\n# TYPE siaga_adapter_worker_restarts_total counter\n"
    << "siaga_adapter_worker_restarts_total " << ctx_.adapters.restarts() << "\n"
    << "# HELP siaga_adapter_timeouts_total Adapter runs stopped by the watchdog.\n# TYPE siaga_adapter_timeouts_total counter\n"
    << "siaga_adapter_timeouts_total " << ctx_.adapters.timeouts() << "\n";
  auto lease = ctx_.reads.Borrow();
  if (lease.ok()) {
    auto q = (*lease)->db().Prepare("SELECT COUNT(*) FROM inbox WHERE state = 'held'");
    if (q.ok() && q->Step().ok()) {
      g << "# HELP siaga_inbox_held Webhook payloads held for reprocessing.\n# TYPE siaga_inbox_held gauge\n"
        << "siaga_inbox_held " << q->Int(0) << "\n";
      q->Run();
    }
    // Active cases per agency (the instansi of their procedure; "" for shared or retired ones),
    // so a province's dashboards can split the load by agency. /metrics is the deployment
    // operators' endpoint (restricted at the proxy); agency-bound tokens read their figures
    // through the reports, which filter by agency.
    auto c = (*lease)->db().Prepare(
        "SELECT procedure_id, status, COUNT(*) FROM cases WHERE status IN ('open', 'waiting') GROUP BY procedure_id, status");
    if (c.ok()) {
      std::map<std::pair<std::string, std::string>, std::int64_t> active;
      while (true) {
        auto row = c->Step();
        if (!row.ok() || !*row) break;
        active[{AgencyOf(c->Text(0)), c->Text(1)}] += c->Int(2);
      }
      g << "# HELP siaga_cases_active Open and waiting cases, by agency (instansi) and status.\n"
        << "# TYPE siaga_cases_active gauge\n";
      for (const auto& [key, count] : active)
        g << "siaga_cases_active{agency=\"" << key.first << "\",status=\"" << key.second << "\"} " << count << "\n";
    }
    // Notice deliveries by state: a growing "dead" count is what an operator must be paged for.
    auto d = (*lease)->db().Prepare("SELECT state, COUNT(*) FROM deliveries GROUP BY state ORDER BY state");
    if (d.ok()) {
      g << "# HELP siaga_notice_deliveries Notice deliveries by state (pending, sent, dead...).\n"
        << "# TYPE siaga_notice_deliveries gauge\n";
      while (true) {
        auto row = d->Step();
        if (!row.ok() || !*row) break;
        g << "siaga_notice_deliveries{state=\"" << d->Text(0) << "\"} " << d->Int(1) << "\n";
      }
    }
  }
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4";
  r.body = ctx_.metrics.Render(g.str());
  return r;
}

HttpResponse Api::Sops(const std::string& id, const Principal& who) {
  const auto held = Catalog();
  const ServerCatalog& c = *held;
  // Load errors name files of every agency, so they stay with unscoped tokens.
  auto visible = [&](const nlohmann::json& summary) { return SeesProcedure(who, summary.value("id", "")); };
  if (id.empty()) {
    if (!who.Scoped())
      return JsonResponse(200, {{"procedures", c.procedures}, {"load_errors", c.procedure_errors}, {"last_reload", c.last_reload}});
    nlohmann::json mine = nlohmann::json::array();
    for (const auto& summary : c.procedures)
      if (visible(summary)) mine.push_back(summary);
    return JsonResponse(200, {{"procedures", mine}, {"load_errors", nlohmann::json::array()}, {"last_reload", nullptr}});
  }
  auto it = c.procedure_details.find(id);
  if (it == c.procedure_details.end() || !visible(it->second))
    return ErrorResponse(404, "not_found", "no procedure '" + id + "' is loaded", "id");
  nlohmann::json out = it->second;
  auto lease = ctx_.reads.Borrow();
  if (!lease.ok()) return StatusResponse(lease.status());
  auto q = (*lease)->db().Prepare(
      "SELECT v.hash, v.revision, v.file, v.published_at, (SELECT COUNT(*) FROM cases c WHERE c.version_id = v.id) "
      "FROM procedure_versions v WHERE v.procedure_id = ? ORDER BY v.id");
  if (!q.ok()) return StatusResponse(q.status());
  q->Bind(1, id);
  out["versions"] = nlohmann::json::array();
  while (true) {
    auto row = q->Step();
    if (!row.ok()) return StatusResponse(row.status());
    if (!*row) break;
    out["versions"].push_back({{"hash", q->Text(0)}, {"revision", q->Int(1)}, {"file", q->Text(2)},
                               {"published_at", FormatUtc(q->Int(3))}, {"cases", q->Int(4)}});
  }
  return JsonResponse(200, out);
}

HttpResponse Api::Adapters(const Principal& who) {
  const auto held = Catalog();
  const ServerCatalog& c = *held;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [name, info] : c.adapters)
    list.push_back({{"name", name}, {"title", info.title}, {"format", PayloadFormatName(info.format)},
                    {"auth", HookAuthName(info.auth)}, {"hash", info.hash}, {"url", "/hooks/" + name}});
  // An agency-bound token sees the routes into its agencies' procedures; load errors name files
  // of every agency, so they stay with unscoped tokens (as in GET /api/sops).
  nlohmann::json routes = nlohmann::json::array();
  for (const RouteRule& r : c.routes.rules()) {
    if (who.Scoped() && (r.ignore || !InScope(who, r.procedure))) continue;
    routes.push_back({{"adapter", r.adapters}, {"severity", r.severities}, {"source", r.sources},
                      {"procedure", r.procedure}, {"ignore", r.ignore}});
  }
  return JsonResponse(200, {{"adapters", list}, {"load_errors", who.Scoped() ? nlohmann::json::array() : nlohmann::json(c.adapter_errors)},
                            {"routes", routes}});
}

HttpResponse Api::Reload(const Principal& who) {
  if (!who.Holds(Actor::kAdminRole)) return ErrorResponse(403, "forbidden", "reloading needs the 'admin' role");
  if (!ctx_.reload) return ErrorResponse(503, "unavailable", "reloading is not available");
  spdlog::info("reload requested over HTTP by {}", who.user);
  auto outcome = ctx_.reload();
  if (!outcome.ok()) return StatusResponse(outcome.status());
  return JsonResponse(200, *outcome);
}

Result<std::vector<CommandResult>> Api::Execute(std::vector<Command> commands) {
  return ctx_.loop.Execute(std::move(commands));
}

Result<std::int64_t> Api::CaseId(const std::string& ref) {
  auto lease = ctx_.reads.Borrow();
  if (!lease.ok()) return lease.status();
  return ResolveCaseRef((*lease)->db(), ref);
}

}  // namespace siaga
