#include "storage/postgres_db.h"

#include <cstdlib>
#include <cstring>

namespace rotor::storage {
namespace {

std::string Trimmed(const char* text) {
  std::string s = text ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Throws PgError unless `r` is a success; frees `r` in every case.
PgResult Checked(PGconn* conn, PGresult* r, const std::string& sql) {
  PgResult result(r);
  ExecStatusType status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = r ? Trimmed(PQresultErrorMessage(r)) : Trimmed(PQerrorMessage(conn));
  if (message.empty()) message = Trimmed(PQerrorMessage(conn));
  // The statement's first words say which call failed, never its parameters.
  std::string head = sql.substr(0, std::min<size_t>(sql.size(), 60));
  throw PgError("PostgreSQL: " + message + " (in: " + head + "...)", state ? state : "",
                PQstatus(conn) != CONNECTION_OK);
}

}  // namespace

std::string PgResult::Text(int row, int col) const {
  return std::string(PQgetvalue(r_.get(), row, col),
                     static_cast<size_t>(PQgetlength(r_.get(), row, col)));
}

int64_t PgResult::Int(int row, int col) const {
  return std::strtoll(PQgetvalue(r_.get(), row, col), nullptr, 10);
}

std::vector<uint8_t> PgResult::Blob(int row, int col) const {
  size_t n = 0;
  unsigned char* bytes =
      PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(r_.get(), row, col)), &n);
  if (!bytes) throw PgError("PostgreSQL: cannot decode a bytea value", "", false);
  std::vector<uint8_t> out(bytes, bytes + n);
  PQfreemem(bytes);
  return out;
}

int64_t PgResult::Affected() const { return std::strtoll(PQcmdTuples(r_.get()), nullptr, 10); }

PgConn::PgConn(const std::string& url, int connect_timeout_s) {
  // Keywords before the expanded dbname (the URL) are overridden by the URL's own.
  std::string timeout = std::to_string(connect_timeout_s);
  const char* keywords[] = {"connect_timeout", "dbname", nullptr};
  const char* values[] = {timeout.c_str(), url.c_str(), nullptr};
  conn_ = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
    std::string message = conn_ ? Trimmed(PQerrorMessage(conn_)) : "out of memory";
    if (conn_) PQfinish(conn_);
    conn_ = nullptr;
    throw PgError("cannot connect to PostgreSQL: " + message, "", true);
  }
  // Rotor's SQL spells what it means: no notices on stderr, UTC for now().
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
  Exec("SET TIME ZONE 'UTC'");
}

PgConn::~PgConn() {
  if (conn_) PQfinish(conn_);
}

void PgConn::Exec(const std::string& sql) { Checked(conn_, PQexec(conn_, sql.c_str()), sql); }

PgResult PgConn::Query(const std::string& sql, const std::vector<PgParam>& params) {
  std::vector<const char*> values(params.size());
  std::vector<int> lengths(params.size());
  std::vector<int> formats(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    values[i] = params[i].value ? params[i].value->data() : nullptr;
    lengths[i] = params[i].value ? static_cast<int>(params[i].value->size()) : 0;
    formats[i] = params[i].binary ? 1 : 0;
  }
  PGresult* r = PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr,
                             values.data(), lengths.data(), formats.data(), 0);
  return Checked(conn_, r, sql);
}

void BeginTransaction(std::unique_ptr<PgConn>& db, const std::string& url) {
  for (int attempt = 0;; ++attempt) {
    if (!db || !db->ok()) db = std::make_unique<PgConn>(url);
    try {
      db->Exec("BEGIN");
      return;
    } catch (const PgError& e) {
      if (!e.connection_lost() || attempt > 0) throw;
      db.reset();
    }
  }
}

bool LooksLikePostgresUrl(const std::string& url) {
  return url.rfind("postgres://", 0) == 0 || url.rfind("postgresql://", 0) == 0 ||
         url.find('=') != std::string::npos;
}

}  // namespace rotor::storage
