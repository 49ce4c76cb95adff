// RunMigrations (storage/migration_runner.h), the loop both SQL stores'
// migrations share, on a scripted target: which steps run from which
// version, what is recorded, and that a refusal rolls everything back. The
// stores' own schemas and refusals are tested through the stores
// (sqlite_key_repository_test.cc, postgres_key_repository_test.cc).
#include "storage/migration_runner.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "storage/sqlite_db.h"

using namespace rotor;

namespace {

class ScriptedTarget final : public storage::MigrationTarget {
 public:
  explicit ScriptedTarget(int version) : version_(version) {}
  std::string Name() const override { return "the test database"; }
  void Begin() override { log.push_back("BEGIN"); }
  int ReadVersion() override {
    log.push_back("READ");
    if (foreign) throw storage::StorageError("not Rotor's");
    return version_;
  }
  void Exec(const std::string& sql) override { log.push_back(sql); }
  void WriteVersion(int version) override { log.push_back("VERSION " + std::to_string(version)); }

  bool foreign = false;
  std::vector<std::string> log;

 private:
  int version_;
};

const std::vector<std::string> kSteps = {"step 1", "step 2", "step 3"};

}  // namespace

TEST_CASE("Migrations run the steps after the recorded version, in one transaction",
          "[migrations]") {
  ScriptedTarget empty(0);
  CHECK(storage::RunMigrations(empty, kSteps) == 3);
  CHECK(empty.log == std::vector<std::string>{"BEGIN", "READ", "step 1", "step 2", "step 3",
                                              "VERSION 3", "COMMIT"});
  ScriptedTarget older(1);
  CHECK(storage::RunMigrations(older, kSteps) == 3);
  CHECK(older.log ==
        std::vector<std::string>{"BEGIN", "READ", "step 2", "step 3", "VERSION 3", "COMMIT"});
  ScriptedTarget latest(3);
  CHECK(storage::RunMigrations(latest, kSteps) == 3);
  CHECK(latest.log == std::vector<std::string>{"BEGIN", "READ", "COMMIT"});
}

TEST_CASE("Migrations refuse a newer or foreign database and roll back", "[migrations]") {
  ScriptedTarget newer(4);
  CHECK_THROWS_WITH(storage::RunMigrations(newer, kSteps),
                    "the test database was written by a newer Rotor (schema 4, this build "
                    "knows 3).");
  CHECK(newer.log == std::vector<std::string>{"BEGIN", "READ", "ROLLBACK"});
  ScriptedTarget foreign(0);
  foreign.foreign = true;
  CHECK_THROWS_WITH(storage::RunMigrations(foreign, kSteps), "not Rotor's");
  CHECK(foreign.log == std::vector<std::string>{"BEGIN", "READ", "ROLLBACK"});
}
