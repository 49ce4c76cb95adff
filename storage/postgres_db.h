// Thin RAII wrappers over libpq (PostgreSQL's C client): a connection and a
// query result. Every PQ* call of Rotor lives in storage/.
//
// libpq is loaded (dlopen of libpq.so.5) the first time the PostgreSQL store
// connects, not linked: libpq.so.5 brings ~20 more shared libraries (Kerberos,
// LDAP, GnuTLS...) that cost every start of Rotor ~4 MB of RSS and ~9 ms on a
// 2-core VM, most of which never use PostgreSQL (bench/RESULTS.md, "Start-up
// and idle memory").
//
// Parameters are sent as text ($1, $2... in the SQL), bytea ones as binary;
// results come back as text (bytea decoded by Result::Blob).
//
// Thread safety: a PgConn belongs to one thread at a time.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/sqlite_db.h"  // StorageError, the error every store throws

namespace rotor::storage {

// A PostgreSQL failure. `sqlstate` is the five-character SQLSTATE of the
// server's error (empty when the connection itself failed), `connection_lost`
// true when the connection is no longer usable (the caller opens a new one).
class PgError : public StorageError {
 public:
  PgError(const std::string& message, std::string sqlstate, bool connection_lost)
      : StorageError(message), sqlstate_(std::move(sqlstate)), connection_lost_(connection_lost) {}
  const std::string& sqlstate() const { return sqlstate_; }
  bool connection_lost() const { return connection_lost_; }

 private:
  std::string sqlstate_;
  bool connection_lost_;
};

// The libpq functions Rotor calls, with libpq's own signatures (libpq-fe.h).
struct LibPq {
  decltype(&::PQconnectdbParams) connectdbParams;
  decltype(&::PQstatus) status;
  decltype(&::PQerrorMessage) errorMessage;
  decltype(&::PQfinish) finish;
  decltype(&::PQsetNoticeProcessor) setNoticeProcessor;
  decltype(&::PQexec) exec;
  decltype(&::PQexecParams) execParams;
  decltype(&::PQresultStatus) resultStatus;
  decltype(&::PQresultErrorField) resultErrorField;
  decltype(&::PQresultErrorMessage) resultErrorMessage;
  decltype(&::PQclear) clear;
  decltype(&::PQntuples) ntuples;
  decltype(&::PQgetisnull) getisnull;
  decltype(&::PQgetvalue) getvalue;
  decltype(&::PQgetlength) getlength;
  decltype(&::PQcmdTuples) cmdTuples;
  decltype(&::PQunescapeBytea) unescapeBytea;
  decltype(&::PQfreemem) freemem;
  decltype(&::PQhost) host;
  decltype(&::PQport) port;
  decltype(&::PQdb) db;
};

// libpq's functions, loaded from libpq.so.5 on the first call (thread-safe:
// a function-local static; a failed load is tried again on the next call).
// Throws PgError (connection_lost false) naming the library and dlerror()'s
// reason when it is missing or lacks one of the functions.
const LibPq& Pq();

// One query parameter: NULL, text, or bytes (bytea, sent in binary).
struct PgParam {
  std::optional<std::string> value;
  bool binary = false;

  PgParam() = default;                                   // NULL
  PgParam(std::string text) : value(std::move(text)) {}  // NOLINT: implicit on purpose
  PgParam(const char* text) : value(std::string(text)) {}
  PgParam(std::string_view text) : value(std::string(text)) {}
  PgParam(int64_t n) : value(std::to_string(n)) {}
  PgParam(const std::optional<int64_t>& n) {
    if (n) value = std::to_string(*n);
  }
  static PgParam Bytes(const std::vector<uint8_t>& bytes) {
    PgParam p;
    p.value = std::string(bytes.begin(), bytes.end());
    p.binary = true;
    return p;
  }
};

// The rows of one statement, in text format.
class PgResult {
 public:
  explicit PgResult(PGresult* r) : r_(r, Pq().clear) {}
  int rows() const { return Pq().ntuples(r_.get()); }
  bool IsNull(int row, int col) const { return Pq().getisnull(r_.get(), row, col) != 0; }
  std::string Text(int row, int col) const;
  int64_t Int(int row, int col) const;
  // A bytea column's bytes.
  std::vector<uint8_t> Blob(int row, int col) const;
  // Rows changed by an INSERT/UPDATE/DELETE.
  int64_t Affected() const;

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> r_;
};

class PgConn {
 public:
  // Connects to `url` (a postgres:// URL or a key=value connection string),
  // giving up after `connect_timeout_s` seconds unless the URL names its own
  // connect_timeout (libpq's default waits for ever on an unreachable host);
  // throws PgError with libpq's message (the password never appears in it).
  explicit PgConn(const std::string& url, int connect_timeout_s = 10);
  ~PgConn();
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;

  // Runs `sql` (several statements allowed, no parameters); throws PgError.
  void Exec(const std::string& sql);
  // Runs one statement with $n parameters; throws PgError.
  PgResult Query(const std::string& sql, const std::vector<PgParam>& params = {});
  // False once the server closed the connection or it broke.
  bool ok() const { return Pq().status(conn_) == CONNECTION_OK; }
  PGconn* handle() { return conn_; }

 private:
  PGconn* conn_ = nullptr;
};

// Opens a transaction on `db`: (re)connects to `url` first when `db` is null
// or broken, and once more when BEGIN finds the connection lost (the server
// restarted since its last use; nothing of the transaction was sent yet, so
// trying again is safe). Throws PgError.
void BeginTransaction(std::unique_ptr<PgConn>& db, const std::string& url);

// True when `url` names a PostgreSQL server to connect to (postgres:// or
// postgresql://, or a key=value connection string).
bool LooksLikePostgresUrl(const std::string& url);

}  // namespace rotor::storage
