#include "notify/retry.h"

#include <algorithm>
#include <random>

namespace siaga {

std::int64_t RetryDelaySeconds(int first_seconds, int max_seconds, std::int64_t attempts) {
  const std::int64_t first = std::max(1, first_seconds), cap = std::max<std::int64_t>(first, max_seconds);
  std::int64_t delay = first;
  for (std::int64_t i = 1; i < attempts && delay < cap; ++i) delay *= 2;
  delay = std::min(delay, cap);
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<std::int64_t> half(delay - delay / 2, delay);
  return std::max<std::int64_t>(1, half(rng));
}

}  // namespace siaga
