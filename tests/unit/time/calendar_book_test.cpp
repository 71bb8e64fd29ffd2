// Worked examples of deadline arithmetic on the shipped calendar data (sop/kalender/,
// sop/instansi/), and the calendar file format's errors.
#include <catch2/catch.hpp>

#include "test_support.h"
#include "time/calendar_book.h"

using namespace siaga;

namespace {

CalendarBook Shipped() {
  CalendarBook book;
  const auto diags = book.LoadDirectory(test::kSeedDir);
  REQUIRE_FALSE(HasErrors(diags));
  return book;
}

std::string Due(const WorkingCalendar& c, const char* ready_local, const char* waktu,
                std::optional<TimeBasis> basis = std::nullopt) {
  const UnixSeconds ready = *ParseInstant(ready_local, c.utc_offset_minutes());
  auto ts = ParseTimeStandard(waktu, {}, basis);
  REQUIRE(ts.ok());
  return c.Format(c.DeadlineFor(*ts, ready).due_at);
}

}  // namespace

TEST_CASE("worked examples on the 2026 national calendar", "[time][calendar][examples]") {
  const CalendarBook book = Shipped();
  const WorkingCalendar wib = *book.For("kab-trenggalek", "WIB");
  const WorkingCalendar wita = *book.For("prov-kaltim", "WITA");

  SECTION("\"2 jam\" ready Friday 15:30 WIB is due Monday") {
    // Friday 9 Jan: one hour left until 16:30; Monday 12 Jan opens 07:30.
    CHECK(Due(wib, "2026-01-09 15:30", "2 jam") == "2026-01-12 08:30 WIB");
  }
  SECTION("\"1 hari\" across a national holiday") {
    // Wednesday 31 Dec 2025; Thursday 1 Jan 2026 is Tahun Baru, so the one working day is Friday.
    CHECK(Due(wib, "2025-12-31 10:00", "1 hari") == "2026-01-02 16:30 WIB");
    // Isra Mikraj, Friday 16 Jan: "1 hari" from Thursday lands on Monday.
    CHECK(Due(wib, "2026-01-15 09:00", "1 hari") == "2026-01-19 16:00 WIB");
  }
  SECTION("WITA vs WIB: the same local deadline, one hour apart in UTC") {
    CHECK(Due(wita, "2026-01-09 15:30", "2 jam") == "2026-01-12 08:30 WITA");
    const auto ts = *ParseTimeStandard("2 jam", {});
    const UnixSeconds wib_due = wib.DeadlineFor(ts, *ParseInstant("2026-01-09 15:30", 7 * 60)).due_at;
    const UnixSeconds wita_due = wita.DeadlineFor(ts, *ParseInstant("2026-01-09 15:30", 8 * 60)).due_at;
    CHECK(FormatUtc(wib_due) == "2026-01-12T01:30:00Z");
    CHECK(FormatUtc(wita_due) == "2026-01-12T00:30:00Z");
  }
  SECTION("a Ramadan day uses the Ramadan office hours") {
    // Monday 2 March 2026 (Ramadan 1447 H): 08:00-12:00 and 12:30-15:00.
    CHECK(Due(wib, "2026-03-02 14:00", "2 jam") == "2026-03-03 09:00 WIB");
    CHECK(Due(wib, "2026-03-02 11:30", "1 jam") == "2026-03-02 13:00 WIB");  // the 12:00-12:30 break
    // Outside Ramadan the same start runs on normal hours.
    CHECK(Due(wib, "2026-04-06 14:00", "2 jam") == "2026-04-06 16:00 WIB");
  }
  SECTION("cuti bersama on and off") {
    // Friday 13 Feb: Monday 16 Feb is cuti bersama, Tuesday 17 Feb is Imlek.
    CHECK(Due(wib, "2026-02-13 10:00", "1 hari") == "2026-02-18 16:00 WIB");
    test::TempDir dir;
    test::WriteFile(dir / "sop/kalender/nasional-2026.lua", "return kalender { tahun = 2026, sumber = 'uji', "
                    "libur = { { '2026-02-17', 'Imlek' } }, cuti_bersama = { { '2026-02-16', 'Cuti Imlek' } } }");
    test::WriteFile(dir / "sop/instansi/uji.lua", "return instansi { id = 'uji', cuti_bersama_libur = false }");
    CalendarBook book2;
    REQUIRE_FALSE(HasErrors(book2.LoadDirectory(dir / "sop")));
    const WorkingCalendar working_cuti = *book2.For("uji", "WIB");
    CHECK(Due(working_cuti, "2026-02-13 10:00", "1 hari") == "2026-02-16 16:00 WIB");
    const WorkingCalendar default_cuti = *book2.For("lain", "WIB");  // an agency with no settings file
    CHECK(Due(default_cuti, "2026-02-13 10:00", "1 hari") == "2026-02-18 16:00 WIB");
  }
  SECTION("\"1 x 24 jam\" runs across a weekend as elapsed time") {
    CHECK(Due(wib, "2026-01-09 15:00", "1 x 24 jam") == "2026-01-10 15:00 WIB");
  }
  SECTION("a 24x7 role's clock never stops") {
    test::TempDir dir;
    test::WriteFile(dir / "sop/instansi/uji.lua", "return instansi { id = 'uji', layanan_24_jam = { 'helpdesk' } }");
    CalendarBook book2;
    REQUIRE_FALSE(HasErrors(book2.LoadDirectory(dir / "sop")));
    CHECK(Due(*book2.For("uji", "WIB", "helpdesk"), "2026-01-10 10:00", "2 jam") == "2026-01-10 12:00 WIB");
    CHECK(Due(*book2.For("uji", "WIB", "analis"), "2026-01-10 10:00", "2 jam") == "2026-01-12 09:30 WIB");
  }
  SECTION("local office hours and local days off") {
    test::TempDir dir;
    test::WriteFile(dir / "sop/instansi/uji.lua", "return instansi { id = 'uji', zona_waktu = 'WIT', "
                    "jam_kerja = { senin_jumat = { '08:00-16:00' }, sabtu = { '08:00-12:00' } }, "
                    "libur_lokal = { { '2026-01-12', 'Hari Jadi' } } }");
    CalendarBook book2;
    REQUIRE_FALSE(HasErrors(book2.LoadDirectory(dir / "sop")));
    const WorkingCalendar c = *book2.For("uji", "WIB");
    CHECK(c.zone_label() == "WIT");
    CHECK(Due(c, "2026-01-09 15:00", "2 jam") == "2026-01-10 09:00 WIT");   // Saturday mornings work
    CHECK(Due(c, "2026-01-10 11:00", "2 jam") == "2026-01-13 09:00 WIT");   // Monday 12 Jan is a local day off
  }
}

TEST_CASE("calendar files: errors name the file and the field", "[time][calendar]") {
  test::TempDir dir;
  auto load = [&](const std::string& name, const std::string& code) {
    test::WriteFile(dir / name, code);
    CalendarBook book;
    std::string out;
    for (const auto& d : book.LoadFile(dir / name)) out += d.ToString() + "\n";
    return out;
  };
  CHECK_THAT(load("kalender/a.lua", "return kalender { tahun = 2026, sumber = 'x', libur = { { '2026-13-01', 'x' } } }"),
             Catch::Contains("field 'libur[1]': must be a date written YYYY-MM-DD"));
  CHECK_THAT(load("kalender/b.lua", "return kalender { tahun = 2026, sumber = 'x', libur = { { '2025-12-31', 'x' } } }"),
             Catch::Contains("2025-12-31 is not in 2026"));
  CHECK_THAT(load("kalender/c.lua", "return kalender { sumber = 'x' }"), Catch::Contains("field 'tahun'"));
  CHECK_THAT(load("instansi/d.lua", "return instansi { id = 'x', jam_kerja = { senin = { '16:00-08:00' } } }"),
             Catch::Contains("field 'jam_kerja.senin': must be office hours"));
  CHECK_THAT(load("instansi/e.lua", "return instansi { id = 'x', jam_kerja = { minggu_ini = {} } }"), Catch::Contains("unknown day"));
  CHECK_THAT(load("instansi/f.lua", "return instansi { id = 'x', zona = 'WIB' }"), Catch::Contains("unknown field 'zona'"));
  CHECK_THAT(load("instansi/g.lua", "return { id = 'x' }"), Catch::Contains("must return kalender { ... } or instansi { ... }"));
  CHECK_THAT(load("instansi/h.lua", "while true do end"), Catch::Contains("budget exhausted"));
  // A value of the wrong type is named, not thrown out of the loader ("internal error" at lint,
  // a server that would not start).
  CHECK_THAT(load("instansi/i.lua", "return instansi { id = 'x', nama = 5 }"), Catch::Contains("field 'nama': must be text"));
  CHECK_THAT(load("instansi/j.lua", "return instansi { id = 'x', zona_waktu = { 'WIB' } }"), Catch::Contains("field 'zona_waktu': must be text"));
  CHECK_THAT(load("instansi/k.lua", "return instansi { id = 'x', kalender = true }"), Catch::Contains("field 'kalender': must be text"));
  CHECK_THAT(load("instansi/n.lua", "return instansi { id = 'x', cuti_bersama_libur = {} }"),
             Catch::Contains("field 'cuti_bersama_libur': must be true or false"));
  CHECK_THAT(load("kalender/l.lua", "return kalender { tahun = 2026, sumber = 'x', ramadan = 'maret' }"), Catch::Contains("field 'ramadan'"));
  CHECK_THAT(load("kalender/m.lua", "return kalender { tahun = 2026, sumber = 'x', ramadan = { mulai = '2026-02-18', selesai = '2026-03-19', perkiraan = 'ya' } }"),
             Catch::Contains("field 'ramadan.perkiraan': must be true or false"));
}

TEST_CASE("agency files: mengawasi lists the agencies an agency oversees, and bad entries name the field", "[time][calendar][agency]") {
  test::TempDir dir;
  auto load = [&](const std::string& name, const std::string& code, CalendarBook& book) {
    test::WriteFile(dir / name, code);
    std::string out;
    for (const auto& d : book.LoadFile(dir / name)) out += d.ToString() + "\n";
    return out;
  };
  CalendarBook book;
  CHECK(load("instansi/prov.lua", "return instansi { id = 'prov', mengawasi = { 'kab-a', 'kota-b' } }", book).empty());
  REQUIRE(book.Agency("prov") != nullptr);
  CHECK(book.Agency("prov")->mengawasi == std::vector<std::string>{"kab-a", "kota-b"});
  CHECK(book.Agency("kab-a") == nullptr);
  CHECK(load("instansi/kab.lua", "return instansi { id = 'kab', mengawasi = {} }", book).empty());
  CHECK(book.Agency("kab")->mengawasi.empty());
  CHECK(book.agencies().size() == 2);
  CalendarBook other;
  CHECK_THAT(load("instansi/x.lua", "return instansi { id = 'x', mengawasi = 'kab-a' }", other), Catch::Contains("field 'mengawasi'"));
  CHECK_THAT(load("instansi/y.lua", "return instansi { id = 'y', mengawasi = { 1 } }", other), Catch::Contains("field 'mengawasi'"));
  CHECK_THAT(load("instansi/z.lua", "return instansi { id = 'z', mengawasi = { 'z' } }", other), Catch::Contains("cannot oversee itself"));
  CHECK(other.agencies().empty());
}
