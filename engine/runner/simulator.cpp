#include "runner/simulator.h"

#include "runner/engine.h"
#include "store/schema.h"

namespace siaga {

namespace {

struct OpenStep {
  std::int64_t instance = 0, case_id = 0, visit = 0;
  std::string step_id, kind, procedure_id;
  UnixSeconds ready_at = 0;
  std::optional<UnixSeconds> warn_at, due_at;
};

// The newest open step of any unfinished case: sub-procedure steps are newer than the call
// step that waits on them, so this always picks work that can move.
Result<std::optional<OpenStep>> NextOpenStep(Database& db, std::int64_t root) {
  auto q = db.Prepare(
      "SELECT s.id, s.case_id, s.visit, s.step_id, s.kind, c.procedure_id, s.ready_at, s.warn_at, s.due_at "
      "FROM step_instances s JOIN cases c ON c.id = s.case_id WHERE s.state = 'ready' AND s.kind <> 'call' "
      "AND (c.id = ?1 OR c.parent_case_id = ?1) ORDER BY s.id DESC LIMIT 1");
  if (!q.ok()) return q.status();
  q->Bind(1, root);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  std::optional<OpenStep> out;
  if (*row) {
    out = OpenStep{q->Int(0), q->Int(1), q->Int(2), q->Text(3), q->Text(4), q->Text(5), q->Int(6),
                   q->OptionalInt(7), q->OptionalInt(8)};
  }
  q->Run();
  return out;
}

Result<std::optional<UnixSeconds>> WaitTimerDue(Database& db, std::int64_t instance) {
  auto q = db.Prepare("SELECT due_at FROM timers WHERE step_instance_id = ? AND kind = 'wait_timeout' AND state = 'armed'");
  if (!q.ok()) return q.status();
  q->Bind(1, instance);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  std::optional<UnixSeconds> due;
  if (*row) due = q->Int(0);
  q->Run();
  return due;
}

std::int64_t Visits(Database& db, std::int64_t case_id, const std::string& step) {
  auto q = db.Prepare("SELECT COUNT(*) FROM step_instances WHERE case_id = ? AND step_id = ?");
  if (!q.ok()) return 0;
  q->Bind(1, case_id).Bind(2, step);
  auto row = q->Step();
  const std::int64_t n = row.ok() && *row ? q->Int(0) : 0;
  q->Run();
  return n;
}

}  // namespace

Result<SimulationReport> Simulate(ProcedureRegistry& registry, const SimulationOptions& options) {
  auto db = Database::Open(":memory:");
  if (!db.ok()) return db.status();
  Status st = MigrateSchema(**db);
  if (!st.ok()) return st;
  return SimulateInto(**db, registry, options);
}

Result<SimulationReport> SimulateInto(Database& store, ProcedureRegistry& registry, const SimulationOptions& options) {
  auto proc = registry.Latest(options.procedure_id);
  if (!proc) return NotFound("no procedure '" + options.procedure_id + "' is loaded");
  Database* db = &store;
  UnixSeconds start = options.start;
  {
    auto latest = store.Prepare("SELECT MAX(at) FROM audit_events");
    if (!latest.ok()) return latest.status();
    auto row = latest->Step();
    if (!row.ok()) return row.status();
    if (!latest->IsNull(0)) start = std::max(start, latest->Int(0));
    latest->Run();
  }
  FakeClock clock(start);
  Engine engine(store, registry, clock);

  SimulationReport report;
  report.start = start;
  auto calendar = registry.calendars().For(proc->def().instansi, proc->def().zona_waktu);
  if (!calendar.ok()) return calendar.status();
  report.zone_label = calendar->zone_label();
  report.utc_offset_minutes = calendar->utc_offset_minutes();
  if (proc->def().sla_kasus) {
    report.sla_kasus = proc->def().sla_kasus->Describe();
    report.sla_due = calendar->DeadlineFor(*proc->def().sla_kasus, start).due_at;
  }

  Command open;
  open.type = Command::Type::kOpenCase;
  open.actor.name = "simulator";
  open.procedure_id = options.procedure_id;
  open.title = "Simulasi " + proc->def().Title();
  CommandResult opened = engine.Apply(open);
  if (!opened.status.ok()) return opened.status;
  const std::int64_t root = opened.case_id;
  auto choices = options.choices;
  auto signals = options.signals;

  for (int steps = 0;; ++steps) {
    if (steps >= options.max_steps)
      return Conflict("the simulation did not finish within " + std::to_string(options.max_steps) +
                      " steps: a loop with no scripted exit? (script choices with --choose step=label)");
    auto next = NextOpenStep(*db, root);
    if (!next.ok()) return next.status();
    if (!*next) break;
    const OpenStep& s = **next;
    auto case_proc = engine.ProcedureOfCase(s.case_id);
    if (!case_proc.ok()) return case_proc.status();
    const StepDef* def = (*case_proc)->def().Find(s.step_id);
    if (def == nullptr) return Internal("open step '" + s.step_id + "' is not in its procedure");

    Command cmd;
    cmd.actor.name = "simulator";
    cmd.case_id = s.case_id;
    cmd.step_id = s.step_id;
    UnixSeconds done_at = clock.Now();
    if (def->kind == StepKind::kWait) {
      auto& queue = signals[s.step_id];
      auto due = WaitTimerDue(*db, s.instance);
      if (!due.ok()) return due.status();
      if (!queue.empty()) {
        cmd.type = Command::Type::kSignal;
        cmd.label = queue.front();
        queue.pop_front();
        // A scripted signal arrives halfway through the window.
        if (*due) done_at = s.ready_at + (**due - s.ready_at) / 2;
      } else if (*due) {
        cmd.type = Command::Type::kFireDueTimers;
        done_at = **due;
      } else {
        return Conflict("wait step '" + s.step_id + "' has no timer and no scripted signal (use --signal " + s.step_id + "=NAME)");
      }
    } else {
      if (options.pace == SimulationOptions::Pace::kDue && s.due_at) done_at = *s.due_at;
      if (options.pace == SimulationOptions::Pace::kLowEnd && s.warn_at) {
        done_at = def->waktu && def->waktu->is_range() ? *s.warn_at : s.due_at.value_or(done_at);
      }
      if (def->kind == StepKind::kDecision) {
        cmd.type = Command::Type::kDecide;
        auto& queue = choices[s.step_id];
        if (!queue.empty()) {
          cmd.label = queue.front();
          queue.pop_front();
        } else {
          // Unscripted: the branch whose target was visited least (declared order breaks ties),
          // so every loop is eventually left.
          std::int64_t fewest = -1;
          for (const Branch& b : def->branches) {
            const std::int64_t visits = Visits(*db, s.case_id, b.next.step);
            if (fewest < 0 || visits < fewest) {
              fewest = visits;
              cmd.label = b.label;
            }
          }
          report.notes.push_back("no choice scripted for step '" + s.step_id + "' (visit " + std::to_string(s.visit) +
                                 "): took '" + cmd.label + "'");
        }
      } else if (def->kind == StepKind::kExternal && !def->selesai_bila.empty()) {
        cmd.type = Command::Type::kSignal;
        cmd.label = def->selesai_bila;
      } else {
        cmd.type = Command::Type::kComplete;
      }
    }
    if (done_at > clock.Now()) clock.Set(done_at);
    // Deadlines that passed on the way are recorded as the real engine would.
    Command tick;
    tick.type = Command::Type::kFireDueTimers;
    tick.actor.name = "simulator";
    if (cmd.type != Command::Type::kFireDueTimers) {
      CommandResult ticked = engine.Apply(tick);
      if (!ticked.status.ok()) return ticked.status;
    }
    CommandResult r = engine.Apply(cmd);
    if (!r.status.ok()) return r.status;
  }

  auto q = db->Prepare(
      "SELECT c.number, c.procedure_id, s.step_id, s.kind, COALESCE(s.role, ''), s.visit, s.ready_at, s.due_at, s.completed_at, "
      "COALESCE(s.outcome, ''), COALESCE(s.basis, '') FROM step_instances s JOIN cases c ON c.id = s.case_id "
      "WHERE c.id = ?1 OR c.parent_case_id = ?1 ORDER BY s.id");
  if (!q.ok()) return q.status();
  q->Bind(1, root);
  while (true) {
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    SimulatedStep step;
    step.case_number = q->Text(0);
    step.procedure_id = q->Text(1);
    step.step_id = q->Text(2);
    step.kind = q->Text(3);
    step.role = q->Text(4);
    step.visit = q->Int(5);
    step.ready_at = q->Int(6);
    step.due_at = q->OptionalInt(7);
    step.done_at = q->OptionalInt(8);
    step.outcome = q->Text(9);
    step.basis = q->Text(10);
    if (auto p = registry.Latest(step.procedure_id)) {
      if (const StepDef* d = p->def().Find(step.step_id)) {
        step.no = d->no;
        if (d->waktu) step.waktu = d->waktu->raw;
      }
    }
    step.late = step.due_at && step.done_at && *step.done_at > *step.due_at;
    report.path.push_back(std::move(step));
  }
  auto outcome = db->Prepare("SELECT COALESCE(outcome, ''), COALESCE(closed_at, 0) FROM cases WHERE id = ?");
  if (!outcome.ok()) return outcome.status();
  outcome->Bind(1, root);
  auto row = outcome->Step();
  if (!row.ok()) return row.status();
  report.outcome = outcome->Text(0);
  report.end = outcome->Int(1);
  outcome->Run();
  for (const auto& [step, queue] : choices)
    if (!queue.empty()) report.notes.push_back("scripted choices for step '" + step + "' were not used: the path never reached them");
  return report;
}

}  // namespace siaga
