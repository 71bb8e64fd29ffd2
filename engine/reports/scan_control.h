// What a long read checks as it goes: the run's time budget, a cancel flag (the HTTP client gave
// up), and a progress sink. Host-side scans run C++ loops where the Lua count hook never fires,
// so they must stop on their own.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "common/status.h"

namespace siaga {

// Where progress goes (a terminal bar, nothing). `total` is 0 when unknown.
class ReportProgress {
 public:
  virtual ~ReportProgress() = default;
  virtual void Update(const std::string& what, std::int64_t done, std::int64_t total) = 0;
  virtual void Finish() = 0;
};

class ScanControl {
 public:
  ScanControl(std::chrono::steady_clock::time_point deadline, const std::atomic<bool>* cancelled, ReportProgress* progress)
      : deadline_(deadline), cancelled_(cancelled), progress_(progress) {}

  // Called for every row; does real work at the first row and every kEvery rows after.
  // Non-OK: stop the scan.
  Status Tick(const std::string& what, std::int64_t done, std::int64_t total) {
    if (done % kEvery != 0 && done != 1) return Status::Ok();
    return Check(what, done, total);
  }
  Status Check(const std::string& what, std::int64_t done, std::int64_t total);
  // The same deadline and cancel flag without progress output, for a helper thread.
  ScanControl Quiet() const { return ScanControl(deadline_, cancelled_, nullptr); }
  std::int64_t rows_read() const { return rows_read_; }
  void AddRows(std::int64_t n) { rows_read_ += n; }

  static constexpr std::int64_t kEvery = 4096;

 private:
  std::chrono::steady_clock::time_point deadline_;
  const std::atomic<bool>* cancelled_;
  ReportProgress* progress_;
  std::int64_t rows_read_ = 0;
};

}  // namespace siaga
