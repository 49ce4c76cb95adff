#include "storage/sqlite_db.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace rotor::storage {

void Check(sqlite3* db, int rc, const char* what) {
  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) return;
  std::string msg = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  throw StorageError(msg, rc, db ? sqlite3_system_errno(db) : 0);
}

void PrepareDatabaseFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0 && errno != EACCES && errno != EROFS) {
    throw StorageError("cannot create " + path + ": " + std::strerror(errno), 0, errno);
  }
  if (fd >= 0) ::close(fd);  // else: SqliteDb's open says what is wrong
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::string file = path + suffix;
    struct stat st {};
    if (::lstat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if ((st.st_mode & 077) != 0) ::chmod(file.c_str(), st.st_mode & 0700);
  }
}

std::string QuickCheck(SqliteDb& db, std::chrono::milliseconds budget) {
  struct Deadline {
    std::chrono::steady_clock::time_point at;
  } deadline{std::chrono::steady_clock::now() + budget};
  // Called every 10,000 virtual machine steps; non-zero interrupts.
  sqlite3_progress_handler(
      db.handle(), 10000,
      [](void* p) -> int {
        return std::chrono::steady_clock::now() > static_cast<Deadline*>(p)->at ? 1 : 0;
      },
      &deadline);
  std::string verdict;
  try {
    Statement q(db.handle(), "PRAGMA quick_check(1)");
    verdict = q.Step() ? q.Text(0) : "ok";
  } catch (const StorageError& e) {
    sqlite3_progress_handler(db.handle(), 0, nullptr, nullptr);
    if (e.sqlite_code() == SQLITE_INTERRUPT) return "";
    if (e.primary_code() == SQLITE_CORRUPT) return e.what();
    throw;
  }
  sqlite3_progress_handler(db.handle(), 0, nullptr, nullptr);
  return verdict;
}

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  Check(db_,
        sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &stmt_, nullptr),
        "prepare");
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::Bind(int i, std::string_view v) {
  Check(db_, sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT),
        "bind");
  return *this;
}
Statement& Statement::Bind(int i, int64_t v) {
  Check(db_, sqlite3_bind_int64(stmt_, i, v), "bind");
  return *this;
}
Statement& Statement::BindBlob(int i, const uint8_t* data, size_t n) {
  Check(db_, sqlite3_bind_blob(stmt_, i, data, static_cast<int>(n), SQLITE_TRANSIENT), "bind");
  return *this;
}
Statement& Statement::BindNull(int i) {
  Check(db_, sqlite3_bind_null(stmt_, i), "bind");
  return *this;
}
Statement& Statement::Bind(int i, const std::optional<int64_t>& v) {
  return v ? Bind(i, *v) : BindNull(i);
}

bool Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Check(db_, rc, "step");
  return false;
}

void Statement::Run() {
  while (Step()) {
  }
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
int64_t Statement::Int(int col) const { return sqlite3_column_int64(stmt_, col); }
std::string Statement::Text(int col) const {
  const unsigned char* t = sqlite3_column_text(stmt_, col);
  int n = sqlite3_column_bytes(stmt_, col);
  return t ? std::string(reinterpret_cast<const char*>(t), static_cast<size_t>(n)) : std::string();
}
std::vector<uint8_t> Statement::Blob(int col) const {
  const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, col));
  int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::vector<uint8_t>(p, p + n) : std::vector<uint8_t>();
}

SqliteDb::SqliteDb(const std::string& path, bool create, bool read_only) {
  int flags = SQLITE_OPEN_NOMUTEX | (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE);
  bool on_disk = path != ":memory:";
  if (create && !read_only) {
    flags |= SQLITE_OPEN_CREATE;
    if (on_disk) PrepareDatabaseFile(path);
  }
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg =
        "cannot open database " + path + ": " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
    int sys = db_ ? sqlite3_system_errno(db_) : 0;
    sqlite3_close(db_);
    db_ = nullptr;
    throw StorageError(msg, rc, sys);
  }
  sqlite3_extended_result_codes(db_, 1);
  if (!read_only && on_disk && sqlite3_db_readonly(db_, "main") == 1) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw StorageError(path +
                           " is read-only, and Rotor writes to it. Make it writable (chmod u+w " +
                           path + ") or, to only read it, use rotor report or rotor export.",
                       SQLITE_READONLY);
  }
}

SqliteDb::~SqliteDb() {
  statements_.clear();  // finalize before close
  if (db_) sqlite3_close(db_);
}

void SqliteDb::Exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = std::string("exec: ") + (err ? err : sqlite3_errstr(rc));
    sqlite3_free(err);
    throw StorageError(msg, sqlite3_extended_errcode(db_), sqlite3_system_errno(db_));
  }
}

ScopedStatement SqliteDb::Prepare(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    it = statements_.emplace(sql, std::make_unique<Statement>(db_, sql)).first;
  }
  return ScopedStatement(*it->second);
}

}  // namespace rotor::storage
