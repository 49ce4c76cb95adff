#include "storage/postgres_migrations.h"

#include <optional>
#include <string>
#include <vector>

#include "storage/migration_runner.h"

namespace rotor::storage {
namespace {

// The steps (storage/migration_runner.h). Text columns compare byte-wise
// (COLLATE "C"), as SQLite's do, so listings come in the same order on both
// stores. Times are milliseconds since the epoch, as in the SQLite store.
const std::vector<std::string>& Steps() {
  static const std::vector<std::string> kSteps = {
      // 1: every table of the SQLite store's schema 4, the audit trail (its
      // own file in SQLite) and the store's change counter.
      R"sql(
      CREATE TABLE keys (
        account       TEXT COLLATE "C" NOT NULL,
        region        TEXT COLLATE "C" NOT NULL,
        key_id        TEXT COLLATE "C" NOT NULL,
        next_event_at BIGINT,             -- what the scheduler indexes
        doc           TEXT NOT NULL,      -- the Key record as JSON (no key material)
        PRIMARY KEY (account, region, key_id)
      );
      CREATE INDEX keys_by_next_event ON keys (next_event_at) WHERE next_event_at IS NOT NULL;

      CREATE TABLE key_materials (
        account       TEXT COLLATE "C" NOT NULL,
        region        TEXT COLLATE "C" NOT NULL,
        key_id        TEXT COLLATE "C" NOT NULL,
        version       BIGINT NOT NULL,
        material_id   TEXT NOT NULL,
        created_at    BIGINT NOT NULL,
        rotation_type TEXT,
        description   TEXT NOT NULL DEFAULT '',
        import_state  TEXT,
        valid_to      BIGINT,
        sealed        BYTEA,              -- AES-256-GCM under the root key; NULL when removed
        PRIMARY KEY (account, region, key_id, version),
        FOREIGN KEY (account, region, key_id) REFERENCES keys ON DELETE CASCADE
      );

      CREATE TABLE aliases (
        account     TEXT COLLATE "C" NOT NULL,
        region      TEXT COLLATE "C" NOT NULL,
        alias_name  TEXT COLLATE "C" NOT NULL,
        key_id      TEXT COLLATE "C" NOT NULL,
        created_at  BIGINT NOT NULL,
        updated_at  BIGINT NOT NULL,
        PRIMARY KEY (account, region, alias_name),
        FOREIGN KEY (account, region, key_id) REFERENCES keys ON DELETE CASCADE
      );
      CREATE INDEX aliases_by_key ON aliases (account, region, key_id);

      CREATE TABLE key_usage (
        account    TEXT COLLATE "C" NOT NULL,
        region     TEXT COLLATE "C" NOT NULL,
        key_id     TEXT COLLATE "C" NOT NULL,
        operation  TEXT NOT NULL,
        at         BIGINT NOT NULL,
        request_id TEXT NOT NULL,
        PRIMARY KEY (account, region, key_id),
        FOREIGN KEY (account, region, key_id) REFERENCES keys ON DELETE CASCADE
      );

      CREATE TABLE deleted_keys (
        account    TEXT COLLATE "C" NOT NULL,
        region     TEXT COLLATE "C" NOT NULL,
        key_id     TEXT COLLATE "C" NOT NULL,
        deleted_at BIGINT NOT NULL,
        PRIMARY KEY (account, region, key_id)
      );

      CREATE TABLE grants (
        account            TEXT COLLATE "C" NOT NULL,
        region             TEXT COLLATE "C" NOT NULL,
        key_id             TEXT COLLATE "C" NOT NULL,
        grant_id           TEXT COLLATE "C" NOT NULL,
        name               TEXT COLLATE "C" NOT NULL DEFAULT '',
        retiring_principal TEXT COLLATE "C" NOT NULL DEFAULT '',
        doc                TEXT NOT NULL,
        PRIMARY KEY (account, region, key_id, grant_id),
        FOREIGN KEY (account, region, key_id) REFERENCES keys ON DELETE CASCADE
      );
      CREATE INDEX grants_by_retiring_principal
        ON grants (account, region, retiring_principal, key_id, grant_id)
        WHERE retiring_principal <> '';

      -- The store's own records (one row). `generation` grows with every
      -- committed write of any replica: caches compare it (storage/postgres_key_repository.h).
      CREATE TABLE store_state (
        id             INTEGER PRIMARY KEY CHECK (id = 1),
        root_key_check BYTEA,
        clock          TEXT CHECK (clock IN ('system', 'virtual')),
        virtual_time   BIGINT,
        generation     BIGINT NOT NULL DEFAULT 0
      );
      INSERT INTO store_state (id) VALUES (1);

      CREATE TABLE audit_events (
        seq        BIGSERIAL PRIMARY KEY,
        event_id   TEXT NOT NULL,
        time_ms    BIGINT NOT NULL,
        event_name TEXT COLLATE "C" NOT NULL,
        event_type TEXT NOT NULL,
        account    TEXT COLLATE "C" NOT NULL,
        region     TEXT COLLATE "C" NOT NULL,
        key_id     TEXT COLLATE "C" NOT NULL,
        error_code TEXT COLLATE "C" NOT NULL,
        record     TEXT NOT NULL
      );
      CREATE INDEX audit_by_key ON audit_events (key_id, time_ms);
      CREATE INDEX audit_by_time ON audit_events (time_ms);
      )sql",
  };
  return kSteps;
}

// The version rotor_schema records, or nullopt when the database holds no
// Rotor store and no other table (a new one). Throws StorageError for a
// database that holds tables that are not Rotor's.
std::optional<int> StoredVersion(PgConn& db) {
  PgResult marked = db.Query("SELECT to_regclass('rotor_schema') IS NOT NULL");
  if (marked.Text(0, 0) == "t") {
    PgResult v = db.Query("SELECT version FROM rotor_schema");
    return v.rows() ? static_cast<int>(v.Int(0, 0)) : 0;
  }
  PgResult tables =
      db.Query("SELECT count(*) FROM pg_tables WHERE schemaname = ANY (current_schemas(false))");
  if (tables.Int(0, 0) > 0) {
    throw StorageError(
        "the database of --database-url holds tables that are not Rotor's. Rotor will not "
        "modify it; give Rotor a database (or a schema) of its own.");
  }
  return std::nullopt;
}

// The one-row table rotor_schema holds the version and marks the database
// as Rotor's; replicas that start together migrate one at a time.
class PostgresTarget final : public MigrationTarget {
 public:
  explicit PostgresTarget(PgConn& db) : db_(db) {}
  std::string Name() const override { return "the database of --database-url"; }
  void Begin() override {
    db_.Exec("BEGIN");
    db_.Query(std::string("SELECT pg_advisory_xact_lock(") + kPgLockArgs + ")",
              {PgParam(int64_t{kPgMigrationLock})});
  }
  int ReadVersion() override {
    if (std::optional<int> version = StoredVersion(db_)) return *version;
    db_.Exec(
        "CREATE TABLE rotor_schema (version INTEGER NOT NULL); "
        "INSERT INTO rotor_schema VALUES (0)");
    return 0;
  }
  void Exec(const std::string& sql) override { db_.Exec(sql); }
  void WriteVersion(int version) override {
    db_.Query("UPDATE rotor_schema SET version = $1", {PgParam(int64_t{version})});
  }

 private:
  PgConn& db_;
};

// The same database for a reader (rotor report, rotor export): a READ ONLY
// transaction, the runner's refusals (a newer Rotor's schema), and none of
// its writes: an empty database or one that needs a step is refused.
class ReadOnlyTarget final : public MigrationTarget {
 public:
  explicit ReadOnlyTarget(PgConn& db) : db_(db) {}
  std::string Name() const override { return "the database of --database-url"; }
  void Begin() override { db_.Exec("BEGIN READ ONLY"); }
  int ReadVersion() override {
    std::optional<int> version = StoredVersion(db_);
    if (!version) {
      throw StorageError(Name() +
                         " holds no Rotor store yet; a server started on it (--store postgres) "
                         "creates one.");
    }
    version_ = *version;
    return version_;
  }
  void Exec(const std::string& sql) override {
    if (sql == "COMMIT" || sql == "ROLLBACK") return db_.Exec(sql);
    throw StorageError(Name() + " has an older Rotor schema (" + std::to_string(version_) +
                       "); start a server of this version on it once to migrate it.");
  }
  void WriteVersion(int) override { throw StorageError("a read-only store records no version"); }

 private:
  PgConn& db_;
  int version_ = 0;
};

}  // namespace

int CheckPostgresSchema(PgConn& db) {
  ReadOnlyTarget target(db);
  return RunMigrations(target, Steps());
}

int LatestPostgresSchemaVersion() { return static_cast<int>(Steps().size()); }

int MigratePostgres(PgConn& db) {
  PostgresTarget target(db);
  return RunMigrations(target, Steps());
}

}  // namespace rotor::storage
