// A progress bar on the terminal for long reports: drawn on stderr only when stderr is a
// terminal and the run has gone on for half a second, redrawn at most ten times a second, and
// wiped when the run ends, so short runs and pipes see nothing of it.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

#include "reports/scan_control.h"

namespace siaga {

class TerminalProgress final : public ReportProgress {
 public:
  // `out` is usually stderr; `force` draws even when it is not a terminal (tests).
  explicit TerminalProgress(std::string label, std::FILE* out = stderr, bool force = false);
  void Update(const std::string& what, std::int64_t done, std::int64_t total) override;
  void Finish() override;

 private:
  std::string label_;
  std::FILE* out_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_{};
};

// 1234567 -> "1,234,567"
std::string GroupThousands(std::int64_t n);

}  // namespace siaga
