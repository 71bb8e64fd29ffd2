#include "runner/timer_loop.h"

#include <thread>

namespace siaga {

Result<std::size_t> TimerLoop::Load() {
  heap_ = {};
  last_id_ = 0;
  Status st = PollNew();
  if (!st.ok()) return st;
  return heap_.size();
}

Status TimerLoop::PollNew() {
  auto q = engine_.db().Prepare("SELECT id, due_at FROM timers WHERE state = 'armed' AND id > ? ORDER BY id");
  if (!q.ok()) return q.status();
  q->Bind(1, last_id_);
  std::vector<Entry> found;
  while (true) {
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    found.emplace_back(q->Int(1), q->Int(0));
  }
  for (const Entry& e : found) {
    heap_.push(e);
    last_id_ = std::max(last_id_, e.second);
  }
  return Status::Ok();
}

Result<TimerFiring> TimerLoop::FireDue() {
  TimerFiring firing;
  const UnixSeconds now = clock_.Now();
  if (heap_.empty() || heap_.top().first > now) return firing;
  Command fire;
  fire.type = Command::Type::kFireDueTimers;
  fire.actor.name = "timer";
  const std::int64_t fired_at = clock_.NowMillis();
  CommandResult r = engine_.Apply(fire);
  if (!r.status.ok()) return r.status;
  firing.fired = r.detail.value("fired", 0);
  firing.failed = r.detail.value("failed", 0);
  // Pop what was due; a timer whose deadline moved (a calendar edit) goes back with its new time.
  std::vector<std::int64_t> popped;
  while (!heap_.empty() && heap_.top().first <= now) {
    popped.push_back(heap_.top().second);
    heap_.pop();
  }
  for (std::int64_t id : popped) {
    auto q = engine_.db().Prepare("SELECT due_at, state FROM timers WHERE id = ?");
    if (!q.ok()) return q.status();
    q->Bind(1, id);
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (*row) {
      const std::string state = q->Text(1);
      if (state == "armed") heap_.push({q->Int(0), id});  // moved, or over the per-tick limit
      if (state == "fired") firing.lag_millis.push_back(fired_at - q->Int(0) * 1000);
    }
    q->Run();
  }
  Status st = PollNew();  // timers the firing armed (the next step's deadlines)
  if (!st.ok()) return st;
  return firing;
}

Status TimerLoop::Run(const std::atomic<bool>& stop, std::chrono::milliseconds poll,
                      const std::function<void(const TimerFiring&)>& on_fire) {
  auto last_poll = std::chrono::steady_clock::now();
  while (!stop.load()) {
    auto firing = FireDue();
    if (!firing.ok()) return firing.status();
    if (firing->fired + firing->failed > 0) {
      on_fire(*firing);
      continue;  // more may be due
    }
    std::int64_t wait_ms = poll.count();
    if (!heap_.empty()) wait_ms = std::min<std::int64_t>(wait_ms, heap_.top().first * 1000 - clock_.NowMillis());
    if (wait_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(std::min<std::int64_t>(wait_ms, 200)));
    if (std::chrono::steady_clock::now() - last_poll >= poll) {
      Status st = PollNew();
      if (!st.ok()) return st;
      last_poll = std::chrono::steady_clock::now();
    }
  }
  return Status::Ok();
}

}  // namespace siaga
