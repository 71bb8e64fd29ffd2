#include "store/backup.h"

#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "store/database.h"
#include "store/schema.h"

namespace siaga {

namespace {

namespace fs = std::filesystem;

Status Sqlite(sqlite3* db, int rc, const std::string& what) {
  return StorageError(what + ": " + (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
}

// Copies `from` into a new file `to` through the backup API, in one step: one consistent snapshot.
Result<BackupReport> Copy(const std::string& from, const std::string& to) {
  const auto started = std::chrono::steady_clock::now();
  sqlite3* src = nullptr;
  sqlite3* dst = nullptr;
  int rc = sqlite3_open_v2(from.c_str(), &src, SQLITE_OPEN_READONLY, nullptr);
  if (rc != SQLITE_OK) {
    Status st = Sqlite(src, rc, "open " + from);
    sqlite3_close(src);
    return st;
  }
  sqlite3_busy_timeout(src, 5000);
  rc = sqlite3_open_v2(to.c_str(), &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    Status st = Sqlite(dst, rc, "create " + to);
    sqlite3_close(dst);
    sqlite3_close(src);
    return st;
  }
  BackupReport report;
  sqlite3_backup* b = sqlite3_backup_init(dst, "main", src, "main");
  Status st;
  if (b == nullptr) {
    st = Sqlite(dst, SQLITE_ERROR, "backup");
  } else {
    do {
      rc = sqlite3_backup_step(b, -1);
      if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    } while (rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    report.pages = sqlite3_backup_pagecount(b);
    if (sqlite3_backup_finish(b) != SQLITE_OK || rc != SQLITE_DONE) st = Sqlite(dst, rc, "backup " + from);
  }
  // The copy is a rollback-journal file: leave it so (a single file to move around).
  sqlite3_close(dst);
  sqlite3_close(src);
  if (!st.ok()) return st;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::error_code ec;
  report.bytes = static_cast<std::int64_t>(fs::file_size(to, ec));
  return report;
}

// integrity_check, schema version and the case count of a store file.
Status Check(const std::string& path, BackupReport& report) {
  auto db = Database::Open(path, Database::Mode::kReadOnly);
  if (!db.ok()) return db.status();
  auto q = (*db)->Prepare("PRAGMA integrity_check");
  if (!q.ok()) return q.status();
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row || q->Text(0) != "ok") return StorageError(path + ": integrity_check: " + (*row ? q->Text(0) : std::string("no answer")));
  q->Run();
  auto v = (*db)->Prepare("PRAGMA user_version");
  if (!v.ok()) return v.status();
  if (!*v->Step()) return StorageError(path + ": no schema version");
  const std::int64_t version = v->Int(0);
  v->Run();
  if (version == 0) return InvalidArgument(path + " is not a Siaga store (no schema)");
  if (version > kSchemaVersion)
    return StorageError(path + " has schema version " + std::to_string(version) + ", newer than this siaga (" + std::to_string(kSchemaVersion) + ")");
  auto c = (*db)->Prepare("SELECT COUNT(*) FROM cases");
  if (!c.ok()) return c.status();
  if (*c->Step()) report.cases = c->Int(0);
  c->Run();
  return Status::Ok();
}

Status SyncAndRename(const std::string& part, const std::string& dest) {
  const int fd = ::open(part.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    return StorageError("cannot sync " + part);
  }
  ::close(fd);
  std::error_code ec;
  fs::rename(part, dest, ec);
  if (ec) return StorageError("cannot move " + part + " to " + dest + ": " + ec.message());
  // The folder entry too: after a crash the new name must be there.
  const std::string dir = fs::path(dest).parent_path().empty() ? "." : fs::path(dest).parent_path().string();
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::Ok();
}

// Copies `from` to DEST.part, checks the copy, and renames it to `dest`: a half-made copy never
// carries the final name. `drop_wal`: remove the old store's WAL first (a restore).
Result<BackupReport> CopyInto(const std::string& from, const std::string& dest, bool drop_wal) {
  std::error_code ec;
  const std::string part = dest + ".part";
  fs::remove(part, ec);
  auto report = Copy(from, part);
  if (report.ok()) {
    if (Status st = Check(part, *report); !st.ok()) report = st;
  }
  if (report.ok()) {
    if (drop_wal) {  // the old store's WAL must not be replayed onto the restored file
      fs::remove(dest + "-wal", ec);
      fs::remove(dest + "-shm", ec);
    }
    if (Status st = SyncAndRename(part, dest); !st.ok()) report = st;
  }
  if (!report.ok()) fs::remove(part, ec);
  return report;
}

}  // namespace

Result<BackupReport> BackupStore(const std::string& source, const std::string& dest, bool overwrite) {
  std::error_code ec;
  if (!fs::is_regular_file(source, ec)) return NotFound("no store at " + source);
  if (fs::exists(dest, ec) && !overwrite) return Conflict(dest + " exists (give --force to replace it)");
  return CopyInto(source, dest, false);
}

Result<BackupReport> RestoreStore(const std::string& backup, const std::string& dest, bool overwrite) {
  std::error_code ec;
  if (!fs::is_regular_file(backup, ec)) return NotFound("no backup at " + backup);
  BackupReport checked;
  if (Status st = Check(backup, checked); !st.ok()) return st;
  if (fs::exists(dest, ec)) {
    if (!overwrite) return Conflict(dest + " exists (give --force to replace it with the backup)");
    std::ifstream status(dest + ".status.json");
    const auto j = nlohmann::json::parse(status, nullptr, false);
    if (j.is_object() && j.contains("pid") && j["pid"].is_number_integer() && j["pid"].get<int>() > 0 && ::kill(j["pid"].get<int>(), 0) == 0)
      return Conflict("a server (pid " + std::to_string(j["pid"].get<int>()) + ") runs on " + dest + ": stop it before restoring");
  }
  if (!fs::path(dest).parent_path().empty()) fs::create_directories(fs::path(dest).parent_path(), ec);
  return CopyInto(backup, dest, true);
}

}  // namespace siaga
