// Thin RAII wrappers over the SQLite C API: a connection and a prepared
// statement. Every sqlite3_* call of Rotor lives in storage/.
//
// Thread safety: a SqliteDb and its statements belong to one thread at a time.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace rotor::storage {

// Thrown for any SQLite failure and for data dir problems at start; the
// server turns it into KMSInternalException. `sqlite_code` is SQLite's
// extended result code (0 when the failure is not SQLite's) and `sys_errno`
// the errno of the last system call SQLite made for it (sqlite3_system_errno).
class StorageError : public std::runtime_error {
 public:
  explicit StorageError(const std::string& message, int sqlite_code = 0, int sys_errno = 0)
      : std::runtime_error(message), sqlite_code_(sqlite_code), sys_errno_(sys_errno) {}
  int sqlite_code() const { return sqlite_code_; }
  // The primary result code (SQLITE_CORRUPT for SQLITE_CORRUPT_INDEX...).
  int primary_code() const { return sqlite_code_ & 0xff; }
  int sys_errno() const { return sys_errno_; }

 private:
  int sqlite_code_;
  int sys_errno_;
};

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binding is 1-based, as in SQLite. Reset() clears bindings for reuse.
  Statement& Bind(int i, std::string_view v);
  Statement& Bind(int i, int64_t v);
  Statement& BindBlob(int i, const uint8_t* data, size_t n);
  Statement& BindNull(int i);
  Statement& Bind(int i, const std::optional<int64_t>& v);

  // True while a row is available; false when done. Throws on error.
  bool Step();
  // Runs a statement that returns no rows.
  void Run();
  void Reset();

  bool IsNull(int col) const;
  int64_t Int(int col) const;
  std::string Text(int col) const;
  std::vector<uint8_t> Blob(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// A cached statement borrowed for one use: reset (ending its implicit read
// transaction, so the connection sees later commits) when the scope ends.
class ScopedStatement {
 public:
  explicit ScopedStatement(Statement& s) : s_(s) {}
  ~ScopedStatement() { s_.Reset(); }
  ScopedStatement(const ScopedStatement&) = delete;
  ScopedStatement& operator=(const ScopedStatement&) = delete;
  Statement* operator->() { return &s_; }
  Statement& operator*() { return s_; }

 private:
  Statement& s_;
};

class SqliteDb {
 public:
  // Opens (creating if asked) the database file; throws StorageError. A file
  // Rotor creates is made 0600 whatever the umask, and SQLite gives its WAL
  // and shared-memory files the same mode. Opened for writing, a file that
  // can only be read is refused (SQLite would silently open it read-only).
  SqliteDb(const std::string& path, bool create, bool read_only);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  void Exec(const std::string& sql);
  // A cached prepared statement, ready to bind; reset when the scope ends.
  ScopedStatement Prepare(const std::string& sql);
  sqlite3* handle() { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<Statement>> statements_;
};

// Throws StorageError naming `what` and SQLite's message when rc is an error.
void Check(sqlite3* db, int rc, const char* what);

// Creates `path` (0600, whatever the umask) if it does not exist, and takes
// group and other permissions away from it and from its -wal and -shm files
// if an older Rotor left them readable. Throws StorageError.
void PrepareDatabaseFile(const std::string& path);

// Runs PRAGMA quick_check on `db` for at most `budget`. Returns "ok", SQLite's
// first complaint (a quick_check row, or the text of an SQLITE_CORRUPT error),
// or "" when the budget ran out first. Throws StorageError for other errors.
std::string QuickCheck(SqliteDb& db, std::chrono::milliseconds budget);

}  // namespace rotor::storage
