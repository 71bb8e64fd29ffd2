#include <catch2/catch.hpp>

#include "time/time_standard.h"

using namespace siaga;

namespace {
TimeStandard Parse(const std::string& raw, TimeDefaults d = {}) {
  auto r = ParseTimeStandard(raw, d);
  INFO(raw << ": " << r.status().message());
  REQUIRE(r.ok());
  return *r;
}
}  // namespace

TEST_CASE("every Waktu form written in the seeds parses", "[time][standard]") {
  SECTION("minutes and hours run in working time by default") {
    auto t = Parse("10 Menit");
    CHECK((t.min == 10 && t.max == 10 && t.unit == TimeUnit::kMinute && t.basis == TimeBasis::kWorkingTime));
    t = Parse("6 Jam");
    CHECK((t.max == 6 && t.unit == TimeUnit::kHour && t.basis == TimeBasis::kWorkingTime));
    t = Parse("60 Menit");
    CHECK(t.NominalMinutes(true) == 60);
  }
  SECTION("plain hari means working days (DESIGN.md 11.1)") {
    auto t = Parse("3 Hari");
    CHECK((t.max == 3 && t.unit == TimeUnit::kDay && t.basis == TimeBasis::kWorkingDays));
    t = Parse("14 Hari", TimeDefaults{TimeBasis::kCalendarDays, TimeBasis::kWorkingTime});
    CHECK(t.basis == TimeBasis::kCalendarDays);
  }
  SECTION("hari kerja is always working days") {
    auto t = Parse("1 Hari kerja", TimeDefaults{TimeBasis::kCalendarDays, TimeBasis::kWorkingTime});
    CHECK(t.basis == TimeBasis::kWorkingDays);
  }
  SECTION("ranges keep both ends") {
    auto t = Parse("1-2 jam");
    CHECK((t.min == 1 && t.max == 2 && t.is_range()));
    t = Parse("2-5 hari kerja");
    CHECK((t.min == 2 && t.max == 5 && t.basis == TimeBasis::kWorkingDays));
    t = Parse("1 - 3  Jam");
    CHECK((t.min == 1 && t.max == 3));
  }
  SECTION("x 24 jam is elapsed time") {
    auto t = Parse("1 x 24 jam");
    CHECK((t.max == 24 && t.unit == TimeUnit::kHour && t.basis == TimeBasis::kElapsed));
    CHECK(Parse("2x24 Jam").max == 48);
  }
  SECTION("short forms") {
    CHECK(Parse("30m").unit == TimeUnit::kMinute);
    CHECK(Parse("4h").max == 4);
    CHECK(Parse("3d").basis == TimeBasis::kWorkingDays);
  }
  SECTION("an explicit basis wins") {
    auto t = ParseTimeStandard("24 Jam", {}, TimeBasis::kElapsed);
    REQUIRE(t.ok());
    CHECK((t->basis == TimeBasis::kElapsed && t->basis_explicit));
    t = ParseTimeStandard("7 Hari", {}, TimeBasis::kCalendarDays);
    REQUIRE(t.ok());
    CHECK(t->basis == TimeBasis::kCalendarDays);
  }
  CHECK(Parse("1-2 jam").Describe() == "1-2 jam (jam_kerja)");
}

TEST_CASE("anything else is refused with a clear error", "[time][standard]") {
  for (const char* bad : {"", "   ", "2 minggu", "jam", "abc", "5-2 jam", "0 jam", "1 x 12 jam", "3 hari hari",
                          "999 hari", "10", "1-jam", "-2 jam", "1.5 jam"}) {
    auto r = ParseTimeStandard(bad, {});
    INFO("'" << bad << "'");
    CHECK_FALSE(r.ok());
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
  }
  CHECK_THAT(ParseTimeStandard("2 minggu", {}).status().message(), Catch::Contains("2 minggu") && Catch::Contains("1-2 jam"));
  CHECK_THAT(ParseTimeStandard("5-2 jam", {}).status().message(), Catch::Contains("backwards"));
  CHECK_FALSE(ParseTimeStandard("2 jam", {}, TimeBasis::kWorkingDays).ok());
  CHECK_FALSE(ParseTimeStandard("2 hari", {}, TimeBasis::kWorkingTime).ok());
}
