// Runs a procedure's Lua hooks (on_enter, on_complete, on_breach, guard, decide, run, on_open,
// on_close) with a `ctx` that reads a snapshot of the case and queues effects. The runner
// applies the queued effects in the transaction of the command that ran the hook.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "procedure/loader.h"

namespace siaga {

// ctx:after(waktu, fn) / ctx:at(time, fn): run fungsi[function] later, from a durable timer.
struct ScheduledCall {
  std::string function;
  std::string after;   // a time standard ("2 jam"), counted from now on the agency calendar
  std::string at;      // or an instant ("2026-01-05T08:00+07:00")
};

struct HookEffects {
  nlohmann::json set = nlohmann::json::object();
  std::vector<Notice> notices;
  std::vector<std::string> notes;
  std::string assign_role;  // ctx:assign(role): the step now running belongs to this role
  std::vector<ScheduledCall> calls;
};

struct HookOutcome {
  Status status;                      // a script error, with file and line
  bool ran = false;                   // false when the step has no such hook
  std::optional<std::string> label;   // decide/run: the branch label returned, if any
  bool allowed = true;                // guard: false when it refused
  std::string refusal;                // guard: why
  HookEffects effects;
};

// `case_snapshot` is { id, number, title, status, fields }; `step_snapshot` { id, no, visit }
// (null for procedure-level hooks).
HookOutcome RunHook(const CompiledProcedure& procedure, const StepDef* step, const char* hook_name,
                    const nlohmann::json& case_snapshot, const nlohmann::json& step_snapshot);

// Runs fungsi[name] (scheduled by ctx:after / ctx:at) with a ctx on the case.
HookOutcome RunFunction(const CompiledProcedure& procedure, const std::string& name, const nlohmann::json& case_snapshot);

}  // namespace siaga
