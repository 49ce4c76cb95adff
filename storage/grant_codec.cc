#include "storage/grant_codec.h"

#include <nlohmann/json.hpp>

#include "storage/sqlite_db.h"

namespace rotor::storage {
namespace {

using nlohmann::json;

json ContextJson(const std::optional<core::EncryptionContext>& context) {
  return context ? json(*context) : json(nullptr);
}
std::optional<core::EncryptionContext> ContextOf(const json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<core::EncryptionContext>();
}

}  // namespace

std::string EncodeGrantDoc(const core::Grant& g) {
  json operations = json::array();
  for (core::GrantOperation op : g.operations) operations.push_back(core::ToString(op));
  json doc = {
      {"v", 1},
      {"created", g.creation_date.time_since_epoch().count()},
      {"name", g.name},
      {"grantee", g.grantee_principal},
      {"retiring", g.retiring_principal},
      {"issuing", g.issuing_account},
      {"operations", operations},
      {"constraints", nullptr},
  };
  if (g.constraints) {
    doc["constraints"] = {{"subset", ContextJson(g.constraints->encryption_context_subset)},
                          {"equals", ContextJson(g.constraints->encryption_context_equals)}};
  }
  return doc.dump();
}

core::Grant DecodeGrantDoc(const core::Scope& scope, const std::string& key_id,
                           const std::string& grant_id, const std::string& text) {
  try {
    json doc = json::parse(text);
    core::Grant g;
    g.scope = scope;
    g.key_id = key_id;
    g.grant_id = grant_id;
    g.creation_date = core::Timestamp(core::Millis(doc.at("created").get<int64_t>()));
    g.name = doc.at("name").get<std::string>();
    g.grantee_principal = doc.at("grantee").get<std::string>();
    g.retiring_principal = doc.at("retiring").get<std::string>();
    g.issuing_account = doc.at("issuing").get<std::string>();
    for (const json& op : doc.at("operations")) {
      std::optional<core::GrantOperation> parsed =
          core::Parse<core::GrantOperation>(op.get<std::string>());
      if (!parsed) throw StorageError("bad grant operation in grant record");
      g.operations.push_back(*parsed);
    }
    const json& c = doc.at("constraints");
    if (!c.is_null()) {
      g.constraints = core::GrantConstraints{ContextOf(c, "subset"), ContextOf(c, "equals")};
    }
    return g;
  } catch (const json::exception& e) {
    throw StorageError(std::string("bad grant record: ") + e.what());
  }
}

}  // namespace rotor::storage
