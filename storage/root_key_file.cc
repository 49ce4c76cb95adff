#include "storage/root_key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/aead.h"
#include "storage/sqlite_db.h"

namespace rotor::storage {
namespace {

std::string Why(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

void WriteNewKey(const std::string& path, core::RandomSource& random) {
  core::SecretBytes key = random.Secret(core::kAesKeySize);
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw StorageError(Why("cannot create root key file", tmp));
  bool ok =
      ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
  ::close(fd);
  // link() fails if another process created the key meanwhile: never overwrite one.
  if (!ok || ::link(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    if (ok && errno == EEXIST) return;
    throw StorageError(Why("cannot write root key file", path));
  }
  ::unlink(tmp.c_str());
}

}  // namespace

core::SecretBytes LoadOrCreateRootKey(const std::string& path, bool create_if_missing,
                                      core::RandomSource& random) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT || !create_if_missing)
      throw StorageError(Why("cannot read root key file", path));
    WriteNewKey(path, random);
    if (::stat(path.c_str(), &st) != 0) throw StorageError(Why("cannot read root key file", path));
  }
  if ((st.st_mode & 077) != 0) {
    throw StorageError("root key file " + path + " is readable by other users; run: chmod 600 " +
                       path);
  }
  if (st.st_size != static_cast<off_t>(core::kAesKeySize)) {
    throw StorageError("root key file " + path + " must hold exactly 32 bytes");
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw StorageError(Why("cannot open root key file", path));
  core::SecretBytes key(core::kAesKeySize);
  ssize_t n = ::read(fd, key.data(), key.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(key.size()))
    throw StorageError(Why("cannot read root key file", path));
  return key;
}

}  // namespace rotor::storage
