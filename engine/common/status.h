// Status and Result: how expected failure crosses module boundaries.
// Exceptions stay inside a module; a caller sees a Status with a code and a message that names
// the file, step or field at fault.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace siaga {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,   // bad input from a user or a script: the message names the field
  kNotFound,
  kConflict,          // the command does not fit the case's current state
  kPermissionDenied,
  kScriptError,       // a Lua script failed, ran out of budget or broke the sandbox rules
  kStorageError,      // SQLite failed (disk full, locked, corrupt)
  kInternal,
  kUnavailable,       // busy or stopping: try again later (HTTP 503)
};

const char* StatusCodeName(StatusCode code);

class Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;
  // The input field at fault, when the failure is about one ("rule.level", "body", "row 3").
  const std::string& field() const { return field_; }
  Status&& WithField(std::string field) && {
    field_ = std::move(field);
    return std::move(*this);
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string field_;
};

inline Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
// A bad input field: the message starts with the field's name, and field() gives it.
inline Status InvalidField(std::string field, const std::string& m) {
  return Status(StatusCode::kInvalidArgument, field + ": " + m).WithField(std::move(field));
}
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status Conflict(std::string m) { return {StatusCode::kConflict, std::move(m)}; }
inline Status PermissionDenied(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
inline Status ScriptError(std::string m) { return {StatusCode::kScriptError, std::move(m)}; }
inline Status StorageError(std::string m) { return {StatusCode::kStorageError, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }

// A value or the Status that explains why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT
  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() { return *value_; }
  const T& value() const { return *value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

// Returns early from a function returning Status or Result<T> when `expr` fails.
#define SIAGA_TRY(expr)        \
  do {                         \
    Status _st = (expr);       \
    if (!_st.ok()) return _st; \
  } while (0)

}  // namespace siaga
