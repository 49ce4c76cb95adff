#include "storage/postgres_db.h"

#include <dlfcn.h>

#include <cstdlib>
#include <cstring>

namespace rotor::storage {
namespace {

// Sets `f` to the function `name` of `lib`; false when it has none.
template <typename F>
bool Load(void* lib, const char* name, F& f) {
  void* symbol = ::dlsym(lib, name);
  // A function pointer from dlsym's void*: POSIX guarantees the round trip.
  std::memcpy(&f, &symbol, sizeof f);
  return symbol != nullptr;
}

LibPq LoadLibPq() {
  constexpr const char* kLibrary = "libpq.so.5";
  void* lib = ::dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char* why = ::dlerror();
    throw PgError(std::string("the PostgreSQL store needs libpq (") + kLibrary +
                      ", Debian package libpq5): " + (why ? why : "cannot be loaded"),
                  "", false);
  }
  LibPq pq{};
  const char* missing = nullptr;
  auto load = [&](const char* name, auto& f) {
    if (!missing && !Load(lib, name, f)) missing = name;
  };
  load("PQconnectdbParams", pq.connectdbParams);
  load("PQstatus", pq.status);
  load("PQerrorMessage", pq.errorMessage);
  load("PQfinish", pq.finish);
  load("PQsetNoticeProcessor", pq.setNoticeProcessor);
  load("PQexec", pq.exec);
  load("PQexecParams", pq.execParams);
  load("PQresultStatus", pq.resultStatus);
  load("PQresultErrorField", pq.resultErrorField);
  load("PQresultErrorMessage", pq.resultErrorMessage);
  load("PQclear", pq.clear);
  load("PQntuples", pq.ntuples);
  load("PQgetisnull", pq.getisnull);
  load("PQgetvalue", pq.getvalue);
  load("PQgetlength", pq.getlength);
  load("PQcmdTuples", pq.cmdTuples);
  load("PQunescapeBytea", pq.unescapeBytea);
  load("PQfreemem", pq.freemem);
  load("PQhost", pq.host);
  load("PQport", pq.port);
  load("PQdb", pq.db);
  if (missing) {
    ::dlclose(lib);
    throw PgError(std::string(kLibrary) + " has no " + missing, "", false);
  }
  return pq;  // `lib` stays loaded for the life of the process
}

std::string Trimmed(const char* text) {
  std::string s = text ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Throws PgError unless `r` is a success; frees `r` in every case.
PgResult Checked(PGconn* conn, PGresult* r, const std::string& sql) {
  PgResult result(r);
  ExecStatusType status = r ? Pq().resultStatus(r) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
  const char* state = r ? Pq().resultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = r ? Trimmed(Pq().resultErrorMessage(r)) : Trimmed(Pq().errorMessage(conn));
  if (message.empty()) message = Trimmed(Pq().errorMessage(conn));
  // The statement's first words say which call failed, never its parameters.
  std::string head = sql.substr(0, std::min<size_t>(sql.size(), 60));
  throw PgError("PostgreSQL: " + message + " (in: " + head + "...)", state ? state : "",
                Pq().status(conn) != CONNECTION_OK);
}

}  // namespace

const LibPq& Pq() {
  static const LibPq pq = LoadLibPq();
  return pq;
}

std::string PgResult::Text(int row, int col) const {
  return std::string(Pq().getvalue(r_.get(), row, col),
                     static_cast<size_t>(Pq().getlength(r_.get(), row, col)));
}

int64_t PgResult::Int(int row, int col) const {
  return std::strtoll(Pq().getvalue(r_.get(), row, col), nullptr, 10);
}

std::vector<uint8_t> PgResult::Blob(int row, int col) const {
  size_t n = 0;
  unsigned char* bytes = Pq().unescapeBytea(
      reinterpret_cast<const unsigned char*>(Pq().getvalue(r_.get(), row, col)), &n);
  if (!bytes) throw PgError("PostgreSQL: cannot decode a bytea value", "", false);
  std::vector<uint8_t> out(bytes, bytes + n);
  Pq().freemem(bytes);
  return out;
}

int64_t PgResult::Affected() const { return std::strtoll(Pq().cmdTuples(r_.get()), nullptr, 10); }

PgConn::PgConn(const std::string& url, int connect_timeout_s) {
  // Keywords before the expanded dbname (the URL) are overridden by the URL's own.
  std::string timeout = std::to_string(connect_timeout_s);
  const char* keywords[] = {"connect_timeout", "dbname", nullptr};
  const char* values[] = {timeout.c_str(), url.c_str(), nullptr};
  conn_ = Pq().connectdbParams(keywords, values, /*expand_dbname=*/1);
  if (!conn_ || Pq().status(conn_) != CONNECTION_OK) {
    std::string message = conn_ ? Trimmed(Pq().errorMessage(conn_)) : "out of memory";
    if (conn_) Pq().finish(conn_);
    conn_ = nullptr;
    throw PgError("cannot connect to PostgreSQL: " + message, "", true);
  }
  // Rotor's SQL spells what it means: no notices on stderr, UTC for now().
  Pq().setNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
  Exec("SET TIME ZONE 'UTC'");
}

PgConn::~PgConn() {
  if (conn_) Pq().finish(conn_);
}

void PgConn::Exec(const std::string& sql) { Checked(conn_, Pq().exec(conn_, sql.c_str()), sql); }

PgResult PgConn::Query(const std::string& sql, const std::vector<PgParam>& params) {
  std::vector<const char*> values(params.size());
  std::vector<int> lengths(params.size());
  std::vector<int> formats(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    values[i] = params[i].value ? params[i].value->data() : nullptr;
    lengths[i] = params[i].value ? static_cast<int>(params[i].value->size()) : 0;
    formats[i] = params[i].binary ? 1 : 0;
  }
  PGresult* r = Pq().execParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr,
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
