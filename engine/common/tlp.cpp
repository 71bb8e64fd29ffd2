#include "common/tlp.h"

namespace siaga {

std::optional<int> TlpRank(std::string_view label) {
  if (label == "CLEAR" || label == "WHITE") return 0;
  if (label == "GREEN") return 1;
  if (label == "AMBER") return 2;
  if (label == "AMBER+STRICT") return 3;
  if (label == "RED") return 4;
  return std::nullopt;
}

std::string StricterTlp(const std::string& a, const std::string& b) {
  return TlpRank(b).value_or(-1) > TlpRank(a).value_or(-1) ? b : a;
}

bool TlpAllows(const std::string& cleared, const std::string& label) {
  const auto c = TlpRank(cleared), l = TlpRank(label);
  return c && l && *l <= *c;
}

}  // namespace siaga
