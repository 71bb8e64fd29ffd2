// A store for the report tests, filled by running the seed procedures on the real engine with a
// fake clock. Every step is done after a delay the test chooses, and the test writes down, from
// its own reading of the SOPs, when each step's deadline falls (all chosen so that a working-time
// deadline stays inside one office-hours interval: due = ready + the standard). Expected figures
// are computed from these records by the tests, never by the report code.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "procedure/loader.h"
#include "runner/engine.h"
#include "runner/queries.h"
#include "test_support.h"

namespace siaga::test {

inline UnixSeconds Wib(const char* local) { return *ParseInstant(local, 7 * 60); }
inline UnixSeconds Wita(const char* local) { return *ParseInstant(local, 8 * 60); }

struct ExpectedVisit {
  std::string procedure, step, role;
  int offset_minutes;  // the procedure's zone
  UnixSeconds ready, due;
  std::optional<UnixSeconds> done;
};

struct ExpectedCase {
  std::int64_t id = 0;
  std::string number, procedure, title, zone;
  int offset_minutes = 7 * 60;
  nlohmann::json fields = nlohmann::json::object();
  UnixSeconds opened = 0;
  std::optional<UnixSeconds> closed;
  std::string status = "open";        // open, closed, cancelled
  std::string evidence_tlp;           // strictest TLP of its evidence, "" when none
  std::optional<bool> service_met;    // sla_kasus of a closed case: met or late (seed 004 only)
};

// A procedure of the test's own, in WITA with elapsed-time standards, to cross a month boundary
// at a time when WIB and WITA disagree on the month.
inline const char* kMonthProcedure = R"lua(
return sop {
  id = "uji/bulan", revision = 1, instansi = "uji", zona_waktu = "WITA",
  identitas = { nama = "Uji pergantian bulan" },
  pelaksana = { staf = { label = "Staf Uji" } },
  langkah = {
    task "satu" { pelaksana = "staf", waktu = { "2 jam", basis = "elapsed" }, next = "dua" },
    task "dua" { pelaksana = "staf", waktu = { "1 jam", basis = "elapsed" }, next = "selesai" },
    finish "selesai" {},
  },
}
)lua";

class ReportStore {
 public:
  TempDir dir;
  std::unique_ptr<Database> db = std::move(*OpenStore(dir / "siaga.db"));
  FakeClock clock{Wib("2026-01-05 08:00")};
  ProcedureRegistry registry;
  Engine engine{*db, registry, clock};
  std::vector<ExpectedVisit> visits;
  std::vector<ExpectedCase> cases;
  // "Now" for the reports: Monday 2 February 2026, 10:05 WIB.
  const UnixSeconds now = Wib("2026-02-02 10:05");

  // One case walked step by step; `t` is the instant of the last action.
  class Walk {
   public:
    Walk(ReportStore& s, std::string procedure, UnixSeconds at, std::string title, nlohmann::json fields, int offset,
         std::string zone)
        : s_(s), t_(at) {
      s_.clock.Set(at);
      Command c;
      c.type = Command::Type::kOpenCase;
      c.procedure_id = procedure;
      c.title = title;
      c.fields = fields;
      c.actor.name = "tester";
      const CommandResult r = s_.engine.Apply(c);
      INFO(r.status.message());
      REQUIRE(r.status.ok());
      ExpectedCase ec;
      ec.id = r.case_id;
      ec.number = (*ShowCase(*s_.db, r.case_id, at))["case"]["number"].get<std::string>();
      ec.procedure = procedure;
      ec.title = title;
      ec.zone = zone;
      ec.offset_minutes = offset;
      ec.fields = fields;
      ec.opened = at;
      s_.cases.push_back(ec);
      index_ = s_.cases.size() - 1;
    }

    // Completes `step` (or takes `label` when it is a decision) `minutes` after it became ready;
    // its deadline falls `standard_minutes` after it became ready.
    Walk& Work(const std::string& step, const std::string& role, int minutes, int standard_minutes, const std::string& label = "") {
      return WorkDue(step, role, minutes, t_ + standard_minutes * 60, label);
    }
    Walk& WorkDue(const std::string& step, const std::string& role, int minutes, UnixSeconds due, const std::string& label = "") {
      const UnixSeconds ready = t_;
      Act(step, minutes, label);
      s_.visits.push_back({s_.cases[index_].procedure, step, role, s_.cases[index_].offset_minutes, ready, due, t_});
      return *this;
    }
    // A step without a time standard: done, and judged by nobody.
    Walk& Unjudged(const std::string& step, int minutes) {
      Act(step, minutes, "");
      return *this;
    }
    // Leaves `step` open (ready since the last action).
    Walk& Open(const std::string& step, const std::string& role, int standard_minutes) {
      return OpenDue(step, role, t_ + standard_minutes * 60);
    }
    Walk& OpenDue(const std::string& step, const std::string& role, UnixSeconds due) {
      s_.visits.push_back({s_.cases[index_].procedure, step, role, s_.cases[index_].offset_minutes, t_, due, std::nullopt});
      return *this;
    }
    Walk& Closed(std::optional<bool> service_met = std::nullopt) {
      s_.cases[index_].closed = t_;
      s_.cases[index_].status = "closed";
      s_.cases[index_].service_met = service_met;
      return *this;
    }
    Walk& Attach(const std::string& tlp) {
      Command c;
      c.type = Command::Type::kAttach;
      c.case_id = s_.cases[index_].id;
      c.evidence_name = "bukti.txt";
      c.evidence_content = "log server";
      c.tlp = tlp;
      c.actor.name = "tester";
      const CommandResult r = s_.engine.Apply(c);
      INFO(r.status.message());
      REQUIRE(r.status.ok());
      s_.cases[index_].evidence_tlp = tlp;
      return *this;
    }
    Walk& Cancel(int minutes) {
      t_ += minutes * 60;
      s_.clock.Set(t_);
      Command c;
      c.type = Command::Type::kCancel;
      c.case_id = s_.cases[index_].id;
      c.note = "laporan ganda";
      c.actor.name = "tester";
      const CommandResult r = s_.engine.Apply(c);
      INFO(r.status.message());
      REQUIRE(r.status.ok());
      s_.cases[index_].closed = t_;
      s_.cases[index_].status = "cancelled";
      return *this;
    }

   private:
    void Act(const std::string& step, int minutes, const std::string& label) {
      t_ += minutes * 60;
      s_.clock.Set(t_);
      Command c;
      c.type = label.empty() ? Command::Type::kComplete : Command::Type::kDecide;
      c.case_id = s_.cases[index_].id;
      c.step_id = step;
      c.label = label;
      c.actor.name = "tester";
      const CommandResult r = s_.engine.Apply(c);
      INFO(step << ": " << r.status.message());
      REQUIRE(r.status.ok());
    }
    ReportStore& s_;
    UnixSeconds t_;
    std::size_t index_ = 0;
  };

  Walk Surakarta(const char* at_wib, const std::string& title, nlohmann::json fields) {
    return Walk(*this, "surakarta/layanan-keamanan-informasi", Wib(at_wib), title, std::move(fields), 7 * 60, "WIB");
  }

  ReportStore() {
    registry.LoadDirectory(kSeedDir);
    LoadResult month = LoadProcedureSource(kMonthProcedure, "sop/uji/bulan.lua");
    REQUIRE(month.procedure);
    registry.Add(month.procedure);

    // A: general incident, closed within the service standard (1 working day: end of Tuesday).
    Surakarta("2026-01-05 08:00", "Gangguan situs kelurahan",
              {{"pelapor", "Budi (Kel. Jebres)"}, {"aset", "jebres.surakarta.go.id"}, {"klasifikasi", "web defacement"}, {"tlp", "GREEN"}})
        .Work("terima", "kabid", 5, 10)
        .Work("tindak_lanjut", "analis", 20, 15)                    // late
        .Work("jenis", "analis", 10, 10, "insiden umum")             // exactly at the deadline: met
        .Work("tangani", "pranata", 23 * 60, 24 * 60)                // 24 Jam, elapsed: Tuesday 07:35; a general
                                                                     // incident goes to the Pranata Komputer (on_enter)
        .Work("periksa", "kabid", 40, 30, "sesuai")                  // late
        .Work("info_opd", "analis", 15, 15)
        .Work("tutup", "analis", 5, 10)
        .Unjudged("dokumentasi", 5)
        .Closed(true);

    // B: security incident, handling rechecked once, closed after the service standard.
    Surakarta("2026-01-07 08:00", "Serangan ransomware di server OPD", {{"reporter", "SOC Diskominfo"}, {"asset", "srv-opd-01"}})
        .Attach("RED")
        .Work("terima", "kabid", 12, 10)                             // late
        .Work("tindak_lanjut", "analis", 10, 15)
        .Work("jenis", "analis", 5, 10, "insiden security")
        .Work("beritahu_opd", "kabid", 30, 30)
        .Work("isolasi", "analis", 50, 60)
        .Work("analisis", "analis", 70, 60)                          // late
        .Work("perlu_eksternal", "analis", 30, 60, "tidak")
        .Work("tangani", "analis", 26 * 60, 24 * 60)                 // late: Thursday 13:27
        .Work("periksa", "kabid", 20, 30, "belum sesuai")
        .Work("tangani", "analis", 60, 24 * 60)
        .Work("periksa", "kabid", 10, 30, "sesuai")
        .Work("info_opd", "analis", 30, 15)                          // late
        .Work("tutup", "analis", 10, 10)
        .Unjudged("dokumentasi", 30)                                 // 16:07, past Thursday's close of business
        .Closed(false);

    // F: seed 001 has no Waktu: nothing to judge; stays open at its first step.
    Walk(*this, "trenggalek/layanan-insiden", Wib("2026-01-12 09:00"), "Phishing ke email pegawai",
         {{"pelapor", "Sekretariat"}, {"klasifikasi", "phishing"}, {"tlp", "AMBER"}}, 7 * 60, "WIB");

    // E: seed 002 (WITA): a working-day step, a range, and a decision left open past its deadline
    // ("1 hari" is due at the close of the next working day, Wednesday 16:00 WITA).
    Walk(*this, "kaltim/gangguan-keamanan-jaringan", Wita("2026-01-13 07:30"), "Gangguan jaringan gedung B",
         {{"pelapor", "Helpdesk"}, {"severity", "sedang"}}, 8 * 60, "WITA")
        .WorkDue("terima_laporan", "pemeriksa_ti", 60, Wita("2026-01-14 16:00"))
        .Work("disposisi", "kabid", 30, 20)                          // late
        .Work("arahan_tim", "kasi", 90, 120)                         // "1-2 jam": due at the high end
        .OpenDue("cek_laporan", "tim_teknis", Wita("2026-01-14 16:00"));

    // G: cancelled while its first step was open (that visit is not judged).
    Surakarta("2026-01-14 09:00", "Laporan ganda", {{"pelapor", "Warga"}}).Cancel(20);

    // H: text a spreadsheet would run as a formula; its first step left open.
    Surakarta("2026-01-15 08:00", "=HYPERLINK(\"http://contoh.invalid\",\"klik\")",
              {{"pelapor", "+62 811 000"}, {"aset", "@server"}, {"klasifikasi", "-lainnya"}})
        .Open("terima", "kabid", 10);

    // M: the month boundary in WITA: "dua" becomes ready on 1 February 00:30 WITA, which is still
    // 31 January 23:30 in WIB.
    Walk(*this, "uji/bulan", Wita("2026-01-31 23:30"), "Uji pergantian bulan", nlohmann::json::object(), 8 * 60, "WITA")
        .Work("satu", "staf", 60, 120)
        .Work("dua", "staf", 90, 60)                                 // late
        .Closed();

    // C and D, on the report's day: one step past its deadline, one still within it.
    Surakarta("2026-02-02 08:00", "Akun email diretas", {{"pelapor", "Bagian Umum"}, {"klasifikasi", "account compromise"}})
        .Work("terima", "kabid", 15, 10)                             // late
        .Open("tindak_lanjut", "analis", 15);                        // due 08:30: overdue at 10:05
    Surakarta("2026-02-02 10:00", "Port terbuka", nlohmann::json::object()).Open("terima", "kabid", 10);  // due 10:10
  }
};

// ---- independent arithmetic ------------------------------------------------------------------

// Nearest rank: the ceil(p * n)-th smallest value, with p = num / den.
inline std::int64_t NearestRank(std::vector<std::int64_t> v, std::int64_t num, std::int64_t den) {
  std::sort(v.begin(), v.end());
  const std::int64_t n = static_cast<std::int64_t>(v.size());
  const std::int64_t k = (num * n + den - 1) / den;
  return v[static_cast<std::size_t>(std::max<std::int64_t>(k, 1) - 1)];
}

inline std::string LocalMonth(UnixSeconds t, int offset_minutes) {
  using namespace std::chrono;
  const year_month_day ymd{floor<days>(sys_seconds{seconds{t + offset_minutes * 60}})};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()));
  return buf;
}

inline double Round1(double v) { return static_cast<double>(static_cast<std::int64_t>(v * 10 + 0.5)) / 10; }

struct Tally {
  std::int64_t met = 0, late = 0, open = 0, overdue = 0;
  std::vector<std::int64_t> durations;
  std::int64_t judged() const { return met + late + overdue; }
  std::int64_t breached() const { return late + overdue; }
  void Add(const ExpectedVisit& v, UnixSeconds now) {
    if (v.done) {
      (*v.done <= v.due ? met : late) += 1;
      durations.push_back(*v.done - v.ready);
    } else {
      ++open;
      if (now >= v.due) ++overdue;
    }
  }
};

}  // namespace siaga::test
