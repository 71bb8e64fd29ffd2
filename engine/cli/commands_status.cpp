// siaga status: what the running server serves (procedures, load errors, the last reload), read
// from the status file it keeps beside the store; siaga reload: asks it to rescan now (SIGHUP).
#include <signal.h>

#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/cli.h"

namespace siaga::cli {

namespace {

Result<nlohmann::json> ReadStatus(const GlobalOptions& global) {
  const std::string path = global.db_path + ".status.json";
  std::ifstream in(path);
  if (!in) return NotFound("no server is running on " + global.db_path + " (no " + path + ")");
  auto status = nlohmann::json::parse(in, nullptr, false);
  if (status.is_discarded() || !status.contains("pid")) return Internal(path + " is not a status file");
  const int pid = status["pid"].get<int>();
  if (kill(pid, 0) != 0) return NotFound("the server that wrote " + path + " (pid " + std::to_string(pid) + ") is not running");
  return status;
}

int Status(const GlobalOptions& global) {
  auto status = ReadStatus(global);
  if (!status.ok()) return Fail(status.status());
  const nlohmann::json& s = *status;
  if (global.json) {
    std::cout << s.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << "server pid " << s["pid"] << " on " << s["listen"].get<std::string>() << ", started " << s["started_at"].get<std::string>() << "\n";
  std::cout << s["procedures"].size() << " procedure(s):\n";
  for (const auto& p : s["procedures"])
    std::cout << "  " << p["id"].get<std::string>() << "  " << p["hash"].get<std::string>().substr(0, 12) << "  " << p["file"].get<std::string>() << "\n";
  std::cout << s["adapters"].size() << " webhook adapter(s)\n";
  for (const auto& e : s["load_errors"]) std::cout << "load error: " << e.get<std::string>() << "\n";
  for (const auto& e : s["adapter_errors"]) std::cout << "adapter error: " << e.get<std::string>() << "\n";
  if (!s["last_reload"].is_null()) {
    const auto& r = s["last_reload"];
    std::cout << "last reload " << r["at"].get<std::string>() << " (" << r["reason"].get<std::string>() << "): " << r["published"].size()
              << " published, " << r["kept_previous"].size() << " kept on the previous version, live in " << r["live_ms"].get<double>() << " ms\n";
    for (const auto& k : r["kept_previous"]) std::cout << "  still serving the previous version of " << k.get<std::string>() << "\n";
  }
  const bool errors = !s["load_errors"].empty() || !s["adapter_errors"].empty();
  return errors ? kExitRefused : kExitOk;
}

int Reload(const GlobalOptions& global) {
  auto status = ReadStatus(global);
  if (!status.ok()) return Fail(status.status());
  const int pid = (*status)["pid"].get<int>();
  if (kill(pid, SIGHUP) != 0) return Fail(PermissionDenied("cannot signal the server (pid " + std::to_string(pid) + ")"));
  std::cout << "asked the server (pid " << pid << ") to reload; see siaga status\n";
  return kExitOk;
}

}  // namespace

void AddStatusCommands(CLI::App& app, GlobalOptions& global, int& exit_code) {
  app.add_subcommand("status", "what the running server serves: procedures, load errors, the last reload (exit 1 if any errors)")
      ->callback([&global, &exit_code] { exit_code = Status(global); });
  app.add_subcommand("reload", "make the running server rescan sop/ and webhooks/ now (as SIGHUP does)")
      ->callback([&global, &exit_code] { exit_code = Reload(global); });
}

}  // namespace siaga::cli
