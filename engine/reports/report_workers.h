// Threads that run reports for the HTTP API. CivetWeb threads have 100 KiB stacks, where Lua
// must not run (DESIGN.md §7): a handler hands the job to one of these threads (normal stacks)
// and waits for it, up to a limit. A fixed number of threads and a bounded queue keep a flood of
// report requests from taking the server's memory or CPU; beyond them the caller gets
// kUnavailable (HTTP 503 with Retry-After).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/status.h"

namespace siaga {

struct ReportWorkersOptions {
  int threads = 2;
  std::size_t queue = 8;  // jobs waiting for a thread
};

class ReportWorkers {
 public:
  // A job gets a flag that turns true when its caller stopped waiting: data scans check it.
  using Job = std::function<void(const std::atomic<bool>& cancelled)>;

  explicit ReportWorkers(ReportWorkersOptions options = {});
  // Stops taking jobs, lets the running ones finish (their budgets bound them) and joins.
  ~ReportWorkers();
  ReportWorkers(const ReportWorkers&) = delete;
  ReportWorkers& operator=(const ReportWorkers&) = delete;

  // Runs `job` on a worker thread and waits until it returns or `wait` has passed.
  // kUnavailable when the queue is full, when stopping, or when the wait ran out (the job is
  // then told to cancel and its result dropped). Whatever the job produces must be shared with
  // the caller through state the job owns a share of (e.g. a shared_ptr), since a job that
  // outlives the wait runs on after Run returned.
  Status Run(Job job, std::chrono::milliseconds wait);

  std::size_t queued() const;

 private:
  struct Task;
  void Loop();

  ReportWorkersOptions options_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<Task>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace siaga
