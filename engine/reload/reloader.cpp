#include "reload/reloader.h"

#include <chrono>

#include <spdlog/spdlog.h>

namespace siaga {

Reloader::Reloader(std::string sop_dir, EngineLoop& loop, Engine& engine, ProcedureRegistry& registry, AfterAdopt after,
                   Prepare prepare)
    : sop_dir_(std::move(sop_dir)), loop_(loop), engine_(engine), registry_(registry), after_(std::move(after)),
      prepare_(std::move(prepare)) {
  pending_future_ = pending_.get_future().share();
}

Reloader::~Reloader() { Stop(); }

void Reloader::Start() {
  thread_ = std::thread([this] { Run(); });
}

void Reloader::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::shared_future<ReloadOutcome> Reloader::Trigger(const std::string& reason) {
  std::lock_guard lock(mu_);
  if (!requested_) reason_ = reason;
  else if (reason_.find(reason) == std::string::npos) reason_ += ", " + reason;
  requested_ = true;
  wake_.notify_one();
  return pending_future_;
}

void Reloader::Run() {
  while (true) {
    std::string reason;
    std::promise<ReloadOutcome> done;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stopping_ || requested_; });
      if (stopping_) {
        if (requested_) pending_.set_exception(std::make_exception_ptr(std::runtime_error("the server is stopping")));
        return;
      }
      reason = reason_;
      requested_ = false;
      done = std::move(pending_);
      pending_ = std::promise<ReloadOutcome>();
      pending_future_ = pending_.get_future().share();  // triggers from now on wait for the next rescan
    }
    try {
      done.set_value(ReloadOnce(reason));
    } catch (...) {
      done.set_exception(std::current_exception());
    }
  }
}

ReloadOutcome Reloader::ReloadOnce(const std::string& reason) {
  const auto t0 = std::chrono::steady_clock::now();
  ReloadOutcome outcome;
  outcome.reason = reason;
  outcome.sequence = ++sequence_;
  auto set = std::make_shared<ReloadSet>(CompileDirectory(sop_dir_));
  if (prepare_) prepare_();
  outcome.compile_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  auto adopted = loop_.Post([&, set] {
    outcome.report = registry_.Adopt(std::move(*set));
    std::vector<Command> follow_up;
    Command publish;
    publish.type = Command::Type::kPublishProcedures;
    publish.actor.name = "reload";
    follow_up.push_back(publish);
    if (outcome.report.calendars_changed) {
      Command recompute;
      recompute.type = Command::Type::kRecomputeDeadlines;
      recompute.actor.name = "calendar";
      follow_up.push_back(recompute);
    }
    for (const CommandResult& r : engine_.ApplyBatch(follow_up))
      if (!r.status.ok()) spdlog::error("reload: {}", r.status.message());
    outcome.total_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (after_) after_(outcome);
  });
  if (!adopted.ok()) throw std::runtime_error(adopted.status().message());
  adopted->get();
  const ReloadReport& r = outcome.report;
  int errors = 0;
  for (const Diagnostic& d : r.diagnostics)
    if (d.severity == Diagnostic::Severity::kError) {
      ++errors;
      spdlog::error("reload: {}", d.ToString());
    }
  spdlog::info("reload ({}): {} published, {} kept on their previous version, {} removed{}, {} error(s); live in {:.1f} ms",
               reason, r.published.size(), r.kept.size(), r.removed.size(),
               r.calendars_changed ? ", calendars changed" : (r.calendars_kept ? ", calendars kept" : ""), errors, outcome.total_ms);
  return outcome;
}

}  // namespace siaga
