#include <catch2/catch.hpp>

#include "time/calendar.h"

using namespace siaga;

namespace {
UnixSeconds Wib(const char* local) { return *ParseInstant(local, 7 * 60); }
std::string Show(const WorkingCalendar& c, UnixSeconds t) { return c.Format(t); }
}  // namespace

TEST_CASE("working minutes skip lunch, evenings and weekends (Perpres 21/2023 hours)", "[time][calendar]") {
  const WorkingCalendar wib = WorkingCalendar::Standard(7 * 60, "WIB");
  // Monday 5 January 2026.
  CHECK(Show(wib, wib.AddWorkingMinutes(Wib("2026-01-05 08:00"), 120)) == "2026-01-05 10:00 WIB");
  CHECK(Show(wib, wib.AddWorkingMinutes(Wib("2026-01-05 11:00"), 120)) == "2026-01-05 14:00 WIB");  // lunch 12-13
  CHECK(Show(wib, wib.AddWorkingMinutes(Wib("2026-01-05 06:00"), 30)) == "2026-01-05 08:00 WIB");   // before office
  CHECK(Show(wib, wib.AddWorkingMinutes(Wib("2026-01-05 15:30"), 60)) == "2026-01-06 08:00 WIB");   // overnight
  SECTION("Friday has its own hours and the weekend is skipped") {
    // Friday 9 January: 13:00-16:30 afternoon; 2 jam from 15:30 leaves 60 min for Monday.
    CHECK(Show(wib, wib.AddWorkingMinutes(Wib("2026-01-09 15:30"), 120)) == "2026-01-12 08:30 WIB");
    CHECK(Show(wib, wib.AddWorkingMinutes(Wib("2026-01-10 10:00"), 10)) == "2026-01-12 07:40 WIB");  // Saturday
  }
  SECTION("a day off is skipped") {
    WorkingCalendar c = WorkingCalendar::Standard(7 * 60, "WIB");
    c.AddDayOff(2026, 1, 6);
    CHECK(Show(c, c.AddWorkingMinutes(Wib("2026-01-05 15:30"), 60)) == "2026-01-07 08:00 WIB");
  }
}

TEST_CASE("working days end at close of business and never count the anchor day", "[time][calendar]") {
  const WorkingCalendar wib = WorkingCalendar::Standard(7 * 60, "WIB");
  CHECK(Show(wib, wib.AddWorkingDays(Wib("2026-01-05 08:00"), 1)) == "2026-01-06 16:00 WIB");
  CHECK(Show(wib, wib.AddWorkingDays(Wib("2026-01-08 09:00"), 1)) == "2026-01-09 16:30 WIB");  // Friday closes 16:30
  CHECK(Show(wib, wib.AddWorkingDays(Wib("2026-01-08 09:00"), 3)) == "2026-01-13 16:00 WIB");
  WorkingCalendar c = WorkingCalendar::Standard(7 * 60, "WIB");
  c.AddDayOff(2026, 1, 6);
  CHECK(Show(c, c.AddWorkingDays(Wib("2026-01-05 08:00"), 1)) == "2026-01-07 16:00 WIB");
}

TEST_CASE("deadlines: a range warns at its low end, a single value at 75 percent", "[time][calendar]") {
  const WorkingCalendar wib = WorkingCalendar::Standard(7 * 60, "WIB");
  const UnixSeconds start = Wib("2026-01-05 08:00");
  auto range = *ParseTimeStandard("1-2 jam", {});
  Deadline d = wib.DeadlineFor(range, start);
  CHECK(Show(wib, d.warn_at) == "2026-01-05 09:00 WIB");
  CHECK(Show(wib, d.due_at) == "2026-01-05 10:00 WIB");
  auto single = *ParseTimeStandard("4 jam", {});
  d = wib.DeadlineFor(single, start);
  CHECK(d.due_at - start == 4 * 3600);
  CHECK(d.warn_at - start == 3 * 3600);
  auto elapsed = *ParseTimeStandard("1 x 24 jam", {});
  CHECK(wib.DeadlineFor(elapsed, start).due_at - start == 24 * 3600);
  auto calendar_days = *ParseTimeStandard("7 Hari", {}, TimeBasis::kCalendarDays);
  CHECK(wib.DeadlineFor(calendar_days, start).due_at - start == 7 * 86400);
}

TEST_CASE("time zones: WIB, WITA and WIT, unknown zones are refused", "[time][calendar]") {
  auto wita = WorkingCalendar::ForZone("WITA");
  REQUIRE(wita.ok());
  CHECK(wita->utc_offset_minutes() == 480);
  // 08:00 WITA is 00:00 UTC.
  const UnixSeconds start = *ParseInstant("2026-01-05T00:00:00Z");
  CHECK(FormatUtc(wita->AddWorkingMinutes(start, 60)) == "2026-01-05T01:00:00Z");
  CHECK(WorkingCalendar::ForZone("Asia/Jayapura")->zone_label() == "WIT");
  CHECK_FALSE(WorkingCalendar::ForZone("CET").ok());
}

TEST_CASE("paused deadlines resume with the time that was left", "[time][calendar]") {
  const WorkingCalendar wib = WorkingCalendar::Standard(7 * 60, "WIB");
  // Monday 10:00 to Tuesday 10:00: 5 office hours Monday (lunch 12-13), 2.5 Tuesday morning.
  CHECK(wib.WorkingSecondsBetween(Wib("2026-01-05 10:00"), Wib("2026-01-06 10:00")) == 7 * 3600 + 1800);
  CHECK(wib.WorkingSecondsBetween(Wib("2026-01-10 10:00"), Wib("2026-01-11 10:00")) == 0);  // a weekend
  CHECK(wib.WorkingSecondsBetween(Wib("2026-01-06 10:00"), Wib("2026-01-05 10:00")) == 0);
  // Due Tuesday 16:00, paused Monday 10:00 (5 + 7.5 office hours left), resumed Thursday 10:00.
  const UnixSeconds due = Wib("2026-01-06 16:00");
  CHECK(Show(wib, wib.ResumeDeadline(due, Wib("2026-01-05 10:00"), Wib("2026-01-08 10:00"), TimeBasis::kWorkingDays)) ==
        "2026-01-09 16:30 WIB");  // Thursday 5 h to 16:00, Friday 7.5 h to 16:30
  CHECK(wib.ResumeDeadline(due, Wib("2026-01-05 10:00"), Wib("2026-01-08 10:00"), TimeBasis::kElapsed) -
            due == 3 * 86400);
}
