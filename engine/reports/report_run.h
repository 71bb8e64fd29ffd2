// Running a report: read and compile scripts/NAME.lua in a fresh sandbox, check the parameters
// against its declaration, call run(params, data) under the time and memory budgets with the
// data API on a read-only connection (one read transaction, so every figure comes from the same
// snapshot), and check what it returned. The caller owns the thread: the CLI runs this on its
// main thread, the HTTP API on a ReportWorkers thread, never on a CivetWeb thread.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/report_catalog.h"
#include "reports/report_output.h"
#include "reports/report_script.h"
#include "reports/scan_control.h"
#include "store/database.h"

namespace siaga {

struct ReportRunOptions {
  std::string scripts_dir = "scripts";
  std::chrono::milliseconds time_budget{10'000};  // per run; also bounds the file's top level
  std::size_t memory_bytes = 256u << 20;          // the script's Lua heap
  std::size_t max_list_rows = 50'000;             // data.cases() and friends
  UnixSeconds now = 0;                            // "now" for ages and open deadlines
  ReportProgress* progress = nullptr;
  const std::atomic<bool>* cancelled = nullptr;
  // Only cases of these procedures can be read, and only these are known to parameters and
  // data.procedures() (an HTTP reader's procedures); nullopt: everything.
  std::optional<std::vector<std::string>> readable_procedures;
};

struct ReportRequest {
  std::string name;
  std::map<std::string, std::string> params;  // name -> text as given
};

// Errors: kNotFound (no such report), kInvalidArgument (a parameter, naming it), kScriptError
// (the script failed, ran out of budget or returned a bad result), kStorageError.
Result<ReportOutput> RunReport(Database& db, const ReportCatalog& catalog, const ReportRequest& request,
                               const ReportRunOptions& options);

struct ReportListing {
  std::vector<ReportDeclaration> reports;
  std::vector<std::string> errors;  // scripts that do not load, with why
};
// Loads every script's declaration (not its run).
ReportListing ListReports(const std::string& scripts_dir);

nlohmann::json DeclarationToJson(const ReportDeclaration& decl);

// Opens the store at `path` read-only for reports: it must exist and be at the current schema.
Result<std::unique_ptr<Database>> OpenReportStore(const std::string& path);

}  // namespace siaga
