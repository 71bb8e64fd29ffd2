// The geometry of the SOP AP flowchart table (Permenpan-RB 35/2012): one row per step in the
// order the file declares them, columns No | Kegiatan | one lane per Pelaksana | Kelengkapan |
// Waktu | Output | Keterangan, each step's symbol in its Pelaksana's lane, and the arrows of every
// transition routed between the symbols. Pure and deterministic: the same definition and
// options give the same layout, so the SVG can be compared and cached.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "procedure/definition.h"
#include "render/render_text.h"

namespace siaga::render {

struct Point {
  double x = 0, y = 0;
};

struct Box {
  double x = 0, y = 0, w = 0, h = 0;
  double cx() const { return x + w / 2; }
  double cy() const { return y + h / 2; }
  double right() const { return x + w; }
  double bottom() const { return y + h; }
};

// One transition of the procedure: what the arrows must show, one arrow each.
struct Transition {
  std::string from, to;
  std::string label;   // branch label, "timeout", or the signal name; "" for a plain `next`
  std::string kind;    // "next", "branch", "timeout", "signal"
  bool inferred = false;
};

// Every transition of `def` in declaration order (steps, then next / branches / timeout / on).
std::vector<Transition> Transitions(const ProcedureDef& def);

enum class Symbol { kTerminator, kProcess, kDecision };

// Lane of the table: a declared role, or the one lane for steps no role owns when a procedure
// declares none (e.g. a procedure made only of `call` steps).
struct Lane {
  std::string role;   // "" for the no-performer lane
  std::string label;
  bool inferred = false;
  double x = 0, w = 0;
  std::vector<std::string> header_lines;
};

// A text column of the table (No, Kegiatan, Kelengkapan, Waktu, Output, Keterangan).
struct TextColumn {
  std::string key;
  std::string title;
  double x = 0, w = 0;
};

struct Row {
  std::string step;   // "" for the implicit Mulai row
  double y = 0, h = 0;
  std::map<std::string, std::vector<std::string>> cells;  // column key -> wrapped lines
};

struct PlacedStep {
  std::string step;          // "" for the implicit Mulai terminator
  std::string role;          // the step's Pelaksana ("" when none)
  std::size_t lane = 0, row = 0;
  Symbol symbol = Symbol::kProcess;
  Box box;
  std::vector<std::string> text;  // inside the symbol: number, terminator word, kind note
  bool inferred = false;          // the step or its Pelaksana is Siaga's reading
  std::vector<std::size_t> assisting_lanes;  // lanes of the `dibantu` roles: marked, no symbol
  bool current = false, breached = false;
};

struct Arrow {
  Transition transition;
  bool entry = false;         // from the implicit Mulai: not a transition of the procedure
  std::vector<Point> points;  // polyline, first at the source symbol, last at the target
  std::string shown_label;    // what the arrow says on the page ("" for none)
  Point label_at;
  bool label_anchor_end = false;  // the label ends at label_at (it runs leftwards)
};

struct FlowchartLayout {
  double width = 0, height = 0;
  double header_top_h = 0, header_h = 0;  // the two header rows' heights (header_h: both)
  std::vector<TextColumn> left_columns, right_columns;  // before and after the lanes
  std::vector<Lane> lanes;
  std::vector<Row> rows;
  std::vector<PlacedStep> steps;
  std::vector<Arrow> arrows;
  std::vector<std::string> legend_lines;
  double legend_y = 0;
};

FlowchartLayout LayOutFlowchart(const ProcedureDef& def, const RenderOptions& options);

// Text helpers the document also prints: the step's Kegiatan in the chosen language, and the
// Pelaksana order (declared kolom order).
std::string KegiatanText(const StepDef& step, const std::string& language);
std::string RoleLabel(const ProcedureDef& def, const std::string& role);

}  // namespace siaga::render
