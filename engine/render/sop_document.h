// The official SOP document (Permenpan-RB 35/2012, SOP AP): one self-contained HTML page with
// the identity table and the flowchart table (flowchart_svg.h), printable on A4 landscape.
// No scripts, no external resources: it opens offline and prints as it shows.
#pragma once

#include <string>

#include "procedure/definition.h"
#include "render/render_text.h"

namespace siaga::render {

std::string RenderSopDocument(const ProcedureDef& def, const RenderOptions& options);

}  // namespace siaga::render
