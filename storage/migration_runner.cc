#include "storage/migration_runner.h"

#include "storage/sqlite_db.h"  // StorageError

namespace rotor::storage {

int RunMigrations(MigrationTarget& target, const std::vector<std::string>& steps) {
  const int latest = static_cast<int>(steps.size());
  try {
    target.Begin();
    const int version = target.ReadVersion();
    if (version > latest) {
      throw StorageError(target.Name() + " was written by a newer Rotor (schema " +
                         std::to_string(version) + ", this build knows " + std::to_string(latest) +
                         ").");
    }
    if (version < latest) {
      for (int v = version; v < latest; ++v) target.Exec(steps[static_cast<size_t>(v)]);
      target.WriteVersion(latest);
    }
    target.Exec("COMMIT");
  } catch (...) {
    try {
      target.Exec("ROLLBACK");
    } catch (const StorageError&) {
      // Nothing to undo (BEGIN failed), or the connection broke and took
      // the transaction with it.
    }
    throw;
  }
  return latest;
}

}  // namespace rotor::storage
