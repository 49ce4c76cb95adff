// Thin RAII wrappers over the SQLite C API: a connection and a prepared
// statement. Every sqlite3_* call of Rotor lives in storage/.
//
// Thread safety: a SqliteDb and its statements belong to one thread at a time.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace rotor::storage {

// Thrown for any SQLite failure; the server turns it into KMSInternalException.
class StorageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
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
  // Opens (creating if asked) the database file; throws StorageError.
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

}  // namespace rotor::storage
