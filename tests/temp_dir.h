// TempDir: a fresh directory under the system temp dir, removed with its
// contents when the test scope ends.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

namespace rotor::testing {

struct TempDir {
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "rotor-test-XXXXXX").string();
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    path = mkdtemp(buf.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string path;
};

}  // namespace rotor::testing
