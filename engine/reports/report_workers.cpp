#include "reports/report_workers.h"

namespace siaga {

struct ReportWorkers::Task {
  Job job;
  std::atomic<bool> cancelled{false};
  std::mutex mu;
  std::condition_variable done_cv;
  bool done = false;
};

ReportWorkers::ReportWorkers(ReportWorkersOptions options) : options_(options) {
  for (int i = 0; i < std::max(1, options_.threads); ++i) threads_.emplace_back([this] { Loop(); });
}

ReportWorkers::~ReportWorkers() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    for (auto& t : queue_) t->cancelled = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

std::size_t ReportWorkers::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

Status ReportWorkers::Run(Job job, std::chrono::milliseconds wait) {
  auto task = std::make_shared<Task>();
  task->job = std::move(job);
  {
    std::lock_guard lock(mu_);
    if (stopping_) return Unavailable("the server is stopping");
    if (queue_.size() >= options_.queue) return Unavailable("too many reports are running; try again shortly");
    queue_.push_back(task);
  }
  wake_.notify_one();
  std::unique_lock lock(task->mu);
  if (task->done_cv.wait_for(lock, wait, [&] { return task->done; })) return Status::Ok();
  task->cancelled = true;
  return Unavailable("the report did not finish within " + std::to_string(wait.count()) + " ms");
}

void ReportWorkers::Loop() {
  for (;;) {
    std::shared_ptr<Task> task;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    // A job never throws across here: it reports through its own state. Guard anyway, since an
    // escaped exception would end the process.
    // A job whose caller gave up while it queued is not started.
    try {
      if (!task->cancelled) task->job(task->cancelled);
    } catch (const std::exception&) {
    }
    {
      std::lock_guard lock(task->mu);
      task->done = true;
    }
    task->done_cv.notify_all();
  }
}

}  // namespace siaga
