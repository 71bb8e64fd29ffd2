// Fills a store with N cases through the engine's own write path (Engine::ApplyBatch, group
// commits of about 1,000 commands) on a fake clock, for the read and report benchmarks.
//
// Two procedures of four work steps (three roles each; one in WIB, one in WITA; working-time,
// working-day and elapsed standards). Cases open in waves of 4,000 on working days; every step is
// done after a delay drawn from a few buckets per step (so some visits are late), and the last
// waves leave their final step open (some of it past its deadline). About 3.9 step visits per case.
//
//   bench_fill_cases N DB     (DB must not exist)
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
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
  const char* branch_on;  // the decision step's label that goes on to the last step
  const char* branch_off;
  int delays[4][4];       // minutes, four buckets per step
};

const Flow kFlows[] = {
    {"bench/insiden-wib", {"terima", "analisis", "keputusan", "tangani"}, "tangani", "tutup",
     {{10, 20, 28, 45}, {60, 150, 230, 300}, {20, 40, 55, 90}, {90, 300, 600, 1500}}},
    {"bench/gangguan-wita", {"catat", "periksa", "setujui", "perbaiki"}, "perbaiki", "tutup",
     {{15, 40, 55, 80}, {45, 90, 110, 150}, {10, 20, 25, 45}, {240, 600, 1200, 1800}}},
};

constexpr int kWave = 4000;
constexpr int kBatch = 1000;

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
  // The first wave opens on Monday 6 January 2025, 07:30 WIB.
  UnixSeconds day = *ParseInstant("2025-01-06T07:30", 7 * 60);
  FakeClock clock(day);
  Engine engine(**db, registry, clock);
  std::mt19937 rng(20260101);
  TerminalProgress progress("filling " + path);

  const auto t0 = std::chrono::steady_clock::now();
  std::int64_t opened = 0, commands = 0, visits = 0;
  auto apply = [&](std::vector<Command>& batch) -> bool {
    if (batch.empty()) return true;
    for (const CommandResult& r : engine.ApplyBatch(batch))
      if (!r.status.ok()) {
        std::cerr << "\n" << r.status.message() << "\n";
        return false;
      }
    commands += static_cast<std::int64_t>(batch.size());
    batch.clear();
    return true;
  };

  while (opened < total) {
    const int wave = static_cast<int>(std::min<std::int64_t>(kWave, total - opened));
    const bool last_waves = opened + wave > total - total / 50;  // the last 2 %: final step left open
    // Open the wave in batches, ten minutes apart; cases alternate between the two procedures.
    std::vector<std::int64_t> ids;
    std::vector<int> flow_of;
    for (int done = 0; done < wave; done += kBatch) {
      clock.Set(day + (done / kBatch) * 600);
      std::vector<Command> batch;
      for (int i = done; i < std::min(wave, done + kBatch); ++i) {
        Command c;
        c.type = Command::Type::kOpenCase;
        c.procedure_id = kFlows[i % 2].procedure;
        c.title = "Insiden bench " + std::to_string(opened + i + 1);
        c.fields = {{"severity", i % 7 == 0 ? "tinggi" : i % 3 == 0 ? "sedang" : "rendah"}, {"asset", "host-" + std::to_string(i % 500)}};
        c.actor.name = "bench";
        batch.push_back(std::move(c));
        flow_of.push_back(i % 2);
      }
      for (const CommandResult& r : engine.ApplyBatch(batch)) {
        if (!r.status.ok()) {
          std::cerr << "\n" << r.status.message() << "\n";
          return 1;
        }
        ids.push_back(r.case_id);
      }
      commands += static_cast<std::int64_t>(batch.size());
    }
    // Each step: cases done in four delay buckets, each bucket one group commit at its instant.
    UnixSeconds base = day + ((wave - 1) / kBatch) * 600;
    std::vector<bool> closed(ids.size(), false);
    for (int step = 0; step < 4; ++step) {
      if (step == 3 && last_waves) break;
      std::vector<std::vector<std::size_t>> buckets(4);
      for (std::size_t i = 0; i < ids.size(); ++i)
        if (!closed[i]) buckets[rng() % 4].push_back(i);
      int longest = 0;
      for (int b = 0; b < 4; ++b) {
        const int minutes = std::max(kFlows[0].delays[step][b], kFlows[1].delays[step][b]);
        longest = std::max(longest, minutes);
        // Both flows' delays of this bucket, applied in two commits (one per flow).
        for (int f = 0; f < 2; ++f) {
          clock.Set(base + kFlows[f].delays[step][b] * 60);
          std::vector<Command> batch;
          for (std::size_t i : buckets[static_cast<std::size_t>(b)]) {
            if (flow_of[i] != f) continue;
            Command c;
            c.case_id = ids[i];
            c.step_id = kFlows[f].steps[step];
            c.actor.name = "bench";
            if (step == 2) {
              c.type = Command::Type::kDecide;
              const bool on = rng() % 10 != 0;
              c.label = on ? kFlows[f].branch_on : kFlows[f].branch_off;
              if (!on) closed[i] = true;
            } else {
              c.type = Command::Type::kComplete;
            }
            batch.push_back(std::move(c));
            if (batch.size() >= static_cast<std::size_t>(kBatch) && !apply(batch)) return 1;
          }
          if (!apply(batch)) return 1;
        }
      }
      base += longest * 60;
    }
    opened += wave;
    // The next wave opens on the next working day.
    do {
      day += 86400;
    } while (WeekdayFromDays((day + 7 * 3600) / 86400) == 0 || WeekdayFromDays((day + 7 * 3600) / 86400) == 6);
    progress.Update("cases", opened, total);
  }
  progress.Finish();
  auto count = (*db)->Prepare("SELECT COUNT(*) FROM step_instances WHERE kind IN ('task', 'decision', 'external')");
  if (count.ok() && count->Step().ok()) visits = count->Int(0);
  if (count.ok()) count->Run();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  (*db)->Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(path, ec);
  std::printf("cases %lld\nwork_step_visits %lld\ncommands %lld\nfill_seconds %.1f\ncases_per_second %.0f\nstore_mb %.1f\npeak_rss_mb %.1f\n",
              static_cast<long long>(opened), static_cast<long long>(visits), static_cast<long long>(commands), seconds,
              static_cast<double>(opened) / seconds, static_cast<double>(bytes) / 1e6, static_cast<double>(RssKb()) / 1024.0);
  return 0;
}
