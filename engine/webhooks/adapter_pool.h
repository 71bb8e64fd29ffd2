// Adapters run in worker processes ("siaga adapter-worker"), never in the server's threads: the
// Lua count hook cannot stop a long C call such as string.find with a backtracking pattern, so
// the only sure stop is a watchdog that kills the process (research/security.md, finding 2).
// Each worker takes one payload at a time over a pipe; a run past the deadline kills the worker,
// which is started again on the next run. Workers die with the server (PR_SET_PDEATHSIG).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace siaga {

struct AdapterPoolOptions {
  std::string executable;     // this binary (/proc/self/exe)
  std::string webhooks_dir;
  int workers = 2;
  std::chrono::milliseconds run_timeout{4000};   // the watchdog: twice the sandbox's 2 s budget
  std::chrono::milliseconds queue_wait{2000};    // how long a payload waits for a free worker
  std::uint64_t address_space_bytes = 1ull << 30;
};

class AdapterPool {
 public:
  explicit AdapterPool(AdapterPoolOptions options);
  ~AdapterPool();
  AdapterPool(const AdapterPool&) = delete;
  AdapterPool& operator=(const AdapterPool&) = delete;

  // Runs webhooks/ADAPTER.lua on `body`: what parse returned, as JSON. InvalidArgument (with a
  // field) for a malformed or rejected payload; ScriptError when the adapter failed or its worker
  // was killed; Unavailable when no worker was free within queue_wait.
  Result<nlohmann::json> Run(const std::string& adapter, const std::string& body, const nlohmann::json& meta);

  std::uint64_t restarts() const { return restarts_.load(); }
  std::uint64_t timeouts() const { return timeouts_.load(); }

 private:
  struct Worker {
    pid_t pid = -1;
    int to_child = -1, from_child = -1;
  };
  Status Spawn(Worker& w);
  void Kill(Worker& w);
  Result<nlohmann::json> Exchange(Worker& w, const std::string& request);

  AdapterPoolOptions options_;
  std::vector<Worker> workers_;
  std::vector<Worker*> idle_;
  std::mutex mu_;
  std::condition_variable freed_;
  std::atomic<std::uint64_t> restarts_{0}, timeouts_{0};
};

// The worker's side: reads requests on stdin, answers on stdout, until stdin closes.
int RunAdapterWorker(const std::string& webhooks_dir);

}  // namespace siaga
