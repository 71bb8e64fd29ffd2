#include "reports/duration_percentiles.h"

#include <algorithm>

namespace siaga {

namespace {

// The k-th smallest (1-based) of the union of sorted vectors: a binary search on the value,
// counting with upper_bound in each list.
std::uint32_t KthOfSorted(const std::vector<const std::vector<std::uint32_t>*>& parts, std::uint64_t k) {
  std::uint64_t lo = 0, hi = 0xFFFFFFFFull;
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    std::uint64_t at_most = 0;
    for (const auto* p : parts)
      at_most += static_cast<std::uint64_t>(std::upper_bound(p->begin(), p->end(), static_cast<std::uint32_t>(mid)) - p->begin());
    if (at_most >= k) hi = mid; else lo = mid + 1;
  }
  return static_cast<std::uint32_t>(lo);
}

}  // namespace

void SortDurations(std::vector<std::uint32_t>& v) {
  if (v.size() < 512) {
    std::sort(v.begin(), v.end());
    return;
  }
  std::vector<std::uint32_t> tmp(v.size());
  for (int shift = 0; shift < 32; shift += 8) {
    std::size_t count[257] = {};
    for (std::uint32_t x : v) ++count[((x >> shift) & 0xFF) + 1];
    for (int i = 0; i < 256; ++i) count[i + 1] += count[i];
    for (std::uint32_t x : v) tmp[count[(x >> shift) & 0xFF]++] = x;
    v.swap(tmp);
  }
}

std::uint32_t NearestRankAcross(const std::vector<const std::vector<std::uint32_t>*>& sorted, double p) {
  std::uint64_t n = 0;
  for (const auto* part : sorted) n += part->size();
  if (n == 0) return 0;
  const double rank = p * static_cast<double>(n);
  std::uint64_t k = static_cast<std::uint64_t>(rank);
  if (static_cast<double>(k) < rank) ++k;  // ceil
  return KthOfSorted(sorted, std::clamp<std::uint64_t>(k, 1, n));
}

}  // namespace siaga
