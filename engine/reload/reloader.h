// Reload as a transaction: every rescan compiles and checks the whole procedure folder in fresh
// sandboxes on this thread (never the engine loop's), then hands the result to the engine loop,
// which adopts it between two batches: changed files that load replace their procedure, files
// that fail keep their previous version serving, and the new versions are stored by hash.
// Triggers (file watcher, SIGHUP, POST /api/reload) queue up; a burst becomes one rescan.
#pragma once

#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "procedure/registry.h"
#include "runner/engine.h"
#include "server/engine_loop.h"

namespace siaga {

struct ReloadOutcome {
  ReloadReport report;
  double compile_ms = 0, total_ms = 0;
  std::string reason;
  int sequence = 0;  // 1 for the first reload since start, then 2, ...
};

class Reloader {
 public:
  // Runs on the engine loop right after a reload was adopted (e.g. to publish a new HTTP catalog).
  using AfterAdopt = std::function<void(const ReloadOutcome&)>;
  // Runs on the reloader's thread before the swap: work that need not hold the engine loop
  // (e.g. compiling webhook adapters for the next HTTP catalog).
  using Prepare = std::function<void()>;

  Reloader(std::string sop_dir, EngineLoop& loop, Engine& engine, ProcedureRegistry& registry, AfterAdopt after,
           Prepare prepare = nullptr);
  ~Reloader();
  void Start();
  void Stop();
  // Queues a full rescan; the future is ready once it is live (or refused).
  std::shared_future<ReloadOutcome> Trigger(const std::string& reason);

 private:
  void Run();
  ReloadOutcome ReloadOnce(const std::string& reason);

  std::string sop_dir_;
  EngineLoop& loop_;
  Engine& engine_;
  ProcedureRegistry& registry_;
  AfterAdopt after_;
  Prepare prepare_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool requested_ = false;
  std::string reason_;
  int sequence_ = 0;
  std::promise<ReloadOutcome> pending_;
  std::shared_future<ReloadOutcome> pending_future_;
  std::thread thread_;
};

}  // namespace siaga
