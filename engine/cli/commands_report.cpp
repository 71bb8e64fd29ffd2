// siaga report: runs a report script from scripts/ on the store (read-only) and prints it as
// JSON, CSV, Markdown or HTML. docs/reports.md is the guide, docs/cli.md the reference.
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "cli/cli.h"
#include "reports/progress.h"
#include "reports/render.h"
#include "reports/report_run.h"

namespace siaga::cli {

namespace {

struct ReportOptions {
  std::string name;
  std::vector<std::string> params;  // K=V
  std::string format;
  std::string table;
  std::string output;
  std::string scripts_dir = "scripts";
  int time_budget_ms = 10'000;
  bool list = false;
};

int List(const GlobalOptions& global, const ReportOptions& o) {
  const ReportListing listing = ListReports(o.scripts_dir);
  for (const std::string& e : listing.errors) std::cerr << "siaga: report not usable: " << e << "\n";
  if (global.json || o.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& d : listing.reports) out.push_back(DeclarationToJson(d));
    std::cout << nlohmann::json{{"reports", out}, {"errors", listing.errors}}.dump(2) << "\n";
  } else {
    for (const auto& d : listing.reports) {
      std::cout << d.name << "  " << d.title << "\n";
      for (const ParamSpec& p : d.params)
        std::cout << "    --param " << p.name << "=" << ParamTypeName(p.type) << (p.required ? " (required)" : "")
                  << (p.default_value ? " (default " + *p.default_value + ")" : "") << "  " << p.label << "\n";
    }
    if (listing.reports.empty()) std::cout << "no report scripts in " << o.scripts_dir << "\n";
  }
  return listing.errors.empty() ? kExitOk : kExitScript;
}

int Run(const GlobalOptions& global, const ReportOptions& o) {
  if (o.list || o.name.empty()) return List(global, o);
  auto format = ParseReportFormat(o.format.empty() ? (global.json ? "json" : "md") : o.format);
  if (!format.ok()) return Fail(InvalidArgument("--format: " + format.status().message()));
  ReportRequest request;
  request.name = o.name;
  for (const std::string& kv : o.params) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) return Fail(InvalidArgument("--param " + kv + ": expected NAME=VALUE"));
    if (!request.params.emplace(kv.substr(0, eq), kv.substr(eq + 1)).second)
      return Fail(InvalidArgument("--param " + kv.substr(0, eq) + " is given twice"));
  }

  auto clock = MakeClock(global);
  if (!clock.ok()) return Fail(clock.status());
  auto db = OpenReportStore(global.db_path);
  if (!db.ok()) return Fail(db.status());
  // What the reports know of procedures: the files under --sop, then any procedure the store
  // has cases of but no file for.
  ProcedureRegistry registry;
  registry.LoadDirectory(global.sop_dir);
  ReportCatalog catalog = ReportCatalog::FromRegistry(registry);
  if (Status st = catalog.AddStoredProcedures(**db); !st.ok()) return Fail(st);

  TerminalProgress progress("siaga report " + o.name);
  ReportRunOptions run;
  run.scripts_dir = o.scripts_dir;
  run.time_budget = std::chrono::milliseconds(o.time_budget_ms);
  run.now = (*clock)->Now();
  run.progress = &progress;
  auto report = RunReport(**db, catalog, request, run);
  if (!report.ok()) return Fail(report.status());
  if (!report->script_log.empty()) std::cerr << "siaga: report " << o.name << " printed:\n" << report->script_log;
  auto text = RenderReport(*report, *format, o.table);
  if (!text.ok()) return Fail(text.status());
  if (o.output.empty() || o.output == "-") {
    std::cout << *text;
    std::cout.flush();
    return std::cout.good() ? kExitOk : kExitInternal;
  }
  const std::string tmp = o.output + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    out << *text;
    if (!out.good()) return Fail(Internal("cannot write " + tmp));
  }
  if (std::rename(tmp.c_str(), o.output.c_str()) != 0) return Fail(Internal("cannot write " + o.output));
  std::cerr << "siaga: report " << o.name << " written to " << o.output << "\n";
  return kExitOk;
}

}  // namespace

void AddReportCommands(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto o = std::make_shared<ReportOptions>();
  if (const char* dir = std::getenv("SIAGA_SCRIPTS")) o->scripts_dir = dir;
  CLI::App* cmd = app.add_subcommand("report", "run a report script (scripts/NAME.lua) on the store: SLA compliance, incident register, recaps");
  cmd->add_option("name", o->name, "the report (its file name without .lua); none or --list: list the reports");
  cmd->add_flag("--list", o->list, "list the reports and their parameters");
  cmd->add_option("--param,-p", o->params, "a parameter as NAME=VALUE, e.g. from=2026-01-01 (repeatable)");
  cmd->add_option("--format,-f", o->format, "json, csv, md or html (default md; json with --json)");
  cmd->add_option("--table", o->table, "CSV: the table to print (default: the first)");
  cmd->add_option("--output,-o", o->output, "write to this file instead of standard output");
  cmd->add_option("--scripts", o->scripts_dir, "folder of report scripts (env SIAGA_SCRIPTS)")->capture_default_str();
  cmd->add_option("--time-budget-ms", o->time_budget_ms, "time the run may take before it is stopped")
      ->capture_default_str()
      ->check(CLI::Range(100, 3'600'000));
  cmd->callback([&global, &exit_code, o] { exit_code = Run(global, *o); });
}

}  // namespace siaga::cli
