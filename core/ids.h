// Identifiers: key ids, key ARNs, alias names and alias ARNs.
//
// Every operation that takes a KeyId goes through ParseKeyReference once; the
// service's resolver then turns the reference into a key of the caller's
// account and region.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rotor::core {

// An isolated keyspace: AWS keys never cross (account, region).
struct Scope {
  std::string account;
  std::string region;
  bool operator==(const Scope&) const = default;
};

std::string KeyArn(const Scope& scope, std::string_view key_id);
std::string AliasArn(const Scope& scope, std::string_view alias_name);

// A lowercase RFC 4122 UUID ("1234abcd-12ab-34cd-56ef-1234567890ab").
bool IsKeyId(std::string_view text);
// "mrk-" followed by 32 lowercase hex digits: a multi-Region key id.
bool IsMultiRegionKeyId(std::string_view text);
// "alias/" followed by 1..250 characters of [a-zA-Z0-9/_-].
bool IsAliasName(std::string_view text);
// The reserved prefix of AWS managed keys' aliases.
bool IsAwsManagedAliasName(std::string_view text);

// AWS's Regions by partition ("aws", "aws-cn", "aws-us-gov"), as the AWS
// General Reference lists them: where ReplicateKey may put a replica (a
// Region of the key's own partition). Empty for a name AWS does not list.
std::string_view PartitionOfRegion(std::string_view region);

struct KeyReference {
  enum class Kind { kKeyId, kKeyArn, kAliasName, kAliasArn };
  Kind kind;
  std::string text;  // as the caller wrote it
  std::string id;    // key id, or alias name ("alias/...") for alias kinds
  // From an ARN; empty for bare ids and alias names.
  std::string account;
  std::string region;

  bool IsAlias() const { return kind == Kind::kAliasName || kind == Kind::kAliasArn; }
};

// Classifies what a caller passed as KeyId. Nothing is looked up here.
// Anything that is not an alias or an ARN is treated as a key id, whose
// format the resolver checks (so "fake-key-id" gives "Invalid keyId ...").
KeyReference ParseKeyReference(std::string_view text);

// The key id `text` names when it is a well-formed key id or key ARN (of any
// account and Region), read as ParseKeyReference reads it: a view into
// `text`, nothing copied. Empty for alias names, alias ARNs and anything
// whose id is not a key id or multi-Region key id. Used where only the id is
// wanted on a hot path (the audit trail's record of every call).
std::string_view KeyIdNamedBy(std::string_view text);

}  // namespace rotor::core
