// The agencies of a deployment as data: each sop/instansi/<id>.lua with its zone, calendar, whom
// it oversees and who oversees it, and its loaded procedures. One description for `siaga agency
// list` and GET /api/agencies.
#pragma once

#include <nlohmann/json.hpp>

#include "procedure/registry.h"

namespace siaga {

// {"agencies": [{id, nama, zona_waktu, kalender, file, mengawasi, diawasi_oleh, procedures}],
//  "procedures_without_agency_file": {agency or "(bersama)": [procedure ids]}}
nlohmann::json DescribeAgencies(const ProcedureRegistry& registry);

}  // namespace siaga
