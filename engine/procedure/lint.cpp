#include "procedure/lint.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "time/calendar.h"

namespace siaga {

namespace {

class Checker {
 public:
  Checker(const ProcedureDef& def, std::vector<Diagnostic>& out) : def_(def), out_(out) {
    for (std::size_t i = 0; i < def.steps.size(); ++i) index_[def.steps[i].id] = i;
  }

  void Run() {
    if (auto calendar = WorkingCalendar::ForZone(def_.zona_waktu); !calendar.ok())
      Error(nullptr, "zona_waktu", calendar.status().message());
    CheckIds();
    for (const StepDef& s : def_.steps) CheckStep(s);
    if (HasErrors(out_)) return;  // graph checks need valid targets
    CheckGraph();
    CheckServiceStandard();
  }

 private:
  void Add(Diagnostic::Severity sev, const StepDef* s, const std::string& field, const std::string& msg) {
    out_.push_back({sev, def_.file, s ? s->line : 0, s ? s->id : "", field, msg});
  }
  void Error(const StepDef* s, const std::string& field, const std::string& msg) {
    Add(Diagnostic::Severity::kError, s, field, msg);
  }
  void Warn(const StepDef* s, const std::string& field, const std::string& msg) {
    Add(Diagnostic::Severity::kWarning, s, field, msg);
  }

  void CheckIds() {
    std::set<std::string> seen;
    for (const StepDef& s : def_.steps)
      if (!seen.insert(s.id).second) Error(&s, "id", "step id '" + s.id + "' is used twice");
    if (def_.steps.empty()) return;
    if (def_.steps.front().kind == StepKind::kFinish) Error(&def_.steps.front(), "", "the first step (the entry) cannot be a finish");
    if (std::none_of(def_.steps.begin(), def_.steps.end(), [](const StepDef& s) { return s.kind == StepKind::kFinish; }))
      Error(nullptr, "langkah", "the procedure has no finish step, so no case could ever end");
  }

  void CheckTarget(const StepDef& s, const std::string& field, const Target& t) {
    if (!index_.contains(t.step)) Error(&s, field, "goes to unknown step '" + t.step + "'");
    if (t.inferred) Warn(&s, field, "transition to '" + t.step + "' is inferred (not written in the source)");
  }

  void CheckRole(const StepDef& s, const std::string& field, const std::string& role) {
    if (!def_.roles.contains(role)) Error(&s, field, "unknown role '" + role + "'; declare it in pelaksana");
  }

  void CheckSet(const StepDef& s, const std::string& field, const nlohmann::json& set) {
    for (const auto& [name, value] : set.items()) {
      auto it = def_.fields.find(name);
      if (it == def_.fields.end() || it->second.enum_values.empty()) continue;
      const auto& values = it->second.enum_values;
      if (!value.is_string() || std::find(values.begin(), values.end(), value.get<std::string>()) == values.end())
        Error(&s, field, "sets '" + name + "' to " + value.dump() + ", which is not one of its enum values");
    }
  }

  void CheckStep(const StepDef& s) {
    const bool work = s.IsWorkItem();
    if (!s.role.empty()) CheckRole(s, "pelaksana", s.role);
    for (const auto& r : s.assisting) CheckRole(s, "pelaksana.dibantu", r);
    for (const auto& n : s.notify) CheckRole(s, "notify.to", n.to);
    if (work && s.role.empty()) Error(&s, "pelaksana", "a " + std::string(StepKindName(s.kind)) + " step needs a pelaksana (role)");
    if (s.role_inferred) Warn(&s, "pelaksana", "actor '" + s.role + "' is inferred; the agency must confirm it");
    if (s.inferred) Warn(&s, "inferred", "the whole step is Siaga's reading" + (s.sumber.empty() ? std::string() : " (" + s.sumber + ")"));
    if (work && !s.waktu) Warn(&s, "waktu", "no time standard (Waktu), so no deadline is kept for it");
    if (s.next) CheckTarget(s, "next", *s.next);
    if (s.timeout) CheckTarget(s, "timeout", *s.timeout);
    for (const auto& [signal, step] : s.on) CheckTarget(s, "on." + signal, Target{step, false});
    std::set<std::string> labels;
    for (const Branch& b : s.branches) {
      if (!labels.insert(b.label).second) Error(&s, "branches", "branch label '" + b.label + "' is used twice");
      CheckTarget(s, "branches[" + b.label + "]", b.next);
      CheckSet(s, "branches[" + b.label + "].set", b.set);
    }
    CheckSet(s, "set", s.set);

    const bool has_branches = !s.branches.empty();
    switch (s.kind) {
      case StepKind::kStart:
      case StepKind::kTask:
      case StepKind::kExternal:
        if (!s.next) Error(&s, "next", "a " + std::string(StepKindName(s.kind)) + " step needs next = \"step_id\"");
        if (has_branches) Error(&s, "branches", "only decision, automatic and call steps have branches");
        break;
      case StepKind::kDecision:
        if (s.branches.size() < 2) Error(&s, "branches", "a decision needs at least two labelled branches");
        if (s.next) Error(&s, "next", "a decision goes on through its branches, not next");
        break;
      case StepKind::kWait:
        if (!s.waktu && s.on.empty()) Error(&s, "waktu", "a wait step needs a timer (waktu) or signals (on)");
        if (s.waktu && !s.timeout) Error(&s, "timeout", "a wait step with a timer needs timeout = \"step_id\"");
        if (s.timeout && !s.waktu) Error(&s, "waktu", "timeout is set but there is no waktu for the timer");
        break;
      case StepKind::kAutomatic:
        if (!s.has_run) Error(&s, "run", "an automatic step needs run = function(ctx) ... end");
        if (!s.next && !has_branches) Error(&s, "next", "an automatic step needs next or branches");
        break;
      case StepKind::kCall:
        if (s.prosedur.empty()) Error(&s, "prosedur", "a call step needs prosedur = \"<agency>/<slug>\"");
        if (!s.next && !has_branches) Error(&s, "next", "a call step needs next, or branches labelled by the child's outcome");
        break;
      case StepKind::kFinish:
        if (s.next || has_branches || s.timeout || !s.on.empty()) Error(&s, "next", "a finish step ends the case; it cannot go anywhere");
        break;
    }
    if (s.kind != StepKind::kWait && (!s.on.empty() || s.timeout)) Error(&s, "on", "only wait steps take on/timeout");
    if (!s.selesai_bila.empty() && s.kind != StepKind::kExternal) Error(&s, "selesai_bila", "only external steps take selesai_bila");
    if (s.pauses_case_sla && s.kind != StepKind::kExternal && s.kind != StepKind::kWait)
      Error(&s, "jeda_sla_kasus", "only external and wait steps pause the case clock");
    if (s.pauses_case_sla && !def_.sla_kasus)
      Warn(&s, "jeda_sla_kasus", "the procedure has no sla_kasus, so there is no case clock to pause");
    if (s.has_decide && s.kind != StepKind::kDecision) Error(&s, "decide", "only decision steps take a decide hook");
  }

  std::vector<std::size_t> Successors(std::size_t i) const {
    std::vector<std::size_t> out;
    for (const auto& [label, t] : def_.steps[i].Exits()) out.push_back(index_.at(t.step));
    return out;
  }

  void CheckGraph() {
    const std::size_t n = def_.steps.size();
    // Reachable from the entry.
    std::vector<bool> reached(n, false);
    std::vector<std::size_t> stack = {0};
    reached[0] = true;
    while (!stack.empty()) {
      const std::size_t i = stack.back();
      stack.pop_back();
      for (std::size_t j : Successors(i))
        if (!reached[j]) {
          reached[j] = true;
          stack.push_back(j);
        }
    }
    // Can reach a finish (reverse reachability).
    std::vector<bool> ends(n, false);
    bool changed = true;
    for (std::size_t i = 0; i < n; ++i) ends[i] = def_.steps[i].kind == StepKind::kFinish;
    while (changed) {
      changed = false;
      for (std::size_t i = 0; i < n; ++i) {
        if (ends[i]) continue;
        for (std::size_t j : Successors(i))
          if (ends[j]) { ends[i] = changed = true; break; }
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      const StepDef& s = def_.steps[i];
      if (!reached[i]) Error(&s, "", "unreachable: no path from the first step '" + def_.steps[0].id + "' leads here");
      else if (!ends[i]) Error(&s, "", "dead end or loop with no exit: no path from here reaches a finish step");
    }
    // Loops: strongly connected components with a cycle; unbounded unless a step in it has max_ulang.
    for (const auto& component : Components()) {
      bool bounded = false;
      std::string names;
      for (std::size_t i : component) {
        bounded = bounded || def_.steps[i].max_ulang.has_value();
        names += (names.empty() ? "" : " -> ") + def_.steps[i].id;
      }
      if (!bounded)
        Warn(&def_.steps[component.front()], "max_ulang",
             "loop (" + names + ") has no bound; it repeats until someone takes the exit (set max_ulang to bound it)");
    }
  }

  // Tarjan's SCC, keeping only components that contain a cycle.
  std::vector<std::vector<std::size_t>> Components() const {
    const std::size_t n = def_.steps.size();
    std::vector<int> index(n, -1), low(n, 0);
    std::vector<bool> on_stack(n, false);
    std::vector<std::size_t> stack;
    std::vector<std::vector<std::size_t>> out;
    int counter = 0;
    std::function<void(std::size_t)> visit = [&](std::size_t v) {
      index[v] = low[v] = counter++;
      stack.push_back(v);
      on_stack[v] = true;
      for (std::size_t w : Successors(v)) {
        if (index[w] < 0) {
          visit(w);
          low[v] = std::min(low[v], low[w]);
        } else if (on_stack[w]) {
          low[v] = std::min(low[v], index[w]);
        }
      }
      if (low[v] == index[v]) {
        std::vector<std::size_t> component;
        std::size_t w;
        do {
          w = stack.back();
          stack.pop_back();
          on_stack[w] = false;
          component.push_back(w);
        } while (w != v);
        const auto succ = Successors(v);
        const bool self_loop = std::find(succ.begin(), succ.end(), v) != succ.end();
        if (component.size() > 1 || self_loop) {
          std::sort(component.begin(), component.end());
          out.push_back(component);
        }
      }
    };
    for (std::size_t v = 0; v < n; ++v)
      if (index[v] < 0) visit(v);
    return out;
  }

  void CheckServiceStandard() {
    if (!def_.sla_kasus) return;
    const PathTotals totals = ComputePathTotals(def_);
    const std::int64_t sla_max = def_.sla_kasus->NominalMinutes(true);
    const std::string sla = def_.sla_kasus->raw;
    if (totals.shortest_minutes > sla_max) {
      Warn(nullptr, "sla_kasus", "even the shortest path needs " + FormatNominalMinutes(totals.shortest_minutes) +
                                     " of step time, more than the service standard '" + sla + "'");
    } else if (totals.longest_minutes > sla_max) {
      Warn(nullptr, "sla_kasus", "the longest path needs up to " + FormatNominalMinutes(totals.longest_minutes) +
                                     " of step time, more than the service standard '" + sla + "'");
    }
  }

  const ProcedureDef& def_;
  std::vector<Diagnostic>& out_;
  std::map<std::string, std::size_t> index_;
};

}  // namespace

PathTotals ComputePathTotals(const ProcedureDef& def) {
  PathTotals totals;
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < def.steps.size(); ++i) index[def.steps[i].id] = i;
  std::int64_t shortest = -1, longest = 0;
  std::vector<bool> on_path(def.steps.size(), false);
  int budget = 100000;  // simple paths in an SOP are few; stop rather than explode
  std::function<void(std::size_t, std::int64_t, std::int64_t)> walk = [&](std::size_t i, std::int64_t lo, std::int64_t hi) {
    if (--budget < 0) return;
    const StepDef& s = def.steps[i];
    if (s.waktu) {
      lo += s.waktu->NominalMinutes(false);
      hi += s.waktu->NominalMinutes(true);
    } else if (s.IsWorkItem()) {
      totals.complete = false;
    }
    if (s.kind == StepKind::kFinish) {
      shortest = shortest < 0 ? lo : std::min(shortest, lo);
      longest = std::max(longest, hi);
      return;
    }
    on_path[i] = true;
    for (const auto& [label, t] : s.Exits()) {
      auto it = index.find(t.step);
      if (it != index.end() && !on_path[it->second]) walk(it->second, lo, hi);
    }
    on_path[i] = false;
  };
  if (!def.steps.empty()) walk(0, 0, 0);
  totals.shortest_minutes = std::max<std::int64_t>(shortest, 0);
  totals.longest_minutes = longest;
  return totals;
}

std::string FormatNominalMinutes(std::int64_t minutes) {
  const std::int64_t days = minutes / 450, rest = minutes % 450;
  std::string out;
  if (days > 0) out += std::to_string(days) + " hari kerja";
  if (rest / 60 > 0) out += (out.empty() ? "" : " ") + std::to_string(rest / 60) + " jam";
  if (rest % 60 > 0) out += (out.empty() ? "" : " ") + std::to_string(rest % 60) + " menit";
  return out.empty() ? "0 menit" : out;
}

void CheckProcedure(const ProcedureDef& def, std::vector<Diagnostic>& out) { Checker(def, out).Run(); }

void CheckProcedureSet(const std::vector<const ProcedureDef*>& defs, const std::string& root,
                       std::vector<Diagnostic>& out) {
  std::map<std::string, const ProcedureDef*> by_id;
  for (const ProcedureDef* d : defs) {
    auto [it, inserted] = by_id.emplace(d->id, d);
    if (!inserted)
      out.push_back({Diagnostic::Severity::kError, d->file, 0, "", "id",
                     "procedure id '" + d->id + "' is also used by " + it->second->file});
    if (!root.empty()) {
      const std::string expected = root + "/" + d->id + ".lua";
      if (d->file != expected && d->file.find("/" + d->id + ".lua") == std::string::npos)
        out.push_back({Diagnostic::Severity::kError, d->file, 0, "", "id",
                       "procedure id '" + d->id + "' does not match its path; expected the file at " + expected});
    }
  }
  for (const ProcedureDef* d : defs)
    for (const StepDef& s : d->steps)
      if (s.kind == StepKind::kCall && !by_id.contains(s.prosedur))
        out.push_back({Diagnostic::Severity::kError, d->file, s.line, s.id, "prosedur",
                       "calls unknown procedure '" + s.prosedur + "'"});
}

}  // namespace siaga
