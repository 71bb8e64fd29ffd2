// Plain helpers for report scripts, in the sandbox as `fmt` and `dates`: local dates in an
// agency's zone (WIB, WITA, WIT; the run's zone when none is given), durations in Indonesian
// words, percentages. os.date would use the server's time zone, so scripts use these instead.
//
//   fmt.date(t [, zone]) -> "2026-01-31"      fmt.datetime(t [, zone]) -> "2026-01-31 08:00 WIB"
//   fmt.month(t [, zone]) -> "2026-01"        fmt.duration(seconds) -> "1 hari 2 jam 5 menit"
//   fmt.percent(part, whole [, decimals=1]) -> 87.5 (nil when whole is 0)
//   dates.parse(text [, zone]) -> unix seconds ("2026-01-31" is local midnight)
//   dates.day_start(t [, zone]), dates.month_start(t [, zone]), dates.add_months(t, n [, zone])
//   dates.zone() -> "WIB" (the run's zone)
#pragma once

#include <string>

#include "lua/sandbox.h"

namespace siaga {

// The zone dates are shown in when a script names none. Read at each call, so the runner can
// set it once the parameters are known (after the file's top level ran).
struct ReportZone {
  std::string label = "WIB";
  int utc_offset_minutes = 7 * 60;
};

// `zone` must outlive every call into the sandbox.
void InstallReportHelpers(LuaSandbox& sandbox, const ReportZone* zone);

// "1 hari 2 jam 5 menit"; "0 menit" under a minute.
std::string DurationWords(std::int64_t seconds);

}  // namespace siaga
