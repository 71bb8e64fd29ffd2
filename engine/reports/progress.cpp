#include "reports/progress.h"

#include <unistd.h>

#include <algorithm>

namespace siaga {

std::string GroupThousands(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (n < 0 ? "-" : "") + out;
}

TerminalProgress::TerminalProgress(std::string label, std::FILE* out, bool force)
    : label_(std::move(label)), out_(out), enabled_(force || isatty(fileno(out)) != 0), start_(std::chrono::steady_clock::now()) {}

void TerminalProgress::Update(const std::string& what, std::int64_t done, std::int64_t total) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - start_ < std::chrono::milliseconds(500) || now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  std::string line = "\r" + label_ + ": " + what + " ";
  if (total > 0) {
    const double share = std::clamp(static_cast<double>(done) / static_cast<double>(total), 0.0, 1.0);
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(share * kWidth);
    line += "[" + std::string(static_cast<std::size_t>(filled), '#') + std::string(static_cast<std::size_t>(kWidth - filled), '.') +
            "] " + std::to_string(static_cast<int>(share * 100)) + "% ";
  }
  line += GroupThousands(done) + (total > 0 ? " / " + GroupThousands(total) : " rows") + "\033[K";
  std::fputs(line.c_str(), out_);
  std::fflush(out_);
  drawn_ = true;
}

void TerminalProgress::Finish() {
  if (!drawn_) return;
  std::fputs("\r\033[K", out_);
  std::fflush(out_);
  drawn_ = false;
}

}  // namespace siaga
