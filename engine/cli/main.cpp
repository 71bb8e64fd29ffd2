// siaga: the one binary. Subcommands live in commands_*.cpp; docs/cli.md is the reference.
#include <cstdlib>
#include <iostream>

#include <spdlog/spdlog.h>

#include "cli/cli.h"

namespace siaga::cli {

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk: return kExitOk;
    case StatusCode::kInvalidArgument:
    case StatusCode::kConflict: return kExitRefused;
    case StatusCode::kNotFound: return kExitNotFound;
    case StatusCode::kPermissionDenied: return kExitPermission;
    case StatusCode::kStorageError: return kExitStorage;
    case StatusCode::kScriptError: return kExitScript;
    case StatusCode::kInternal: return kExitInternal;
    case StatusCode::kUnavailable: return kExitUnavailable;
  }
  return kExitInternal;
}

int Fail(const Status& status) {
  std::cerr << "siaga: " << status.message() << "\n";
  return ExitCodeFor(status);
}

Result<std::unique_ptr<Clock>> MakeClock(const GlobalOptions& options) {
  if (options.now.empty()) return std::unique_ptr<Clock>(new SystemClock());
  auto t = ParseInstant(options.now, 7 * 60);
  if (!t.ok()) return InvalidArgument("--now: " + t.status().message());
  return std::unique_ptr<Clock>(new FakeClock(*t));
}

Result<std::unique_ptr<Session>> OpenSession(const GlobalOptions& options) {
  auto session = std::make_unique<Session>();
  auto clock = MakeClock(options);
  if (!clock.ok()) return clock.status();
  session->clock = std::move(*clock);
  auto db = OpenStore(options.db_path);
  if (!db.ok()) return db.status();
  session->db = std::move(*db);
  int errors = 0;
  session->diagnostics = session->registry.LoadDirectory(options.sop_dir);
  for (const Diagnostic& d : session->diagnostics)
    if (d.severity == Diagnostic::Severity::kError) ++errors;
  if (errors > 0)
    std::cerr << "siaga: warning: " << errors << " error(s) loading procedures from " << options.sop_dir
              << "; those files are not served (run: siaga lint " << options.sop_dir << ")\n";
  session->engine = std::make_unique<Engine>(*session->db, session->registry, *session->clock);
  return session;
}

}  // namespace siaga::cli

int main(int argc, char** argv) {
  using namespace siaga::cli;
  spdlog::set_pattern("siaga: %l: %v");
  GlobalOptions options;
  if (const char* db = std::getenv("SIAGA_DB")) options.db_path = db;
  if (const char* sop = std::getenv("SIAGA_SOP")) options.sop_dir = sop;
  if (const char* now = std::getenv("SIAGA_NOW")) options.now = now;
  if (const char* hooks = std::getenv("SIAGA_WEBHOOKS")) options.webhooks_dir = hooks;

  CLI::App app{"siaga: runs the information-security SOPs of Indonesian government agencies.\n"
               "Procedures are Lua files under sop/; cases are kept in an SQLite file."};
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand: siaga case show 1 --json
  app.set_version_flag("--version", "siaga 0.1.0");
  app.add_option("--db", options.db_path, "SQLite store (env SIAGA_DB)")->capture_default_str();
  app.add_option("--sop", options.sop_dir, "folder of procedure files (env SIAGA_SOP)")->capture_default_str();
  app.add_option("--webhooks", options.webhooks_dir, "folder of webhook adapters and routes.lua (env SIAGA_WEBHOOKS)")->capture_default_str();
  app.add_option("--now", options.now,
                 "act as if it were this time, e.g. 2026-01-05T08:00+07:00 (env SIAGA_NOW; for tests and replays)");
  app.add_flag("--json", options.json, "print results as JSON");

  int exit_code = kExitOk;
  AddLintCommand(app, options, exit_code);
  AddSimulateCommand(app, options, exit_code);
  AddRenderCommand(app, options, exit_code);
  AddCaseCommands(app, options, exit_code);
  AddDemoCommand(app, options, exit_code);
  AddRunCommand(app, options, exit_code);
  AddHookCommands(app, options, exit_code);
  AddTokenCommands(app, options, exit_code);
  AddServeCommand(app, options, exit_code);
  AddStatusCommands(app, options, exit_code);
  AddMigrateCommand(app, options, exit_code);
  AddReportCommands(app, options, exit_code);
  AddNoticesCommands(app, options, exit_code);
  AddBackupCommands(app, options, exit_code);
  AddAgencyCommands(app, options, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "siaga: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
  return exit_code;
}
