#include "render/flowchart_svg.h"

#include <cstdio>
#include <sstream>

#include "render/flowchart_layout.h"
#include "reports/render.h"

namespace siaga::render {

namespace {

constexpr double kFont = 11, kLine = 14, kPad = 6;

// Coordinates with one decimal: deterministic and short.
std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s = buf;
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

const char* kStyle = R"css(
.sop-flow{font-family:Arial,"Liberation Sans",Helvetica,"DejaVu Sans",sans-serif;font-size:11px;fill:#111}
.sop-flow .grid{stroke:#333;stroke-width:0.8;fill:none}
.sop-flow .head{fill:#e8edf3}
.sop-flow .head-text{font-weight:bold;font-size:10px}
.sop-flow .lane-inferred{font-style:italic;fill:#8a5a00}
.sop-flow .symbol{fill:#fff;stroke:#111;stroke-width:1.4}
.sop-flow .step.inferred .symbol{stroke-dasharray:5 3}
.sop-flow .symbol-text{font-size:10px;text-anchor:middle}
.sop-flow .symbol-note{font-size:8.5px;font-style:italic;text-anchor:middle;fill:#444}
.sop-flow .assist{font-size:9px;font-style:italic;fill:#333}
.sop-flow .mark{font-size:8.5px;font-style:italic;fill:#8a5a00}
.sop-flow .arrow path{fill:none;stroke:#222;stroke-width:1.2}
.sop-flow .arrow.inferred path{stroke-dasharray:5 3;stroke:#8a5a00}
.sop-flow .entry path{fill:none;stroke:#222;stroke-width:1.2}
.sop-flow .arrow-label{font-size:9.5px;font-style:italic;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
.sop-flow .step.current .symbol{fill:#fff3b0;stroke:#b07d00;stroke-width:3}
.sop-flow .row.current .row-fill{fill:#fffbe0}
.sop-flow .step.breached .symbol{fill:#ffd6d6;stroke:#c00000;stroke-width:3}
.sop-flow .row.breached .row-fill{fill:#fff0f0}
.sop-flow .row-fill{fill:none}
.sop-flow .legend{font-size:10px;fill:#444}
)css";

std::string Classes(const char* base, bool current, bool breached, bool inferred) {
  std::string c = base;
  if (current) c += " current";
  if (breached) c += " breached";
  if (inferred) c += " inferred";
  return c;
}

// Lines of text at (x, y) with the first baseline one font size down; `anchor` as in SVG.
void WriteLines(std::ostream& out, const std::vector<std::string>& lines, double x, double y, const char* cls,
                const char* anchor = "start", double line_h = kLine) {
  if (lines.empty()) return;
  out << "<text class=\"" << cls << "\" x=\"" << Num(x) << "\" y=\"" << Num(y) << "\"" << " text-anchor=\"" << anchor << "\">";
  for (std::size_t i = 0; i < lines.size(); ++i)
    out << "<tspan x=\"" << Num(x) << "\" dy=\"" << Num(i == 0 ? line_h - 3 : line_h) << "\">" << HtmlEscape(lines[i]) << "</tspan>";
  out << "</text>";
}

void WriteRect(std::ostream& out, double x, double y, double w, double h, const char* cls) {
  out << "<rect class=\"" << cls << "\" x=\"" << Num(x) << "\" y=\"" << Num(y) << "\" width=\"" << Num(w) << "\" height=\""
      << Num(h) << "\"/>";
}

void WriteHeader(std::ostream& out, const FlowchartLayout& layout, const Words& words) {
  const double top = layout.header_top_h, full = layout.header_h;
  WriteRect(out, 0, 0, layout.width, full, "head");
  for (const TextColumn& c : layout.left_columns) {
    WriteRect(out, c.x, 0, c.w, full, "grid");
    WriteLines(out, {c.title}, c.x + c.w / 2, full / 2 - 8, "head-text", "middle");
  }
  const double lanes_x = layout.lanes.front().x, lanes_w = layout.lanes.back().x + layout.lanes.back().w - lanes_x;
  WriteRect(out, lanes_x, 0, lanes_w, top, "grid");
  WriteLines(out, {words.pelaksana}, lanes_x + lanes_w / 2, 4, "head-text", "middle");
  for (const Lane& lane : layout.lanes) {
    out << "<g class=\"lane-header\" data-role=\"" << HtmlEscape(lane.role) << "\">";
    WriteRect(out, lane.x, top, lane.w, full - top, "grid");
    WriteLines(out, lane.header_lines, lane.x + lane.w / 2, top + kPad - 2, "head-text", "middle", 12);
    out << "</g>";
  }
  const TextColumn* keterangan = nullptr;
  double mutu_x = 0, mutu_w = 0;
  for (const TextColumn& c : layout.right_columns) {
    if (c.key == "keterangan") {
      keterangan = &c;
      continue;
    }
    if (mutu_w == 0) mutu_x = c.x;
    mutu_w += c.w;
    WriteRect(out, c.x, top, c.w, full - top, "grid");
    WriteLines(out, {c.title}, c.x + c.w / 2, top + (full - top) / 2 - 8, "head-text", "middle");
  }
  WriteRect(out, mutu_x, 0, mutu_w, top, "grid");
  WriteLines(out, {words.mutu_baku}, mutu_x + mutu_w / 2, 4, "head-text", "middle");
  if (keterangan != nullptr) {
    WriteRect(out, keterangan->x, 0, keterangan->w, full, "grid");
    WriteLines(out, {keterangan->title}, keterangan->x + keterangan->w / 2, full / 2 - 8, "head-text", "middle");
  }
}

void WriteRows(std::ostream& out, const FlowchartLayout& layout, const RenderOptions& options) {
  for (const Row& row : layout.rows) {
    const bool current = !row.step.empty() && row.step == options.current_step;
    const bool breached = !row.step.empty() && options.breached_steps.contains(row.step);
    out << "<g class=\"" << Classes("row", current, breached, false) << "\" data-step=\"" << HtmlEscape(row.step) << "\">";
    WriteRect(out, 0, row.y, layout.width, row.h, "row-fill");
    auto cell = [&](const TextColumn& c) {
      WriteRect(out, c.x, row.y, c.w, row.h, "grid");
      const auto it = row.cells.find(c.key);
      if (it == row.cells.end()) return;
      if (c.key == "no" || c.key == "waktu") WriteLines(out, it->second, c.x + c.w / 2, row.y + kPad, "cell", "middle");
      else WriteLines(out, it->second, c.x + kPad, row.y + kPad, "cell");
    };
    for (const TextColumn& c : layout.left_columns) cell(c);
    for (const Lane& lane : layout.lanes) WriteRect(out, lane.x, row.y, lane.w, row.h, "grid");
    for (const TextColumn& c : layout.right_columns) cell(c);
    out << "</g>\n";
  }
}

const char* SymbolClass(Symbol s) {
  return s == Symbol::kTerminator ? "terminator" : s == Symbol::kDecision ? "decision" : "process";
}

void WriteSymbolShape(std::ostream& out, const PlacedStep& s) {
  const Box& b = s.box;
  switch (s.symbol) {
    case Symbol::kTerminator:
      out << "<rect class=\"symbol\" x=\"" << Num(b.x) << "\" y=\"" << Num(b.y) << "\" width=\"" << Num(b.w) << "\" height=\""
          << Num(b.h) << "\" rx=\"" << Num(b.h / 2) << "\"/>";
      break;
    case Symbol::kDecision:
      out << "<polygon class=\"symbol\" points=\"" << Num(b.cx()) << "," << Num(b.y) << " " << Num(b.right()) << "," << Num(b.cy())
          << " " << Num(b.cx()) << "," << Num(b.bottom()) << " " << Num(b.x) << "," << Num(b.cy()) << "\"/>";
      break;
    case Symbol::kProcess: WriteRect(out, b.x, b.y, b.w, b.h, "symbol"); break;
  }
}

void WriteSteps(std::ostream& out, const FlowchartLayout& layout, const ProcedureDef& def, const Words& words,
                const RenderOptions& options) {
  for (const PlacedStep& s : layout.steps) {
    const StepDef* step = s.step.empty() ? nullptr : def.Find(s.step);
    if (step == nullptr) {
      out << "<g class=\"start-implicit terminator\">";
    } else {
      out << "<g class=\"" << Classes("step", s.current, s.breached, s.inferred) << " " << SymbolClass(s.symbol)
          << "\" data-step=\"" << HtmlEscape(s.step) << "\" data-role=\"" << HtmlEscape(s.role) << "\" data-kind=\""
          << StepKindName(step->kind) << "\">";
      std::string title = step->no.empty() ? "" : step->no + ". ";
      title += KegiatanText(*step, options.language).empty() ? step->id : KegiatanText(*step, options.language);
      out << "<title>" << HtmlEscape(CollapseSpaces(title)) << "</title>";
    }
    WriteSymbolShape(out, s);
    if (!s.text.empty()) {
      const double first_y = s.box.cy() - (s.text.size() == 1 ? 6 : 11);
      WriteLines(out, {s.text.front()}, s.box.cx(), first_y, "symbol-text", "middle", 12);
      if (s.text.size() > 1)
        WriteLines(out, {s.text.begin() + 1, s.text.end()}, s.box.cx(), first_y + 12, "symbol-note", "middle", 11);
    }
    for (std::size_t lane_index : s.assisting_lanes) {
      const Lane& lane = layout.lanes[lane_index];
      out << "<text class=\"assist\" data-role=\"" << HtmlEscape(lane.role) << "\" x=\"" << Num(lane.x + lane.w / 2) << "\" y=\""
          << Num(s.box.y - 5) << "\" text-anchor=\"middle\">(" << words.assists << ")</text>";
    }
    if (s.inferred) {
      const Lane& lane = layout.lanes[s.lane];
      out << "<text class=\"mark\" x=\"" << Num(lane.x + 4) << "\" y=\"" << Num(s.box.y - 5) << "\">" << words.inferred << "</text>";
    }
    out << "</g>\n";
  }
}

std::string PathData(const std::vector<Point>& points) {
  std::string d;
  for (std::size_t i = 0; i < points.size(); ++i)
    d += (i == 0 ? "M" : " L") + Num(points[i].x) + " " + Num(points[i].y);
  return d;
}

void WriteArrows(std::ostream& out, const FlowchartLayout& layout) {
  for (const Arrow& a : layout.arrows) {
    const Transition& t = a.transition;
    if (a.entry) {
      out << "<g class=\"entry\" data-to=\"" << HtmlEscape(t.to) << "\">";
    } else {
      out << "<g class=\"arrow" << (t.inferred ? " inferred" : "") << "\" data-from=\"" << HtmlEscape(t.from) << "\" data-to=\""
          << HtmlEscape(t.to) << "\" data-label=\"" << HtmlEscape(t.label) << "\" data-kind=\"" << t.kind << "\">";
    }
    out << "<path d=\"" << PathData(a.points) << "\" marker-end=\"url(#sop-arrowhead)\"/>";
    if (!a.shown_label.empty())
      out << "<text class=\"arrow-label\" x=\"" << Num(a.label_at.x) << "\" y=\"" << Num(a.label_at.y) << "\" text-anchor=\""
          << (a.label_anchor_end ? "end" : "start") << "\">" << HtmlEscape(a.shown_label) << "</text>";
    out << "</g>\n";
  }
}

}  // namespace

std::string RenderFlowchartSvg(const ProcedureDef& def, const RenderOptions& options) {
  const Words& words = WordsFor(options.language);
  const FlowchartLayout layout = LayOutFlowchart(def, options);
  std::ostringstream out;
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"sop-flow\" viewBox=\"-1 -1 " << Num(layout.width + 2) << " "
      << Num(layout.height + 2) << "\" width=\"" << Num(layout.width + 2) << "\" height=\"" << Num(layout.height + 2)
      << "\" data-procedure=\"" << HtmlEscape(def.id) << "\" data-version=\"" << HtmlEscape(def.hash) << "\" role=\"img\">\n";
  out << "<title>" << HtmlEscape(def.Title()) << "</title>\n";
  out << "<style>" << kStyle << "</style>\n";
  out << "<defs><marker id=\"sop-arrowhead\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" "
         "orient=\"auto-start-reverse\"><path d=\"M0 0 L10 5 L0 10 z\" fill=\"#222\"/></marker></defs>\n";
  out << "<rect x=\"0\" y=\"0\" width=\"" << Num(layout.width) << "\" height=\"" << Num(layout.height) << "\" fill=\"#fff\"/>\n";
  WriteHeader(out, layout, words);
  out << "\n";
  WriteRows(out, layout, options);
  WriteArrows(out, layout);
  WriteSteps(out, layout, def, words, options);
  WriteLines(out, layout.legend_lines, kPad, layout.legend_y, "legend", "start", 13);
  out << "\n</svg>\n";
  return out.str();
}

}  // namespace siaga::render
