// GET /api/sops/{id}/document: the official SOP document (HTML, render/sop_document.h).
// GET /api/sops/{id}/flowchart.svg?current=STEP&breached=A,B&version=HASH&lang=id|en: the
// flowchart alone, for the dashboard's case page (the case's current step highlighted, its
// breached steps red, drawn from the version the case runs on).
// Read permission is that of GET /api/sops/{id}: any token with a role (feeds are refused before
// routing). Rendering is plain C++ on the definition; only an older version that the server has
// not loaded needs Lua to compile, and that runs on a ReportWorkers thread (DESIGN.md §7).
#include <sstream>

#include "http/api.h"
#include "procedure/loader.h"
#include "render/flowchart_svg.h"
#include "render/sop_document.h"
#include "reports/report_workers.h"

namespace siaga {

namespace {

constexpr std::chrono::milliseconds kCompileWait{10'000};
constexpr std::size_t kMaxBreachedSteps = 200;

std::set<std::string> SplitCommas(const std::string& text) {
  std::set<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) out.insert(item);
  return out;
}

}  // namespace

Result<std::shared_ptr<const ProcedureDef>> Api::VersionOf(const std::string& id, const std::string& hash) {
  {
    const auto held = Catalog();
    const auto it = held->definitions.find(id);
    if (it != held->definitions.end() && it->second->hash == hash) return it->second;
  }
  const std::string key = id + "@" + hash;
  {
    std::lock_guard lock(versions_mu_);
    if (auto it = compiled_versions_.find(key); it != compiled_versions_.end()) return it->second;
  }
  auto compiled = StoredVersion(id, hash);
  if (!compiled.ok()) return compiled.status();
  std::lock_guard lock(versions_mu_);
  constexpr std::size_t kKeptVersions = 256;  // old versions still in use; a few KiB each
  if (compiled_versions_.size() >= kKeptVersions) compiled_versions_.clear();
  compiled_versions_[key] = *compiled;
  return *compiled;
}

Result<std::shared_ptr<const ProcedureDef>> Api::StoredVersion(const std::string& id, const std::string& hash) {
  std::string source, file, bases;
  {
    auto lease = ctx_.reads.Borrow();
    if (!lease.ok()) return lease.status();
    auto q = (*lease)->db().Prepare("SELECT source, file, bases FROM procedure_versions WHERE procedure_id = ? AND hash = ?");
    if (!q.ok()) return q.status();
    q->Bind(1, id).Bind(2, hash);
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) return NotFound("procedure '" + id + "' has no stored version " + hash).WithField("version");
    source = q->Text(0), file = q->Text(1), bases = q->Text(2);
    q->Run();
  }
  // Compiling runs the file's Lua: never on this (CivetWeb) thread.
  auto compiled = std::make_shared<Result<std::shared_ptr<const ProcedureDef>>>(Internal("not compiled"));
  Status st = report_workers_->Run(
      [compiled, source, file, bases](const std::atomic<bool>&) {
        const auto bases_json = nlohmann::json::parse(bases, nullptr, false);
        LoadResult r = LoadProcedureSource(source, file, ProcedureLoadLimits(),
                                           StoredResolver(bases_json.is_object() ? bases_json : nlohmann::json::object()));
        if (r.procedure) *compiled = std::make_shared<const ProcedureDef>(r.procedure->def());
        else *compiled = ScriptError("stored version of " + file + " no longer loads");
      },
      kCompileWait);
  if (!st.ok()) return st;
  return *compiled;
}

HttpResponse Api::SopRendering(const std::string& id, const std::string& what, const HttpRequest& request) {
  const auto held = Catalog();
  const auto it = held->definitions.find(id);
  if (it == held->definitions.end()) return ErrorResponse(404, "not_found", "no procedure '" + id + "' is loaded", "id");
  std::shared_ptr<const ProcedureDef> def = it->second;
  const std::string version = request.Param("version");
  if (!version.empty() && version != def->hash) {
    auto stored = VersionOf(id, version);
    if (!stored.ok()) return StatusResponse(stored.status());
    def = *stored;
  }

  render::RenderOptions options;
  options.language = request.Param("lang", "id");
  if (!render::IsKnownLanguage(options.language)) return ErrorResponse(400, "invalid_argument", "lang must be id or en", "lang");
  options.current_step = request.Param("current");
  options.breached_steps = SplitCommas(request.Param("breached"));
  if (options.breached_steps.size() > kMaxBreachedSteps)
    return ErrorResponse(400, "invalid_argument", "too many breached steps", "breached");
  if (!options.current_step.empty() && def->Find(options.current_step) == nullptr)
    return ErrorResponse(400, "invalid_argument", "no step '" + options.current_step + "' in " + id, "current");
  for (const std::string& step : options.breached_steps)
    if (def->Find(step) == nullptr) return ErrorResponse(400, "invalid_argument", "no step '" + step + "' in " + id, "breached");

  HttpResponse r;
  if (what == "document") {
    r.content_type = "text/html; charset=utf-8";
    r.body = render::RenderSopDocument(*def, options);
  } else {
    r.content_type = "image/svg+xml";
    r.body = render::RenderFlowchartSvg(*def, options);
  }
  // The page is inert: inline styles only, no scripts, nothing fetched.
  r.headers.emplace_back("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return r;
}

}  // namespace siaga
