#include "http/metrics.h"

#include <sstream>

namespace siaga {

void Metrics::Add(const std::string& name, const std::string& labels, std::uint64_t by) {
  std::lock_guard lock(mu_);
  counters_[name][labels] += by;
}

void Metrics::Describe(const std::string& name, const std::string& help) {
  std::lock_guard lock(mu_);
  help_[name] = help;
  counters_[name];
}

std::string Metrics::Render(const std::string& gauges) const {
  std::ostringstream out;
  std::lock_guard lock(mu_);
  for (const auto& [name, series] : counters_) {
    auto help = help_.find(name);
    if (help != help_.end()) out << "# HELP " << name << " " << help->second << "\n";
    out << "# TYPE " << name << " counter\n";
    for (const auto& [labels, value] : series)
      out << name << (labels.empty() ? "" : "{" + labels + "}") << " " << value << "\n";
  }
  out << gauges;
  return out.str();
}

}  // namespace siaga
