// siaga lint PATH...: loads and checks procedure files; exit 1 when any has an error.
#include <iostream>
#include <set>

#include "cli/cli.h"
#include "procedure/lint.h"

namespace siaga::cli {

namespace {

struct LintOptions {
  std::vector<std::string> paths;
  bool strict = false;
  bool quiet = false;
};

int RunLint(const GlobalOptions& global, const LintOptions& options) {
  std::vector<std::string> files;
  std::set<std::string> linted;
  for (const std::string& path : options.paths) {
    const auto found = ListLuaFiles(path);
    if (found.empty()) {
      std::cerr << "siaga: lint: no .lua files at " << path << "\n";
      return kExitNotFound;
    }
    for (const auto& f : found)
      if (linted.insert(f).second) files.push_back(f);
  }
  std::vector<Diagnostic> diags;
  std::vector<std::shared_ptr<CompiledProcedure>> loaded;
  CalendarBook calendars;
  std::vector<std::string> notification_files;
  for (const std::string& file : files) {
    if (IsNotificationFile(file)) {
      notification_files.push_back(file);
      continue;
    }
    if (IsCalendarFile(file)) {
      auto found = calendars.LoadFile(file);
      diags.insert(diags.end(), found.begin(), found.end());
      continue;
    }
    LoadResult r = LoadProcedureFile(file, FolderResolver(global.sop_dir));
    diags.insert(diags.end(), r.diagnostics.begin(), r.diagnostics.end());
    if (r.procedure) loaded.push_back(r.procedure);
  }
  if (!notification_files.empty()) {
    auto found = NotificationBook().LoadFiles(notification_files);
    diags.insert(diags.end(), found.begin(), found.end());
  }
  // Procedures under --sop that were not linted still count as call targets.
  std::vector<std::shared_ptr<CompiledProcedure>> context;
  for (const std::string& file : ListLuaFiles(global.sop_dir)) {
    if (linted.contains(file) || IsCalendarFile(file) || IsNotificationFile(file)) continue;
    LoadResult r = LoadProcedureFile(file, FolderResolver(global.sop_dir));
    if (r.procedure) context.push_back(r.procedure);
  }
  std::vector<const ProcedureDef*> defs;
  for (const auto& p : loaded) defs.push_back(&p->def());
  for (const auto& p : context) defs.push_back(&p->def());
  std::vector<Diagnostic> set_findings;
  CheckProcedureSet(defs, global.sop_dir, set_findings);
  for (const Diagnostic& d : set_findings)
    if (linted.contains(d.file)) diags.push_back(d);

  int errors = 0, warnings = 0;
  nlohmann::json json = nlohmann::json::array();
  for (const Diagnostic& d : diags) {
    const bool error = d.severity == Diagnostic::Severity::kError;
    error ? ++errors : ++warnings;
    if (global.json) {
      json.push_back({{"severity", error ? "error" : "warning"}, {"file", d.file}, {"line", d.line},
                      {"step", d.step}, {"field", d.field}, {"message", d.message}});
    } else if (error || !options.quiet) {
      std::cout << d.ToString() << "\n";
    }
  }
  if (global.json) {
    std::cout << nlohmann::json{{"files", files.size()}, {"errors", errors}, {"warnings", warnings}, {"findings", json}}.dump(2) << "\n";
  } else {
    std::cout << files.size() << " file(s), " << errors << " error(s), " << warnings << " warning(s)\n";
  }
  return errors > 0 || (options.strict && warnings > 0) ? kExitRefused : kExitOk;
}

}  // namespace

void AddLintCommand(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto options = std::make_shared<LintOptions>();
  CLI::App* cmd = app.add_subcommand("lint", "check procedure files: ids, roles, reachability, dead ends, loops, time strings, service standard");
  cmd->add_option("paths", options->paths, "files or folders (e.g. sop/)")->required();
  cmd->add_flag("--strict", options->strict, "fail on warnings too");
  cmd->add_flag("--quiet,-q", options->quiet, "print errors only");
  cmd->callback([&global, &exit_code, options] { exit_code = RunLint(global, *options); });
}

}  // namespace siaga::cli
