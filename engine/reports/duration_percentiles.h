// Exact nearest-rank percentiles of many durations kept in several sorted lists (one per cell
// of the SLA aggregate), without merging the lists: each list is sorted once, and any union of
// them answers in a binary search on the value.
#pragma once

#include <cstdint>
#include <vector>

namespace siaga {

// Sorts durations in place (a radix sort for long vectors).
void SortDurations(std::vector<std::uint32_t>& values);

// The nearest-rank percentile (p in (0, 1]: the ceil(p * n)-th smallest value) of the union of
// sorted vectors; 0 when they are all empty.
std::uint32_t NearestRankAcross(const std::vector<const std::vector<std::uint32_t>*>& sorted, double p);

}  // namespace siaga
