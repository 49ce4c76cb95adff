#include "core/principal.h"

#include <openssl/sha.h>

#include <array>
#include <cctype>

#include "core/name_table.h"

namespace rotor::core {
namespace {

constexpr NameTable<PrincipalType, 4> kPrincipalTypes{{
    {PrincipalType::kRoot, "Root"},
    {PrincipalType::kIamUser, "IAMUser"},
    {PrincipalType::kRole, "Role"},
    {PrincipalType::kAssumedRole, "AssumedRole"},
}};

bool IsAccountId(std::string_view s) {
  if (s.size() != 12) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// `prefix` + 17 characters of base32 ([A-Z2-7]) of SHA-256(arn): the shape of
// IAM's unique ids (AIDA..., AROA...), 21 characters in all.
std::string UniqueId(std::string_view prefix, std::string_view arn) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(arn.data()), arn.size(), digest.data());
  constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string id(prefix);
  for (size_t i = 0; i < 17; ++i) id += kAlphabet[digest[i] % 32];
  return id;
}

// The name after the last '/' of an IAM path ("path/to/name" -> "name").
std::string_view LastSegment(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::string_view ToString(PrincipalType type) { return NameOf(kPrincipalTypes, type); }

std::optional<Principal> PrincipalFromArn(std::string_view arn) {
  // arn:aws:<service>::<account>:<resource>
  constexpr std::string_view kIam = "arn:aws:iam::";
  constexpr std::string_view kSts = "arn:aws:sts::";
  bool iam = arn.starts_with(kIam);
  if (!iam && !arn.starts_with(kSts)) return std::nullopt;
  std::string_view rest = arn.substr(kIam.size());
  size_t colon = rest.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view account = rest.substr(0, colon);
  std::string_view resource = rest.substr(colon + 1);
  if (!IsAccountId(account)) return std::nullopt;
  Principal p;
  p.account = std::string(account);
  p.arn = std::string(arn);
  p.principal_arn = p.arn;
  if (iam && resource == "root") {
    p.type = PrincipalType::kRoot;
    p.principal_id = p.account;
    return p;
  }
  if (iam && (resource.starts_with("user/") || resource.starts_with("role/"))) {
    bool user = resource.starts_with("user/");
    std::string_view name = LastSegment(resource.substr(5));
    if (name.empty()) return std::nullopt;
    p.type = user ? PrincipalType::kIamUser : PrincipalType::kRole;
    p.name = std::string(name);
    p.principal_id = UniqueId(user ? "AIDA" : "AROA", arn);
    return p;
  }
  constexpr std::string_view kAssumed = "assumed-role/";
  if (!iam && resource.starts_with(kAssumed)) {
    std::string_view role_and_session = resource.substr(kAssumed.size());
    size_t slash = role_and_session.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    std::string_view role = role_and_session.substr(0, slash);
    std::string_view session = role_and_session.substr(slash + 1);
    if (role.empty() || session.empty() || session.find('/') != std::string_view::npos) {
      return std::nullopt;
    }
    p.type = PrincipalType::kAssumedRole;
    p.name = std::string(role);
    p.principal_arn = "arn:aws:iam::" + p.account + ":role/" + std::string(role);
    p.principal_id = UniqueId("AROA", p.principal_arn) + ":" + std::string(session);
    return p;
  }
  return std::nullopt;
}

}  // namespace rotor::core
