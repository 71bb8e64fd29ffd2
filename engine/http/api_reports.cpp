// GET /api/reports and GET /api/reports/{name}: report scripts (scripts/*.lua) over HTTP.
// Lua never runs on a CivetWeb thread (100 KiB stacks, DESIGN.md §7): the handler hands the run
// to a ReportWorkers thread and waits for it (the run's time budget plus a grace period).
// Any authenticated token with a role may run reports (feed-only tokens are refused before
// routing); what a report reads is limited to the procedures the token may read (CanRead). Parameters come from the query string: ?format=json|csv|md|html&table=NAME&from=...
#include <cstdlib>

#include <spdlog/spdlog.h>

#include "http/api.h"
#include "reports/render.h"
#include "reports/report_run.h"
#include "reports/report_workers.h"

namespace siaga {

namespace {

constexpr std::size_t kMaxQueryParams = 50;
constexpr std::chrono::milliseconds kGrace{5000};

// Every name=value pair of the query string, decoded; a repeated name is refused.
Result<std::map<std::string, std::string>> QueryPairs(const std::string& query) {
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start < query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    const std::string pair = query.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    const std::string name = PercentDecode(pair.substr(0, eq));
    if (!out.emplace(name, eq == std::string::npos ? "" : PercentDecode(pair.substr(eq + 1))).second)
      return InvalidField(name, "given more than once");
    if (out.size() > kMaxQueryParams) return InvalidField("query", "more than " + std::to_string(kMaxQueryParams) + " parameters");
  }
  return out;
}

}  // namespace

std::shared_ptr<ReportWorkers> Api::MakeReportWorkers() { return std::make_shared<ReportWorkers>(); }

HttpResponse Api::Reports(const std::string& name, const HttpRequest& req, const Principal& who) {
  std::string scripts_dir = ctx_.options.scripts_dir;
  if (scripts_dir.empty()) {
    const char* env = std::getenv("SIAGA_SCRIPTS");
    scripts_dir = env != nullptr && *env != '\0' ? env : "scripts";
  }
  if (name.empty()) {
    auto listing = std::make_shared<ReportListing>();
    Status st = report_workers_->Run([listing, scripts_dir](const std::atomic<bool>&) { *listing = ListReports(scripts_dir); },
                                     std::chrono::milliseconds(10'000));
    if (!st.ok()) return StatusResponse(st);
    nlohmann::json reports = nlohmann::json::array();
    for (const auto& d : listing->reports) {
      nlohmann::json j = DeclarationToJson(d);
      j["url"] = "/api/reports/" + d.name;
      reports.push_back(std::move(j));
    }
    // Load errors carry paths and tracebacks: the log gets them, the client only the file.
    nlohmann::json errors = nlohmann::json::array();
    for (const auto& e : listing->errors) {
      spdlog::warn("report script not usable: {}", e);
      errors.push_back(e.substr(0, e.find(':')));
    }
    return JsonResponse(200, {{"reports", reports}, {"load_errors", errors}});
  }

  auto pairs = QueryPairs(req.query);
  if (!pairs.ok()) return StatusResponse(pairs.status());
  std::string format_name = "json", table;
  ReportRequest request;
  request.name = name;
  for (const auto& [k, v] : *pairs) {
    if (k == "format") format_name = v;
    else if (k == "table") table = v;
    else request.params[k] = v;
  }
  auto format = ParseReportFormat(format_name);
  if (!format.ok()) return StatusResponse(format.status());

  struct Outcome {
    Result<ReportOutput> report = Internal("report not run");
  };
  auto outcome = std::make_shared<Outcome>();
  const auto catalog = Catalog();
  // A reader sees the cases of its own procedures only, as on /api/cases; admin and observers
  // see all. The data API enforces it, whatever the script asks for.
  std::optional<std::vector<std::string>> readable;
  if (!ReadsEverything(who)) {
    readable.emplace();
    for (const auto& [id, unused] : catalog->procedure_details)
      if (CanRead(who, id)) readable->push_back(id);
  }
  const auto budget = std::chrono::milliseconds(ctx_.options.report_time_budget_ms);
  ReadPool& reads = ctx_.reads;
  const Clock& clock = ctx_.clock;
  Status st = report_workers_->Run(
      [outcome, catalog, request, budget, scripts_dir, readable, &reads, &clock](const std::atomic<bool>& cancelled) {
        auto lease = reads.Borrow();
        if (!lease.ok()) {
          outcome->report = lease.status();
          return;
        }
        ReportCatalog procedures = ReportCatalog::FromSummaries(catalog->procedure_details);
        if (Status added = procedures.AddStoredProcedures((*lease)->db()); !added.ok()) {
          outcome->report = added;
          return;
        }
        ReportRunOptions options;
        options.scripts_dir = scripts_dir;
        options.time_budget = budget;
        options.now = clock.Now();
        options.cancelled = &cancelled;
        options.readable_procedures = readable;
        outcome->report = RunReport((*lease)->db(), procedures, request, options);
      },
      budget + kGrace);
  if (!st.ok()) return StatusResponse(st);
  if (!outcome->report.ok()) return StatusResponse(outcome->report.status());
  auto body = RenderReport(*outcome->report, *format, table);
  if (!body.ok()) return StatusResponse(body.status());
  HttpResponse r;
  r.content_type = ReportContentType(*format);
  r.body = std::move(*body);
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (*format == ReportFormat::kCsv)
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + ".csv\"");
  if (*format == ReportFormat::kHtml)
    r.headers.emplace_back("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
  return r;
}

}  // namespace siaga
