// Traffic Light Protocol 2.0 labels, ordered from the least to the most restricted. TLP 1.0's
// WHITE is read as CLEAR. A message may go only where it is cleared for its label or a stricter one.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace siaga {

// 0 CLEAR (or WHITE), 1 GREEN, 2 AMBER, 3 AMBER+STRICT, 4 RED; nullopt for anything else.
std::optional<int> TlpRank(std::string_view label);
// A TLP 2.0 label as written on evidence and webhook drafts (WHITE is not accepted there).
inline bool IsTlpLabel(std::string_view label) { return label != "WHITE" && TlpRank(label).has_value(); }
// The stricter of two known labels.
std::string StricterTlp(const std::string& a, const std::string& b);
// True when something labelled `label` may go to a place cleared up to `cleared`.
bool TlpAllows(const std::string& cleared, const std::string& label);
inline constexpr const char* kTlpChoices = "CLEAR, GREEN, AMBER, AMBER+STRICT, RED";

}  // namespace siaga
