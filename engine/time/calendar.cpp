#include "time/calendar.h"

#include <algorithm>
#include <stdexcept>

namespace siaga {

namespace {
constexpr std::int64_t kSecondsPerDay = 86400;
constexpr int kSearchLimitDays = 3660;  // a calendar with no working day in ten years is broken
}  // namespace

WorkingCalendar::WorkingCalendar(int utc_offset_minutes, std::string zone_label)
    : utc_offset_minutes_(utc_offset_minutes), zone_label_(std::move(zone_label)) {}

WorkingCalendar WorkingCalendar::Standard(int utc_offset_minutes, std::string zone_label) {
  WorkingCalendar c(utc_offset_minutes, std::move(zone_label));
  const std::vector<OfficeInterval> mon_thu = {{7 * 60 + 30, 12 * 60}, {13 * 60, 16 * 60}};
  const std::vector<OfficeInterval> fri = {{7 * 60 + 30, 11 * 60 + 30}, {13 * 60, 16 * 60 + 30}};
  for (int d = 1; d <= 4; ++d) c.week_[static_cast<size_t>(d)] = mon_thu;
  c.week_[5] = fri;
  // Ramadan: 32.5 h a week from 08.00 (Perpres 21/2023); the daily split is each agency's to set.
  const std::vector<OfficeInterval> r_mon_thu = {{8 * 60, 12 * 60}, {12 * 60 + 30, 15 * 60}};
  const std::vector<OfficeInterval> r_fri = {{8 * 60, 11 * 60 + 30}, {12 * 60 + 30, 15 * 60 + 30}};
  for (int d = 1; d <= 4; ++d) c.ramadan_week_[static_cast<size_t>(d)] = r_mon_thu;
  c.ramadan_week_[5] = r_fri;
  return c;
}

WorkingCalendar WorkingCalendar::RoundTheClock(int utc_offset_minutes, std::string zone_label) {
  WorkingCalendar c(utc_offset_minutes, std::move(zone_label));
  for (auto& day : c.week_) day = {{0, 24 * 60}};
  c.ramadan_week_ = c.week_;
  return c;
}

void WorkingCalendar::SetRamadanWeekday(int weekday, std::vector<OfficeInterval> intervals) {
  std::sort(intervals.begin(), intervals.end(),
            [](const OfficeInterval& a, const OfficeInterval& b) { return a.start_minute < b.start_minute; });
  ramadan_week_.at(static_cast<size_t>(weekday)) = std::move(intervals);
}

void WorkingCalendar::AddCutiBersama(int year, unsigned month, unsigned day) {
  cuti_bersama_.insert(DaysFromCivil(year, month, day));
}

void WorkingCalendar::AddRamadan(std::int64_t first_day, std::int64_t last_day) {
  ramadan_.emplace_back(first_day, last_day);
}

const std::vector<OfficeInterval>& WorkingCalendar::IntervalsOn(std::int64_t local_days) const {
  static const std::vector<OfficeInterval> kNone;
  if (days_off_.contains(local_days)) return kNone;
  if (cuti_bersama_off_ && cuti_bersama_.contains(local_days)) return kNone;
  const auto weekday = static_cast<size_t>(WeekdayFromDays(local_days));
  for (const auto& [first, last] : ramadan_)
    if (local_days >= first && local_days <= last) return ramadan_week_[weekday];
  return week_[weekday];
}

Result<WorkingCalendar> WorkingCalendar::ForZone(const std::string& zone) {
  if (zone == "WIB" || zone == "Asia/Jakarta" || zone == "Asia/Pontianak") return Standard(7 * 60, "WIB");
  if (zone == "WITA" || zone == "Asia/Makassar") return Standard(8 * 60, "WITA");
  if (zone == "WIT" || zone == "Asia/Jayapura") return Standard(9 * 60, "WIT");
  return InvalidArgument("unknown time zone '" + zone + "'; use WIB, WITA or WIT");
}

void WorkingCalendar::SetWeekday(int weekday, std::vector<OfficeInterval> intervals) {
  std::sort(intervals.begin(), intervals.end(),
            [](const OfficeInterval& a, const OfficeInterval& b) { return a.start_minute < b.start_minute; });
  week_.at(static_cast<size_t>(weekday)) = std::move(intervals);
}

void WorkingCalendar::AddDayOff(int year, unsigned month, unsigned day) {
  days_off_.insert(DaysFromCivil(year, month, day));
}

bool WorkingCalendar::IsWorkingDay(std::int64_t local_days) const { return !IntervalsOn(local_days).empty(); }

UnixSeconds WorkingCalendar::AddWorkingMinutes(UnixSeconds start, std::int64_t minutes) const {
  const std::int64_t offset = utc_offset_minutes_ * 60LL;
  std::int64_t local = start + offset;
  std::int64_t day = local >= 0 ? local / kSecondsPerDay : (local - kSecondsPerDay + 1) / kSecondsPerDay;
  std::int64_t remaining = minutes * 60;
  for (int guard = 0; guard < kSearchLimitDays; ++guard, ++day) {
    for (const OfficeInterval& iv : IntervalsOn(day)) {
      const std::int64_t iv_start = day * kSecondsPerDay + iv.start_minute * 60LL;
      const std::int64_t iv_end = day * kSecondsPerDay + iv.end_minute * 60LL;
      const std::int64_t from = std::max(local, iv_start);
      if (from >= iv_end) continue;
      if (from + remaining <= iv_end) return from + remaining - offset;
      remaining -= iv_end - from;
      local = iv_end;
    }
  }
  throw std::runtime_error("working calendar " + zone_label_ + " has no working time in ten years");
}

UnixSeconds WorkingCalendar::AddWorkingDays(UnixSeconds start, std::int64_t days) const {
  const std::int64_t offset = utc_offset_minutes_ * 60LL;
  const std::int64_t local = start + offset;
  std::int64_t day = local >= 0 ? local / kSecondsPerDay : (local - kSecondsPerDay + 1) / kSecondsPerDay;
  std::int64_t counted = 0;
  for (int guard = 0; guard < kSearchLimitDays; ++guard) {
    ++day;
    if (IsWorkingDay(day) && ++counted == days) return day * kSecondsPerDay + IntervalsOn(day).back().end_minute * 60LL - offset;
  }
  throw std::runtime_error("working calendar " + zone_label_ + " has no working day in ten years");
}

UnixSeconds WorkingCalendar::Add(UnixSeconds start, std::int64_t amount, TimeUnit unit, TimeBasis basis) const {
  const std::int64_t minutes = unit == TimeUnit::kMinute ? amount : unit == TimeUnit::kHour ? amount * 60 : amount * 1440;
  switch (basis) {
    case TimeBasis::kWorkingTime: return AddWorkingMinutes(start, minutes);
    case TimeBasis::kWorkingDays: return AddWorkingDays(start, amount);
    case TimeBasis::kCalendarDays:
    case TimeBasis::kElapsed: return start + minutes * 60;
  }
  return start;
}

std::int64_t WorkingCalendar::WorkingSecondsBetween(UnixSeconds from, UnixSeconds to) const {
  if (to <= from) return 0;
  const std::int64_t offset = utc_offset_minutes_ * 60LL;
  const std::int64_t a = from + offset, b = to + offset;
  std::int64_t day = a >= 0 ? a / kSecondsPerDay : (a - kSecondsPerDay + 1) / kSecondsPerDay;
  std::int64_t total = 0;
  for (; day * kSecondsPerDay < b; ++day) {
    for (const OfficeInterval& iv : IntervalsOn(day)) {
      const std::int64_t lo = std::max<std::int64_t>(a, day * kSecondsPerDay + iv.start_minute * 60LL);
      const std::int64_t hi = std::min<std::int64_t>(b, day * kSecondsPerDay + iv.end_minute * 60LL);
      if (hi > lo) total += hi - lo;
    }
  }
  return total;
}

UnixSeconds WorkingCalendar::ResumeDeadline(UnixSeconds due, UnixSeconds paused_at, UnixSeconds resumed_at,
                                            TimeBasis basis) const {
  if (basis == TimeBasis::kElapsed || basis == TimeBasis::kCalendarDays)
    return due + std::max<std::int64_t>(0, resumed_at - paused_at);
  const std::int64_t left = WorkingSecondsBetween(paused_at, due);
  // AddWorkingMinutes works in minutes; round the remainder up so no second is lost.
  return AddWorkingMinutes(resumed_at, (left + 59) / 60);
}

Deadline WorkingCalendar::DeadlineFor(const TimeStandard& ts, UnixSeconds anchor, double warn_share) const {
  Deadline d{};
  d.due_at = Add(anchor, ts.max, ts.unit, ts.basis);
  if (ts.is_range()) {
    d.warn_at = Add(anchor, ts.min, ts.unit, ts.basis);
  } else {
    d.warn_at = anchor + static_cast<std::int64_t>(static_cast<double>(d.due_at - anchor) * warn_share);
  }
  return d;
}

}  // namespace siaga
