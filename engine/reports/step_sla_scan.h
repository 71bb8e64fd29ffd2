// The row pass of the SLA aggregate (step_sla.h): step visits read into cells, one per
// (procedure, step, role, month), each with its counts and the durations of its done visits.
// A pass covers a range of step ids, so two passes on two connections can share the work and
// be merged.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "reports/scan_control.h"
#include "reports/step_sla.h"
#include "store/database.h"

namespace siaga {

constexpr std::uint16_t kSlaNone = 0xFFFF;  // a dimension left out of a grouping

struct SlaCell {
  std::uint16_t procedure = kSlaNone, step = kSlaNone, role = kSlaNone, month = kSlaNone;
  std::int64_t visits = 0, done = 0, met = 0, late = 0, open = 0, open_overdue = 0;
  std::vector<std::uint32_t> durations;
};

std::uint64_t PackSlaKey(std::uint16_t procedure, std::uint16_t step, std::uint16_t role, std::uint16_t month);

// Interns short strings (step and role ids) as small numbers, looked up without a copy.
class Interner {
 public:
  std::uint16_t Id(std::string_view s);
  const std::string& Name(std::uint16_t id) const { return names_[id]; }
  std::size_t size() const { return names_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, std::uint16_t, Hash, std::equal_to<>> ids_;
  std::vector<std::string> names_;
  std::uint16_t last_ = 0;
};

// What the pass needs to know of each case and procedure.
struct SlaCaseMap {
  std::vector<std::uint16_t> procedure_of_case;  // by case id; kSlaNone when unknown
  std::vector<bool> wanted;                      // by procedure slot
  std::vector<int> offset_minutes;               // by procedure slot: its zone, for the month
};

struct SlaPartial {
  Interner steps, roles;
  std::vector<SlaCell> cells;
  std::unordered_map<std::uint64_t, std::uint32_t> index;
  std::int64_t rows = 0;
};

// Reads the step visits with first_id <= id <= last_id that the query counts into `out`.
Status ScanStepVisits(Database& db, const StepSlaQuery& query, const SlaCaseMap& cases, std::int64_t first_id,
                      std::int64_t last_id, ScanControl& control, SlaPartial& out);

// Adds `from` into `into` (cells with the same names and month are summed).
void MergeSlaPartial(SlaPartial& into, SlaPartial&& from);

}  // namespace siaga
