// A KeyRepository whose every call fails the way a broken disk does, with
// internal text (an SQLite message) that must never reach a client.
#pragma once

#include <stdexcept>

#include "core/key_repository.h"

namespace rotor::testing {

inline constexpr const char* kInternalText = "disk I/O error (sqlite3_step, rotor.db)";

class FailingRepository final : public core::KeyRepository {
 public:
  std::optional<core::Key> GetKey(const core::Scope&, const std::string&) override { Fail(); }
  std::vector<core::Key> ListKeys(const core::Scope&, const std::string&, size_t) override {
    Fail();
  }
  std::vector<core::Key> ListAllKeys(const core::Key*, size_t) override { Fail(); }
  std::optional<core::Alias> GetAlias(const core::Scope&, const std::string&) override { Fail(); }
  std::vector<core::Alias> ListAliases(const core::Scope&, const std::string*, const std::string&,
                                       size_t) override {
    Fail();
  }
  std::vector<core::Grant> ListGrants(const core::Scope&, const std::string&) override { Fail(); }
  std::vector<core::Grant> ListRetirableGrants(const core::Scope&, const std::string&,
                                               const std::string&, const std::string&,
                                               size_t) override {
    Fail();
  }
  std::vector<core::KeyMaterialVersion> ListMaterialVersions(const core::Scope&, const std::string&,
                                                             uint32_t, size_t) override {
    Fail();
  }
  std::optional<core::SealedMaterial> GetSealedMaterial(const core::Scope&, const std::string&,
                                                        uint32_t) override {
    Fail();
  }
  std::vector<core::DueKey> DueKeys(core::Timestamp, size_t) override { Fail(); }
  std::optional<core::Timestamp> EarliestEvent() override { Fail(); }
  std::optional<core::Timestamp> DeletionDate(const core::Scope&, const std::string&) override {
    Fail();
  }
  std::optional<core::KeyUsageRecord> GetLastUsage(const core::Scope&,
                                                   const std::string&) override {
    Fail();
  }
  void SaveLastUsage(const std::vector<std::pair<core::Scope, core::KeyUsageRecord>>&) override {
    Fail();
  }
  void Write(const std::function<void(core::KeyTransaction&)>&,
             const std::function<void()>&) override {
    Fail();
  }
  void Reset() override { Fail(); }
  std::optional<core::Bytes> GetRootKeyCheck() override { Fail(); }
  void PutRootKeyCheck(const core::Bytes&) override { Fail(); }
  std::optional<core::StoredClock> GetStoredClock() override { Fail(); }
  void PutStoredClock(const core::StoredClock&) override { Fail(); }

 private:
  [[noreturn]] static void Fail() { throw std::runtime_error(kInternalText); }
};

}  // namespace rotor::testing
