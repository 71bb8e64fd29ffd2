// Checks on a procedure's graph and contents (DESIGN.md §5): unknown ids and roles, unreachable
// steps, dead ends, loops with no exit, bad step shapes; warnings for inferred marks, unbounded
// loops, steps without Waktu, and step times against the service standard.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "procedure/definition.h"
#include "procedure/diagnostic.h"

namespace siaga {

// Checks one procedure on its own; appends to `out`.
void CheckProcedure(const ProcedureDef& def, std::vector<Diagnostic>& out);

// Checks what spans files: unique ids, `call` targets that exist, and (when `root` is given)
// that each id matches its path `root/<id>.lua`.
void CheckProcedureSet(const std::vector<const ProcedureDef*>& defs, const std::string& root,
                       std::vector<Diagnostic>& out);

// Nominal total of step times along the shortest and longest path from entry to a finish
// (loops taken zero times), in minutes, with a working day counted as 7.5 hours.
struct PathTotals {
  std::int64_t shortest_minutes = 0;
  std::int64_t longest_minutes = 0;
  bool complete = true;  // false when some step on a path has no Waktu
};
PathTotals ComputePathTotals(const ProcedureDef& def);

std::string FormatNominalMinutes(std::int64_t minutes);  // "3 hari 7 jam 20 menit"

}  // namespace siaga
