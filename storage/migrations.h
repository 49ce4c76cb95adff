// Schema migrations, numbered. The database records its version in
// PRAGMA user_version and Rotor's mark in PRAGMA application_id, so a file
// that is not a Rotor database (or is from a newer Rotor) is refused at start
// instead of being silently reset.
#pragma once

#include "storage/sqlite_db.h"

namespace rotor::storage {

constexpr int kRotorApplicationId = 0x524F5452;  // "ROTR"

// Brings `db` to the latest schema inside one transaction; throws StorageError
// with a clear message for foreign, corrupt or too-new files.
void Migrate(SqliteDb& db, const std::string& path);

int LatestSchemaVersion();

}  // namespace rotor::storage
