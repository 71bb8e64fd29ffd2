// siaga demo: walks every seed procedure through a scripted scenario (loops included) into the
// store, on a virtual clock, and prints each path. The README's first command runs it until
// the HTTP server lands; the cases it leaves behind can be browsed with `siaga case list/show`.
#include <iostream>

#include "cli/cli.h"
#include "cli/output.h"
#include "runner/simulator.h"

namespace siaga::cli {

namespace {

struct Scenario {
  const char* procedure;
  const char* story;
  std::vector<std::pair<const char*, const char*>> choices;  // step, label (in order)
  std::vector<std::pair<const char*, const char*>> signals;  // wait step, signal
};

// Each seed's branches and loops, as described in the issue: a reader can replay any line with
// `siaga simulate PROCEDURE --choose STEP=LABEL ...`.
const std::vector<Scenario>& Scenarios() {
  static const std::vector<Scenario> scenarios = {
      {"kamisandi/manajemen-keamanan-informasi", "draft rejected once, fix repeated once",
       {{"keputusan_draft", "ditolak"}, {"keputusan_draft", "disetujui"}, {"konfirmasi", "masih ada"}, {"konfirmasi", "tidak ada"}},
       {}},
      {"trenggalek/layanan-insiden", "a follow-up report inside the 5-day window, then auto-resolve", {},
       {{"autoresolve", "laporan_lanjutan"}}},
      {"kaltim/gangguan-keamanan-jaringan", "hard case: consultation, rework loop 9 -> 7 twice",
       {{"cek_laporan", "sulit diselesaikan"}, {"cek_hasil", "belum"}, {"cek_hasil", "belum"}, {"cek_hasil", "tuntas"}},
       {}},
      {"tanah-bumbu/pengelolaan-kebijakan", "drafting, publication, evaluation asks for a revision, second round keeps it",
       {{"perlu_revisi", "perlu revisi"}, {"perlu_revisi", "tidak perlu"}}, {}},
      {"surakarta/layanan-keamanan-informasi", "security incident with external help; handling rechecked once",
       {{"jenis", "insiden security"}, {"perlu_eksternal", "ya"}, {"periksa", "belum sesuai"}, {"periksa", "sesuai"}},
       {}},
  };
  return scenarios;
}

int RunDemo(const GlobalOptions& global, const std::string& start_text) {
  auto session = OpenSession(global);
  if (!session.ok()) return Fail(session.status());
  Session& s = **session;
  auto start = ParseInstant(start_text, 7 * 60);
  if (!start.ok()) return Fail(InvalidArgument("--start: " + start.status().message()));
  int failures = 0;
  for (const Scenario& scenario : Scenarios()) {
    std::cout << "\n=== " << scenario.procedure << ": " << scenario.story << "\n";
    SimulationOptions options;
    options.procedure_id = scenario.procedure;
    options.start = *start;
    for (const auto& [step, label] : scenario.choices) options.choices[step].push_back(label);
    for (const auto& [step, signal] : scenario.signals) options.signals[step].push_back(signal);
    auto report = SimulateInto(*s.db, s.registry, options);
    if (!report.ok()) {
      ++failures;
      std::cout << "FAILED: " << report.status().message() << "\n";
      continue;
    }
    PrintSimulation(std::cout, *report);
  }
  std::cout << "\n" << Scenarios().size() - static_cast<std::size_t>(failures) << " of " << Scenarios().size()
            << " seed procedures ran to the end; cases are in " << global.db_path
            << " (siaga case list, siaga case show NUMBER)\n";
  return failures == 0 ? kExitOk : kExitRefused;
}

}  // namespace

void AddDemoCommand(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto start = std::make_shared<std::string>("2026-01-05T08:00");
  CLI::App* cmd = app.add_subcommand("demo", "run every seed procedure end to end (branches and loops) into the store, on a virtual clock");
  cmd->add_option("--start", *start, "virtual start time")->capture_default_str();
  cmd->callback([&global, &exit_code, start] { exit_code = RunDemo(global, *start); });
}

}  // namespace siaga::cli
