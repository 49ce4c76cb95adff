// GroupCommitQueue (storage/group_commit_queue.h), the writer both SQL stores
// share, on a scripted Store: which statements a batch runs, which calls of a
// batch fail when one call, a savepoint, COMMIT or the post-commit check
// fails, and that nothing failed is acknowledged (no on_commit). The stores'
// own statements are tested through them (key_repository_contract_test.cc).
#include "storage/group_commit_queue.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "storage/sqlite_db.h"

using namespace rotor;

namespace {

// A transaction that holds nothing: the calls under test only log.
class NullTransaction final : public core::KeyTransaction {
 public:
  std::optional<core::Key> GetKey(const core::Scope&, const std::string&) override { return {}; }
  void PutKey(const core::Key&) override {}
  void DeleteKey(const core::Scope&, const std::string&, core::Timestamp) override {}
  std::optional<core::Alias> GetAlias(const core::Scope&, const std::string&) override {
    return {};
  }
  void PutAlias(const core::Alias&) override {}
  void DeleteAlias(const core::Scope&, const std::string&) override {}
  std::vector<core::Alias> AliasesOfKey(const core::Scope&, const std::string&) override {
    return {};
  }
  std::vector<core::Grant> GrantsOfKey(const core::Scope&, const std::string&,
                                       const std::string*) override {
    return {};
  }
  size_t CountGrants(const core::Scope&, const std::string&) override { return 0; }
  size_t CountKeys(const core::Scope&, bool) override { return 0; }
  std::optional<core::Grant> GetGrant(const core::Scope&, const std::string&,
                                      const std::string&) override {
    return {};
  }
  void PutGrant(const core::Grant&) override {}
  void DeleteGrant(const core::Scope&, const std::string&, const std::string&) override {}
  void PutMaterial(const core::Scope&, const std::string&, const core::KeyMaterialVersion&,
                   const core::SealedMaterial*) override {}
  std::optional<core::KeyMaterialVersion> GetMaterialVersion(const core::Scope&, const std::string&,
                                                             uint32_t) override {
    return {};
  }
};

// Logs every statement; fails the one named in `fail_on`.
class ScriptedStore final : public storage::GroupCommitQueue::Store {
 public:
  core::KeyTransaction& Begin() override {
    Log("BEGIN");
    return tx_;
  }
  void Exec(const char* sql) override { Log(sql); }
  void Commit(bool changes_keys) override { Log(changes_keys ? "COMMIT" : "COMMIT usage"); }
  void Rollback() override {
    std::lock_guard lock(mu_);
    log_.push_back("ROLLBACK");
  }
  void AfterCommit() override { Log("AFTER COMMIT"); }
  void Idle() override { Log("IDLE"); }
  std::exception_ptr Classify(std::exception_ptr error) override {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      return std::make_exception_ptr(std::runtime_error(std::string("classified: ") + e.what()));
    }
  }

  void FailOn(const std::string& statement) {
    std::lock_guard lock(mu_);
    fail_on_ = statement;
  }
  std::vector<std::string> log() {
    std::lock_guard lock(mu_);
    return log_;
  }
  // The job functions log through this too.
  void Log(const std::string& entry) {
    std::lock_guard lock(mu_);
    log_.push_back(entry);
    if (entry == fail_on_) throw storage::StorageError(entry + " failed");
  }

 private:
  NullTransaction tx_;
  std::mutex mu_;
  std::vector<std::string> log_;  // guarded by mu_
  std::string fail_on_;           // guarded by mu_
};

// The outcome of one Run: the error's message ("" when it returned) and
// whether its on_commit ran.
struct Outcome {
  std::string error;
  bool committed = false;
};

Outcome RunJob(storage::GroupCommitQueue& queue, ScriptedStore& store, const std::string& name,
               bool changes_keys = true) {
  Outcome out;
  std::function<void(core::KeyTransaction&)> fn = [&](core::KeyTransaction&) { store.Log(name); };
  std::function<void()> on_commit = [&] { out.committed = true; };
  try {
    queue.Run(fn, on_commit, changes_keys);
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  return out;
}

// Runs `first` alone, holding the writer in it until the calls of `rest` are
// all queued, so that they form the next batch together.
std::vector<Outcome> RunBatchAfter(storage::GroupCommitQueue& queue, ScriptedStore& store,
                                   const std::string& first, const std::vector<std::string>& rest) {
  std::vector<Outcome> outcomes(rest.size());
  Outcome first_outcome;
  std::function<void(core::KeyTransaction&)> hold = [&](core::KeyTransaction&) {
    store.Log(first);
    // Bounded: 10^7 yields is far longer than three threads take to queue.
    for (int i = 0; i < 10'000'000 && queue.Waiting() < rest.size(); ++i) std::this_thread::yield();
  };
  std::thread holder([&] {
    try {
      queue.Run(hold, {});
    } catch (const std::exception& e) {
      first_outcome.error = e.what();
    }
  });
  // The holder's batch must have begun before the others queue.
  for (int i = 0; i < 10'000'000; ++i) {
    std::vector<std::string> log = store.log();
    if (std::find(log.begin(), log.end(), first) != log.end()) break;
    std::this_thread::yield();
  }
  std::vector<std::thread> threads;
  for (size_t i = 0; i < rest.size(); ++i) {
    threads.emplace_back([&, i] { outcomes[i] = RunJob(queue, store, rest[i]); });
  }
  for (std::thread& t : threads) t.join();
  holder.join();
  REQUIRE(first_outcome.error.empty());
  return outcomes;
}

size_t Count(const std::vector<std::string>& log, const std::string& entry) {
  return static_cast<size_t>(std::count(log.begin(), log.end(), entry));
}

}  // namespace

TEST_CASE("Group commit: one call runs in a savepoint of its own transaction", "[group_commit]") {
  ScriptedStore store;
  storage::GroupCommitQueue queue(store, 512, std::nullopt);
  Outcome out = RunJob(queue, store, "job a");
  CHECK(out.error.empty());
  CHECK(out.committed);
  CHECK(store.log() == std::vector<std::string>{"BEGIN", "SAVEPOINT job", "job a", "RELEASE job",
                                                "COMMIT", "AFTER COMMIT"});
}

TEST_CASE(
    "Group commit: calls queued during a commit share the next one, and a failing call "
    "rolls back only itself",
    "[group_commit]") {
  ScriptedStore store;
  storage::GroupCommitQueue queue(store, 512, std::nullopt);
  store.FailOn("job c");
  std::vector<Outcome> out = RunBatchAfter(queue, store, "job a", {"job b", "job c", "job d"});
  CHECK(out[0].error.empty());
  CHECK(out[0].committed);
  CHECK(out[1].error == "classified: job c failed");
  CHECK_FALSE(out[1].committed);
  CHECK(out[2].error.empty());
  CHECK(out[2].committed);
  std::vector<std::string> log = store.log();
  CHECK(Count(log, "BEGIN") == 2);  // a's batch, then b, c and d together
  CHECK(Count(log, "COMMIT") == 2);
  CHECK(Count(log, "SAVEPOINT job") == 4);
  CHECK(Count(log, "ROLLBACK TO job") == 1);
  CHECK(Count(log, "RELEASE job") == 4);
  CHECK(Count(log, "ROLLBACK") == 0);
}

TEST_CASE("Group commit: a savepoint that cannot be rolled back fails the whole batch",
          "[group_commit]") {
  ScriptedStore store;
  storage::GroupCommitQueue queue(store, 512, std::nullopt);
  // Call b throws, then its ROLLBACK TO fails: b keeps its own error, c (run
  // before or after b in the same batch) fails with the savepoint's, and
  // nothing of the batch is committed.
  store.FailOn("ROLLBACK TO job");
  Outcome b;
  Outcome c;
  std::function<void(core::KeyTransaction&)> hold = [&](core::KeyTransaction&) {
    for (int i = 0; i < 10'000'000 && queue.Waiting() < 2; ++i) std::this_thread::yield();
  };
  std::thread holder([&] { queue.Run(hold, {}); });
  for (int i = 0; i < 10'000'000 && store.log().empty(); ++i) std::this_thread::yield();
  std::thread tb([&] {
    std::function<void(core::KeyTransaction&)> failing = [](core::KeyTransaction&) {
      throw std::runtime_error("job b failed");
    };
    std::function<void()> on_commit = [&] { b.committed = true; };
    try {
      queue.Run(failing, on_commit);
    } catch (const std::exception& e) {
      b.error = e.what();
    }
  });
  std::thread tc([&] { c = RunJob(queue, store, "job c"); });
  tb.join();
  tc.join();
  holder.join();
  std::vector<Outcome> out = {b, c};
  CHECK(out[0].error == "classified: job b failed");
  CHECK_FALSE(out[0].committed);
  CHECK(out[1].error == "classified: ROLLBACK TO job failed");
  CHECK_FALSE(out[1].committed);
  std::vector<std::string> log = store.log();
  CHECK(Count(log, "COMMIT") == 1);  // the holder's batch only
  CHECK(Count(log, "ROLLBACK") == 1);
}

TEST_CASE("Group commit: a failed COMMIT or post-commit check acknowledges nothing",
          "[group_commit]") {
  ScriptedStore store;
  storage::GroupCommitQueue queue(store, 512, std::nullopt);
  SECTION("COMMIT fails: rolled back, the call is told") {
    store.FailOn("COMMIT");
    Outcome out = RunJob(queue, store, "job a");
    CHECK(out.error == "classified: COMMIT failed");
    CHECK_FALSE(out.committed);
    CHECK(store.log().back() == "ROLLBACK");
  }
  SECTION("the check after COMMIT fails: the call is told, unclassified") {
    store.FailOn("AFTER COMMIT");
    Outcome out = RunJob(queue, store, "job a");
    CHECK(out.error == "AFTER COMMIT failed");
    CHECK_FALSE(out.committed);
  }
  SECTION("BEGIN fails: nothing runs") {
    store.FailOn("BEGIN");
    Outcome out = RunJob(queue, store, "job a");
    CHECK(out.error == "classified: BEGIN failed");
    CHECK(store.log() == std::vector<std::string>{"BEGIN", "ROLLBACK"});
  }
  // The queue goes on after a failed batch.
  store.FailOn("");
  CHECK(RunJob(queue, store, "job z").committed);
}

TEST_CASE("Group commit: a batch of usage records alone commits as such", "[group_commit]") {
  ScriptedStore store;
  storage::GroupCommitQueue queue(store, 512, std::nullopt);
  CHECK(RunJob(queue, store, "usage", /*changes_keys=*/false).committed);
  CHECK(Count(store.log(), "COMMIT usage") == 1);
  CHECK(RunJob(queue, store, "key", /*changes_keys=*/true).committed);
  CHECK(Count(store.log(), "COMMIT") == 1);
}

TEST_CASE("Group commit: a writer without calls for its idle interval runs the store's idle work",
          "[group_commit]") {
  ScriptedStore store;
  storage::GroupCommitQueue queue(store, 512, std::chrono::milliseconds(1));
  // Bounded wait for the first idle round (no timing is asserted).
  for (int i = 0; i < 10'000'000 && Count(store.log(), "IDLE") == 0; ++i) std::this_thread::yield();
  CHECK(Count(store.log(), "IDLE") >= 1);
  CHECK(RunJob(queue, store, "job a").committed);
}
