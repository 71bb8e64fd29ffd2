// The running server's single writer: one thread owns the Engine. HTTP threads submit commands
// and wait; the loop takes everything queued (up to a batch limit), applies it in one transaction
// (group commit: one fsync for many webhooks) and answers each submitter after the commit. The
// same thread fires due timers, so timers and commands never race for the store.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "runner/engine.h"
#include "runner/timer_loop.h"

namespace siaga {

struct EngineLoopOptions {
  std::size_t queue_capacity = 20'000;  // commands waiting; beyond it Submit answers Unavailable (503)
  std::size_t max_batch = 2'000;        // commands per transaction
};

struct EngineLoopStats {
  std::uint64_t batches = 0, commands = 0, timer_firings = 0, timers_fired = 0;
  std::size_t queued = 0, timers_pending = 0;
  double last_batch_ms = 0;
  std::int64_t worst_timer_lag_ms = 0;
};

class EngineLoop {
 public:
  EngineLoop(Engine& engine, TimerLoop& timers, const Clock& clock, EngineLoopOptions options = {});
  ~EngineLoop();

  void Start();
  // Stops taking commands (Submit answers Unavailable), applies what is queued, ends the thread.
  void Stop();

  // The results arrive after the commit of the batch the commands were part of.
  Result<std::future<std::vector<CommandResult>>> Submit(std::vector<Command> commands);
  // Submit and wait.
  Result<std::vector<CommandResult>> Execute(std::vector<Command> commands);
  // Runs `task` on the loop thread between batches (e.g. swapping in reloaded procedures), so
  // no command ever sees a half-changed registry. Accepted even when the queue is full.
  Result<std::future<void>> Post(std::function<void()> task);

  EngineLoopStats stats() const;
  bool running() const { return running_.load(); }

 private:
  struct Job {
    std::vector<Command> commands;
    std::promise<std::vector<CommandResult>> done;
    std::function<void()> task;  // set instead of commands for Post
    std::promise<void> task_done;
  };
  void Loop();
  void ApplyJobs(std::vector<Job>& jobs);
  void FireTimers();

  Engine& engine_;
  TimerLoop& timers_;
  const Clock& clock_;
  EngineLoopOptions options_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  std::size_t queued_commands_ = 0;
  bool stopping_ = false;
  std::atomic<bool> running_{false};
  std::thread thread_;
  EngineLoopStats stats_;
};

}  // namespace siaga
