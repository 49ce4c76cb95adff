// Fuzz target: the seed-file loader. The text is parsed as YAML (byte 0 even)
// or JSON (odd) by server::seed::ParseSeedText, and what parses is loaded by
// KmsService::LoadSeed into an empty in-memory service. Either may refuse the
// input with core::SeedError (or KmsError); anything else escaping, a crash or
// a sanitizer report is a bug: rotor would die at start-up on a bad seed file
// instead of naming the problem.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <typeinfo>

#include "core/clock.h"
#include "core/key_sealer.h"
#include "core/kms_error.h"
#include "core/kms_service.h"
#include "core/random.h"
#include "core/seed.h"
#include "server/seed/seed_file.h"
#include "storage/memory_key_repository.h"

namespace {

using namespace rotor;

struct World {
  World()
      : sealer(random.Secret(32), random), service(repo, sealer, random, core::ServiceConfig{}) {}
  core::SeededRandom random{3};
  storage::MemoryKeyRepository repo;
  core::KeySealer sealer;
  core::KmsService service;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  bool yaml = (data[0] & 1) == 0;
  std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  static World* world = new World();
  try {
    core::SeedDocument doc =
        server::seed::ParseSeedText(text, yaml, "fuzz.seed", {"111122223333", "us-east-1"});
    world->service.Reset();
    world->random = core::SeededRandom(3);
    world->service.LoadSeed(doc, *core::ParseIso8601("2026-01-01T00:00:00Z"));
  } catch (const core::SeedError&) {
  } catch (const core::KmsError& e) {
    if (e.code() == core::ErrorCode::kKmsInternal) std::abort();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz_seed_file: %s escaped: %s\n", typeid(e).name(), e.what());
    std::abort();
  }
  return 0;
}
