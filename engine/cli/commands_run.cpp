// siaga run: the engine loop without HTTP: keeps every armed timer in an in-memory heap and fires
// deadlines, warnings and waits (e.g. seed 001's auto-resolve) as they fall due, until SIGTERM.
#include <csignal>
#include <iostream>

#include <spdlog/spdlog.h>

#include "cli/cli.h"
#include "runner/timer_loop.h"

namespace siaga::cli {

namespace {

std::atomic<bool> g_stop{false};
extern "C" void StopLoop(int) { g_stop.store(true); }

int RunLoop(const GlobalOptions& global, int poll_ms) {
  GlobalOptions options = global;
  const std::string start = options.now;
  options.now.clear();
  auto session = OpenSession(options);
  if (!session.ok()) return Fail(session.status());
  Session& s = **session;
  std::unique_ptr<Clock> clock;
  if (!start.empty()) {
    auto t = ParseInstant(start, 7 * 60);
    if (!t.ok()) return Fail(InvalidArgument("--now: " + t.status().message()));
    clock = std::make_unique<ShiftedClock>(*t);  // starts there, then runs
  } else {
    clock = std::make_unique<SystemClock>();
  }
  Engine engine(*s.db, s.registry, *clock);
  auto recomputed = engine.RecomputeIfCalendarChanged();
  if (!recomputed.ok()) return Fail(recomputed.status());
  if (*recomputed > 0) spdlog::info("calendar data changed: {} open deadline(s) re-computed", *recomputed);
  TimerLoop loop(engine, *clock);
  const auto t0 = std::chrono::steady_clock::now();
  auto loaded = loop.Load();
  if (!loaded.ok()) return Fail(loaded.status());
  const auto load_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "siaga run: " << *loaded << " armed timer(s) loaded in " << load_ms << " ms; clock at "
            << FormatUtc(clock->Now()) << std::endl;
  std::signal(SIGTERM, StopLoop);
  std::signal(SIGINT, StopLoop);
  Status st = loop.Run(g_stop, std::chrono::milliseconds(poll_ms), [](const TimerFiring& f) {
    std::int64_t worst = 0;
    for (auto lag : f.lag_millis) worst = std::max(worst, lag);
    std::cout << "fired " << f.fired << " timer(s), " << f.failed << " failed, worst lag " << worst << " ms" << std::endl;
  });
  if (!st.ok()) return Fail(st);
  std::cout << "siaga run: stopped, " << loop.pending() << " timer(s) pending" << std::endl;
  return kExitOk;
}

}  // namespace

void AddRunCommand(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto poll = std::make_shared<int>(1000);
  CLI::App* cmd = app.add_subcommand("run", "run the engine loop: fire deadlines and waits as they fall due, until SIGTERM");
  cmd->add_option("--poll", *poll, "how often (ms) to look for timers armed by other processes")->capture_default_str()->check(CLI::Range(10, 60000));
  cmd->callback([&global, &exit_code, poll] { exit_code = RunLoop(global, *poll); });
}

}  // namespace siaga::cli
