// A working calendar: an agency's time zone, weekly office hours and days off. Deadlines in
// working time or working days are computed here; everything is stored in UTC.
#pragma once

#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "time/time_standard.h"

namespace siaga {

struct OfficeInterval {
  int start_minute;  // minutes after local midnight
  int end_minute;
};

struct Deadline {
  UnixSeconds warn_at;
  UnixSeconds due_at;
};

class WorkingCalendar {
 public:
  // Perpres 21/2023 office hours (37.5 h a week from 07.30 local time):
  // Mon-Thu 07:30-12:00 and 13:00-16:00, Fri 07:30-11:30 and 13:00-16:30; weekends off.
  static WorkingCalendar Standard(int utc_offset_minutes, std::string zone_label);

  // "WIB", "WITA", "WIT" or "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura" (no DST in Indonesia).
  static Result<WorkingCalendar> ForZone(const std::string& zone);

  // Round the clock (a 24x7 role, DESIGN.md §11.2): every day is a working day, all day long.
  static WorkingCalendar RoundTheClock(int utc_offset_minutes, std::string zone_label);

  void SetWeekday(int weekday, std::vector<OfficeInterval> intervals);  // 0 = Sunday
  void SetRamadanWeekday(int weekday, std::vector<OfficeInterval> intervals);
  void AddDayOff(int year, unsigned month, unsigned day);
  // Cuti bersama are kept apart: whether they stop the clock is the agency's choice.
  void AddCutiBersama(int year, unsigned month, unsigned day);
  void SetCutiBersamaIsDayOff(bool off) { cuti_bersama_off_ = off; }
  // Ramadan from `first` to `last` (local days, inclusive) uses the Ramadan office hours.
  void AddRamadan(std::int64_t first_day, std::int64_t last_day);

  int utc_offset_minutes() const { return utc_offset_minutes_; }
  const std::string& zone_label() const { return zone_label_; }
  bool IsWorkingDay(std::int64_t local_days) const;
  // Office hours of a local day: Ramadan hours during Ramadan, none on days off.
  const std::vector<OfficeInterval>& IntervalsOn(std::int64_t local_days) const;

  UnixSeconds AddWorkingMinutes(UnixSeconds start, std::int64_t minutes) const;
  // The end of the n-th working day after the anchor's own day (the anchor day never counts).
  UnixSeconds AddWorkingDays(UnixSeconds start, std::int64_t days) const;
  UnixSeconds Add(UnixSeconds start, std::int64_t amount, TimeUnit unit, TimeBasis basis) const;
  // Office-hours seconds between two instants (0 when `to` is not after `from`).
  std::int64_t WorkingSecondsBetween(UnixSeconds from, UnixSeconds to) const;
  // Moves a deadline that was paused from `paused_at` until `resumed_at`: the time that was left
  // (office hours for working bases, plain time otherwise) is counted again from `resumed_at`.
  UnixSeconds ResumeDeadline(UnixSeconds due, UnixSeconds paused_at, UnixSeconds resumed_at, TimeBasis basis) const;

  // Warning at the low end of a range, breach at the high end; a single value warns when
  // `warn_share` of the window has passed.
  Deadline DeadlineFor(const TimeStandard& ts, UnixSeconds anchor, double warn_share = 0.75) const;

  std::string Format(UnixSeconds t) const { return FormatLocal(t, utc_offset_minutes_, zone_label_); }

 private:
  WorkingCalendar(int utc_offset_minutes, std::string zone_label);

  int utc_offset_minutes_;
  std::string zone_label_;
  std::array<std::vector<OfficeInterval>, 7> week_;
  std::array<std::vector<OfficeInterval>, 7> ramadan_week_;
  std::set<std::int64_t> days_off_;
  std::set<std::int64_t> cuti_bersama_;
  bool cuti_bersama_off_ = true;  // DESIGN.md §11.2: cuti bersama stops working-time clocks
  std::vector<std::pair<std::int64_t, std::int64_t>> ramadan_;
};

}  // namespace siaga
