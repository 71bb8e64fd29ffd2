// Online backup and restore of the store with SQLite's backup API. A backup reads one snapshot
// from its own read-only connection (WAL: the running server keeps writing), is checked with
// integrity_check, synced and renamed into place, so a half-written backup never looks whole.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace siaga {

struct BackupReport {
  std::int64_t pages = 0, bytes = 0, cases = 0;
  double seconds = 0;
};

// Copies the store at `source` to `dest` (refused if `dest` exists, unless `overwrite`).
Result<BackupReport> BackupStore(const std::string& source, const std::string& dest, bool overwrite);

// Puts a backup in place as the store at `dest`: the backup must pass integrity_check and be of
// a schema this siaga knows; an existing store is replaced only with `overwrite`, never while
// a server runs on it (its DB.status.json names a live process). Stale -wal/-shm files go.
Result<BackupReport> RestoreStore(const std::string& backup, const std::string& dest, bool overwrite);

}  // namespace siaga
