// Killing the process between (and during) commands loses no committed step: a shell loop
// drives the real binary, records each command after it exits 0, and is killed with SIGKILL at
// random moments. Every acknowledged command must be in the store, and no case half-written.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "procedure_fixtures.h"
#include "store/database.h"
#include "test_support.h"

using namespace siaga;
using namespace siaga::test;

namespace {

// Opens a case, completes its first step, decides, and appends a line per acknowledged command.
std::string LoopScript(const std::string& dir, int start) {
  std::ostringstream s;
  s << "S='" << kBinary << "'; D='" << dir << "'; i=" << start << "\n"
    << "while true; do\n"
    << "  id=$(\"$S\" --db \"$D/siaga.db\" --sop \"$D/sop\" --json case open uji/mini --title \"kasus-$i\" | "
       "sed -n 's/^    \"id\": \\([0-9]*\\),$/\\1/p' | head -1) || exit 0\n"
    << "  [ -n \"$id\" ] && echo \"open kasus-$i $id\" >> \"$D/acks\" || continue\n"
    << "  \"$S\" --db \"$D/siaga.db\" --sop \"$D/sop\" case complete \"$id\" terima > /dev/null && echo \"complete $id\" >> \"$D/acks\"\n"
    << "  \"$S\" --db \"$D/siaga.db\" --sop \"$D/sop\" case decide \"$id\" periksa ok > /dev/null && echo \"decide $id\" >> \"$D/acks\"\n"
    << "  i=$((i+1))\n"
    << "done\n";
  return s.str();
}

std::int64_t Count(Database& db, const std::string& sql, std::int64_t arg) {
  auto q = db.Prepare(sql);
  REQUIRE(q.ok());
  q->Bind(1, arg);
  auto row = q->Step();
  REQUIRE(row.ok());
  const std::int64_t n = *row ? q->Int(0) : 0;
  q->Run();
  return n;
}

}  // namespace

TEST_CASE("kill -9 at random moments loses no acknowledged command", "[e2e][crash]") {
  TempDir dir;
  WriteFile(dir / "sop/uji/mini.lua", Mini());
  std::mt19937 rng(20261122);
  std::uniform_int_distribution<int> delay_ms(150, 700);
  const int rounds = 6;
  for (int round = 0; round < rounds; ++round) {
    const std::string script = LoopScript(dir.path(), round * 1000);
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      setpgid(0, 0);  // its own process group, so the kill reaches siaga mid-command too
      execl("/bin/bash", "bash", "-c", script.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    setpgid(pid, pid);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    kill(-pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
  }

  std::ifstream acks(dir / "acks");
  std::string kind, title;
  std::int64_t id = 0;
  int opened = 0, completed = 0, decided = 0;
  auto db = Database::Open(dir / "siaga.db");
  REQUIRE(db.ok());
  std::string line;
  while (std::getline(acks, line)) {
    std::istringstream in(line);
    in >> kind;
    INFO(line);
    if (kind == "open") {
      in >> title >> id;
      ++opened;
      CHECK(Count(**db, "SELECT COUNT(*) FROM cases WHERE id = ?", id) == 1);
    } else if (kind == "complete") {
      in >> id;
      ++completed;
      CHECK(Count(**db, "SELECT COUNT(*) FROM step_instances WHERE case_id = ? AND step_id = 'terima' AND state = 'done'", id) == 1);
    } else if (kind == "decide") {
      in >> id;
      ++decided;
      CHECK(Count(**db, "SELECT COUNT(*) FROM decisions d JOIN step_instances s ON s.id = d.step_instance_id WHERE s.case_id = ?", id) == 1);
    }
  }
  WARN(opened << " cases, " << completed << " completions, " << decided << " decisions acknowledged over " << rounds << " kills");
  CHECK(opened > 0);
  // Nothing half-written: every stored case has its first step, and the file is sound.
  CHECK(Count(**db, "SELECT COUNT(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM step_instances s WHERE s.case_id = c.id) AND ? = ?", 0) == 0);
  auto check = (*db)->Prepare("PRAGMA integrity_check");
  REQUIRE(*check->Step());
  CHECK(check->Text(0) == "ok");
  check->Run();
}
