// The HTTP API (docs/api/openapi.yaml): the REST resources, the webhook endpoint, health and
// metrics. Handlers run on CivetWeb threads and never run Lua: reads go to read-only
// connections, state changes to the engine loop (answered after their commit), adapters to the
// adapter worker processes.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth/tokens.h"
#include "common/clock.h"
#include "http/http_types.h"
#include "procedure/definition.h"
#include "http/metrics.h"
#include "http/rate_limiter.h"
#include "http/web_assets.h"
#include "server/engine_loop.h"
#include "server/read_pool.h"
#include "webhooks/adapter.h"
#include "webhooks/adapter_pool.h"
#include "webhooks/routes.h"

namespace siaga {

class ReportWorkers;  // reports/report_workers.h

// What the server has loaded, fixed for its lifetime (a reload publishes a new one).
struct ServerCatalog {
  nlohmann::json procedures = nlohmann::json::array();      // summaries, for GET /api/sops
  std::map<std::string, nlohmann::json> procedure_details;   // by id
  // The newest definition of each id, plain data (no Lua), for the rendered SOP document and
  // flowchart (GET /api/sops/{id}/document, /flowchart.svg).
  std::map<std::string, std::shared_ptr<const ProcedureDef>> definitions;
  std::vector<std::string> procedure_errors;
  nlohmann::json agencies = nlohmann::json::array();  // DescribeAgencies()["agencies"], for GET /api/agencies
  std::map<std::string, AdapterInfo> adapters;
  std::vector<std::string> adapter_errors;
  Routes routes;
  nlohmann::json last_reload = nullptr;  // what the latest reload did, for GET /api/sops
};

// The catalog being served; a reload publishes a new one while requests keep the one they took.
class CatalogHolder {
 public:
  explicit CatalogHolder(std::shared_ptr<const ServerCatalog> first) : current_(std::move(first)) {}
  std::shared_ptr<const ServerCatalog> Get() const {
    std::lock_guard lock(mu_);
    return current_;
  }
  void Set(std::shared_ptr<const ServerCatalog> next) {
    std::lock_guard lock(mu_);
    current_ = std::move(next);
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const ServerCatalog> current_;
};

struct ApiOptions {
  bool trust_forwarded_for = false;  // behind a reverse proxy: the sender is X-Forwarded-For's first address
  int replay_window_seconds = 300;
  std::string scripts_dir;                 // report scripts (GET /api/reports); empty: $SIAGA_SCRIPTS or ./scripts
  int report_time_budget_ms = 10'000;      // per report run
  std::string web_dir;                     // the dashboard's files (serve --web); empty: no dashboard
};

struct ApiContext {
  EngineLoop& loop;
  ReadPool& reads;
  AdapterPool& adapters;
  const Clock& clock;
  Metrics& metrics;
  RateLimiter& hook_limiter;
  CatalogHolder& catalogs;
  ApiOptions options;
  // Rescans the procedure folder now and waits for the result (POST /api/reload).
  std::function<Result<nlohmann::json>()> reload;
};

class Api {
 public:
  explicit Api(ApiContext context);
  HttpResponse Handle(const HttpRequest& request);

 private:
  HttpResponse Route(const HttpRequest& request);
  Result<Principal> Authenticated(const HttpRequest& request);
  std::string Sender(const HttpRequest& request) const;
  // 429 for a sender past its failed sign-ins (its credentials are not even checked), else nullopt.
  std::optional<HttpResponse> RefuseBlockedSender(const std::string& sender);
  // Counts a failed token or signature; the failure that starts a block is audited once.
  void CountFailedSignIn(const std::string& sender, const std::string& path, const std::string& reason);

  HttpResponse Health();
  HttpResponse MetricsText();
  HttpResponse ListCases(const HttpRequest& request, const Principal& who);
  HttpResponse CreateCase(const HttpRequest& request, const Principal& who);
  HttpResponse ShowCase(const std::string& ref, const Principal& who);
  // GET /api/queue: the open steps the caller's roles own (or assist), soonest deadline first.
  HttpResponse Queue(const HttpRequest& request, const Principal& who);
  // What `who` may do on the case now: per open step complete/decide (with branch labels) or
  // signal, and comment/attach; for the dashboard's buttons (the engine still checks each action).
  // Steps are read from the version the case is pinned to.
  nlohmann::json AllowedActions(const nlohmann::json& shown, const Principal& who);
  HttpResponse CaseAction(const std::string& ref, const HttpRequest& request, const Principal& who);
  HttpResponse Evidence(const std::string& ref, const std::string& evidence_id, const Principal& who);
  // Cases are read by the roles of their procedure, "admin" and "pengamat" (an observer). An
  // agency-bound token (docs/multi-agency.md) reads only its agencies' cases ("admin" and
  // "pengamat" then read all of those) plus, read-only, the cases of the agencies it oversees.
  bool ReadsEverything(const Principal& who) const;
  bool CanRead(const Principal& who, const std::string& procedure_id) const;
  // The agency (instansi) of a loaded procedure; "" when unknown or shared.
  std::string AgencyOf(const std::string& procedure_id) const;
  // Whether the case of `procedure_id` exists for `who` at all: an unscoped token, a member of
  // its agency or an overseer. Outside it a case answers 404 as if it did not exist.
  bool InScope(const Principal& who, const std::string& procedure_id) const;
  // Whether `who` may act (not only read) on cases of `procedure_id`'s agency.
  bool MayAct(const Principal& who, const std::string& procedure_id) const;
  // Whether `who` sees the procedure itself (GET /api/sops, its rendering, routes into it): an
  // unscoped token, a shared base (no instansi), or its own or an overseen agency's procedure.
  bool SeesProcedure(const Principal& who, const std::string& procedure_id) const;
  // The procedures of the agencies `who` acts for (an agency admin's notices).
  std::vector<std::string> ActableProcedures(const Principal& who) const;
  // The procedures whose cases `who` may read; nullopt: all (an unscoped admin or observer).
  std::optional<std::vector<std::string>> ReadableProcedures(const Principal& who) const;
  // The 404 of a case that does not exist, for a case outside `who`'s agencies; the attempt is
  // audited (cross_agency_denied) through the writer without waiting.
  HttpResponse HiddenCase(const Principal& who, const std::string& ref, std::int64_t case_id, const std::string& what);
  // Records (cross_agency_denied, through the writer without waiting) and counts an attempt on
  // another agency's case or procedure; `detail` says what was tried.
  void AuditCrossAgency(const Principal& who, nlohmann::json detail);
  // The procedure of a stored case ("" when it does not exist).
  Result<std::string> ProcedureOfCase(std::int64_t case_id);
  HttpResponse Sops(const std::string& id, const Principal& who);
  // GET /api/sops/{id}/document and /api/sops/{id}/flowchart.svg (api_sop_render.cpp).
  HttpResponse SopRendering(const std::string& id, const std::string& what, const HttpRequest& request);
  Result<std::shared_ptr<const ProcedureDef>> StoredVersion(const std::string& id, const std::string& hash);
  // A version of `id` by hash: the loaded one, else the stored one compiled once and kept (a
  // version never changes under its hash).
  Result<std::shared_ptr<const ProcedureDef>> VersionOf(const std::string& id, const std::string& hash);
  HttpResponse Adapters(const Principal& who);
  // GET /api/agencies: the agencies `who` belongs to or oversees (every one for an unscoped token).
  HttpResponse Agencies(const Principal& who);
  // /api/tokens (api_tokens.cpp): people's tokens bound to roles and agencies, managed by an
  // admin (an agency's admin: its own agencies' tokens) through the engine's token commands.
  HttpResponse TokenList(const Principal& who);
  HttpResponse TokenShow(const std::string& id, const Principal& who);
  HttpResponse TokenIssue(const HttpRequest& request, const Principal& who);
  HttpResponse TokenRevoke(const std::string& id, const Principal& who);
  HttpResponse Webhook(const std::string& adapter, const HttpRequest& request);
  HttpResponse Inbox(const HttpRequest& request);
  HttpResponse Reprocess(const std::string& id, const Principal& who);
  HttpResponse Notices(const HttpRequest& request, const Principal& who);
  HttpResponse RetryNotice(const std::string& id, const Principal& who);
  HttpResponse Reload(const Principal& who);
  HttpResponse Reports(const std::string& name, const HttpRequest& request, const Principal& who);  // api_reports.cpp
  static std::shared_ptr<ReportWorkers> MakeReportWorkers();
  std::shared_ptr<const ServerCatalog> Catalog() const { return ctx_.catalogs.Get(); }

  // Applies commands through the engine loop; the response for the first failure, or nullopt.
  Result<std::vector<CommandResult>> Execute(std::vector<Command> commands);
  Result<std::int64_t> CaseId(const std::string& ref);

  ApiContext ctx_;
  WebAssets web_;
  // Failed sign-ins per sender: 10 at once, then one every 6 seconds; past that the sender gets
  // 429 without its token being looked at, and the block is audited (security.md: brute force).
  RateLimiter auth_failures_{1.0 / 6, 10};
  std::mutex versions_mu_;
  std::map<std::string, std::shared_ptr<const ProcedureDef>> compiled_versions_;  // "id@hash"
  // Threads that run report scripts (declared last: joined before ctx_ goes).
  std::shared_ptr<ReportWorkers> report_workers_ = MakeReportWorkers();
};

}  // namespace siaga
