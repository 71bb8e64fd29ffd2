// siaga simulate PROCEDURE: the procedure on a virtual clock with scripted choices.
#include <iostream>

#include "cli/cli.h"
#include "cli/output.h"
#include "runner/simulator.h"

namespace siaga::cli {

namespace {

struct SimulateOptions {
  std::string procedure;
  std::vector<std::string> choices, signals;
  std::string start = "2026-01-05T08:00";
  std::string pace = "due";
};

Status ParsePairs(const std::vector<std::string>& pairs, const char* option,
                  std::map<std::string, std::deque<std::string>>& out) {
  for (const std::string& p : pairs) {
    const auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == p.size())
      return InvalidArgument(std::string(option) + " takes STEP=VALUE, got '" + p + "'");
    out[p.substr(0, eq)].push_back(p.substr(eq + 1));
  }
  return Status::Ok();
}

int RunSimulate(const GlobalOptions& global, const SimulateOptions& options) {
  ProcedureRegistry registry;
  const auto diags = registry.LoadDirectory(global.sop_dir);
  SimulationOptions sim;
  sim.procedure_id = options.procedure;
  if (!registry.Latest(options.procedure)) {
    for (const auto& d : diags)
      if (d.severity == Diagnostic::Severity::kError && d.file.find(options.procedure) != std::string::npos)
        std::cerr << d.ToString() << "\n";
    return Fail(NotFound("no procedure '" + options.procedure + "' loads from " + global.sop_dir));
  }
  auto zone = WorkingCalendar::ForZone(registry.Latest(options.procedure)->def().zona_waktu);
  auto start = ParseInstant(options.start, zone.ok() ? zone->utc_offset_minutes() : 7 * 60);
  if (!start.ok()) return Fail(InvalidArgument("--start: " + start.status().message()));
  sim.start = *start;
  if (options.pace == "due") sim.pace = SimulationOptions::Pace::kDue;
  else if (options.pace == "low") sim.pace = SimulationOptions::Pace::kLowEnd;
  else if (options.pace == "instant") sim.pace = SimulationOptions::Pace::kInstant;
  else return Fail(InvalidArgument("--pace must be due, low or instant"));
  if (Status st = ParsePairs(options.choices, "--choose", sim.choices); !st.ok()) return Fail(st);
  if (Status st = ParsePairs(options.signals, "--signal", sim.signals); !st.ok()) return Fail(st);
  auto report = Simulate(registry, sim);
  if (!report.ok()) return Fail(report.status());
  if (global.json) std::cout << SimulationToJson(*report).dump(2) << "\n";
  else PrintSimulation(std::cout, *report);
  return kExitOk;
}

}  // namespace

void AddSimulateCommand(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto options = std::make_shared<SimulateOptions>();
  CLI::App* cmd = app.add_subcommand("simulate", "run a procedure on a virtual clock; print the path, deadlines and total time");
  cmd->add_option("procedure", options->procedure, "procedure id, e.g. kaltim/gangguan-keamanan-jaringan")->required();
  cmd->add_option("--choose", options->choices, "decision STEP=LABEL, in order of visits (repeatable)");
  cmd->add_option("--signal", options->signals, "wait STEP=SIGNAL: the signal arrives halfway through the wait (repeatable)");
  cmd->add_option("--start", options->start, "virtual start time (agency local time unless an offset is given)")->capture_default_str();
  cmd->add_option("--pace", options->pace, "when each step is done: due (at its deadline), low (low end of a range), instant")->capture_default_str();
  cmd->callback([&global, &exit_code, options] { exit_code = RunSimulate(global, *options); });
}

}  // namespace siaga::cli
