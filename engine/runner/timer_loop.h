// The engine loop's timer side: an in-memory min-heap of armed timers (loaded from the store at
// start), a wake-up at the earliest one, and firing as an engine command (FireDueTimers), so a
// timer fires once, in due order, in its own savepoint. Timers armed by other processes (CLI
// commands on the same store) are picked up by polling for new rows.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <queue>
#include <vector>

#include "runner/engine.h"

namespace siaga {

struct TimerFiring {
  int fired = 0, failed = 0;
  std::vector<std::int64_t> lag_millis;  // fire time minus due time, per timer that fired
};

class TimerLoop {
 public:
  TimerLoop(Engine& engine, const Clock& clock) : engine_(engine), clock_(clock) {}

  // Loads every armed timer into the heap; returns how many.
  Result<std::size_t> Load();
  // Fires what is due now; returns what fired.
  Result<TimerFiring> FireDue();
  // Runs until `stop` is set: sleeps until the earliest timer (or `poll`), fires, repeats.
  Status Run(const std::atomic<bool>& stop, std::chrono::milliseconds poll,
             const std::function<void(const TimerFiring&)>& on_fire);

  // Adds timers armed since the last look (by this process's commands or another's).
  Status PollNew();
  // The earliest armed timer's due instant, if any.
  std::optional<UnixSeconds> NextDue() const {
    return heap_.empty() ? std::nullopt : std::optional<UnixSeconds>(heap_.top().first);
  }

  std::size_t pending() const { return heap_.size(); }
  std::size_t memory_bytes() const { return heap_.size() * sizeof(Entry); }

 private:
  using Entry = std::pair<UnixSeconds, std::int64_t>;  // due_at, timer id

  Engine& engine_;
  const Clock& clock_;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap_;
  std::int64_t last_id_ = 0;
};

}  // namespace siaga
