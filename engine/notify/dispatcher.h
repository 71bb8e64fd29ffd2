// The delivery workers: take due deliveries from the store (a read-only connection), send them
// outside the engine loop, and report each attempt back through the engine's command path, where
// the retry schedule, dead letters and audit events are written. A delivery being sent is held in
// memory only: after a crash it is simply due again and goes out once more with the same key.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "notify/notification_book.h"
#include "notify/senders.h"
#include "runner/engine.h"
#include "server/read_pool.h"

namespace siaga {

// The current notification set-up, swapped by reloads; read by the delivery threads.
class NotificationHolder {
 public:
  explicit NotificationHolder(std::shared_ptr<const NotificationBook> book) : book_(std::move(book)) {}
  std::shared_ptr<const NotificationBook> Get() const {
    std::lock_guard lock(mu_);
    return book_;
  }
  void Set(std::shared_ptr<const NotificationBook> book) {
    std::lock_guard lock(mu_);
    book_ = std::move(book);
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const NotificationBook> book_;
};

struct DispatcherOptions {
  int workers = 4;
  int poll_ms = 500;
  std::size_t batch = 64;
};

class Dispatcher {
 public:
  // `record` runs outcome commands through the single writer (EngineLoop::Execute in serve).
  using Record = std::function<Result<std::vector<CommandResult>>(std::vector<Command>)>;
  Dispatcher(ReadPool& reads, const Clock& clock, const NotificationHolder& book, Record record, DispatcherOptions options = {});
  ~Dispatcher();

  void Start();
  // Lets the sends in progress finish (each bounded by its channel's timeout), then stops.
  void Stop();

 private:
  void Poll();
  void Work();
  Status FetchDue(std::size_t limit, std::vector<OutgoingMessage>& out);

  ReadPool& reads_;
  const Clock& clock_;
  const NotificationHolder& book_;
  Record record_;
  DispatcherOptions options_;
  mutable std::mutex mu_;
  std::condition_variable wake_poller_, wake_workers_;
  std::deque<OutgoingMessage> queue_;
  std::set<std::int64_t> in_flight_;
  bool stopping_ = false;
  std::thread poller_;
  std::vector<std::thread> workers_;
};

}  // namespace siaga
