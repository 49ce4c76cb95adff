#include "server/seed/credentials_file.h"

#include <set>

#include "core/key_policy_document.h"
#include "core/kms_error.h"
#include "core/seed.h"
#include "server/seed/seed_file.h"
#include "server/wire/json_text.h"

namespace rotor::server::seed {
namespace {

using core::SeedError;
using nlohmann::json;

const std::set<std::string> kFields = {"access_key_id",  "secret_access_key", "session_token",
                                       "account",        "principal",         "principal_id",
                                       "identity_policy"};

std::string Text(const json& entry, const std::string& field, const std::string& where,
                 bool required) {
  auto it = entry.find(field);
  if (it == entry.end() || it->is_null()) {
    if (required) throw SeedError(where + ": " + field + " is required");
    return {};
  }
  if (!it->is_string() || it->get<std::string>().empty()) {
    throw SeedError(where + ": " + field + " must be a non-empty string");
  }
  return it->get<std::string>();
}

wire::AccessKey Entry(const json& entry, const std::string& where) {
  if (!entry.is_object()) throw SeedError(where + ": must be a mapping");
  for (const auto& [field, value] : entry.items()) {
    if (!kFields.contains(field)) throw SeedError(where + ": unknown field " + field);
  }
  wire::AccessKey key;
  key.access_key_id = Text(entry, "access_key_id", where, true);
  key.secret_access_key = Text(entry, "secret_access_key", where, true);
  key.session_token = Text(entry, "session_token", where, false);
  std::string arn = Text(entry, "principal", where, true);
  std::optional<core::Principal> principal = core::PrincipalFromArn(arn);
  if (!principal) {
    throw SeedError(where + ": principal " + arn +
                    " is not arn:aws:iam::<account>:root, :user/<name>, :role/<name> or "
                    "arn:aws:sts::<account>:assumed-role/<role>/<session>");
  }
  std::string account = Text(entry, "account", where, false);
  if (!account.empty() && account != principal->account) {
    throw SeedError(where + ": account " + account + " is not the principal's (" +
                    principal->account + ")");
  }
  std::string id = Text(entry, "principal_id", where, false);
  if (!id.empty()) principal->principal_id = id;
  if (auto it = entry.find("identity_policy"); it != entry.end() && !it->is_null()) {
    json policy = *it;
    if (policy.is_string()) {
      wire::JsonParseError error;
      std::optional<json> doc = wire::ReadJsonText(policy.get<std::string>(), 64, &error);
      if (!doc) throw SeedError(where + ": identity_policy is not valid JSON: " + error.message);
      policy = std::move(*doc);
    }
    if (!policy.is_object()) throw SeedError(where + ": identity_policy must be a JSON object");
    principal->identity_policy = policy.dump();
    try {
      // Compiled once here; requests evaluate the compiled form.
      principal->compiled_identity_policy =
          core::CompilePolicy(*principal->identity_policy, core::PolicyKind::kIdentityPolicy);
    } catch (const core::KmsError& e) {
      throw SeedError(where + ": identity_policy: " + e.what());
    }
  }
  key.principal = std::move(*principal);
  return key;
}

}  // namespace

std::vector<wire::AccessKey> ParseCredentialsText(const std::string& text, bool yaml,
                                                  const std::string& name) {
  json root = ReadDocumentText(text, yaml, name);
  if (!root.is_object() || !root.contains("credentials") || !root["credentials"].is_array()) {
    throw SeedError(name + ": the top level must be a mapping with a credentials list");
  }
  for (const auto& [field, value] : root.items()) {
    if (field != "credentials") throw SeedError(name + ": unknown field " + field);
  }
  std::vector<wire::AccessKey> keys;
  std::set<std::string> ids;
  const json& list = root["credentials"];
  for (size_t i = 0; i < list.size(); ++i) {
    std::string where = name + ": credentials[" + std::to_string(i) + "]";
    keys.push_back(Entry(list[i], where));
    if (!ids.insert(keys.back().access_key_id).second) {
      throw SeedError(where + ": access_key_id " + keys.back().access_key_id + " is listed twice");
    }
  }
  return keys;
}

std::vector<wire::AccessKey> ReadCredentialsFile(const std::string& path) {
  DocumentFile file = ReadDocumentFile(path);
  return ParseCredentialsText(file.text, file.yaml, path);
}

}  // namespace rotor::server::seed
