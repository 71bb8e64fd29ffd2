// The engine loop (`siaga run`): deadlines fire while it runs; timers that fell due while it was
// down fire exactly once after it comes back, in due order.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "procedure_fixtures.h"
#include "test_support.h"

using namespace siaga::test;

namespace {

// Starts `siaga run` in the background with its output in `log`.
pid_t StartRun(const TempDir& dir, const std::string& now, const std::string& log) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    const std::string db = dir / "data/siaga.db", sop = dir / "sop";
    execl(kBinary.c_str(), kBinary.c_str(), "--db", db.c_str(), "--sop", sop.c_str(), "--now", now.c_str(), "run",
          "--poll", "100", static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

int Stop(pid_t pid, int signal) {
  kill(pid, signal);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("siaga run fires deadlines as they fall due and exactly once across restarts", "[e2e][run][timers]") {
  TempDir dir;
  WriteFile(dir / "sop/uji/mini.lua", Mini());
  const std::vector<std::string> base = {"--db", dir / "data/siaga.db", "--sop", dir / "sop"};
  auto with = [&](std::vector<std::string> args) {
    std::vector<std::string> all = base;
    all.insert(all.end(), args.begin(), args.end());
    return RunSiaga(all);
  };
  // terima (2 jam) ready Monday 08:00 WIB: warning at 09:30, deadline at 10:00.
  REQUIRE(with({"--now", "2026-01-05T08:00+07:00", "case", "open", "uji/mini"}).exit_code == 0);

  // 1. Running: the warning falls due a second after start and fires while the loop runs.
  pid_t pid = StartRun(dir, "2026-01-05T09:29:59+07:00", dir / "run1.log");
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  CHECK(Stop(pid, SIGKILL) == -SIGKILL);  // a crash, not a clean stop
  const std::string run1 = Read(dir / "run1.log");
  INFO(run1);
  CHECK_THAT(run1, Catch::Contains("fired 1 timer(s)"));

  // 2. Down from 09:30 until 10:30: the 10:00 deadline fires once when the loop comes back.
  pid = StartRun(dir, "2026-01-05T10:30+07:00", dir / "run2.log");
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  CHECK(Stop(pid, SIGTERM) == 0);
  const std::string run2 = Read(dir / "run2.log");
  INFO(run2);
  CHECK_THAT(run2, Catch::Contains("fired 1 timer(s)"));
  CHECK_THAT(run2, Catch::Contains("stopped"));

  // 3. Again: nothing is left to fire.
  pid = StartRun(dir, "2026-01-05T10:31+07:00", dir / "run3.log");
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  CHECK(Stop(pid, SIGTERM) == 0);
  CHECK_THAT(Read(dir / "run3.log"), !Catch::Contains("fired"));

  auto page = nlohmann::json::parse(with({"case", "show", "1", "--json"}).out);
  int warnings = 0, breaches = 0, warning_seq = 0, breach_seq = 0;
  for (const auto& h : page["history"]) {
    if (h["event"] == "sla_warning") ++warnings, warning_seq = h["seq"];
    if (h["event"] == "sla_breached") ++breaches, breach_seq = h["seq"];
  }
  CHECK(warnings == 1);
  CHECK(breaches == 1);
  CHECK(warning_seq < breach_seq);
  for (const auto& t : page["timers"]) CHECK(t["state"] == "fired");
}
