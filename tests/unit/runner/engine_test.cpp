#include <catch2/catch.hpp>

#include "procedure_fixtures.h"
#include "runner/engine.h"
#include "runner/queries.h"
#include "engine_fixture.h"

using namespace siaga;

namespace {

struct Fixture : test::EngineFixture {
  explicit Fixture(const std::string& source = test::Mini(), const std::string& file = "sop/uji/mini.lua") {
    Load(source, file);
  }
  CommandResult Do(Command::Type type, std::int64_t case_id = 0, const std::string& step = "", const std::string& label = "") {
    Command c;
    c.type = type;
    c.case_id = case_id;
    c.step_id = step;
    c.label = label;
    c.actor.name = "tester";
    return engine.Apply(c);
  }
  std::int64_t Open(nlohmann::json fields = nlohmann::json::object(), const std::string& procedure = "uji/mini") {
    Command c;
    c.type = Command::Type::kOpenCase;
    c.procedure_id = procedure;
    c.title = "Laporan uji";
    c.fields = std::move(fields);
    auto r = engine.Apply(c);
    INFO(r.status.message());
    REQUIRE(r.status.ok());
    return r.case_id;
  }
  nlohmann::json Page(std::int64_t id) { return *ShowCase(*db, id, clock.Now()); }
  std::vector<std::string> Events(std::int64_t id) {
    std::vector<std::string> out;
    const nlohmann::json page = Page(id);  // keep the page alive while iterating into it
    for (const auto& h : page["history"]) out.push_back(h["event"]);
    return out;
  }
  std::vector<std::string> Path(std::int64_t id) {
    std::vector<std::string> out;
    const nlohmann::json page = Page(id);
    for (const auto& s : page["steps"]) out.push_back(s["step"].get<std::string>() + "#" + std::to_string(s["visit"].get<int>()));
    return out;
  }
};

bool Contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

}  // namespace

TEST_CASE("opening a case stores it, runs on_open and readies the first step with its deadline", "[runner]") {
  Fixture f;
  const auto id = f.Open();
  auto page = f.Page(id);
  CHECK(page["case"]["status"] == "open");
  CHECK(page["case"]["number"] == "UJI-2026-000001");
  CHECK(page["case"]["fields"]["status_laporan"] == "terbuka");
  REQUIRE(page["steps"].size() == 1);
  CHECK(page["steps"][0]["step"] == "terima");
  CHECK(page["steps"][0]["due_at"]["local"] == "2026-01-05 10:00 WIB");
  CHECK(page["history"][0]["event"] == "case_opened");
  CHECK(page["history"][1]["event"] == "note");
  CHECK(page["history"][1]["detail"]["text"] == "dibuka: Laporan uji");
  CHECK(page["timers"].size() == 2);  // warning and breach
}

TEST_CASE("the full path: loop, automatic step, notice, wait, signal, timeout", "[runner]") {
  Fixture f;
  const auto id = f.Open();
  REQUIRE(f.Do(Command::Type::kComplete, id, "terima").status.ok());
  CHECK(f.Page(id)["case"]["fields"]["diterima"] == true);  // on_complete hook
  REQUIRE(f.Do(Command::Type::kDecide, id, "periksa", "ulang").status.ok());
  REQUIRE(f.Do(Command::Type::kComplete, id, "terima").status.ok());
  REQUIRE(f.Do(Command::Type::kDecide, id, "periksa", "ok").status.ok());
  auto page = f.Page(id);
  CHECK(page["case"]["status"] == "waiting");
  CHECK(page["case"]["fields"]["status_laporan"] == "ditutup");  // branch set
  REQUIRE(page["notices"].size() == 1);
  CHECK(page["notices"][0]["to"] == "pelapor");
  CHECK(page["notices"][0]["tlp"] == "GREEN");

  REQUIRE(f.Do(Command::Type::kSignal, id, "", "lanjutan").status.ok());
  CHECK(f.Page(id)["case"]["status"] == "open");
  REQUIRE(f.Do(Command::Type::kDecide, id, "periksa", "ok").status.ok());

  f.clock.Advance(30 * 86400);
  auto fired = f.Do(Command::Type::kFireDueTimers);
  REQUIRE(fired.status.ok());
  CHECK(fired.detail["fired"].get<int>() >= 1);
  page = f.Page(id);
  CHECK(page["case"]["status"] == "closed");
  CHECK(page["case"]["outcome"] == "beres");
  CHECK(f.Path(id) == std::vector<std::string>{"terima#1", "periksa#1", "terima#2", "periksa#2", "beritahu#1",
                                               "tunggu#1", "periksa#3", "beritahu#2", "tunggu#2", "selesai#1"});
  CHECK(page["decisions"].size() == 3);
  // Firing is idempotent: nothing is left to fire.
  CHECK(f.Do(Command::Type::kFireDueTimers).detail["fired"] == 0);
  // A closed case takes no more actions.
  CHECK(f.Do(Command::Type::kSignal, id, "", "lanjutan").status.code() == StatusCode::kConflict);
}

TEST_CASE("commands that do not fit are refused and change nothing", "[runner]") {
  Fixture f;
  const auto id = f.Open();
  const auto before = f.Events(id).size();
  SECTION("wrong step") {
    auto r = f.Do(Command::Type::kComplete, id, "periksa");
    CHECK(r.status.code() == StatusCode::kConflict);
    CHECK_THAT(r.status.message(), Catch::Contains("open now: terima"));
  }
  SECTION("completing a decision") {
    REQUIRE(f.Do(Command::Type::kComplete, id, "terima").status.ok());
    CHECK(f.Do(Command::Type::kComplete, id, "periksa").status.code() == StatusCode::kInvalidArgument);
    auto r = f.Do(Command::Type::kDecide, id, "periksa", "mungkin");
    CHECK_THAT(r.status.message(), Catch::Contains("choose one of: 'ulang', 'ok'"));
    return;
  }
  SECTION("unknown case") {
    CHECK(f.Do(Command::Type::kComplete, 999, "terima").status.code() == StatusCode::kNotFound);
  }
  SECTION("signal nobody waits for") {
    CHECK(f.Do(Command::Type::kSignal, id, "", "lanjutan").status.code() == StatusCode::kConflict);
  }
  CHECK(f.Events(id).size() == before);
}

TEST_CASE("a role may act only on steps its pelaksana owns", "[runner]") {
  Fixture f;
  const auto id = f.Open();
  Command c;
  c.type = Command::Type::kComplete;
  c.case_id = id;
  c.step_id = "terima";
  c.actor = Actor::Checked("budi", {"kabid"});
  auto r = f.engine.Apply(c);
  CHECK(r.status.code() == StatusCode::kPermissionDenied);
  CHECK_THAT(r.status.message(), Catch::Contains("its pelaksana is 'staf'"));
  c.actor = Actor::Checked("sari", {"staf"});
  CHECK(f.engine.Apply(c).status.ok());
}

TEST_CASE("a guard hook can refuse completion", "[runner][hooks]") {
  Fixture f;
  const auto id = f.Open({{"blokir", true}});
  auto r = f.Do(Command::Type::kComplete, id, "terima");
  CHECK(r.status.code() == StatusCode::kConflict);
  CHECK_THAT(r.status.message(), Catch::Contains("laporan diblokir"));
}

TEST_CASE("a failing hook refuses the command and leaves the case as it was", "[runner][hooks]") {
  Fixture f(test::MiniWith(""));
  const std::string broken = R"(return sop { id = "uji/rusak", pelaksana = { s = {} }, langkah = {
      task "a" { pelaksana = "s", next = "b", on_complete = function(ctx) ctx:set("x", 1) error("sengaja") end },
      task "b" { pelaksana = "s", next = "z", on_enter = function(ctx) while true do end end },
      finish "z" {} } })";
  f.Load(broken, "sop/uji/rusak.lua");
  const auto id = f.Open({}, "uji/rusak");
  auto r = f.Do(Command::Type::kComplete, id, "a");
  CHECK(r.status.code() == StatusCode::kScriptError);
  CHECK_THAT(r.status.message(), Catch::Contains("sop/uji/rusak.lua:2:") && Catch::Contains("sengaja"));
  auto page = f.Page(id);
  CHECK(page["steps"][0]["state"] == "ready");
  CHECK_FALSE(page["case"]["fields"].contains("x"));
}

TEST_CASE("an endless loop in a hook is stopped and the engine keeps serving", "[runner][hooks]") {
  Fixture f;
  f.Load(R"(return sop { id = "uji/macet", pelaksana = { s = {} }, langkah = {
      task "a" { pelaksana = "s", next = "b" },
      task "b" { pelaksana = "s", next = "z", on_enter = function(ctx) while true do pcall(function() while true do end end) end end },
      finish "z" {} } })", "sop/uji/macet.lua");
  const auto id = f.Open({}, "uji/macet");
  auto r = f.Do(Command::Type::kComplete, id, "a");
  CHECK(r.status.code() == StatusCode::kScriptError);
  CHECK_THAT(r.status.message(), Catch::Contains("budget exhausted"));
  CHECK(f.Open() > 0);  // other procedures still run
}

TEST_CASE("ctx stashed by one hook cannot act in a later command", "[runner][hooks]") {
  Fixture f;
  f.Load(R"(local simpanan
    return sop { id = "uji/simpan", pelaksana = { s = {} }, langkah = {
      task "a" { pelaksana = "s", next = "b", on_enter = function(ctx) simpanan = ctx end },
      task "b" { pelaksana = "s", next = "z", on_enter = function(ctx) simpanan:set("x", "curang") end },
      finish "z" {} } })", "sop/uji/simpan.lua");
  const auto id = f.Open({}, "uji/simpan");
  auto r = f.Do(Command::Type::kComplete, id, "a");
  CHECK_THAT(r.status.message(), Catch::Contains("ctx was used outside the hook"));
}

TEST_CASE("a batch commits together and one bad command fails alone", "[runner]") {
  Fixture f;
  Command open;
  open.type = Command::Type::kOpenCase;
  open.procedure_id = "uji/mini";
  Command bad;
  bad.type = Command::Type::kDecide;
  bad.case_id = 1;
  bad.step_id = "periksa";
  bad.label = "ok";
  auto results = f.engine.ApplyBatch({open, bad, open});
  CHECK(results[0].status.ok());
  CHECK_FALSE(results[1].status.ok());
  CHECK(results[2].status.ok());
  auto cases = *ListCases(*f.db, {});
  CHECK(cases.size() == 2);
  CHECK(f.Page(1)["steps"].size() == 1);  // the failed decide left case 1 untouched
}

TEST_CASE("warnings and breaches fire once, in order, run their hooks and never change the flow", "[runner][timers]") {
  Fixture f;
  const auto id = f.Open();
  CHECK(f.Page(id)["steps"][0]["sla"] == "on_time");
  f.clock.Advance(90 * 60);  // 09:30: the warning (75 % of 2 jam) is due, the breach is not
  REQUIRE(f.Do(Command::Type::kFireDueTimers).detail["fired"] == 1);
  CHECK(f.Page(id)["steps"][0]["sla"] == "warning");
  CHECK(f.Events(id).back() == "note");  // on_warning
  f.clock.Advance(90 * 60);  // 11:00: past the 10:00 deadline
  REQUIRE(f.Do(Command::Type::kFireDueTimers).detail["fired"] == 1);
  CHECK(f.Do(Command::Type::kFireDueTimers).detail["fired"] == 0);  // each fires once
  auto events = f.Events(id);
  const auto warning = std::find(events.begin(), events.end(), "sla_warning");
  const auto breach = std::find(events.begin(), events.end(), "sla_breached");
  REQUIRE(warning != events.end());
  REQUIRE(breach != events.end());
  CHECK(warning < breach);
  CHECK(f.Page(id)["notices"][0]["template"] == "terlambat");  // on_breach
  CHECK(f.Page(id)["steps"][0]["sla"] == "breached");
  CHECK(f.Page(id)["steps"][0]["state"] == "ready");
  REQUIRE(f.Do(Command::Type::kComplete, id, "terima").status.ok());
  CHECK(f.Page(id)["steps"][0]["sla"] == "late");
}

TEST_CASE("a dedupe key returns the existing case", "[runner]") {
  Fixture f;
  Command c;
  c.type = Command::Type::kOpenCase;
  c.procedure_id = "uji/mini";
  c.dedupe_key = "wazuh:5710:web01";
  auto first = f.engine.Apply(c);
  auto second = f.engine.Apply(c);
  CHECK(first.case_id == second.case_id);
  CHECK(second.detail["duplicate"] == true);
  CHECK(f.Events(first.case_id).back() == "duplicate_received");
}

TEST_CASE("a running case stays on its version when the file changes", "[runner][versions]") {
  Fixture f;
  const auto old_case = f.Open();
  std::string v2 = test::Mini();
  v2.replace(v2.find("task \"terima\""), 13, "task \"registrasi\"");
  v2.replace(v2.find("{ \"ulang\", next = \"terima\" }"), 28, "{ \"ulang\", next = \"registrasi\" }");
  f.Load(v2, "sop/uji/mini.lua");
  const auto new_case = f.Open();
  CHECK(f.Page(new_case)["steps"][0]["step"] == "registrasi");
  CHECK(f.Page(old_case)["steps"][0]["step"] == "terima");
  REQUIRE(f.Do(Command::Type::kComplete, old_case, "terima").status.ok());
  REQUIRE(f.Do(Command::Type::kDecide, old_case, "periksa", "ulang").status.ok());
  CHECK(f.Path(old_case).back() == "terima#2");
  CHECK(f.Page(old_case)["case"]["version"]["hash"] != f.Page(new_case)["case"]["version"]["hash"]);
}

TEST_CASE("comments and evidence are kept with the case", "[runner]") {
  Fixture f;
  const auto id = f.Open();
  Command c;
  c.type = Command::Type::kAttach;
  c.case_id = id;
  c.evidence_name = "alert.json";
  c.evidence_content = "abc";
  c.tlp = "AMBER";
  auto r = f.engine.Apply(c);
  REQUIRE(r.status.ok());
  CHECK(r.detail["sha256"] == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  c.type = Command::Type::kComment;
  c.note = "Menunggu konfirmasi OPD";
  REQUIRE(f.engine.Apply(c).status.ok());
  auto page = f.Page(id);
  CHECK(page["evidence"][0]["size"] == 3);
  CHECK(page["history"].back()["detail"]["text"] == "Menunggu konfirmasi OPD");
}

TEST_CASE("closing a case early cancels its steps and timers", "[runner]") {
  Fixture f;
  const auto id = f.Open();
  Command c;
  c.type = Command::Type::kCancel;
  c.case_id = id;
  CHECK(f.engine.Apply(c).status.code() == StatusCode::kInvalidArgument);  // a reason is required
  c.note = "laporan ganda";
  REQUIRE(f.engine.Apply(c).status.ok());
  auto page = f.Page(id);
  CHECK(page["case"]["status"] == "cancelled");
  CHECK(page["steps"][0]["state"] == "cancelled");
  for (const auto& t : page["timers"]) CHECK(t["state"] == "cancelled");
}

TEST_CASE("the case list filters by status, procedure and readable procedures, and pages by id", "[runner]") {
  Fixture f;
  for (int i = 0; i < 5; ++i) f.Open();
  for (std::int64_t id : {2, 4}) {
    Command c;
    c.type = Command::Type::kCancel;
    c.case_id = id;
    c.note = "laporan ganda";
    REQUIRE(f.engine.Apply(c).status.ok());
  }
  auto ids = [&](CaseFilter filter) {
    std::vector<std::int64_t> out;
    const auto list = ListCases(*f.db, filter);  // kept alive while iterating into it
    REQUIRE(list.ok());
    for (const auto& c : *list) out.push_back(c["id"]);
    return out;
  };
  using V = std::vector<std::int64_t>;
  CHECK(ids({}) == V{1, 2, 3, 4, 5});
  CHECK(ids({.status = "cancelled"}) == V{2, 4});
  CHECK(ids({.status = "open"}) == V{1, 3, 5});
  CHECK(ids({.status = "open", .limit = 1, .after_id = 1}) == V{3});
  CHECK(ids({.procedure_id = "uji/mini", .limit = 2}) == V{1, 2});
  CHECK(ids({.procedure_id = "uji/lain"}).empty());
  CHECK(ids({.status = "open", .procedure_id = "uji/mini", .after_id = 3}) == V{5});
  CHECK(ids({.readable_procedures = {"uji/lain"}, .restrict_to_readable = true}).empty());
  CHECK(ids({.status = "cancelled", .readable_procedures = {"uji/mini"}, .restrict_to_readable = true}) == V{2, 4});
}

TEST_CASE("hooks schedule their own timers with ctx:after and ctx:at, and reassign steps", "[runner][hooks][timers]") {
  Fixture f;
  f.Load(R"(
local fungsi = {
  ingatkan = function(ctx) ctx:note("pengingat: " .. ctx.case.title) end,
  tandai = function(ctx) ctx:set("ditandai", true) end,
}
return sop { id = "uji/jadwal", pelaksana = { s = {}, kabid = {} }, fungsi = fungsi,
  waktu_default = { peringatan = 0.5 },
  langkah = {
    task "a" { pelaksana = "s", waktu = "2 jam", next = "z",
      on_enter = function(ctx)
        ctx:after("1 jam", fungsi.ingatkan)
        ctx:at("2026-01-06T08:00", fungsi.tandai)
      end,
      on_breach = function(ctx) ctx:assign("kabid") end },
    finish "z" {} } })", "sop/uji/jadwal.lua");
  const auto id = f.Open({}, "uji/jadwal");
  auto page = f.Page(id);
  CHECK(page["steps"][0]["warn_at"]["local"] == "2026-01-05 09:00 WIB");  // peringatan = 0.5 of 2 jam
  f.clock.Advance(3600);  // 09:00: the warning and the reminder
  f.Do(Command::Type::kFireDueTimers);
  auto events = f.Events(id);
  CHECK(Contains(events, "call_fired"));
  CHECK(f.Page(id)["history"].back()["detail"]["text"] == "pengingat: Laporan uji");
  f.clock.Advance(3600);  // 10:00: the breach reassigns the step to the Kepala Bidang
  f.Do(Command::Type::kFireDueTimers);
  CHECK(f.Page(id)["steps"][0]["role"] == "kabid");
  Command c;
  c.type = Command::Type::kComplete;
  c.case_id = id;
  c.step_id = "a";
  c.actor = Actor::Checked("sari", {"s"});
  CHECK(f.engine.Apply(c).status.code() == StatusCode::kPermissionDenied);
  f.clock.Set(*ParseInstant("2026-01-06T08:00", 7 * 60));
  f.Do(Command::Type::kFireDueTimers);
  CHECK(f.Page(id)["case"]["fields"]["ditandai"] == true);
  c.actor = Actor::Checked("budi", {"kabid"});
  CHECK(f.engine.Apply(c).status.ok());
}

TEST_CASE("ctx:after refuses a function that is not in fungsi", "[runner][hooks]") {
  Fixture f;
  f.Load(R"(return sop { id = "uji/liar", pelaksana = { s = {} }, langkah = {
    task "a" { pelaksana = "s", next = "z", on_enter = function(ctx) ctx:after("1 jam", function() end) end },
    finish "z" {} } })", "sop/uji/liar.lua");
  Command open;
  open.type = Command::Type::kOpenCase;
  open.procedure_id = "uji/liar";
  auto r = f.engine.Apply(open);
  CHECK(r.status.code() == StatusCode::kScriptError);
  CHECK_THAT(r.status.message(), Catch::Contains("must be one of the procedure's fungsi"));
}

TEST_CASE("a global set by one hook call is gone in the next", "[runner][hooks]") {
  Fixture f;
  f.Load(R"(return sop { id = "uji/global", pelaksana = { s = {} }, langkah = {
      task "a" { pelaksana = "s", next = "z",
        on_enter = function(ctx)
          ctx:set("sebelumnya", tostring(hitung))
          hitung = (hitung or 0) + 1
          _G.juga = true
          ctx:set("sekarang", hitung)
        end },
      finish "z" {} } })", "sop/uji/global.lua");
  const auto first = f.Open({}, "uji/global");
  const auto second = f.Open({}, "uji/global");
  CHECK(f.Page(first)["case"]["fields"]["sekarang"] == 1);
  CHECK(f.Page(second)["case"]["fields"]["sebelumnya"] == "nil");  // not 1: nothing leaked
  CHECK(f.Page(second)["case"]["fields"]["sekarang"] == 1);
  // The procedure's own helpers and the libraries are still there in every call.
  CHECK(f.Open() > 0);
}

TEST_CASE("an agency-bound actor opens and acts only on cases of its agencies", "[runner][agency]") {
  Fixture f;  // uji/mini belongs to agency "uji"
  const auto id = f.Open();
  auto actor = [](std::optional<std::vector<std::string>> agencies) {
    Actor a = Actor::Checked("ani", {"staf", "admin"});
    a.agencies = std::move(agencies);
    return a;
  };
  auto open_as = [&](const Actor& a) {
    Command c;
    c.type = Command::Type::kOpenCase;
    c.procedure_id = "uji/mini";
    c.actor = a;
    return f.engine.Apply(c).status;
  };
  auto comment_as = [&](const Actor& a) {
    Command c;
    c.type = Command::Type::kComment;
    c.case_id = id;
    c.note = "catatan";
    c.actor = a;
    return f.engine.Apply(c).status;
  };
  CHECK(open_as(actor(std::nullopt)).ok());
  CHECK(open_as(actor(std::vector<std::string>{"uji"})).ok());
  CHECK(open_as(actor(std::vector<std::string>{"lain"})).code() == StatusCode::kPermissionDenied);
  CHECK(open_as(actor(std::vector<std::string>{})).code() == StatusCode::kPermissionDenied);  // oversight only
  CHECK(comment_as(actor(std::vector<std::string>{"uji"})).ok());
  const Status refused = comment_as(actor(std::vector<std::string>{"lain"}));
  CHECK(refused.code() == StatusCode::kPermissionDenied);
  CHECK_THAT(refused.message(), Catch::Contains("agency 'uji'"));
  Command cancel;
  cancel.type = Command::Type::kCancel;
  cancel.case_id = id;
  cancel.note = "uji";
  cancel.actor = actor(std::vector<std::string>{"lain"});
  CHECK(f.engine.Apply(cancel).status.code() == StatusCode::kPermissionDenied);
  CHECK(f.Page(id)["case"]["status"] == "open");
}
