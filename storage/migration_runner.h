// RunMigrations: the one schema-migration loop of the SQL stores (SQLite:
// storage/migrations.cc, PostgreSQL: storage/postgres_migrations.cc). Each
// store lists its steps, numbered from 1: step N brings the schema from
// version N-1 to N. A step that has shipped is never edited: the next one is
// added. Each store also says how its database records the version and
// Rotor's mark.
#pragma once

#include <string>
#include <vector>

namespace rotor::storage {

// A store's database as the runner migrates it.
class MigrationTarget {
 public:
  virtual ~MigrationTarget() = default;
  // The database named for people ("/data/rotor.db", "the database of
  // --database-url").
  virtual std::string Name() const = 0;
  // Begins the migration's transaction (and takes whatever lock keeps other
  // processes out of it).
  virtual void Begin() = 0;
  // The schema version the database records (0 for an empty one). Throws
  // StorageError, with a message for people, for a database that is not
  // Rotor's.
  virtual int ReadVersion() = 0;
  // Runs a step's SQL, COMMIT or ROLLBACK; throws StorageError.
  virtual void Exec(const std::string& sql) = 0;
  // Records `version` and Rotor's mark.
  virtual void WriteVersion(int version) = 0;
};

// Brings `target` to the latest schema, steps.size(), inside one transaction
// that runs the steps after the recorded version; nothing changes when the
// database is at the latest already. Throws StorageError with a message for
// people for a foreign database or one a newer Rotor wrote (schema above
// steps.size()); the transaction is then rolled back. Returns the version.
int RunMigrations(MigrationTarget& target, const std::vector<std::string>& steps);

}  // namespace rotor::storage
