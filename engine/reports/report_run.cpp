#include "reports/report_run.h"

#include <filesystem>

#include "lua/json_bridge.h"
#include "reports/data_api.h"
#include "reports/lua_host_call.h"
#include "reports/report_helpers_lua.h"
#include "reports/report_params.h"
#include "reports/report_result.h"
#include "store/schema.h"

namespace siaga {

namespace {

constexpr std::uint64_t kReportInstructions = 4'000'000'000;  // the time budget is what binds
constexpr std::size_t kListingMemory = 32u << 20;
constexpr std::chrono::milliseconds kListingTime{1000};

// A failed or stopped run may leave a statement in the middle of its rows, holding the read
// snapshot open (and, on a pooled connection, WAL checkpoints back): reset them all.
void ResetStatements(Database& db) {
  for (sqlite3_stmt* s = sqlite3_next_stmt(db.handle(), nullptr); s != nullptr; s = sqlite3_next_stmt(db.handle(), s))
    sqlite3_reset(s);
}

// One read transaction for the whole run; ended (and statements reset) however the run ends.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(Database& db) : db_(db) { began_ = db_.Exec("BEGIN").ok(); }
  ~ReadSnapshot() {
    ResetStatements(db_);
    if (began_) db_.Exec("COMMIT");
  }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  Database& db_;
  bool began_ = false;
};

std::string ScriptPath(const std::string& dir, const std::string& name) { return dir + "/" + name + ".lua"; }

Status Prefixed(const std::string& name, const Status& st) {
  return Status(st.code(), "report '" + name + "': " + st.message()).WithField(st.field());
}

}  // namespace

nlohmann::json DeclarationToJson(const ReportDeclaration& decl) {
  nlohmann::json params = nlohmann::json::array();
  for (const ParamSpec& p : decl.params) {
    nlohmann::json j = {{"name", p.name}, {"type", ParamTypeName(p.type)}, {"label", p.label}, {"required", p.required}};
    if (p.default_value) j["default"] = *p.default_value;
    if (!p.values.empty()) j["values"] = p.values;
    if (p.min) j["min"] = *p.min;
    if (p.max) j["max"] = *p.max;
    params.push_back(std::move(j));
  }
  return {{"name", decl.name}, {"title", decl.title}, {"description", decl.description}, {"params", params}};
}

Result<std::unique_ptr<Database>> OpenReportStore(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return NotFound("no store at " + path + " (give it with --db)");
  auto db = Database::Open(path, Database::Mode::kReadOnly);
  if (!db.ok()) return db.status();
  auto q = (*db)->Prepare("PRAGMA user_version");
  if (!q.ok()) return q.status();
  auto row = q->Step();
  if (!row.ok()) return row.status();
  const std::int64_t version = q->Int(0);
  q->Run();
  if (version > kSchemaVersion)
    return StorageError("store " + path + " has schema version " + std::to_string(version) + ", newer than this siaga (" +
                        std::to_string(kSchemaVersion) + "); upgrade siaga");
  if (version < kSchemaVersion)  // reports never write: the store is migrated by a writing command
    return StorageError("store " + path + " has schema version " + std::to_string(version) + ", older than this siaga (" +
                        std::to_string(kSchemaVersion) + "); run a writing command once to migrate it, e.g. siaga case list");
  return std::move(*db);
}

ReportListing ListReports(const std::string& scripts_dir) {
  ReportListing out;
  ReportCatalog empty;
  for (const std::string& path : ListReportFiles(scripts_dir)) {
    LuaLimits limits;
    limits.memory_bytes = kListingMemory;
    limits.wall_time = kListingTime;
    auto sandbox = LuaSandbox::Create(limits);
    if (!sandbox.ok()) {
      out.errors.push_back(path + ": " + sandbox.status().message());
      continue;
    }
    ScanControl control(std::chrono::steady_clock::now() + kListingTime, nullptr, nullptr);
    DataApi data(nullptr, empty, control, {});
    ReportZone zone;
    data.Install(**sandbox);
    InstallReportHelpers(**sandbox, &zone);
    InstallReportConstructor(**sandbox);
    LuaRef run;
    auto decl = LoadReportDeclaration(**sandbox, path, run);
    if (!decl.ok()) {
      out.errors.push_back(decl.status().message());
      continue;
    }
    out.reports.push_back(std::move(*decl));
  }
  return out;
}

Result<ReportOutput> RunReport(Database& db, const ReportCatalog& catalog, const ReportRequest& request,
                               const ReportRunOptions& options) {
  if (!ValidReportName(request.name))
    return NotFound("no report '" + request.name + "': names are lower-case letters, digits, '-' and '_' (siaga report --list)");
  const std::string path = ScriptPath(options.scripts_dir, request.name);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return NotFound("no report '" + request.name + "' in " + options.scripts_dir + " (siaga report --list)");

  LuaLimits limits;
  limits.memory_bytes = options.memory_bytes;
  limits.instructions = kReportInstructions;
  limits.wall_time = options.time_budget;
  auto sandbox = LuaSandbox::Create(limits);
  if (!sandbox.ok()) return sandbox.status();
  LuaSandbox& lua = **sandbox;

  ScanControl control(std::chrono::steady_clock::now() + options.time_budget, options.cancelled, options.progress);
  const ReportCatalog visible = options.readable_procedures ? catalog.Restricted(*options.readable_procedures) : catalog;
  DataApi data(&db, visible, control, {options.now, options.max_list_rows, options.readable_procedures});
  ReportZone zone;
  data.Install(lua);
  InstallReportHelpers(lua, &zone);
  InstallReportConstructor(lua);

  LuaRef run;
  auto decl = LoadReportDeclaration(lua, path, run);
  if (!decl.ok()) return Prefixed(request.name, decl.status());
  auto params = ResolveParams(decl->params, request.params, visible);
  if (!params.ok()) return Prefixed(request.name, params.status());
  zone.label = params->zone_label;
  zone.utc_offset_minutes = params->utc_offset_minutes;

  ReportOutput out;
  out.name = decl->name;
  out.title = decl->title;
  out.description = decl->description;
  out.zone_label = zone.label;
  out.generated_at = options.now;
  for (const ResolvedParam& p : params->values) out.params.emplace_back(p.name, p.text);

  Status st;
  {
    ReadSnapshot snapshot(db);
    data.set_running(true);
    st = CallHost(lua, 0, [&](lua_State* L) -> Status {
      run.Push();                                    // run
      lua_createtable(L, 0, static_cast<int>(params->values.size()));  // run params
      for (const ResolvedParam& p : params->values) {
        PushJson(L, p.value);
        lua_setfield(L, -2, p.name.c_str());
      }
      lua.PushEnv();
      lua_getfield(L, -1, "data");                   // run params env data
      lua_remove(L, -2);                             // run params data
      lua_call(L, 2, 1);                             // result (a Lua error here unwinds to ProtectedCall)
      return ReadReportResult(L, -1, out);
    });
    data.set_running(false);
  }
  if (options.progress != nullptr) options.progress->Finish();
  if (!st.ok()) return Prefixed(request.name, st);
  out.script_log = lua.log();
  return out;
}

}  // namespace siaga
