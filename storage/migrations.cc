#include "storage/migrations.h"

#include <string>
#include <vector>

#include "storage/migration_runner.h"

namespace rotor::storage {
namespace {

// The steps, numbered from 1 (storage/migration_runner.h).
const std::vector<std::string>& Steps() {
  static const std::vector<std::string> kSteps = {
      // 1: keys, their material versions, aliases and last-usage records.
      R"sql(
      CREATE TABLE keys (
        account       TEXT NOT NULL,
        region        TEXT NOT NULL,
        key_id        TEXT NOT NULL,
        next_event_at INTEGER,            -- ms since epoch; what the scheduler indexes
        doc           TEXT NOT NULL,      -- the Key record as JSON (no key material)
        PRIMARY KEY (account, region, key_id)
      ) WITHOUT ROWID;
      CREATE INDEX keys_by_next_event ON keys (next_event_at) WHERE next_event_at IS NOT NULL;

      CREATE TABLE key_materials (
        account       TEXT NOT NULL,
        region        TEXT NOT NULL,
        key_id        TEXT NOT NULL,
        version       INTEGER NOT NULL,
        material_id   TEXT NOT NULL,
        created_at    INTEGER NOT NULL,
        rotation_type TEXT,
        description   TEXT NOT NULL DEFAULT '',
        import_state  TEXT,
        valid_to      INTEGER,
        sealed        BLOB,               -- AES-256-GCM under the root key; NULL when removed
        PRIMARY KEY (account, region, key_id, version),
        FOREIGN KEY (account, region, key_id) REFERENCES keys ON DELETE CASCADE
      ) WITHOUT ROWID;

      CREATE TABLE aliases (
        account     TEXT NOT NULL,
        region      TEXT NOT NULL,
        alias_name  TEXT NOT NULL,
        key_id      TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL,
        PRIMARY KEY (account, region, alias_name),
        FOREIGN KEY (account, region, key_id) REFERENCES keys ON DELETE CASCADE
      ) WITHOUT ROWID;
      CREATE INDEX aliases_by_key ON aliases (account, region, key_id);

      CREATE TABLE key_usage (
        account    TEXT NOT NULL,
        region     TEXT NOT NULL,
        key_id     TEXT NOT NULL,
        operation  TEXT NOT NULL,
        at         INTEGER NOT NULL,
        request_id TEXT NOT NULL,
        PRIMARY KEY (account, region, key_id),
        FOREIGN KEY (account, region, key_id) REFERENCES keys ON DELETE CASCADE
      ) WITHOUT ROWID;
      )sql",
      // 2: ids of deleted keys, so a ciphertext of a deleted key is told apart
      // from one of another keyspace (NotFoundException vs InvalidCiphertextException).
      R"sql(
      CREATE TABLE deleted_keys (
        account    TEXT NOT NULL,
        region     TEXT NOT NULL,
        key_id     TEXT NOT NULL,
        deleted_at INTEGER NOT NULL,
        PRIMARY KEY (account, region, key_id)
      ) WITHOUT ROWID;
      )sql",
      // 3: the store's own records (one row): the check value of the root key
      // its material is sealed under, and the clock it was last served with.
      R"sql(
      CREATE TABLE store_state (
        id             INTEGER PRIMARY KEY CHECK (id = 1),
        root_key_check BLOB,              -- HMAC-SHA256 of a fixed label under the root key
        clock          TEXT CHECK (clock IN ('system', 'virtual')),
        virtual_time   INTEGER            -- ms since epoch: the latest time of a virtual clock
      );
      INSERT INTO store_state (id) VALUES (1);
      )sql",
      // 4: grants, each with its key (deleted with it). The doc holds the
      // grant record (storage/grant_codec.h); the index serves ListRetirableGrants.
      R"sql(
      CREATE TABLE grants (
        account            TEXT NOT NULL,
        region             TEXT NOT NULL,
        key_id             TEXT NOT NULL,
        grant_id           TEXT NOT NULL,
        name               TEXT NOT NULL DEFAULT '',
        retiring_principal TEXT NOT NULL DEFAULT '',
        doc                TEXT NOT NULL,
        PRIMARY KEY (account, region, key_id, grant_id),
        FOREIGN KEY (account, region, key_id) REFERENCES keys ON DELETE CASCADE
      ) WITHOUT ROWID;
      CREATE INDEX grants_by_retiring_principal
        ON grants (account, region, retiring_principal, key_id, grant_id)
        WHERE retiring_principal <> '';
      )sql",
  };
  return kSteps;
}

int ReadPragma(SqliteDb& db, const char* pragma) {
  auto q = db.Prepare(std::string("PRAGMA ") + pragma);
  return q->Step() ? static_cast<int>(q->Int(0)) : 0;
}

// rotor.db: the version in PRAGMA user_version, Rotor's mark in PRAGMA
// application_id; a file with tables and without the mark is foreign.
class SqliteTarget final : public MigrationTarget {
 public:
  SqliteTarget(SqliteDb& db, const std::string& path) : db_(db), path_(path) {}
  std::string Name() const override { return path_; }
  void Begin() override {
    Usable([&] { db_.Exec("BEGIN IMMEDIATE"); });
  }
  int ReadVersion() override {
    int app_id = 0;
    int version = 0;
    int tables = 0;
    Usable([&] {
      app_id = ReadPragma(db_, "application_id");
      version = ReadPragma(db_, "user_version");
      auto q = db_.Prepare("SELECT count(*) FROM sqlite_master");
      if (q->Step()) tables = static_cast<int>(q->Int(0));
    });
    if (tables > 0 && app_id != kRotorApplicationId) {
      throw StorageError(path_ +
                         " is a SQLite database that does not belong to Rotor. Rotor will not "
                         "modify it; choose another --data-dir.");
    }
    return version;
  }
  void Exec(const std::string& sql) override { db_.Exec(sql); }
  void WriteVersion(int version) override {
    db_.Exec("PRAGMA application_id = " + std::to_string(kRotorApplicationId));
    db_.Exec("PRAGMA user_version = " + std::to_string(version));
  }

 private:
  // Runs `read`; a file SQLite cannot read is refused, never overwritten.
  template <class Fn>
  void Usable(Fn&& read) {
    try {
      read();
    } catch (const StorageError& e) {
      throw StorageError(
          path_ + " is not a usable SQLite database (" + e.what() +
          "). Rotor will not overwrite it; move it away or choose another --data-dir.");
    }
  }

  SqliteDb& db_;
  std::string path_;
};

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(Steps().size()); }

void Migrate(SqliteDb& db, const std::string& path) {
  SqliteTarget target(db, path);
  RunMigrations(target, Steps());
}

}  // namespace rotor::storage
