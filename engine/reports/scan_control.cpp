#include "reports/scan_control.h"

namespace siaga {

Status ScanControl::Check(const std::string& what, std::int64_t done, std::int64_t total) {
  if (cancelled_ != nullptr && cancelled_->load(std::memory_order_relaxed))
    return Unavailable("report cancelled: its caller stopped waiting");
  if (std::chrono::steady_clock::now() >= deadline_)
    return ScriptError("report stopped: its time budget ran out while reading " + what + " (" + std::to_string(done) + " rows read)");
  if (progress_ != nullptr) progress_->Update(what, done, total);
  return Status::Ok();
}

}  // namespace siaga
