// A procedure's steps as the API shows them (GET /api/sops/{id}, the actions a case offers):
// number, kind, role, time standard, and what a client sends to move each on.
#pragma once

#include <nlohmann/json.hpp>

#include "procedure/definition.h"

namespace siaga {

nlohmann::json StepSummaries(const ProcedureDef& def);

}  // namespace siaga
