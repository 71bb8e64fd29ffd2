// The SQLite schema and its migrations. Each migration runs once, in order, in one transaction,
// and `PRAGMA user_version` records how far a file has come.
#pragma once

#include "store/database.h"

namespace siaga {

constexpr int kSchemaVersion = 8;

// Brings `db` up to kSchemaVersion; refuses a file written by a newer Siaga.
Status MigrateSchema(Database& db);

// PRAGMA quick_check: refuse to run read-write on a damaged file.
Status QuickCheck(Database& db);

}  // namespace siaga
