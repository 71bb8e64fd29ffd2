// Shared pieces of the `siaga` command line: global options, exit codes and the setup each
// subcommand needs (store, procedures, clock).
#pragma once

#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "common/clock.h"
#include "procedure/registry.h"
#include "runner/engine.h"
#include "store/database.h"

namespace siaga::cli {

// Documented in docs/cli.md; tests rely on them.
enum ExitCode : int {
  kExitOk = 0,
  kExitRefused = 1,     // invalid input, a command that does not fit the case, lint errors
  kExitUsage = 2,       // bad options or arguments
  kExitNotFound = 3,
  kExitPermission = 4,
  kExitStorage = 5,     // database locked, disk full, damaged file
  kExitScript = 6,      // a procedure's Lua failed
  kExitInternal = 7,
  kExitUnavailable = 8,  // busy or stopping: try again
};

int ExitCodeFor(const Status& status);

struct GlobalOptions {
  std::string db_path = "data/siaga.db";
  std::string sop_dir = "sop";
  std::string webhooks_dir = "webhooks";
  std::string now;  // act as if it were this instant (tests, replays); empty = system clock
  bool json = false;
};

// What a command that touches cases needs; built on demand.
struct Session {
  std::unique_ptr<Clock> clock;
  std::unique_ptr<Database> db;
  ProcedureRegistry registry;
  std::vector<Diagnostic> diagnostics;  // from loading the procedures
  std::unique_ptr<Engine> engine;
};

// Opens the store and loads procedures; prints load errors to stderr as a warning.
Result<std::unique_ptr<Session>> OpenSession(const GlobalOptions& options);
Result<std::unique_ptr<Clock>> MakeClock(const GlobalOptions& options);

// "cli:$USER": who an admin operation at the command line is recorded as.
std::string CliActorName();

// Prints "siaga: <message>" to stderr and returns the exit code for it.
int Fail(const Status& status);

void AddLintCommand(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddSimulateCommand(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddRenderCommand(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddCaseCommands(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddDemoCommand(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddRunCommand(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddHookCommands(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddTokenCommands(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddServeCommand(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddStatusCommands(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddMigrateCommand(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddReportCommands(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddNoticesCommands(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddBackupCommands(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddAgencyCommands(CLI::App& app, GlobalOptions& options, int& exit_code);

}  // namespace siaga::cli
