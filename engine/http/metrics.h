// Counters for GET /metrics (Prometheus text format 0.0.4). Labelled counters are kept by their
// rendered label set; the set of labels is small and fixed (status codes, adapters, outcomes).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace siaga {

class Metrics {
 public:
  // name{labels} += by, e.g. Add("siaga_http_requests_total", "code=\"202\"").
  void Add(const std::string& name, const std::string& labels, std::uint64_t by = 1);
  // Renders every counter with its HELP/TYPE lines; `gauges` are appended as they are.
  std::string Render(const std::string& gauges) const;
  void Describe(const std::string& name, const std::string& help);

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::map<std::string, std::uint64_t>> counters_;
  std::map<std::string, std::string> help_;
};

}  // namespace siaga
