// Catch2's main, preceded by one line naming the OpenSSL library this test binary
// loaded (CI runs the crypto tests against several OpenSSL 3.0.x runtimes through
// LD_LIBRARY_PATH, and the line proves which one each run used).
#define CATCH_CONFIG_RUNNER
#include <openssl/crypto.h>
#include <catch2/catch.hpp>
#include <cstdio>

int main(int argc, char* argv[]) {
  std::fprintf(stderr, "OpenSSL loaded: %s\n", OpenSSL_version(OPENSSL_VERSION));
  return Catch::Session().run(argc, argv);
}
