// When a failed delivery is tried again: exponential backoff with jitter, so that many messages
// to a receiver that was down do not all come back at the same second.
#pragma once

#include <cstdint>

namespace siaga {

// The wait after the `attempts`-th failed attempt (1, 2, ...): first * 2^(attempts-1), capped
// at `max`, then drawn uniformly from its upper half. Never less than 1 second.
std::int64_t RetryDelaySeconds(int first_seconds, int max_seconds, std::int64_t attempts);

}  // namespace siaga
