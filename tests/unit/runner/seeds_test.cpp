// Every seed procedure, every branch and every loop, through the engine API, against the store.
// The expected paths are written out by hand from the seed texts (shared/seeds/), so a change in
// a transcription or in the engine that alters a path fails here.
#include <catch2/catch.hpp>

#include <deque>
#include <map>

#include "procedure/registry.h"
#include "runner/engine.h"
#include "runner/queries.h"
#include "test_support.h"

using namespace siaga;

namespace {

using Script = std::map<std::string, std::deque<std::string>>;  // step -> decisions / "signal:x" / "timeout"

struct Seeds {
  test::TempDir dir;
  std::unique_ptr<Database> db = std::move(*OpenStore(dir / "siaga.db"));
  FakeClock clock{*ParseInstant("2026-01-05T08:00", 7 * 60)};
  ProcedureRegistry registry;
  Engine engine{*db, registry, clock};

  Seeds() {
    const auto diags = registry.LoadDirectory(test::kSeedDir);
    std::string errors;
    for (const auto& d : diags)
      if (d.severity == Diagnostic::Severity::kError) errors += d.ToString() + "\n";
    INFO(errors);
    REQUIRE_FALSE(HasErrors(diags));
  }

  CommandResult Apply(Command c) {
    c.actor.name = "penguji";
    auto r = engine.Apply(c);
    INFO(CommandName(c.type) << " " << c.step_id << " " << c.label << ": " << r.status.message());
    REQUIRE(r.status.ok());
    return r;
  }

  // The newest open step of the case or of its sub-procedure cases.
  bool NextOpen(std::int64_t root, std::int64_t& case_id, std::string& step, std::string& kind, std::int64_t& instance) {
    auto q = db->Prepare("SELECT s.case_id, s.step_id, s.kind, s.id FROM step_instances s JOIN cases c ON c.id = s.case_id "
                         "WHERE s.state = 'ready' AND s.kind <> 'call' AND (c.id = ?1 OR c.parent_case_id = ?1) ORDER BY s.id DESC LIMIT 1");
    q->Bind(1, root);
    auto row = q->Step();
    REQUIRE(row.ok());
    if (!*row) return false;
    case_id = q->Int(0);
    step = q->Text(1);
    kind = q->Text(2);
    instance = q->Int(3);
    q->Run();
    return true;
  }

  // Opens a case and drives it to the end: tasks are completed after 10 minutes, decisions and
  // waits follow `script` (a signal comes a day later). Returns the root case id.
  std::int64_t Run(const std::string& procedure, Script script) {
    Command open;
    open.type = Command::Type::kOpenCase;
    open.procedure_id = procedure;
    const std::int64_t root = Apply(open).case_id;
    for (int guard = 0; guard < 200; ++guard) {
      std::int64_t case_id = 0, instance = 0;
      std::string step, kind;
      if (!NextOpen(root, case_id, step, kind, instance)) {
        for (const auto& [s, left] : script) {
          INFO("unused script entries for " << s);
          CHECK(left.empty());
        }
        return root;
      }
      Command c;
      c.case_id = case_id;
      c.step_id = step;
      if (kind == "task") {
        clock.Advance(600);
        c.type = Command::Type::kComplete;
      } else if (kind == "decision" || kind == "wait" || kind == "external") {
        auto& queue = script[step];
        if (kind == "external" && queue.empty()) {
          clock.Advance(600);
          c.type = Command::Type::kComplete;
        } else {
          INFO("no scripted action for " << kind << " step '" << step << "'");
          REQUIRE_FALSE(queue.empty());
          const std::string action = queue.front();
          queue.pop_front();
          if (action == "timeout") {
            auto t = db->Prepare("SELECT due_at FROM timers WHERE step_instance_id = ? AND kind = 'wait_timeout' AND state = 'armed'");
            t->Bind(1, instance);
            REQUIRE(*t->Step());
            const UnixSeconds due = t->Int(0);
            t->Run();
            clock.Set(due - 60);  // a minute before: nothing happens yet
            Command tick;
            tick.type = Command::Type::kFireDueTimers;
            Apply(tick);
            std::int64_t same_case = 0, same_instance = 0;
            std::string same_step, same_kind;
            REQUIRE(NextOpen(root, same_case, same_step, same_kind, same_instance));
            CHECK(same_instance == instance);
            clock.Set(due);
            c.type = Command::Type::kFireDueTimers;
          } else if (action.rfind("signal:", 0) == 0) {
            clock.Advance(86400);  // a signal arrives the next day
            c.type = Command::Type::kSignal;
            c.label = action.substr(7);
          } else {
            clock.Advance(600);
            c.type = Command::Type::kDecide;
            c.label = action;
          }
        }
      } else {
        FAIL("unexpected open step kind " << kind);
      }
      Apply(c);
    }
    FAIL("case did not finish in 200 actions");
    return root;
  }

  nlohmann::json Page(std::int64_t id) { return *ShowCase(*db, id, clock.Now()); }

  std::vector<std::string> Path(std::int64_t id) {
    std::vector<std::string> out;
    const nlohmann::json page = Page(id);
    for (const auto& s : page["steps"]) {
      std::string entry = s["step"].get<std::string>();
      if (s["kind"] == "decision" || s["kind"] == "wait" || s["kind"] == "call") entry += "(" + s["outcome"].get<std::string>() + ")";
      out.push_back(entry);
    }
    return out;
  }

  std::vector<std::int64_t> Children(std::int64_t parent) {
    std::vector<std::int64_t> out;
    auto q = db->Prepare("SELECT id FROM cases WHERE parent_case_id = ? ORDER BY id");
    q->Bind(1, parent);
    while (*q->Step()) out.push_back(q->Int(0));
    return out;
  }
};

using Path = std::vector<std::string>;

}  // namespace

TEST_CASE("seed 000: the revise loop and the re-fix loop", "[seeds][seed000]") {
  Seeds s;
  const auto id = s.Run("kamisandi/manajemen-keamanan-informasi",
                        {{"keputusan_draft", {"ditolak", "disetujui"}}, {"konfirmasi", {"masih ada", "tidak ada"}}});
  CHECK(s.Path(id) == Path{"lapor", "terima_laporan", "catat_log", "draft_surat", "periksa_draft", "keputusan_draft(ditolak)",
                           "draft_surat", "periksa_draft", "keputusan_draft(disetujui)", "kirim_surat", "perbaikan",
                           "info_pelapor", "konfirmasi(masih ada)", "perbaikan", "info_pelapor", "konfirmasi(tidak ada)",
                           "laporan_penyelesaian", "arsip", "selesai"});
  auto page = s.Page(id);
  CHECK(page["case"]["status"] == "closed");
  CHECK(page["decisions"].size() == 4);
  CHECK(page["notices"].size() == 3);  // the letter once, the reporter after each fix
  CHECK(page["steps"][6]["visit"] == 2);  // draft_surat, second visit
}

TEST_CASE("seed 001: auto-resolve after 5 working days, and a follow-up that re-enters triage", "[seeds][seed001]") {
  Seeds s;
  SECTION("no follow-up: the window runs out and the report is closed") {
    const auto id = s.Run("trenggalek/layanan-insiden", {{"autoresolve", {"timeout"}}});
    CHECK(s.Path(id) == Path{"registrasi", "teruskan_ke_analis", "triage", "koordinasi", "penanganan", "kompilasi",
                             "ke_helpdesk", "ke_pemohon", "autoresolve(timeout)", "dokumentasi", "tutup_laporan", "selesai"});
    auto page = s.Page(id);
    CHECK(page["case"]["fields"]["status_insiden"] == "ditutup");
    CHECK(page["case"]["fields"]["status_laporan"] == "ditutup");
    CHECK(page["notices"][0]["to"] == "pemohon");
    // The window: entered Monday 5 Jan 09:20 WIB, five working days later at close of business.
    CHECK(page["steps"][8]["due_at"]["local"] == "2026-01-12 16:00 WIB");
  }
  SECTION("a follow-up report inside the window re-enters triage and restarts the window") {
    const auto id = s.Run("trenggalek/layanan-insiden", {{"autoresolve", {"signal:laporan_lanjutan", "timeout"}}});
    CHECK(s.Path(id) == Path{"registrasi", "teruskan_ke_analis", "triage", "koordinasi", "penanganan", "kompilasi",
                             "ke_helpdesk", "ke_pemohon", "autoresolve(laporan_lanjutan)", "triage", "koordinasi",
                             "penanganan", "kompilasi", "ke_helpdesk", "ke_pemohon", "autoresolve(timeout)", "dokumentasi",
                             "tutup_laporan", "selesai"});
    auto page = s.Page(id);
    CHECK(page["steps"][15]["visit"] == 2);
    CHECK(page["steps"][15]["due_at"]["unix"].get<std::int64_t>() > page["steps"][8]["due_at"]["unix"].get<std::int64_t>());
  }
}

TEST_CASE("seed 002: the consultation branch, the rework loop 9 -> 7 twice, and the easy branch", "[seeds][seed002]") {
  Seeds s;
  SECTION("hard to solve, rework twice") {
    const auto id = s.Run("kaltim/gangguan-keamanan-jaringan",
                          {{"cek_laporan", {"sulit diselesaikan"}}, {"cek_hasil", {"belum", "belum", "tuntas"}}});
    CHECK(s.Path(id) == Path{"terima_laporan", "disposisi", "arahan_tim", "cek_laporan(sulit diselesaikan)", "konsultasi",
                             "arahan_penyelesaian", "tindak_lanjut", "lapor_hasil", "cek_hasil(belum)", "tindak_lanjut",
                             "lapor_hasil", "cek_hasil(belum)", "tindak_lanjut", "lapor_hasil", "cek_hasil(tuntas)",
                             "terima_penyelesaian", "beritahu_selesai", "teruskan_perkembangan", "selesai"});
    auto page = s.Page(id);
    CHECK(page["steps"][12]["visit"] == 3);
    CHECK(page["case"]["zona_waktu"] == "WITA");
    CHECK(page["case"]["sla_due_at"]["local"] == "2026-01-12 16:00 WITA");  // 2-5 hari kerja: due at 5
  }
  SECTION("solved directly: reported back to the Pemeriksa TI") {
    const auto id = s.Run("kaltim/gangguan-keamanan-jaringan", {{"cek_laporan", {"dapat diselesaikan"}}});
    CHECK(s.Path(id) == Path{"terima_laporan", "disposisi", "arahan_tim", "cek_laporan(dapat diselesaikan)",
                             "lapor_ke_pemeriksa", "teruskan_perkembangan", "selesai"});
    CHECK(s.Page(id)["notices"][0]["to"] == "pemeriksa_ti");
  }
}

TEST_CASE("seed 003: drafting, publication, evaluation, a revision back to drafting, then kept", "[seeds][seed003]") {
  Seeds s;
  const auto id = s.Run("tanah-bumbu/pengelolaan-kebijakan", {{"perlu_revisi", {"perlu revisi", "tidak perlu"}}});
  CHECK(s.Path(id) == Path{"penyusunan(disahkan)", "publikasi(dipublikasikan)", "evaluasi(revisi)",
                           "penyusunan(disahkan)", "publikasi(dipublikasikan)", "evaluasi(tetap)", "selesai"});
  CHECK(s.Page(id)["case"]["outcome"] == "kebijakan_berlaku");
  const auto children = s.Children(id);
  REQUIRE(children.size() == 6);
  CHECK(s.Path(children[0]) == Path{"rencana", "setujui_rencana", "draft", "setujui_draft", "sahkan", "selesai"});
  CHECK(s.Path(children[1]) == Path{"rencana", "setujui_rencana", "publikasi", "laporan", "sahkan_laporan", "selesai"});
  CHECK(s.Path(children[2]) == Path{"telaah", "perlu_revisi(perlu revisi)", "rekomendasi", "rencana_revisi", "sahkan_revisi", "selesai"});
  CHECK(s.Path(children[5]) == Path{"telaah", "perlu_revisi(tidak perlu)", "tetap"});
  for (auto child : children) CHECK(s.Page(child)["case"]["parent_case"] == id);
  // "14 Hari" drafting is 14 working days from Monday 5 Jan, skipping Friday 16 Jan (Isra
  // Mikraj, sop/kalender/nasional-2026.lua): due Monday 26 Jan at close of business.
  CHECK(s.Page(children[0])["steps"][2]["due_at"]["local"] == "2026-01-26 16:00 WITA");
}

TEST_CASE("seed 004: security and general incidents, external help, and the recheck loop", "[seeds][seed004]") {
  Seeds s;
  SECTION("security incident with external help; handling rechecked once") {
    const auto id = s.Run("surakarta/layanan-keamanan-informasi",
                          {{"jenis", {"insiden security"}}, {"perlu_eksternal", {"ya"}},
                           {"bantuan_eksternal", {"signal:laporan_eksternal_diterima"}}, {"periksa", {"belum sesuai", "sesuai"}}});
    CHECK(s.Path(id) == Path{"mulai", "terima", "tindak_lanjut", "jenis(insiden security)", "beritahu_opd", "isolasi",
                             "analisis", "perlu_eksternal(ya)", "hubungi_eksternal", "bantuan_eksternal",
                             "verifikasi_eksternal", "periksa(belum sesuai)", "tangani", "periksa(sesuai)", "info_opd",
                             "tutup", "dokumentasi", "selesai"});
    auto page = s.Page(id);
    CHECK(page["case"]["fields"]["jenis_insiden"] == "security");
    CHECK(page["steps"][9]["outcome"] == "laporan_eksternal_diterima");
    CHECK(page["steps"][9]["basis"] == "kalender");
    CHECK(page["steps"][12]["basis"] == "elapsed");  // "24 Jam" as elapsed time
    CHECK(page["notices"].size() == 4);
    // The 1-hari-kerja service standard (due Tuesday 16:00) stopped while the external party
    // worked, from Monday 09:40 to Tuesday 09:40: 12 h 50 min of office hours were left.
    CHECK(page["case"]["sla_due_at"]["local"] == "2026-01-07 16:00 WIB");
    std::vector<std::string> clock_events;
    for (const auto& h : page["history"])
      if (h["event"] == "case_sla_paused" || h["event"] == "case_sla_resumed") clock_events.push_back(h["event"]);
    CHECK(clock_events == std::vector<std::string>{"case_sla_paused", "case_sla_resumed"});
  }
  SECTION("security incident handled internally") {
    const auto id = s.Run("surakarta/layanan-keamanan-informasi",
                          {{"jenis", {"insiden security"}}, {"perlu_eksternal", {"tidak"}}, {"periksa", {"sesuai"}}});
    CHECK(s.Path(id) == Path{"mulai", "terima", "tindak_lanjut", "jenis(insiden security)", "beritahu_opd", "isolasi",
                             "analisis", "perlu_eksternal(tidak)", "tangani", "periksa(sesuai)", "info_opd", "tutup",
                             "dokumentasi", "selesai"});
    CHECK(s.Page(id)["steps"][8]["role"] == "analis");
  }
  SECTION("general incident goes straight to handling") {
    const auto id = s.Run("surakarta/layanan-keamanan-informasi", {{"jenis", {"insiden umum"}}, {"periksa", {"sesuai"}}});
    CHECK(s.Path(id) == Path{"mulai", "terima", "tindak_lanjut", "jenis(insiden umum)", "tangani", "periksa(sesuai)",
                             "info_opd", "tutup", "dokumentasi", "selesai"});
    auto page = s.Page(id);
    CHECK(page["case"]["fields"]["jenis_insiden"] == "umum");
    CHECK(page["steps"][4]["role"] == "pranata");  // handled by the Pranata Komputer Ahli Muda
  }
}
