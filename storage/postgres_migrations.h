// Schema migrations of the PostgreSQL store, numbered as the SQLite store's
// (storage/migrations.h). The database records its version in the one-row
// table rotor_schema, which also marks it as Rotor's: a database that holds
// other tables and no rotor_schema is refused at start instead of being
// written into. Replicas that start together migrate one at a time (an
// advisory lock), so each migration runs once.
#pragma once

#include <cstdint>

#include "storage/postgres_db.h"

namespace rotor::storage {

// PostgreSQL advisory locks Rotor takes: (kind, hashtext(current_schema()))
// in the two-int form, so stores in different schemas of one database (the
// tests give each server its own) do not share them.
constexpr int32_t kPgMigrationLock = 0x524F5401;  // "ROT" 1: migrations
constexpr int32_t kPgWriteLock = 0x524F5402;      // every write transaction
constexpr int32_t kPgWorkerLock = 0x524F5403;     // the one background worker
// The SQL arguments of such a lock: $1 is the kind.
constexpr const char* kPgLockArgs = "$1::int, hashtext(current_schema())";

// Brings the database to the latest schema inside one transaction; throws
// StorageError with a message for people for a foreign or too-new database.
// Returns the schema version.
int MigratePostgres(PgConn& db);

// For a reader that must not change the store (rotor report, rotor export):
// returns the schema version after checking, without writing anything, that
// the database is Rotor's at this build's schema. Throws StorageError with
// MigratePostgres's words for a foreign or too-new database, and for an empty
// one or an older schema (a server of this version creates or migrates it).
int CheckPostgresSchema(PgConn& db);

int LatestPostgresSchemaVersion();

}  // namespace rotor::storage
