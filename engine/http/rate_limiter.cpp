#include "http/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace siaga {

bool RateLimiter::Allow(const std::string& sender) { return Take(sender, true); }

bool RateLimiter::HasToken(const std::string& sender) { return Take(sender, false); }

bool RateLimiter::Take(const std::string& sender, bool spend) {
  if (rate_ <= 0) return true;  // limiting switched off
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  if (now - last_sweep_ > std::chrono::seconds(60)) {
    std::erase_if(buckets_, [&](const auto& kv) { return now - kv.second.last > std::chrono::seconds(60); });
    last_sweep_ = now;
  }
  auto [it, fresh] = buckets_.try_emplace(sender, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!fresh) {
    const double elapsed = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
    b.last = now;
  }
  if (b.tokens < 1.0) return false;
  if (spend) b.tokens -= 1.0;
  return true;
}

int RateLimiter::RetryAfterSeconds() const { return std::max(1, static_cast<int>(std::ceil(1.0 / std::max(rate_, 1e-3)))); }

}  // namespace siaga
