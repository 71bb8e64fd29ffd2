#include "render/flowchart_layout.h"

#include <algorithm>
#include <cmath>

namespace siaga::render {

namespace {

// Sizes in SVG user units (CSS pixels at 100%). The table is about 1,400 wide with five lanes;
// the document shrinks it to the page width (A4 landscape) when printing.
constexpr double kFont = 11, kLine = 14, kSmallFont = 9, kHeaderFont = 10, kHeaderLine = 12;
constexpr double kCellPad = 6;
constexpr double kLaneWidth = 116;
constexpr double kProcessW = 74, kProcessH = 36;
constexpr double kDecisionW = 72, kDecisionH = 48;
constexpr double kTerminatorW = 72, kTerminatorH = 30;
constexpr double kSymbolPadTop = 18;  // room above the symbol for the "inferred" mark
constexpr double kChannelStep = 5;    // spacing of arrows running side by side in a lane margin
constexpr int kChannelSlots = 4;

struct ColumnSpec {
  const char* key;
  double width;
};
constexpr ColumnSpec kLeftColumns[] = {{"no", 34}, {"kegiatan", 230}};
constexpr ColumnSpec kRightColumns[] = {{"kelengkapan", 140}, {"waktu", 80}, {"output", 140}, {"keterangan", 170}};

const char* ColumnTitle(const std::string& key, const Words& words) {
  if (key == "no") return words.no;
  if (key == "kegiatan") return words.kegiatan;
  if (key == "kelengkapan") return words.kelengkapan;
  if (key == "waktu") return words.waktu;
  if (key == "output") return words.output;
  return words.keterangan;
}

Symbol SymbolFor(StepKind kind) {
  switch (kind) {
    case StepKind::kStart:
    case StepKind::kFinish: return Symbol::kTerminator;
    case StepKind::kDecision: return Symbol::kDecision;
    default: return Symbol::kProcess;
  }
}

Box SymbolBox(Symbol symbol, const Lane& lane, double row_y) {
  double w = kProcessW, h = kProcessH;
  if (symbol == Symbol::kDecision) w = kDecisionW, h = kDecisionH;
  if (symbol == Symbol::kTerminator) w = kTerminatorW, h = kTerminatorH;
  return {lane.x + (lane.w - w) / 2, row_y + kSymbolPadTop, w, h};
}

// The note an engine-only kind carries in its process box (SOP AP has no symbol for it).
std::string KindNote(const StepDef& step, const Words& words) {
  switch (step.kind) {
    case StepKind::kWait: return words.wait_note;
    case StepKind::kExternal: return words.external_note;
    case StepKind::kAutomatic: return words.automatic_note;
    case StepKind::kCall: return words.call_note;
    default: return "";
  }
}

// Each list item starts its own line(s): "- item".
std::vector<std::string> WrapList(const std::vector<std::string>& items, double width) {
  std::vector<std::string> lines;
  for (const auto& item : items) {
    auto wrapped = WrapText(item, width - 10, kFont);
    for (std::size_t i = 0; i < wrapped.size(); ++i) lines.push_back((i == 0 ? "- " : "  ") + wrapped[i]);
  }
  return lines;
}

// Adds `sentence` after `text`, closing the agency's own sentence first (it is verbatim and
// often ends without a full stop).
void AppendSentence(std::string& text, const std::string& sentence) {
  if (!text.empty()) {
    const char last = text.back();
    if (last != '.' && last != ';' && last != ':' && last != ']' && last != ')') text += '.';
    text += ' ';
  }
  text += sentence;
}

std::string KeteranganText(const ProcedureDef& def, const StepDef& step, const Words& words) {
  std::string text = step.keterangan;
  if (!step.assisting.empty()) {
    std::string names;
    for (const auto& role : step.assisting) names += (names.empty() ? "" : ", ") + RoleLabel(def, role);
    AppendSentence(text, std::string(words.assisted_by) + ": " + names + ".");
  }
  if (step.kind == StepKind::kCall && !step.prosedur.empty()) AppendSentence(text, "\u2192 " + step.prosedur);
  if (step.inferred || step.role_inferred) {
    std::string mark = std::string("[") + words.inferred;
    if (!step.sumber.empty()) mark += ": " + step.sumber;
    AppendSentence(text, mark + "]");
  }
  return text;
}

// Lanes in declared column order; one extra lane only when steps exist that no role owns and
// the procedure declares no role at all (their symbols otherwise join a neighbour's lane).
std::vector<Lane> BuildLanes(const ProcedureDef& def, const Words& words) {
  std::vector<Lane> lanes;
  for (const auto& role : def.role_order) {
    const auto it = def.roles.find(role);
    Lane lane;
    lane.role = role;
    lane.label = it != def.roles.end() && !it->second.label.empty() ? it->second.label : role;
    lane.inferred = it != def.roles.end() && it->second.inferred;
    lanes.push_back(std::move(lane));
  }
  if (lanes.empty()) {
    Lane no_performer;
    no_performer.label = words.no_performer;
    lanes.push_back(std::move(no_performer));
  }
  return lanes;
}

std::size_t LaneOfRole(const std::vector<Lane>& lanes, const std::string& role) {
  for (std::size_t i = 0; i < lanes.size(); ++i)
    if (lanes[i].role == role) return i;
  return lanes.size();
}

// Steps without a Pelaksana (start, finish, wait, automatic, some calls) sit in the lane of the
// nearest earlier step that has one, which is where the flow comes from in every seed; failing
// that, the nearest later one; failing that, the first lane.
std::vector<std::size_t> AssignLanes(const ProcedureDef& def, const std::vector<Lane>& lanes) {
  const std::size_t none = lanes.size();
  std::vector<std::size_t> lane_of(def.steps.size(), none);
  for (std::size_t i = 0; i < def.steps.size(); ++i) lane_of[i] = LaneOfRole(lanes, def.steps[i].role);
  for (std::size_t i = 0; i < def.steps.size(); ++i) {
    if (lane_of[i] != none) continue;
    for (std::size_t j = i; j-- > 0;)
      if (LaneOfRole(lanes, def.steps[j].role) != none) { lane_of[i] = lane_of[j]; break; }
    if (lane_of[i] != none) continue;
    for (std::size_t j = i + 1; j < def.steps.size(); ++j)
      if (lane_of[j] != none) { lane_of[i] = lane_of[j]; break; }
    if (lane_of[i] == none) lane_of[i] = 0;
  }
  return lane_of;
}

class Router {
 public:
  explicit Router(FlowchartLayout& layout) : layout_(layout) {}

  // Finds the arrow's path and its label position.
  void Route(Arrow& arrow, const PlacedStep& from, const PlacedStep& to) {
    if (to.row > from.row && ColumnClear(to.lane, from.row, to.row))
      RouteDown(arrow, from, to);
    else
      RouteThroughChannel(arrow, from, to);
  }

 private:
  // Nothing of lane `lane` is drawn in the rows strictly between `top` and `bottom`.
  bool ColumnClear(std::size_t lane, std::size_t top, std::size_t bottom) const {
    for (const PlacedStep& s : layout_.steps)
      if (s.lane == lane && s.row > top && s.row < bottom) return false;
    return true;
  }

  // A point on the symbol's outline, `offset` along its side from the middle. Sides: 'T', 'B', 'L', 'R'.
  static Point Port(const PlacedStep& s, char side, double offset) {
    const Box& b = s.box;
    const double hw = b.w / 2, hh = b.h / 2;
    if (side == 'T' || side == 'B') {
      double inset = 0;  // how far the outline sits below the top (above the bottom) at cx + offset
      if (s.symbol == Symbol::kDecision) inset = hh * std::min(1.0, std::abs(offset) / hw);
      return {b.cx() + offset, side == 'T' ? b.y + inset : b.bottom() - inset};
    }
    double inset = 0;
    if (s.symbol == Symbol::kDecision) inset = hw * std::min(1.0, std::abs(offset) / hh);
    if (s.symbol == Symbol::kTerminator) {
      const double r = hh;
      inset = r - std::sqrt(std::max(0.0, r * r - offset * offset));
    }
    return {side == 'L' ? b.x + inset : b.right() - inset, b.cy() + offset};
  }

  // Ports taken on a side spread out: 0, +12, -12, +18, -18 (clamped to the side).
  double NextOffset(const PlacedStep& s, char side) {
    int& used = ports_used_[s.step + "/" + std::to_string(s.row) + side];
    static constexpr double kOffsets[] = {0, 12, -12, 18, -18};
    const double limit = (side == 'T' || side == 'B' ? s.box.w : s.box.h) / 2 - 3;
    const double offset = kOffsets[used % 5];
    ++used;
    return std::clamp(offset, -limit, limit);
  }

  // A label starts where the arrow leaves its symbol. Beside a side port it goes on the side of
  // the line away from where the arrow turns (below for a loop going up, above otherwise), so
  // the arrow's own vertical run does not cross it; if another label of the same side is
  // already there, it takes the other side of its line, or moves further down.
  void LabelAtStart(Arrow& arrow, const PlacedStep& from, Point start, char side, bool turns_up) {
    if (arrow.shown_label.empty()) return;
    if (side == 'B') {
      arrow.label_at = {start.x + 4, start.y + 12};
      return;
    }
    constexpr double kLabelGap = 11;
    std::vector<double>& taken = labels_used_[from.step + "/" + std::to_string(from.row) + side];
    auto free = [&](double y) {
      for (double other : taken)
        if (std::abs(other - y) < kLabelGap) return false;
      return true;
    };
    const double above = start.y - 4, below = start.y + 12;
    double y = turns_up ? below : above;
    if (!free(y)) y = turns_up ? above : below;
    while (!free(y)) y += kLabelGap;
    taken.push_back(y);
    const bool left = side == 'L';
    arrow.label_at = {start.x + (left ? -4 : 4), y};
    arrow.label_anchor_end = left;
  }

  // Forward into the target's top: straight down in one lane, or sideways then down.
  void RouteDown(Arrow& arrow, const PlacedStep& from, const PlacedStep& to) {
    if (from.lane == to.lane) {
      const Point a = Port(from, 'B', NextOffset(from, 'B'));
      const Point b = Port(to, 'T', NextOffset(to, 'T'));
      const double jog_y = b.y - 8;
      arrow.points = {a, {a.x, jog_y}, {b.x, jog_y}, b};
      if (std::abs(a.x - b.x) < 0.5) arrow.points = {a, b};
      LabelAtStart(arrow, from, a, 'B', false);
      return;
    }
    const char side = to.lane > from.lane ? 'R' : 'L';
    const Point a = Port(from, side, NextOffset(from, side));
    const Point b = Port(to, 'T', NextOffset(to, 'T'));
    arrow.points = {a, {b.x, a.y}, b};
    LabelAtStart(arrow, from, a, side, false);
  }

  // Backward (loops drawn back upward), or forward past symbols in the target's lane: out of the
  // source's side, along a vertical channel in the target lane's margin, into the target's side.
  void RouteThroughChannel(Arrow& arrow, const PlacedStep& from, const PlacedStep& to) {
    const Lane& lane = layout_.lanes[to.lane];
    const bool left_margin = from.lane < to.lane;
    int& slot = channels_used_[std::to_string(to.lane) + (left_margin ? "L" : "R")];
    const double inset = 4 + kChannelStep * (slot % kChannelSlots);
    ++slot;
    const double channel_x = left_margin ? lane.x + inset : lane.x + lane.w - inset;
    const char out_side = channel_x < from.box.cx() ? 'L' : 'R';
    const char in_side = left_margin ? 'L' : 'R';
    const Point a = Port(from, out_side, NextOffset(from, out_side));
    const Point b = Port(to, in_side, NextOffset(to, in_side));
    if (from.step == to.step && from.row == to.row) {  // a step that returns to itself
      const double below = from.box.bottom() + 8;
      arrow.points = {a, {channel_x, a.y}, {channel_x, below}, {from.box.cx(), below}, Port(from, 'B', 0)};
    } else {
      arrow.points = {a, {channel_x, a.y}, {channel_x, b.y}, b};
    }
    LabelAtStart(arrow, from, a, out_side, b.y < a.y);
  }

  FlowchartLayout& layout_;
  std::map<std::string, int> ports_used_;
  std::map<std::string, int> channels_used_;
  std::map<std::string, std::vector<double>> labels_used_;
};

std::string ShownLabel(const Transition& t, const Words& words) {
  std::string label = t.kind == "timeout" ? words.timeout_label : t.label;
  if (t.inferred && !label.empty()) label += std::string(" (") + words.inferred + ")";
  return label;
}

void PlaceColumns(FlowchartLayout& layout, const Words& words) {
  double x = 0;
  for (const auto& c : kLeftColumns) {
    layout.left_columns.push_back({c.key, ColumnTitle(c.key, words), x, c.width});
    x += c.width;
  }
  for (Lane& lane : layout.lanes) {
    lane.x = x;
    lane.w = kLaneWidth;
    lane.header_lines = WrapText(lane.label, kLaneWidth - 2 * kCellPad, kHeaderFont);
    if (lane.inferred) lane.header_lines.push_back(std::string("(") + words.inferred + ")");
    x += kLaneWidth;
  }
  for (const auto& c : kRightColumns) {
    layout.right_columns.push_back({c.key, ColumnTitle(c.key, words), x, c.width});
    x += c.width;
  }
  layout.width = x;
  std::size_t header_lines = 1;
  for (const Lane& lane : layout.lanes) header_lines = std::max(header_lines, lane.header_lines.size());
  layout.header_top_h = 22;
  layout.header_h = layout.header_top_h + static_cast<double>(header_lines) * kHeaderLine + 2 * kCellPad;
}

double ColumnWidth(const FlowchartLayout& layout, const std::string& key) {
  for (const auto& c : layout.left_columns)
    if (c.key == key) return c.w;
  for (const auto& c : layout.right_columns)
    if (c.key == key) return c.w;
  return 0;
}

Row StepRow(const FlowchartLayout& layout, const ProcedureDef& def, const StepDef& step, const RenderOptions& options,
            const Words& words) {
  Row row;
  row.step = step.id;
  auto wrap = [&](const std::string& key, const std::string& text) {
    row.cells[key] = WrapText(text, ColumnWidth(layout, key) - 2 * kCellPad, kFont);
  };
  wrap("no", step.no);
  wrap("kegiatan", KegiatanText(step, options.language));
  row.cells["kelengkapan"] = WrapList(step.kelengkapan, ColumnWidth(layout, "kelengkapan") - 2 * kCellPad);
  wrap("waktu", step.waktu ? step.waktu->raw : "");
  row.cells["output"] = WrapList(step.output, ColumnWidth(layout, "output") - 2 * kCellPad);
  wrap("keterangan", KeteranganText(def, step, words));
  return row;
}

double RowHeight(const Row& row, Symbol symbol) {
  std::size_t lines = 1;
  for (const auto& [key, cell] : row.cells) lines = std::max(lines, cell.size());
  const double text_h = static_cast<double>(lines) * kLine + 2 * kCellPad;
  const double symbol_h = symbol == Symbol::kDecision ? kDecisionH : symbol == Symbol::kTerminator ? kTerminatorH : kProcessH;
  return std::max(text_h, kSymbolPadTop + symbol_h + 16);
}

std::vector<std::string> SymbolText(const StepDef& step, const Words& words) {
  if (step.kind == StepKind::kStart) return {words.start};
  if (step.kind == StepKind::kFinish) return {words.finish};
  std::vector<std::string> text;
  if (!step.no.empty()) text.push_back(step.no);
  const std::string note = KindNote(step, words);
  if (!note.empty()) text.push_back(note);
  return text;
}

}  // namespace

std::vector<Transition> Transitions(const ProcedureDef& def) {
  std::vector<Transition> out;
  for (const StepDef& s : def.steps) {
    if (s.next) out.push_back({s.id, s.next->step, "", "next", s.next->inferred});
    for (const Branch& b : s.branches) out.push_back({s.id, b.next.step, b.label, "branch", b.next.inferred});
    if (s.timeout) out.push_back({s.id, s.timeout->step, "timeout", "timeout", s.timeout->inferred});
    for (const auto& [signal, target] : s.on) out.push_back({s.id, target, signal, "signal", false});
  }
  return out;
}

std::string KegiatanText(const StepDef& step, const std::string& language) {
  if (language == "en" && !step.en.empty()) return step.en;
  return step.kegiatan;
}

std::string RoleLabel(const ProcedureDef& def, const std::string& role) {
  const auto it = def.roles.find(role);
  return it != def.roles.end() && !it->second.label.empty() ? it->second.label : role;
}

FlowchartLayout LayOutFlowchart(const ProcedureDef& def, const RenderOptions& options) {
  const Words& words = WordsFor(options.language);
  FlowchartLayout layout;
  layout.lanes = BuildLanes(def, words);
  PlaceColumns(layout, words);
  const std::vector<std::size_t> lane_of = AssignLanes(def, layout.lanes);

  double y = layout.header_h;
  // Most seeds start with a task: the SOP AP still opens with a Mulai capsule, drawn in a row of
  // its own (not a step of the procedure, so its arrow is an "entry", not a transition).
  const bool implicit_start = !def.steps.empty() && def.steps.front().kind != StepKind::kStart;
  if (implicit_start) {
    Row row;
    row.h = kSymbolPadTop + kTerminatorH + 16;
    row.y = y;
    PlacedStep start;
    start.lane = lane_of.front();
    start.row = 0;
    start.symbol = Symbol::kTerminator;
    start.box = SymbolBox(Symbol::kTerminator, layout.lanes[start.lane], row.y);
    start.text = {words.start};
    layout.steps.push_back(start);
    layout.rows.push_back(row);
    y += row.h;
  }
  for (std::size_t i = 0; i < def.steps.size(); ++i) {
    const StepDef& step = def.steps[i];
    const Symbol symbol = SymbolFor(step.kind);
    Row row = StepRow(layout, def, step, options, words);
    row.y = y;
    row.h = RowHeight(row, symbol);
    PlacedStep placed;
    placed.step = step.id;
    placed.role = step.role;
    placed.lane = lane_of[i];
    placed.row = layout.rows.size();
    placed.symbol = symbol;
    placed.box = SymbolBox(symbol, layout.lanes[placed.lane], row.y);
    placed.text = SymbolText(step, words);
    placed.inferred = step.inferred || step.role_inferred;
    for (const auto& role : step.assisting)
      if (const std::size_t lane = LaneOfRole(layout.lanes, role); lane < layout.lanes.size()) placed.assisting_lanes.push_back(lane);
    placed.current = step.id == options.current_step;
    placed.breached = options.breached_steps.contains(step.id);
    layout.steps.push_back(std::move(placed));
    layout.rows.push_back(std::move(row));
    y += layout.rows.back().h;
  }

  auto placed_step = [&](const std::string& id) -> const PlacedStep* {
    for (const PlacedStep& s : layout.steps)
      if (!s.step.empty() && s.step == id) return &s;
    return nullptr;
  };
  Router router(layout);
  if (implicit_start) {
    Arrow entry;
    entry.entry = true;
    entry.transition = {"", def.steps.front().id, "", "entry", false};
    router.Route(entry, layout.steps.front(), *placed_step(def.steps.front().id));
    layout.arrows.push_back(std::move(entry));
  }
  for (const Transition& t : Transitions(def)) {
    const PlacedStep* from = placed_step(t.from);
    const PlacedStep* to = placed_step(t.to);
    if (from == nullptr || to == nullptr) continue;  // the loader refuses unknown targets; stay safe anyway
    Arrow arrow;
    arrow.transition = t;
    arrow.shown_label = ShownLabel(t, words);
    router.Route(arrow, *from, *to);
    layout.arrows.push_back(std::move(arrow));
  }

  layout.legend_y = y + 16;
  layout.legend_lines = WrapText(words.legend, layout.width - 2 * kCellPad, kSmallFont + 1);
  layout.height = layout.legend_y + static_cast<double>(layout.legend_lines.size()) * 13 + 6;
  return layout;
}

}  // namespace siaga::render
