// A thin owner of one SQLite connection: prepared statements only (cached by SQL text),
// WAL with synchronous=FULL, defensive mode, and every failure as a Status naming the SQL.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace siaga {

class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}

  Statement& Bind(int index, std::int64_t value);
  Statement& Bind(int index, int value) { return Bind(index, static_cast<std::int64_t>(value)); }
  Statement& Bind(int index, std::string_view value);
  Statement& Bind(int index, const char* value) { return Bind(index, std::string_view(value)); }
  Statement& Bind(int index, const std::string& value) { return Bind(index, std::string_view(value)); }
  Statement& Bind(int index, std::optional<std::int64_t> value);
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& BindNull(int index);

  // Steps once: true when a row is ready, false when done.
  Result<bool> Step();
  // Steps to completion (for statements that return no rows).
  Status Run();

  std::int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  std::string Text(int column) const;
  std::string Blob(int column) const;
  bool IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  std::optional<std::int64_t> OptionalInt(int column) const;

 private:
  sqlite3_stmt* stmt_;
  Status bind_error_;
};

class Database {
 public:
  enum class Mode { kReadWrite, kReadOnly };
  static Result<std::unique_ptr<Database>> Open(const std::string& path, Mode mode = Mode::kReadWrite);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Status Exec(std::string_view sql);
  // A reset statement from the cache, ready to bind. The reference stays valid until the
  // next Prepare of the same SQL.
  Result<Statement> Prepare(const std::string& sql);
  std::int64_t LastInsertId() const { return sqlite3_last_insert_rowid(db_); }
  int Changes() const { return sqlite3_changes(db_); }
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

  // Transactions for the single writer: BEGIN IMMEDIATE, savepoints per command.
  Status Begin() { return Exec("BEGIN IMMEDIATE"); }
  Status Commit() { return Exec("COMMIT"); }
  void Rollback();
  // False once SQLite has rolled a transaction back by itself (after an I/O error, a full disk).
  bool InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
  std::map<std::string, sqlite3_stmt*> cache_;
};

Status SqliteStatus(sqlite3* db, int rc, std::string_view what);

}  // namespace siaga
