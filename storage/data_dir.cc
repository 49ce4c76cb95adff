#include "storage/data_dir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "storage/sqlite_db.h"

namespace rotor::storage {

void PrepareDataDir(const std::string& path, const std::string& named) {
  std::filesystem::path dir(path);
  if (dir.has_parent_path() && dir.parent_path() != dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir.parent_path(), ec);  // mkdir below says what failed
  }
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
    throw StorageError("cannot create " + named + " " + path + ": " + std::strerror(errno), 0,
                       errno);
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throw StorageError("cannot read " + named + " " + path + ": " + std::strerror(errno), 0, errno);
  }
  if (!S_ISDIR(st.st_mode)) {
    throw StorageError(named + " " + path + " is not a folder; choose another --data-dir");
  }
  if ((st.st_mode & 022) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    throw StorageError(
        named + " " + path + " can be written by " +
        ((st.st_mode & 020) ? ((st.st_mode & 002) ? "group and others" : "group") : "others") +
        " (mode " + mode +
        "): they could replace its database or root key. Rotor refuses it; run: "
        "chmod 700 " +
        path);
  }
  if (::access(path.c_str(), W_OK) != 0) {
    throw StorageError(named + " " + path + " is read-only (" + std::strerror(errno) +
                           "): Rotor creates its database, journal and lock files there. Make it "
                           "writable or choose another --data-dir (rotor report and rotor export "
                           "only read a data dir).",
                       0, errno);
  }
}

}  // namespace rotor::storage
