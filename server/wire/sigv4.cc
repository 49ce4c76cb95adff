#include "server/wire/sigv4.h"

#include <cctype>
#include <cstring>

#include "core/kms_error.h"

namespace rotor::server::wire {
namespace {

[[noreturn]] void Incomplete(const std::string& why) {
  throw core::KmsError(core::ErrorCode::kIncompleteSignature, why);
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool IsRegionName(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '-')) {
      return false;
    }
  }
  return true;
}

bool IsAccessKeyId(std::string_view s) {
  if (s.empty() || s.size() > 128) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

std::optional<SigV4Credential> ParseAuthorization(std::string_view header) {
  if (header.empty()) return std::nullopt;
  constexpr std::string_view kScheme = "AWS4-HMAC-SHA256";
  if (header.substr(0, kScheme.size()) != kScheme) {
    Incomplete("Authorization header must use the AWS4-HMAC-SHA256 scheme.");
  }
  size_t cred = header.find("Credential=");
  if (cred == std::string_view::npos)
    Incomplete("Authorization header requires 'Credential' parameter.");
  if (header.find("Signature=") == std::string_view::npos) {
    Incomplete("Authorization header requires 'Signature' parameter.");
  }
  return ParseCredential(header.substr(cred + 11));
}

std::string_view ParameterValue(std::string_view rest) {
  // The nearer of the first ',' and the first ' ' (memchr: a value such as a
  // 64-digit signature is skipped a vector at a time).
  if (rest.empty()) return rest;
  size_t end = rest.size();
  if (const void* comma = std::memchr(rest.data(), ',', rest.size())) {
    end = static_cast<size_t>(static_cast<const char*>(comma) - rest.data());
  }
  if (const void* space = std::memchr(rest.data(), ' ', end)) {
    end = static_cast<size_t>(static_cast<const char*>(space) - rest.data());
  }
  return rest.substr(0, end);
}

SigV4Credential ParseCredential(std::string_view value) {
  value = ParameterValue(value);
  // access/date/region/service/aws4_request
  SigV4Credential c;
  std::string_view* parts[] = {&c.access_key_id, &c.date, &c.region, &c.service};
  for (std::string_view* part : parts) {
    size_t slash = value.find('/');
    if (slash == std::string_view::npos)
      Incomplete("Credential should be scoped to a valid region.");
    *part = value.substr(0, slash);
    value = value.substr(slash + 1);
  }
  if (value != "aws4_request")
    Incomplete("Credential should be scoped with a valid terminator: 'aws4_request'.");
  if (!IsAccessKeyId(c.access_key_id)) Incomplete("Credential has an invalid access key id.");
  if (!IsRegionName(c.region)) Incomplete("Credential should be scoped to a valid region.");
  return c;
}

std::string_view AuthorizationParameter(std::string_view header, std::string_view name) {
  size_t at = 0;
  while ((at = header.find(name, at)) != std::string_view::npos) {
    if (at > 0 && (header[at - 1] == ' ' || header[at - 1] == ',')) {
      return ParameterValue(header.substr(at + name.size()));
    }
    at += name.size();
  }
  return {};
}

core::Scope ScopeFor(const std::optional<SigV4Credential>& credential,
                     const std::string& default_account, const std::string& default_region) {
  core::Scope scope{default_account, default_region};
  if (credential) {
    if (credential->access_key_id.size() == 12 && AllDigits(credential->access_key_id)) {
      scope.account = credential->access_key_id;
    }
    scope.region = credential->region;
  }
  return scope;
}

}  // namespace rotor::server::wire
