// Time standards (Mutu Baku: Waktu) as SOPs write them: "10 Menit", "1-2 jam", "2-5 hari kerja",
// "1 x 24 jam", "30m"... parsed into a range and the basis the clock runs on (DESIGN.md §11.1).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace siaga {

enum class TimeBasis {
  kWorkingTime,   // minutes of office hours on the agency calendar ("jam_kerja")
  kWorkingDays,   // whole working days, due at close of business ("hari_kerja")
  kCalendarDays,  // days of 24 h, holidays included ("kalender")
  kElapsed,       // plain elapsed time ("elapsed")
};

enum class TimeUnit { kMinute, kHour, kDay };

const char* TimeBasisName(TimeBasis basis);  // the DSL spelling: jam_kerja, hari_kerja, ...
std::optional<TimeBasis> TimeBasisFromName(std::string_view name);

struct TimeStandard {
  std::string raw;          // as written, for display
  std::int64_t min = 0;     // in `unit`
  std::int64_t max = 0;     // in `unit`; equal to min when not a range
  TimeUnit unit = TimeUnit::kMinute;
  TimeBasis basis = TimeBasis::kWorkingTime;
  bool basis_explicit = false;

  bool is_range() const { return min != max; }
  // Nominal length in minutes, assuming 7.5 working hours a day: only for summing paths in lint.
  std::int64_t NominalMinutes(bool use_max) const;
  std::string Describe() const;  // "1-2 jam (jam_kerja)"
};

// How a procedure reads units the text leaves open (`waktu_default`).
struct TimeDefaults {
  TimeBasis day = TimeBasis::kWorkingDays;      // "hari"
  TimeBasis clock = TimeBasis::kWorkingTime;    // "menit", "jam"
};

// Parses `raw`; `basis_override` (from `{ "24 jam", basis = "elapsed" }`) wins over every default.
Result<TimeStandard> ParseTimeStandard(std::string_view raw, const TimeDefaults& defaults,
                                       std::optional<TimeBasis> basis_override = std::nullopt);

}  // namespace siaga
