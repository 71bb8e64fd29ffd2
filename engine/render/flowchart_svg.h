// The SOP AP flowchart table as one self-contained SVG (its own <style>), so the document, the
// dashboard's case page and a browser opening the file alone all show the same drawing.
//
// Machine-readable contract (docs/render.md), relied on by tests and the dashboard:
//   <g class="step [current] [breached] [inferred]" data-step="ID" data-role="ROLE" data-kind="KIND">
//       one per step: its symbol (class "terminator", "process" or "decision");
//   <g class="arrow [inferred]" data-from="A" data-to="B" data-label="LABEL" data-kind="next|branch|timeout|signal">
//       one per transition ("" label for a plain next); the implicit Mulai's arrow is
//       <g class="entry" data-to="FIRST">, not an arrow;
//   <g class="row [current] [breached]" data-step="ID">: the step's table row;
//   <g class="lane-header" data-role="ROLE">: one per Pelaksana column.
#pragma once

#include <string>

#include "procedure/definition.h"
#include "render/render_text.h"

namespace siaga::render {

std::string RenderFlowchartSvg(const ProcedureDef& def, const RenderOptions& options);

}  // namespace siaga::render
