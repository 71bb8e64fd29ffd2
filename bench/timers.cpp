// Timers benchmark (DESIGN.md §8: 1,000,000 pending deadlines; restart < 2 s; fire lag p99 < 100 ms;
// RSS < 200 MB). Arms N timers through the engine's own write path (cases of a one-step
// procedure, opened in batches of 1,000 as group commits), then measures the restart (loading the
// due-heap from the store), the heap's memory and the process RSS, and the fire lag of timers
// falling due while the loop runs on a clock that runs at real speed.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include "procedure/loader.h"
#include "runner/timer_loop.h"

using namespace siaga;

namespace {

const char* kProcedure = R"(return sop { id = "bench/timer", instansi = "bench", pelaksana = { s = {} }, langkah = {
  task "tunggu" { pelaksana = "s", waktu = { "1 jam", basis = "elapsed" }, next = "z" },
  finish "z" {} } })";

long RssKb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

double Ms(std::chrono::steady_clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Percentile(std::vector<std::int64_t> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return static_cast<double>(v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))]);
}

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t timers = argc > 1 ? std::stoll(argv[1]) : 1'000'000;
  const std::string path = argc > 2 ? argv[2] : "/tmp/siaga-bench-timers.db";
  std::remove(path.c_str());
  std::remove((path + "-wal").c_str());
  std::remove((path + "-shm").c_str());
  ProcedureRegistry registry;
  auto loaded = LoadProcedureSource(kProcedure, "bench/timer.lua");
  if (!loaded.procedure) return 1;
  registry.Add(loaded.procedure);

  // Each case arms two timers (warning and deadline), due 45 and 60 minutes after it opens;
  // 1,000 cases open per virtual second.
  const std::int64_t cases = timers / 2;
  const UnixSeconds start = *ParseInstant("2026-01-05T00:00:00Z");
  {
    auto db = OpenStore(path);
    if (!db.ok()) { std::cerr << db.status().message() << "\n"; return 1; }
    FakeClock clock(start);
    Engine engine(**db, registry, clock);
    Command open;
    open.type = Command::Type::kOpenCase;
    open.procedure_id = "bench/timer";
    const auto t0 = std::chrono::steady_clock::now();
    for (std::int64_t done = 0; done < cases;) {
      const std::int64_t n = std::min<std::int64_t>(1000, cases - done);
      std::vector<Command> batch(static_cast<std::size_t>(n), open);
      for (const auto& r : engine.ApplyBatch(batch))
        if (!r.status.ok()) { std::cerr << r.status.message() << "\n"; return 1; }
      done += n;
      clock.Advance(1);
      if (done % 50000 == 0 || done == cases)
        std::fprintf(stderr, "\rarming: %lld / %lld timers", static_cast<long long>(done * 2), static_cast<long long>(timers));
    }
    const double secs = Ms(std::chrono::steady_clock::now() - t0) / 1000;
    std::fprintf(stderr, "\n");
    std::printf("armed_timers %lld\narm_seconds %.1f\narm_timers_per_second %.0f\n", static_cast<long long>(cases * 2), secs,
                static_cast<double>(cases * 2) / secs);
  }
  std::ifstream size(path, std::ios::ate | std::ios::binary);
  std::printf("store_mb %.1f\n", static_cast<double>(size.tellg()) / 1e6);

  // Restart: open the store and load the heap, five times.
  std::vector<std::int64_t> restart_ms;
  for (int i = 0; i < 5; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    auto db = OpenStore(path);
    FakeClock clock(start);
    Engine engine(**db, registry, clock);
    TimerLoop loop(engine, clock);
    auto n = loop.Load();
    restart_ms.push_back(static_cast<std::int64_t>(Ms(std::chrono::steady_clock::now() - t0)));
    if (!n.ok()) return 1;
  }
  std::printf("restart_ms_median %.0f\nrestart_ms_min %lld\nrestart_ms_max %lld\n", Percentile(restart_ms, 0.5),
              static_cast<long long>(*std::min_element(restart_ms.begin(), restart_ms.end())),
              static_cast<long long>(*std::max_element(restart_ms.begin(), restart_ms.end())));

  // Fire lag: a clock that runs at real speed from just before the first deadline; five seconds
  // of the loop fire the timers of five virtual seconds (warnings fall due at 45 min, deadlines at
  // 60 min after each case opened).
  auto db = OpenStore(path);
  const UnixSeconds first_warning = start + 45 * 60;
  ShiftedClock clock(first_warning - 1);
  Engine engine(**db, registry, clock);
  TimerLoop loop(engine, clock);
  if (!loop.Load().ok()) return 1;
  std::printf("heap_mb %.1f\nrss_mb_after_load %.1f\n", static_cast<double>(loop.memory_bytes()) / 1e6, static_cast<double>(RssKb()) / 1024.0);
  std::vector<std::int64_t> lags;
  int fired = 0;
  std::atomic<bool> stop{false};
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::seconds(6));
    stop = true;
  });
  Status st = loop.Run(stop, std::chrono::milliseconds(1000), [&](const TimerFiring& f) {
    fired += f.fired;
    lags.insert(lags.end(), f.lag_millis.begin(), f.lag_millis.end());
  });
  stopper.join();
  if (!st.ok()) { std::cerr << st.message() << "\n"; return 1; }
  std::printf("fired_during_run %d\nfire_lag_ms_p50 %.0f\nfire_lag_ms_p99 %.0f\nfire_lag_ms_max %.0f\n", fired,
              Percentile(lags, 0.5), Percentile(lags, 0.99), Percentile(lags, 1.0));
  struct rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("peak_rss_mb %.1f\n", static_cast<double>(usage.ru_maxrss) / 1024.0);
  return 0;
}
