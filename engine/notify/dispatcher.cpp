#include "notify/dispatcher.h"

#include <spdlog/spdlog.h>

namespace siaga {

Dispatcher::Dispatcher(ReadPool& reads, const Clock& clock, const NotificationHolder& book, Record record, DispatcherOptions options)
    : reads_(reads), clock_(clock), book_(book), record_(std::move(record)), options_(options) {
  InitSenders();
}

Dispatcher::~Dispatcher() { Stop(); }

void Dispatcher::Start() {
  poller_ = std::thread([this] { Poll(); });
  for (int i = 0; i < options_.workers; ++i) workers_.emplace_back([this] { Work(); });
}

void Dispatcher::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !poller_.joinable()) return;
    stopping_ = true;
    queue_.clear();  // not started: still pending in the store, sent after the restart
  }
  wake_poller_.notify_all();
  wake_workers_.notify_all();
  if (poller_.joinable()) poller_.join();
  for (auto& w : workers_)
    if (w.joinable()) w.join();
  workers_.clear();
}

Status Dispatcher::FetchDue(std::size_t limit, std::vector<OutgoingMessage>& out) {
  auto lease = reads_.Borrow();
  if (!lease.ok()) return lease.status();
  auto q = (*lease)->db().Prepare(
      "SELECT id, channel, recipient, tlp, subject, body_text, body_html, data, idempotency_key, attempts "
      "FROM deliveries WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?");
  if (!q.ok()) return q.status();
  q->Bind(1, clock_.Now()).Bind(2, static_cast<std::int64_t>(limit));
  while (true) {
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    OutgoingMessage m;
    m.id = q->Int(0);
    m.channel = q->Text(1);
    m.recipient = q->Text(2);
    m.tlp = q->Text(3);
    m.subject = q->Text(4);
    m.text = q->Text(5);
    m.html = q->Text(6);
    m.data = q->Text(7);
    m.idempotency_key = q->Text(8);
    m.attempt = q->Int(9) + 1;
    out.push_back(std::move(m));
  }
  return Status::Ok();
}

void Dispatcher::Poll() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    const std::size_t limit = options_.batch + in_flight_.size();  // rows in flight come back too
    lock.unlock();
    std::vector<OutgoingMessage> due;
    Status st = FetchDue(limit, due);
    if (!st.ok()) spdlog::warn("notices: cannot read due deliveries: {}", st.message());
    lock.lock();
    for (auto& m : due) {
      if (!in_flight_.insert(m.id).second) continue;
      queue_.push_back(std::move(m));
    }
    if (!queue_.empty()) wake_workers_.notify_all();
    wake_poller_.wait_for(lock, std::chrono::milliseconds(options_.poll_ms), [this] { return stopping_; });
  }
}

void Dispatcher::Work() {
  std::unique_lock lock(mu_);
  while (true) {
    wake_workers_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    OutgoingMessage m = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();

    const auto book = book_.Get();
    Command outcome;
    outcome.type = Command::Type::kDeliveryOutcome;
    outcome.actor.name = "notices";
    outcome.delivery_id = m.id;
    const Channel* channel = nullptr;
    if (book) {
      auto it = book->channels().find(m.channel);
      if (it != book->channels().end()) channel = &it->second;
    }
    SendOutcome sent;
    if (channel == nullptr) {
      sent = {SendOutcome::Kind::kFailed, "no channel '" + m.channel + "' is configured (sop/notifikasi/)"};
    } else {
      sent = SendMessage(*channel, m, clock_.Now());
      outcome.retry_first_seconds = channel->retry_first_seconds;
      outcome.retry_max_seconds = channel->retry_max_seconds;
    }
    outcome.label = sent.kind == SendOutcome::Kind::kSent ? "sent" : sent.kind == SendOutcome::Kind::kRefused ? "refused" : "failed";
    outcome.note = sent.error;
    if (sent.kind != SendOutcome::Kind::kSent)
      spdlog::info("notice delivery {} via {} attempt {}: {}", m.id, m.channel, m.attempt, sent.error);
    // The outcome must reach the store; until it does, the delivery stays pending and would go
    // out again (same key), so keep trying while the engine is busy.
    bool recorded = false;
    for (int attempt = 0; attempt < 50 && !recorded; ++attempt) {
      auto r = record_({outcome});
      recorded = r.ok() && !r->empty() && r->front().status.ok();
      if (!recorded) {
        const std::string why = !r.ok() ? r.status().message() : r->empty() ? "no result" : r->front().status.message();
        if (r.ok()) {  // the command itself failed: retrying it cannot help
          spdlog::error("notice delivery {}: outcome not recorded: {}", m.id, why);
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
    lock.lock();
    in_flight_.erase(m.id);
  }
}

}  // namespace siaga
