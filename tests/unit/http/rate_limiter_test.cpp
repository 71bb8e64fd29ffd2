#include <catch2/catch.hpp>

#include <thread>

#include "http/rate_limiter.h"

using namespace siaga;

TEST_CASE("a sender may burst, then is held to the rate, senders are counted apart", "[rate_limiter]") {
  RateLimiter limiter(20, 5);
  int allowed = 0;
  for (int i = 0; i < 10; ++i) allowed += limiter.Allow("10.0.0.1") ? 1 : 0;
  CHECK(allowed == 5);
  CHECK(limiter.Allow("10.0.0.2"));
  std::this_thread::sleep_for(std::chrono::milliseconds(120));  // 20/s: two tokens back
  CHECK(limiter.Allow("10.0.0.1"));
  CHECK(limiter.RetryAfterSeconds() >= 1);
  RateLimiter off(0, 1);
  for (int i = 0; i < 100; ++i) REQUIRE(off.Allow("x"));
}
