// The data dir: the folder of rotor.db (+ -wal, -shm), audit.db, rotor.lock
// and, by default, root.key. Rotor creates it 0700 whatever the umask and
// refuses, before touching anything in it, one that it cannot write or that
// group or others can write (anyone who can write the folder can replace the
// database or the root key: OpenSSH's StrictModes refuses such folders too).
#pragma once

#include <string>

namespace rotor::storage {

// Creates `path` (mode 0700; missing parents get the default mode) or checks
// the existing one as above. Throws StorageError with a message for people
// that names the folder and the fix.
// `named` says where the path came from ("--data-dir", "ROTOR_DATA_DIR", ...)
// and begins every message.
void PrepareDataDir(const std::string& path, const std::string& named = "data dir");

}  // namespace rotor::storage
