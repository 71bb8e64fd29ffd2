// Storage faults against the real server: a full disk, the store locked by another process, and
// an online backup taken under load then restored.
#include <sqlite3.h>
#include <sys/mount.h>

#include <atomic>
#include <filesystem>
#include <set>

#include <catch2/catch.hpp>

#include "e2e/http_support.h"

namespace siaga::test {
namespace {

std::string Finding(const std::string& id, std::size_t padding = 0) {
  return nlohmann::json{{"source", "uji"},
                        {"findings", {{{"id", id}, {"title", "Temuan " + id}, {"severity", "high"}, {"asset", "x.go.id"},
                                       {"details", {{"isi", std::string(padding, 'x')}}}}}}}
      .dump();
}

HttpReply PostFinding(const Server& s, const std::string& secret, const std::string& body) {
  return Http("POST", s.Url("/hooks/generic"), body, SignedHeaders(secret, body, NowSeconds()));
}

std::string Integrity(const std::string& path) {
  auto db = Database::Open(path, Database::Mode::kReadOnly);
  if (!db.ok()) return db.status().message();
  auto q = (*db)->Prepare("PRAGMA integrity_check");
  if (!q.ok() || !*q->Step()) return "no answer";
  return q->Text(0);
}

TEST_CASE("a full disk gets 503 without losing or half-writing anything, and the server recovers when space returns", "[e2e][storage]") {
  if (geteuid() != 0) {
    WARN("not root: cannot mount a small filesystem; the full-disk test did not run");
    return;
  }
  TempDir dir;
  const std::string mnt = dir / "klein";
  std::filesystem::create_directories(mnt);
  REQUIRE(mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=3m") == 0);
  struct Unmount {
    std::string path;
    ~Unmount() { umount2(path.c_str(), MNT_DETACH); }
  } unmount{mnt};
  // The store on the small filesystem; the server's own files (log, port) beside the test.
  const std::string db = mnt + "/siaga.db";
  const std::string port_file = dir / "port2";
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string log = dir / "full.log";
    FILE* out = std::fopen(log.c_str(), "a");
    dup2(fileno(out), 1);
    dup2(fileno(out), 2);
    execl(kBinary.c_str(), kBinary.c_str(), "--db", db.c_str(), "--sop", kSeedDir.c_str(), "--webhooks", (kSourceDir + "/webhooks").c_str(), "serve",
          "--listen", "127.0.0.1:0", "--port-file", port_file.c_str(), "--rate", "0", "--max-body", "4194304", static_cast<char*>(nullptr));
    _exit(127);
  }
  struct Stop {
    pid_t pid;
    ~Stop() {
      if (pid <= 0) return;  // kill(-1) would signal every process we may signal
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  } stop{pid};
  int port = 0;
  for (int i = 0; i < 500 && port == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::ifstream in(port_file);
    in >> port;
  }
  REQUIRE(port > 0);
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  RunResult made = RunSiaga({"--db", db, "--webhooks", kSourceDir + "/webhooks", "hook", "secret", "generic"});
  const std::string secret = made.out.substr(0, 64);
  std::set<std::string> acknowledged;
  int refused = 0, answered_other = 0;
  std::string refusal;
  for (int i = 0; i < 200 && refused < 3; ++i) {
    const std::string id = "penuh-" + std::to_string(i);
    const std::string body = Finding(id, 150'000);
    HttpReply r = Http("POST", base + "/hooks/generic", body, SignedHeaders(secret, body, NowSeconds()));
    if (r.status == 202) acknowledged.insert(id);
    else if (r.status == 503) {
      ++refused;
      refusal = r.body;
    } else {
      ++answered_other;
      INFO(r.status << " " << r.body);
      CHECK(false);
    }
  }
  INFO(ReadText(dir / "full.log"));
  REQUIRE(refused > 0);  // the disk did fill up
  CHECK_THAT(refusal, Catch::Contains("full") || Catch::Contains("disk") || Catch::Contains("I/O"));
  CHECK(Http("GET", base + "/healthz").status != 0);  // still answering
  // Space comes back: the same server takes payloads again, and everything acknowledged is there.
  REQUIRE(mount("tmpfs", mnt.c_str(), "tmpfs", MS_REMOUNT, "size=64m") == 0);
  HttpReply after;
  for (int i = 0; i < 50; ++i) {
    const std::string body = Finding("lega-" + std::to_string(i));
    after = Http("POST", base + "/hooks/generic", body, SignedHeaders(secret, body, NowSeconds()));
    if (after.status == 202) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(after.status == 202);
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  stop.pid = 0;
  CHECK(Integrity(db) == "ok");
  for (const std::string& id : acknowledged)
    CHECK(CountRows(db, "SELECT COUNT(*) FROM cases WHERE title = 'Temuan " + id + "'") == 1);
  WARN(acknowledged.size() << " payloads acknowledged before the disk filled, " << refused << " answered 503");
}

TEST_CASE("a store locked by another process gets 503 with Retry-After, and the server goes on once it is released", "[e2e][storage]") {
  TempDir dir;
  Server server(dir, {"--rate", "0"});
  REQUIRE(server.port() > 0);
  const std::string secret = server.Secret("generic");
  REQUIRE(PostFinding(server, secret, Finding("sebelum")).status == 202);
  sqlite3* other = nullptr;
  REQUIRE(sqlite3_open(server.db().c_str(), &other) == SQLITE_OK);
  REQUIRE(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr) == SQLITE_OK);
  const auto started = std::chrono::steady_clock::now();
  HttpReply locked = PostFinding(server, secret, Finding("terkunci"));
  const auto waited = std::chrono::steady_clock::now() - started;
  CHECK(locked.status == 503);
  CHECK(locked.headers.count("retry-after") == 1);
  CHECK_THAT(locked.body, Catch::Contains("locked"));
  CHECK(waited < std::chrono::seconds(30));
  CHECK(server.Get("/healthz").status != 0);
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  CHECK(PostFinding(server, secret, Finding("sesudah")).status == 202);
  CHECK(CountRows(server.db(), "SELECT COUNT(*) FROM cases WHERE title IN ('Temuan sebelum', 'Temuan sesudah')") == 2);
  CHECK(CountRows(server.db(), "SELECT COUNT(*) FROM cases WHERE title = 'Temuan terkunci'") == 0);
}

TEST_CASE("an online backup under load holds everything acknowledged before it, and restores to a working store", "[e2e][storage][backup]") {
  TempDir dir;
  Server server(dir, {"--rate", "0"});
  REQUIRE(server.port() > 0);
  const std::string secret = server.Secret("generic");
  std::atomic<bool> stop{false};
  std::atomic<int> acked{0};
  std::thread load([&] {
    for (int i = 0; !stop; ++i)
      if (PostFinding(server, secret, Finding("beban-" + std::to_string(i))).status == 202) ++acked;
  });
  while (acked < 20) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  const std::int64_t before = CountRows(server.db(), "SELECT COUNT(*) FROM cases");
  RunResult backup = RunSiaga({"--db", server.db(), "backup", "--to", dir / "cadangan.db"});
  stop = true;
  load.join();
  INFO(backup.out);
  REQUIRE(backup.exit_code == 0);
  CHECK_THAT(backup.out, Catch::Contains("integrity_check ok"));
  CHECK(RunSiaga({"--db", server.db(), "backup", "--to", dir / "cadangan.db"}).exit_code != 0);  // never overwritten by surprise

  // Restoring over the running server's store is refused.
  RunResult busy = RunSiaga({"--db", server.db(), "restore", dir / "cadangan.db", "--force"});
  CHECK(busy.exit_code != 0);
  CHECK_THAT(busy.out, Catch::Contains("stop it"));

  const std::string restored = dir / "pulih/siaga.db";
  RunResult r = RunSiaga({"--db", restored, "restore", dir / "cadangan.db"});
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  CHECK(Integrity(restored) == "ok");
  CHECK(CountRows(restored, "SELECT COUNT(*) FROM cases") >= before);
  CHECK(CountRows(restored, "SELECT COUNT(*) FROM cases") <= CountRows(server.db(), "SELECT COUNT(*) FROM cases"));
  // The restored store works: a case can be listed and acted on.
  RunResult list = RunSiaga({"--db", restored, "--sop", kSeedDir, "case", "list"});
  CHECK(list.exit_code == 0);
  CHECK_THAT(list.out, Catch::Contains("KAB-TRENGGALEK-2026-000001"));
  CHECK(CountRows(restored, "SELECT COUNT(*) FROM cases WHERE title = 'Temuan beban-0'") == 1);
  WriteFile(dir / "rusak.db", "bukan basis data");
  CHECK(RunSiaga({"--db", dir / "lain.db", "restore", dir / "rusak.db"}).exit_code != 0);
}

}  // namespace
}  // namespace siaga::test
