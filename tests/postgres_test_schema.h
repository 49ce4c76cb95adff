// PostgresTestSchema: a schema of its own in the database of
// ROTOR_TEST_DATABASE_URL for one test (tests run in parallel), dropped with
// everything in it when the test ends. `url` points a store at it (libpq's
// options=-csearch_path). Without the variable, Available() is false and the
// PostgreSQL cases skip with kSkipMessage; scripts/test.sh always sets it.
#pragma once

#include <cstdlib>
#include <random>
#include <string>

#include "storage/postgres_db.h"

namespace rotor::testing {

struct PostgresTestSchema {
  static constexpr const char* kSkipMessage =
      "skipped: no PostgreSQL for the PostgreSQL store's cases (set ROTOR_TEST_DATABASE_URL, "
      "e.g. postgres://rotor@127.0.0.1:5432/postgres; scripts/test.sh starts one)";
  static const char* BaseUrl() { return std::getenv("ROTOR_TEST_DATABASE_URL"); }
  static bool Available() { return BaseUrl() && *BaseUrl(); }

  PostgresTestSchema() {
    std::random_device rd;
    name = "unit_" + std::to_string(rd()) + std::to_string(rd());
    std::string base = BaseUrl();
    admin_url = base;
    storage::PgConn(admin_url).Exec("CREATE SCHEMA " + name);
    url = base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
          name;
  }
  ~PostgresTestSchema() {
    try {
      storage::PgConn(admin_url).Exec("DROP SCHEMA " + name + " CASCADE");
    } catch (...) {
      // The server went away; the whole cluster is thrown away after the run.
    }
  }
  PostgresTestSchema(const PostgresTestSchema&) = delete;
  PostgresTestSchema& operator=(const PostgresTestSchema&) = delete;

  std::string name;
  std::string admin_url;
  std::string url;
};

}  // namespace rotor::testing
