// Per-sender token buckets: a sender may burst, then gets `rate` requests per second; past that
// the answer is 429. Buckets of senders idle for a minute are forgotten, so memory stays bounded
// by the number of recent senders.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace siaga {

class RateLimiter {
 public:
  RateLimiter(double rate_per_second, double burst) : rate_(rate_per_second), burst_(burst) {}
  // True when `sender` may send now (and spends one token).
  bool Allow(const std::string& sender);
  // True when `sender` has a token now (nothing is spent).
  bool HasToken(const std::string& sender);
  // Seconds until `sender` has a token again (for Retry-After).
  int RetryAfterSeconds() const;

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point last;
  };
  bool Take(const std::string& sender, bool spend);
  double rate_, burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
  std::chrono::steady_clock::time_point last_sweep_ = std::chrono::steady_clock::now();
};

}  // namespace siaga
