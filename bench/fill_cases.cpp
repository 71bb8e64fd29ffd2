// Fills a store with N cases through the engine's own write path (Engine::ApplyBatch, group
// commits of about 1,000 commands) on a fake clock, for the read and report benchmarks.
//
// Two procedures of four work steps (three roles each; one in WIB, one in WITA; working-time,
// working-day and elapsed standards). 8,000 cases open per working day, spread over office
// hours; each step is done after a delay drawn as a share of its nominal time (most within it,
// about a fifth past it), on a 10-minute grid: every slot's actions commit together (up to 1,000
// commands a commit), and the clock only moves forward. One decision in ten ends the case early;
// the last 2 % of cases leave their final step open. About 3.9 work-step visits per case.
//
//   bench_fill_cases N DB     (DB must not exist)
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cmath>
#include <filesystem>
#include <map>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "procedure/loader.h"
#include "reports/progress.h"
#include "runner/engine.h"

using namespace siaga;

namespace {

const char* kWib = R"lua(
return sop {
  id = "bench/insiden-wib", revision = 1, instansi = "bench-wib", zona_waktu = "WIB",
  identitas = { nama = "Bench: penanganan insiden (WIB)" },
  sla_kasus = { waktu = "2 hari kerja" },
  pelaksana = { helpdesk = { label = "Helpdesk" }, analis = { label = "Analis" }, kabid = { label = "Kepala Bidang" } },
  langkah = {
    task "terima" { no = 1, pelaksana = "helpdesk", waktu = "30 menit", next = "analisis" },
    task "analisis" { no = 2, pelaksana = "analis", waktu = "4 jam", next = "keputusan" },
    decision "keputusan" { no = 3, pelaksana = "kabid", waktu = "1 jam",
      branches = { { "tangani", next = "tangani" }, { "tutup", next = "selesai" } } },
    task "tangani" { no = 4, pelaksana = "analis", waktu = "1 hari", next = "selesai" },
    finish "selesai" { hasil = "selesai" },
  },
}
)lua";

const char* kWita = R"lua(
return sop {
  id = "bench/gangguan-wita", revision = 1, instansi = "bench-wita", zona_waktu = "WITA",
  identitas = { nama = "Bench: gangguan jaringan (WITA)" },
  pelaksana = { pemeriksa = { label = "Pemeriksa TI" }, teknis = { label = "Tim Teknis" }, kasi = { label = "Kasi" } },
  langkah = {
    task "catat" { no = 1, pelaksana = "pemeriksa", waktu = "1 jam", next = "periksa" },
    task "periksa" { no = 2, pelaksana = "teknis", waktu = "1-2 jam", next = "setujui" },
    decision "setujui" { no = 3, pelaksana = "kasi", waktu = "30 menit",
      branches = { { "perbaiki", next = "perbaiki" }, { "tutup", next = "selesai" } } },
    task "perbaiki" { no = 4, pelaksana = "teknis", waktu = { "24 jam", basis = "elapsed" }, next = "selesai" },
    finish "selesai" { hasil = "selesai" },
  },
}
)lua";

struct Flow {
  const char* procedure;
  const char* steps[4];
  const char* branch_on;   // the decision's label that goes on to the last step
  const char* branch_off;  // the one that ends the case there
  int nominal_minutes[4];  // about the step's standard; delays are drawn as multiples of it
};

const Flow kFlows[] = {
    {"bench/insiden-wib", {"terima", "analisis", "keputusan", "tangani"}, "tangani", "tutup", {30, 240, 60, 24 * 60}},
    {"bench/gangguan-wita", {"catat", "periksa", "setujui", "perbaiki"}, "perbaiki", "tutup", {60, 120, 30, 24 * 60}},
};

// How long a step takes, as a share of its nominal time: most within it, some well past it.
constexpr double kShares[] = {0.25, 0.5, 0.8, 1.0, 1.5, 3.0};
constexpr int kShareWeights[] = {25, 25, 20, 10, 12, 8};

constexpr int kCasesPerDay = 8000;   // opened between 07:30 and 16:00 local (WIB) on working days
constexpr UnixSeconds kSlot = 600;   // actions are grouped on a 10-minute grid: one commit per slot
constexpr std::size_t kBatch = 1000; // at most this many commands per commit

long RssKb() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: bench_fill_cases N DB\n";
    return 2;
  }
  const std::int64_t total = std::stoll(argv[1]);
  const std::string path = argv[2];
  if (std::filesystem::exists(path)) {
    std::cerr << path << " exists; give a new path\n";
    return 2;
  }
  ProcedureRegistry registry;
  for (auto [source, file] : {std::pair{kWib, "bench/insiden-wib.lua"}, std::pair{kWita, "bench/gangguan-wita.lua"}}) {
    LoadResult r = LoadProcedureSource(source, file);
    if (!r.procedure) {
      for (const auto& d : r.diagnostics) std::cerr << d.ToString() << "\n";
      return 1;
    }
    registry.Add(r.procedure);
  }
  auto db = OpenStore(path);
  if (!db.ok()) {
    std::cerr << db.status().message() << "\n";
    return 1;
  }
  // Cases open from Monday 6 January 2025; the clock only moves forward.
  UnixSeconds day = *ParseInstant("2025-01-06T00:00", 7 * 60);
  FakeClock clock(day);
  Engine engine(**db, registry, clock);
  std::mt19937 rng(20260101);
  std::discrete_distribution<int> share(std::begin(kShareWeights), std::end(kShareWeights));
  TerminalProgress progress("filling " + path);

  // Every pending action sits in its 10-minute slot: an open (case -1, with its flow) or the
  // next step of an open case.
  struct CaseState {
    std::int64_t id = 0;
    std::uint8_t flow = 0, step = 0;
  };
  struct Action {
    std::int64_t case_index;  // -1: open a case of `flow`
    std::uint8_t flow;
  };
  std::vector<CaseState> cases;
  cases.reserve(static_cast<std::size_t>(total));
  std::map<UnixSeconds, std::vector<Action>> due;
  auto schedule_next = [&](std::size_t i, UnixSeconds from) {
    const CaseState& c = cases[i];
    const bool last_cases = static_cast<std::int64_t>(i) >= total - total / 50;  // the last 2 %: final step stays open
    if (c.step >= 4 || (c.step == 3 && last_cases)) return;
    const double minutes = kFlows[c.flow].nominal_minutes[c.step] * kShares[share(rng)];
    const UnixSeconds slots = std::max<UnixSeconds>(1, static_cast<UnixSeconds>(std::ceil(minutes * 60 / static_cast<double>(kSlot))));
    due[from + slots * kSlot].push_back({static_cast<std::int64_t>(i), c.flow});
  };
  std::int64_t scheduled_opens = 0;
  auto schedule_day = [&]() {  // the next working day's openings, spread over office hours
    while (WeekdayFromDays((day + 7 * 3600) / 86400) == 0 || WeekdayFromDays((day + 7 * 3600) / 86400) == 6) day += 86400;
    const int today = static_cast<int>(std::min<std::int64_t>(kCasesPerDay, total - scheduled_opens));
    const UnixSeconds first = day + 7 * 3600 + 30 * 60, slots = (16 * 60 - (7 * 60 + 30)) * 60 / kSlot;
    for (int k = 0; k < today; ++k)
      due[first + (k % slots) * kSlot].push_back({-1, static_cast<std::uint8_t>((scheduled_opens + k) % 2)});
    scheduled_opens += today;
    day += 86400;
  };

  const auto t0 = std::chrono::steady_clock::now();
  std::int64_t opened = 0, commands = 0, visits = 0, commits = 0;
  while (scheduled_opens < total || !due.empty()) {
    if (scheduled_opens < total && (due.empty() || due.begin()->first >= day)) {
      schedule_day();
      continue;
    }
    const UnixSeconds now = due.begin()->first;
    std::vector<Action> actions = std::move(due.begin()->second);
    due.erase(due.begin());
    clock.Set(now);
    for (std::size_t from = 0; from < actions.size(); from += kBatch) {
      const std::size_t to = std::min(actions.size(), from + kBatch);
      std::vector<Command> batch;
      for (std::size_t a = from; a < to; ++a) {
        const Action& act = actions[a];
        Command c;
        c.actor.name = "bench";
        if (act.case_index < 0) {
          const std::int64_t n = static_cast<std::int64_t>(cases.size() + batch.size()) + 1;
          c.type = Command::Type::kOpenCase;
          c.procedure_id = kFlows[act.flow].procedure;
          c.title = "Insiden bench " + std::to_string(n);
          c.fields = {{"severity", n % 7 == 0 ? "tinggi" : n % 3 == 0 ? "sedang" : "rendah"}, {"asset", "host-" + std::to_string(n % 500)}};
        } else {
          CaseState& cs = cases[static_cast<std::size_t>(act.case_index)];
          c.case_id = cs.id;
          c.step_id = kFlows[cs.flow].steps[cs.step];
          if (cs.step == 2) {
            c.type = Command::Type::kDecide;
            const bool on = rng() % 10 != 0;
            c.label = on ? kFlows[cs.flow].branch_on : kFlows[cs.flow].branch_off;
          } else {
            c.type = Command::Type::kComplete;
          }
        }
        batch.push_back(std::move(c));
      }
      const std::vector<CommandResult> results = engine.ApplyBatch(batch);
      ++commits;
      commands += static_cast<std::int64_t>(batch.size());
      for (std::size_t k = 0; k < results.size(); ++k) {
        if (!results[k].status.ok()) {
          std::cerr << "\n" << results[k].status.message() << "\n";
          return 1;
        }
        const Action& act = actions[from + k];
        if (act.case_index < 0) {
          cases.push_back({results[k].case_id, act.flow, 0});
          ++opened;
          schedule_next(cases.size() - 1, now);
          if (opened % 10000 == 0) progress.Update("cases opened", opened, total);
        } else {
          CaseState& cs = cases[static_cast<std::size_t>(act.case_index)];
          const bool ended = cs.step == 2 && batch[k].label == kFlows[cs.flow].branch_off;
          cs.step = ended ? 4 : static_cast<std::uint8_t>(cs.step + 1);
          schedule_next(static_cast<std::size_t>(act.case_index), now);
        }
      }
    }
  }
  progress.Finish();
  auto count = (*db)->Prepare("SELECT COUNT(*) FROM step_instances WHERE kind IN ('task', 'decision', 'external')");
  if (count.ok() && count->Step().ok()) visits = count->Int(0);
  if (count.ok()) count->Run();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  (*db)->Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(path, ec);
  std::printf("commits %lld\n", static_cast<long long>(commits));
  std::printf("cases %lld\nwork_step_visits %lld\ncommands %lld\nfill_seconds %.1f\ncases_per_second %.0f\nstore_mb %.1f\npeak_rss_mb %.1f\n",
              static_cast<long long>(opened), static_cast<long long>(visits), static_cast<long long>(commands), seconds,
              static_cast<double>(opened) / seconds, static_cast<double>(bytes) / 1e6, static_cast<double>(RssKb()) / 1024.0);
  return 0;
}
