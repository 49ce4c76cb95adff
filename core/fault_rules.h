// FaultRules: the injected faults a test asks for (POST /_rotor/faults, the
// seed file's `faults:`), and which one, if any, a request meets.
//
// A rule has three parts:
//   match      which requests: operations (AWS names, "Encrypt"), a key (bare
//              key id, key ARN, alias name "alias/x" or alias ARN), account,
//              Region, principal (the caller's ARN or access key id, strict
//              mode). Empty parts match every request.
//   action     what happens: an AWS error (its ErrorCode and message), a delay
//              (milliseconds; the request then runs as usual), or a dropped
//              connection (no answer at all).
//   frequency  how often a matching request meets it: always, with a
//              probability drawn from a seeded generator (the same seed and
//              the same request sequence give the same faults), the next N
//              matching requests, or every match whose clock reading lies in
//              [from, until).
// Rules are tried in the order they were added; the first that matches and
// fires decides. Pure: the caller hands in the request's facts, the time
// included (its one clock reading); nothing here reads a clock or does I/O.
//
// Thread safety: all methods may be called concurrently. any() is one atomic
// load, so a server with no rules pays nothing more per request.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/kms_error.h"

namespace rotor::core {

struct FaultMatch {
  std::vector<std::string> operations;  // AWS operation names; empty: every operation
  std::string key;                      // key id, key ARN, alias name or alias ARN; "": any
  std::string account;                  // 12 digits; "": any
  std::string region;                   // "us-east-1"; "": any
  std::string principal;                // caller ARN or access key id; "": any
};

enum class FaultKind { kError, kDelay, kDrop };

struct FaultAction {
  FaultKind kind = FaultKind::kError;
  ErrorCode error = ErrorCode::kKmsInternal;  // kError: the AWS error
  std::string message;                        // kError: the message sent
  Millis delay{0};                            // kDelay: how long the request is held
};

enum class FaultFrequencyKind { kAlways, kProbability, kNextN, kWindow };

struct FaultFrequency {
  FaultFrequencyKind kind = FaultFrequencyKind::kAlways;
  double probability = 1.0;  // kProbability: 0..1
  uint64_t seed = 0;         // kProbability: the generator's seed
  uint64_t count = 0;        // kNextN: how many matching requests it fires on
  Timestamp from{};          // kWindow: first instant it fires (inclusive)
  Timestamp until{};         // kWindow: end of the window (exclusive)
};

struct FaultRule {
  FaultMatch match;
  FaultAction action;
  FaultFrequency frequency;
};

// A rule as listed: its id ("fault-1", never reused while the server runs),
// how many matching requests it saw and how many it fired on, and for kNextN
// how many fires remain.
struct FaultRuleStatus {
  std::string id;
  FaultRule rule;
  uint64_t matched = 0;
  uint64_t fired = 0;
  uint64_t remaining = 0;
};

// What FaultRules needs to know of one request, read once by the server.
struct FaultRequest {
  std::string_view operation;         // "Encrypt"
  std::span<const std::string> keys;  // the request's KeyId-like members, as sent
  std::string_view account;           // the request's keyspace
  std::string_view region;
  std::string_view principal_arn;  // strict mode: the verified caller; else ""
  std::string_view access_key_id;  // from the credential, "" when unsigned
  Timestamp now;                   // the request's clock reading
};

// A fired rule: its id and what to do.
struct FaultDecision {
  std::string rule_id;
  FaultAction action;
};

// How a key named in a rule or a request compares: "key/<id>" for a key id or
// key ARN, "alias/<name>" for an alias name or alias ARN (the ARN's account
// and Region are not compared), "" for anything else.
std::string FaultKeyOf(std::string_view key_id_or_alias);

class FaultRules {
 public:
  // Adds `rule` after the others; returns its id. The caller validated it
  // (names, ranges); rules are taken as they are.
  std::string Add(FaultRule rule);
  // Removes the rule `id`; false when there is none.
  bool Remove(std::string_view id);
  void Clear();
  std::vector<FaultRuleStatus> List() const;

  // True when at least one rule exists: the request path's only cost when
  // there are none (one relaxed atomic load).
  bool any() const { return count_.load(std::memory_order_relaxed) > 0; }

  // The first rule that matches `req` and fires (counting both), or nullopt.
  std::optional<FaultDecision> Decide(const FaultRequest& req);

 private:
  struct Entry {
    FaultRuleStatus status;
    std::string key;     // FaultKeyOf(rule.match.key)
    uint64_t rng_state;  // kProbability: the generator (splitmix64)
  };
  bool Fires(Entry& e, Timestamp now);

  mutable std::mutex mu_;
  std::vector<Entry> rules_;  // guarded by mu_
  uint64_t next_id_ = 1;      // guarded by mu_
  std::atomic<size_t> count_{0};
};

}  // namespace rotor::core
