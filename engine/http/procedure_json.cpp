#include "http/procedure_json.h"

namespace siaga {

nlohmann::json StepSummaries(const ProcedureDef& def) {
  nlohmann::json steps = nlohmann::json::array();
  for (const StepDef& s : def.steps) {
    nlohmann::json step = {{"id", s.id}, {"no", s.no}, {"kind", StepKindName(s.kind)}, {"kegiatan", s.kegiatan}, {"role", s.role},
                           {"assisting", s.assisting}, {"waktu", s.waktu ? nlohmann::json(s.waktu->raw) : nlohmann::json(nullptr)},
                           {"inferred", s.inferred || s.role_inferred}};
    // What a client sends to move the step on: decide branches, signal names.
    if (!s.branches.empty()) {
      step["branches"] = nlohmann::json::array();
      for (const Branch& b : s.branches) step["branches"].push_back(b.label);
    }
    if (!s.on.empty()) {
      step["signals"] = nlohmann::json::array();
      for (const auto& [signal, target] : s.on) step["signals"].push_back(signal);
    }
    if (!s.selesai_bila.empty()) step["signals"] = nlohmann::json::array({s.selesai_bila});
    steps.push_back(std::move(step));
  }
  return steps;
}

}  // namespace siaga
