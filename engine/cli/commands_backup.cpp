// siaga backup --to FILE: an online copy of the store (the server keeps running);
// siaga restore FILE: puts a backup in place as the store given by --db.
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "store/backup.h"

namespace siaga::cli {

namespace {

void Print(const GlobalOptions& global, const std::string& verb, const std::string& from, const std::string& to, const BackupReport& r) {
  if (global.json) {
    std::cout << nlohmann::json{{"from", from}, {"to", to}, {"bytes", r.bytes}, {"pages", r.pages}, {"cases", r.cases}, {"seconds", r.seconds}}.dump()
              << "\n";
    return;
  }
  std::cout << verb << " " << from << " to " << to << ": " << r.bytes / 1024 << " KiB, " << r.cases << " cases, integrity_check ok, "
            << static_cast<int>(r.seconds * 1000) << " ms\n";
}

}  // namespace

void AddBackupCommands(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto to = std::make_shared<std::string>();
  auto from = std::make_shared<std::string>();
  auto force = std::make_shared<bool>(false);
  CLI::App* backup = app.add_subcommand("backup", "copy the store while it is in use (SQLite backup API), checked before it is kept");
  backup->add_option("--to", *to, "the backup file to write")->required();
  backup->add_flag("--force", *force, "replace an existing file");
  backup->callback([&global, &exit_code, to, force] {
    auto r = BackupStore(global.db_path, *to, *force);
    if (!r.ok()) {
      exit_code = Fail(r.status());
      return;
    }
    Print(global, "copied", global.db_path, *to, *r);
    exit_code = kExitOk;
  });
  CLI::App* restore = app.add_subcommand("restore", "put a backup in place as the store (--db); stop the server first");
  restore->add_option("BACKUP", *from, "a file made by siaga backup")->required();
  restore->add_flag("--force", *force, "replace an existing store");
  restore->callback([&global, &exit_code, from, force] {
    auto r = RestoreStore(*from, global.db_path, *force);
    if (!r.ok()) {
      exit_code = Fail(r.status());
      return;
    }
    Print(global, "restored", *from, global.db_path, *r);
    exit_code = kExitOk;
  });
}

}  // namespace siaga::cli
