// Crash and restart harness: drives webhook and action load against the real `siaga serve`,
// kills it with SIGKILL at random moments, restarts it with its clock moved on (so deadlines fall
// due while it is down), and finally checks the store: every acknowledged webhook and action is
// there, no case is opened twice, every timer that fell due fired exactly once, and
// PRAGMA integrity_check is ok. Prints one line per round and a summary:
//   N sent, N acknowledged, N persisted, 0 lost, 0 processed twice
// Exit 0 when nothing was lost or processed twice, 1 otherwise.
//   siaga_crash_harness [--rounds N] [--min-ms A] [--max-ms B] [--seed S]
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <set>

#include "e2e/http_support.h"

using namespace siaga;
using namespace siaga::test;

namespace {

const std::string kProcedure = R"lua(
return sop {
  id = "uji/crash", revision = 1, instansi = "uji", zona_waktu = "WIB",
  identitas = { nama = "Uji crash" },
  pelaksana = { staf = { label = "Staf", kolom = 1 } },
  langkah = {
    task "terima" { no = 1, kegiatan = "Menerima laporan", pelaksana = "staf", waktu = { "30 Menit", basis = "elapsed" }, next = "tunggu" },
    wait "tunggu" { no = 2, kegiatan = "Menunggu", waktu = { "1 Jam", basis = "elapsed" }, timeout = "selesai" },
    finish "selesai" { no = 3, kegiatan = "Selesai", hasil = "beres" },
  },
}
)lua";

struct Options {
  int rounds = 20, min_ms = 200, max_ms = 1500;
  unsigned seed = 20261202;
};

struct Ledger {
  std::mutex mu;
  std::map<std::string, std::int64_t> webhooks;  // finding id -> case id, acknowledged (202)
  std::set<std::int64_t> completions;            // cases whose 'terima' completion was acknowledged (200)
  std::vector<std::int64_t> open_cases;          // acknowledged, not yet completed
  std::vector<std::string> sent_bodies;          // for re-sends (deduplication)
  std::uint64_t sent = 0, resent = 0, actions_sent = 0;
};

std::string Finding(const std::string& id) {
  return nlohmann::json{{"source", "harness"},
                        {"findings", {{{"id", id}, {"title", "Temuan " + id}, {"severity", "high"}, {"asset", "https://x.go.id/" + id}}}}}
      .dump();
}

void WebhookClient(const Server& s, const std::string& token, Ledger& ledger, std::atomic<bool>& stop, int client, int round, unsigned seed) {
  std::mt19937 rng(seed);
  for (int i = 0; !stop; ++i) {
    std::string body;
    std::string id;
    bool resend = false;
    {
      std::lock_guard lock(ledger.mu);
      if (!ledger.sent_bodies.empty() && rng() % 10 == 0) {
        body = ledger.sent_bodies[rng() % ledger.sent_bodies.size()];
        resend = true;
        ++ledger.resent;
      } else {
        id = "r" + std::to_string(round) + "c" + std::to_string(client) + "n" + std::to_string(i);
        body = Finding(id);
        ++ledger.sent;
      }
    }
    HttpReply r = Http("POST", s.Url("/hooks/crashfeed"), body, {"Authorization: Bearer " + token, "Content-Type: application/json"});
    if (r.status != 202 || resend) continue;
    auto j = r.Json();
    if (!j.is_object() || !j.contains("cases") || j["cases"].size() != 1) continue;
    std::lock_guard lock(ledger.mu);
    const std::int64_t case_id = j["cases"][0];
    ledger.webhooks[id] = case_id;
    ledger.open_cases.push_back(case_id);
    ledger.sent_bodies.push_back(body);
  }
}

void ActionClient(const Server& s, const std::string& token, Ledger& ledger, std::atomic<bool>& stop) {
  while (!stop) {
    std::int64_t id = 0;
    {
      std::lock_guard lock(ledger.mu);
      if (!ledger.open_cases.empty()) {
        id = ledger.open_cases.back();
        ledger.open_cases.pop_back();
        ++ledger.actions_sent;
      }
    }
    if (id == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    HttpReply r = s.Post("/api/cases/" + std::to_string(id) + "/actions", {{"action", "complete"}, {"step", "terima"}}, token);
    if (r.status == 200) {
      std::lock_guard lock(ledger.mu);
      ledger.completions.insert(id);
    }
  }
}

std::int64_t One(Database& db, const std::string& sql) {
  auto q = db.Prepare(sql);
  if (!q.ok()) return -1;
  auto row = q->Step();
  if (!row.ok() || !*row) return -1;
  const std::int64_t n = q->Int(0);
  q->Run();
  return n;
}

std::string Instant(std::int64_t t) { return FormatUtc(t); }

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const int v = std::atoi(argv[i + 1]);
    if (k == "--rounds") o.rounds = v;
    else if (k == "--min-ms") o.min_ms = v;
    else if (k == "--max-ms") o.max_ms = v;
    else if (k == "--seed") o.seed = static_cast<unsigned>(v);
    else {
      std::cerr << "usage: siaga_crash_harness [--rounds N] [--min-ms A] [--max-ms B] [--seed S]\n";
      return 2;
    }
  }
  TempDir dir;
  WriteFile(dir / "sop/uji/crash.lua", kProcedure);
  std::string adapter = ReadText(kSourceDir + "/webhooks/generic.lua");
  const auto auth = adapter.find("auth = \"hmac\"");
  if (auth == std::string::npos) {
    std::cerr << "webhooks/generic.lua no longer says auth = \"hmac\"\n";
    return 2;
  }
  adapter.replace(auth, 13, "auth = \"token\"");
  WriteFile(dir / "webhooks/crashfeed.lua", adapter);
  WriteFile(dir / "webhooks/lib/bantu.lua", ReadText(kSourceDir + "/webhooks/lib/bantu.lua"));
  WriteFile(dir / "webhooks/routes.lua", "routes { { procedure = \"uji/crash\" } }\n");
  const std::string sop = dir / "sop", webhooks = dir / "webhooks";

  const UnixSeconds start = *ParseInstant("2026-03-02T08:00", 7 * 60);
  std::mt19937 rng(o.seed);
  std::uniform_int_distribution<int> run_ms(o.min_ms, o.max_ms);
  Ledger ledger;
  std::string hook_token, staf_token;
  for (int round = 0; round <= o.rounds; ++round) {
    // Each start is two hours after the previous one on the server's clock: what was armed in
    // one round falls due while the server is down.
    const UnixSeconds now = start + static_cast<UnixSeconds>(round) * 7200;
    Server server(dir, {"--now", Instant(now), "--rate", "0", "--notice-poll-ms", "100", "--no-watch"}, webhooks, sop);
    if (server.port() == 0) {
      std::cerr << "round " << round << ": the server did not start\n" << server.log() << "\n";
      return 1;
    }
    if (round == 0) {
      hook_token = server.Token("feed", {"webhook:crashfeed"});
      staf_token = server.Token("staf", {"staf"});
    }
    if (round == o.rounds) {  // the last start: let due timers fire, then stop gracefully
      const std::string due = "SELECT COUNT(*) FROM timers WHERE state = 'armed' AND due_at <= " + std::to_string(now);
      for (int i = 0; i < 200 && CountRows(server.db(), due) != 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      server.Terminate();
      break;
    }
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int c = 0; c < 4; ++c)
      clients.emplace_back(WebhookClient, std::cref(server), hook_token, std::ref(ledger), std::ref(stop), c, round, o.seed + static_cast<unsigned>(round * 10 + c));
    for (int c = 0; c < 2; ++c) clients.emplace_back(ActionClient, std::cref(server), staf_token, std::ref(ledger), std::ref(stop));
    const int ms = run_ms(rng);
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    stop = true;    // no new requests; those in flight die with the server
    server.Kill();  // SIGKILL
    for (auto& t : clients) t.join();
    std::lock_guard lock(ledger.mu);
    std::cout << "round " << round + 1 << "/" << o.rounds << ": killed after " << ms << " ms; acknowledged so far "
              << ledger.webhooks.size() << " webhooks, " << ledger.completions.size() << " actions" << std::endl;
  }

  auto db = Database::Open(dir / "siaga.db", Database::Mode::kReadOnly);
  if (!db.ok()) {
    std::cerr << db.status().message() << "\n";
    return 1;
  }
  Database& d = **db;
  std::int64_t lost = 0, twice = 0;
  for (const auto& [finding, case_id] : ledger.webhooks) {
    const std::int64_t stored = One(d, "SELECT COUNT(*) FROM cases WHERE id = " + std::to_string(case_id) + " AND title = 'Temuan " + finding + "'");
    if (stored != 1) {
      ++lost;
      std::cerr << "lost webhook " << finding << " (case " << case_id << ")\n";
    }
  }
  for (std::int64_t case_id : ledger.completions) {
    if (One(d, "SELECT COUNT(*) FROM step_instances WHERE case_id = " + std::to_string(case_id) + " AND step_id = 'terima' AND state = 'done'") != 1) {
      ++lost;
      std::cerr << "lost completion of case " << case_id << "\n";
    }
  }
  // A case per finding, never two (re-sent bodies included); a step completed at most once;
  // each timer fired at most once; nothing due is still armed.
  twice += One(d, "SELECT COUNT(*) FROM (SELECT title FROM cases GROUP BY title HAVING COUNT(*) > 1)");
  twice += One(d, "SELECT COUNT(*) FROM (SELECT case_id FROM step_instances WHERE step_id = 'terima' GROUP BY case_id HAVING COUNT(*) > 1)");
  twice += One(d, "SELECT COUNT(*) FROM (SELECT json_extract(detail, '$.timer') t FROM audit_events WHERE event IN "
                  "('sla_warning', 'sla_breached', 'wait_timed_out') GROUP BY t HAVING COUNT(*) > 1)");
  const UnixSeconds final_now = start + static_cast<UnixSeconds>(o.rounds) * 7200;
  const std::int64_t overdue_armed = One(d, "SELECT COUNT(*) FROM timers WHERE state = 'armed' AND due_at <= " + std::to_string(final_now));
  const std::int64_t fired = One(d, "SELECT COUNT(*) FROM timers WHERE state = 'fired'");
  const std::int64_t persisted = One(d, "SELECT COUNT(*) FROM cases");
  const std::int64_t inbox = One(d, "SELECT COUNT(*) FROM inbox");
  auto check = d.Prepare("PRAGMA integrity_check");
  const bool sound = check.ok() && *check->Step() && check->Text(0) == "ok";
  std::cout << "timers: " << fired << " fired, " << overdue_armed << " due but still armed; integrity_check: " << (sound ? "ok" : "FAILED")
            << "; inbox " << inbox << " payloads, " << ledger.resent << " re-sends\n";
  const std::int64_t completed = One(d, "SELECT COUNT(*) FROM step_instances WHERE step_id = 'terima' AND state = 'done'");
  std::cout << "webhooks: " << ledger.sent << " sent (+" << ledger.resent << " re-sent), " << ledger.webhooks.size() << " acknowledged, "
            << persisted << " cases stored; actions: " << ledger.actions_sent << " sent, " << ledger.completions.size() << " acknowledged, "
            << completed << " stored\n";
  // Persisted counts what the store holds, acknowledged or not (a request can commit and die
  // before its answer leaves); lost counts acknowledged items missing from the store.
  std::cout << ledger.sent + ledger.actions_sent << " sent, " << ledger.webhooks.size() + ledger.completions.size() << " acknowledged, "
            << persisted + completed << " persisted, " << lost << " lost, " << twice << " processed twice\n";
  return lost == 0 && twice == 0 && overdue_armed == 0 && sound && !ledger.webhooks.empty() ? 0 : 1;
}
