#include "core/ids.h"

#include <cctype>

namespace rotor::core {
namespace {
bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

std::string ArnPrefix(const Scope& scope) {
  return "arn:aws:kms:" + scope.region + ":" + scope.account + ":";
}

// Splits "arn:<partition>:kms:<region>:<account>:<resource>" into its parts.
bool SplitKmsArn(std::string_view text, std::string_view* region, std::string_view* account,
                 std::string_view* resource) {
  if (text.substr(0, 4) != "arn:") return false;
  size_t fields[5];
  size_t pos = 0;
  for (int i = 0; i < 5; ++i) {
    pos = text.find(':', pos);
    if (pos == std::string_view::npos) return false;
    fields[i] = pos++;
  }
  std::string_view partition = text.substr(fields[0] + 1, fields[1] - fields[0] - 1);
  std::string_view service = text.substr(fields[1] + 1, fields[2] - fields[1] - 1);
  if (partition.substr(0, 3) != "aws" || service != "kms") return false;
  *region = text.substr(fields[2] + 1, fields[3] - fields[2] - 1);
  *account = text.substr(fields[3] + 1, fields[4] - fields[3] - 1);
  *resource = text.substr(fields[4] + 1);
  return true;
}
}  // namespace

std::string KeyArn(const Scope& scope, std::string_view key_id) {
  return ArnPrefix(scope) + "key/" + std::string(key_id);
}

std::string AliasArn(const Scope& scope, std::string_view alias_name) {
  return ArnPrefix(scope) + std::string(alias_name);
}

bool IsKeyId(std::string_view t) {
  if (t.size() != 36) return false;
  for (size_t i = 0; i < t.size(); ++i) {
    bool dash = (i == 8 || i == 13 || i == 18 || i == 23);
    if (dash ? t[i] != '-' : !IsLowerHex(t[i])) return false;
  }
  return true;
}

bool IsMultiRegionKeyId(std::string_view t) {
  if (t.size() != 36 || t.substr(0, 4) != "mrk-") return false;
  for (char c : t.substr(4)) {
    if (!IsLowerHex(c)) return false;
  }
  return true;
}

bool IsAliasName(std::string_view t) {
  if (t.substr(0, 6) != "alias/" || t.size() <= 6 || t.size() > 256) return false;
  for (char c : t.substr(6)) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string_view PartitionOfRegion(std::string_view region) {
  static constexpr std::string_view kAws[] = {
      "us-east-1",      "us-east-2",      "us-west-1",      "us-west-2",      "af-south-1",
      "ap-east-1",      "ap-east-2",      "ap-south-1",     "ap-south-2",     "ap-southeast-1",
      "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-7",
      "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ca-central-1",   "ca-west-1",
      "eu-central-1",   "eu-central-2",   "eu-west-1",      "eu-west-2",      "eu-west-3",
      "eu-south-1",     "eu-south-2",     "eu-north-1",     "il-central-1",   "me-south-1",
      "me-central-1",   "mx-central-1",   "sa-east-1"};
  for (std::string_view r : kAws) {
    if (r == region) return "aws";
  }
  if (region == "cn-north-1" || region == "cn-northwest-1") return "aws-cn";
  if (region == "us-gov-west-1" || region == "us-gov-east-1") return "aws-us-gov";
  return {};
}

bool IsAwsManagedAliasName(std::string_view t) { return t.substr(0, 10) == "alias/aws/"; }

KeyReference ParseKeyReference(std::string_view text) {
  KeyReference ref{KeyReference::Kind::kKeyId, std::string(text), std::string(text), "", ""};
  if (text.substr(0, 6) == "alias/") {
    ref.kind = KeyReference::Kind::kAliasName;
    return ref;
  }
  std::string_view region, account, resource;
  if (SplitKmsArn(text, &region, &account, &resource)) {
    if (resource.substr(0, 4) == "key/") {
      ref.kind = KeyReference::Kind::kKeyArn;
      ref.id = std::string(resource.substr(4));
    } else if (resource.substr(0, 6) == "alias/") {
      ref.kind = KeyReference::Kind::kAliasArn;
      ref.id = std::string(resource);
    }
    ref.region = std::string(region);
    ref.account = std::string(account);
  }
  return ref;
}

std::string_view KeyIdNamedBy(std::string_view text) {
  std::string_view id = text;
  std::string_view region, account, resource;
  if (text.substr(0, 6) == "alias/") return {};
  if (SplitKmsArn(text, &region, &account, &resource)) {
    if (resource.substr(0, 4) != "key/") return {};
    id = resource.substr(4);
  }
  return IsKeyId(id) || IsMultiRegionKeyId(id) ? id : std::string_view();
}

}  // namespace rotor::core
