#include "server/engine_loop.h"

#include <spdlog/spdlog.h>

namespace siaga {

EngineLoop::EngineLoop(Engine& engine, TimerLoop& timers, const Clock& clock, EngineLoopOptions options)
    : engine_(engine), timers_(timers), clock_(clock), options_(options) {}

EngineLoop::~EngineLoop() { Stop(); }

void EngineLoop::Start() {
  running_ = true;
  thread_ = std::thread([this] { Loop(); });
}

void EngineLoop::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  running_ = false;
}

Result<std::future<std::vector<CommandResult>>> EngineLoop::Submit(std::vector<Command> commands) {
  Job job;
  job.commands = std::move(commands);
  auto future = job.done.get_future();
  {
    std::lock_guard lock(mu_);
    if (stopping_) return Unavailable("the server is stopping");
    if (queued_commands_ + job.commands.size() > options_.queue_capacity)
      return Unavailable("the engine queue is full (" + std::to_string(options_.queue_capacity) + " commands)");
    queued_commands_ += job.commands.size();
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
  return future;
}

Result<std::future<void>> EngineLoop::Post(std::function<void()> task) {
  Job job;
  job.task = std::move(task);
  auto future = job.task_done.get_future();
  {
    std::lock_guard lock(mu_);
    if (stopping_) return Unavailable("the server is stopping");
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
  return future;
}

Result<std::vector<CommandResult>> EngineLoop::Execute(std::vector<Command> commands) {
  auto future = Submit(std::move(commands));
  if (!future.ok()) return future.status();
  return future->get();
}

EngineLoopStats EngineLoop::stats() const {
  std::lock_guard lock(mu_);
  EngineLoopStats s = stats_;
  s.queued = queued_commands_;
  return s;
}

void EngineLoop::Loop() {
  while (true) {
    std::vector<Job> jobs;
    {
      std::unique_lock lock(mu_);
      const auto next_due = timers_.NextDue();
      auto ready = [&] { return stopping_ || !queue_.empty(); };
      if (next_due) {
        const std::int64_t wait_ms = *next_due * 1000 - clock_.NowMillis();
        // Timers armed by other processes (the CLI) are looked for at least once a second.
        wake_.wait_for(lock, std::chrono::milliseconds(std::clamp<std::int64_t>(wait_ms, 0, 1000)), ready);
      } else {
        wake_.wait_for(lock, std::chrono::milliseconds(1000), ready);
      }
      std::size_t taken = 0;
      while (!queue_.empty() && (taken == 0 || taken + queue_.front().commands.size() <= options_.max_batch)) {
        taken += queue_.front().commands.size();
        jobs.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      queued_commands_ -= taken;
      if (jobs.empty() && stopping_) break;
    }
    // Commands batch together; a posted task runs alone, after the commands queued before it.
    std::vector<Job> batch;
    for (Job& j : jobs) {
      if (!j.task) {
        batch.push_back(std::move(j));
        continue;
      }
      if (!batch.empty()) ApplyJobs(batch);
      batch.clear();
      try {
        j.task();
        j.task_done.set_value();
      } catch (...) {
        j.task_done.set_exception(std::current_exception());
      }
    }
    if (!batch.empty()) ApplyJobs(batch);
    FireTimers();
  }
}

void EngineLoop::ApplyJobs(std::vector<Job>& jobs) {
  std::vector<Command> batch;
  for (Job& j : jobs)
    for (Command& c : j.commands) batch.push_back(std::move(c));
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<CommandResult> results = engine_.ApplyBatch(batch);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  {
    // Counted before anyone is answered, so a client that reads /metrics after its answer sees it.
    std::lock_guard lock(mu_);
    stats_.batches++;
    stats_.commands += batch.size();
    stats_.last_batch_ms = ms;
  }
  std::size_t at = 0;
  for (Job& j : jobs) {
    const std::size_t n = j.commands.size();
    std::vector<CommandResult> mine(std::make_move_iterator(results.begin() + static_cast<std::ptrdiff_t>(at)),
                                    std::make_move_iterator(results.begin() + static_cast<std::ptrdiff_t>(at + n)));
    at += n;
    j.done.set_value(std::move(mine));
  }
}

void EngineLoop::FireTimers() {
  Status st = timers_.PollNew();
  if (!st.ok()) {
    spdlog::error("timers: {}", st.message());
    return;
  }
  auto firing = timers_.FireDue();
  if (!firing.ok()) {
    spdlog::error("timers: {}", firing.status().message());
    return;
  }
  std::lock_guard lock(mu_);
  stats_.timers_pending = timers_.pending();
  if (firing->fired + firing->failed == 0) return;
  stats_.timer_firings++;
  stats_.timers_fired += static_cast<std::uint64_t>(firing->fired);
  for (auto lag : firing->lag_millis) stats_.worst_timer_lag_ms = std::max(stats_.worst_timer_lag_ms, lag);
}

}  // namespace siaga
