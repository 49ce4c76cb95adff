#include "server/seed/seed_file.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/bytes.h"
#include "core/key_spec_info.h"
#include "server/wire/fault_rule_json.h"
#include "server/wire/json_io.h"
#include "server/wire/json_text.h"

namespace rotor::server::seed {
namespace {

using core::SeedError;
using nlohmann::json;

// YAML scalars carry no types; every scalar becomes a string and the readers
// below accept "90" where they want 90 and "true" where they want true.
json FromYaml(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& kv : node) out[kv.first.as<std::string>()] = FromYaml(kv.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& item : node) out.push_back(FromYaml(item));
      return out;
    }
    case YAML::NodeType::Scalar:
      return node.as<std::string>();
    default:
      return nullptr;
  }
}

class Reader {
 public:
  explicit Reader(const core::Scope& default_scope) : default_scope_(default_scope) {}

  core::SeedDocument Document(const json& root) {
    Require(root.is_object(), "the top level", "must be a mapping with Keys and/or Aliases");
    Only(root, "the top level", {"Keys", "Aliases", "Account", "Region", "faults"});
    core::Scope scope{Str(root, "Account", "the top level").value_or(default_scope_.account),
                      Str(root, "Region", "the top level").value_or(default_scope_.region)};
    core::SeedDocument doc;
    if (root.contains("Keys")) {
      const json& keys = root["Keys"];
      Require(keys.is_object(), "Keys", "must be a mapping (Symmetric, Asymmetric, Hmac)");
      Only(keys, "Keys", {"Symmetric", "Asymmetric", "Hmac"});
      if (keys.contains("Symmetric")) {
        Only(keys["Symmetric"], "Keys.Symmetric", {"Aes"});
        Entries(keys["Symmetric"], "Aes", "Keys.Symmetric.Aes", scope, Kind::kAes, doc);
      }
      if (keys.contains("Asymmetric")) {
        Only(keys["Asymmetric"], "Keys.Asymmetric", {"Rsa", "Ecc"});
        Entries(keys["Asymmetric"], "Rsa", "Keys.Asymmetric.Rsa", scope, Kind::kAsymmetric, doc);
        Entries(keys["Asymmetric"], "Ecc", "Keys.Asymmetric.Ecc", scope, Kind::kAsymmetric, doc);
      }
      if (keys.contains("Hmac")) {
        json wrapper = {{"Hmac", keys["Hmac"]}};
        Entries(wrapper, "Hmac", "Keys.Hmac", scope, Kind::kHmac, doc);
      }
    }
    if (root.contains("faults")) {
      const json& faults = root["faults"];
      Require(faults.is_array(), "faults", "must be a list of fault rules");
      for (size_t i = 0; i < faults.size(); ++i) {
        try {
          doc.faults.push_back(wire::FaultRuleFromJson(faults[i]));
        } catch (const core::KmsError& e) {
          throw SeedError("faults[" + std::to_string(i) + "]: " + e.message());
        }
      }
    }
    if (root.contains("Aliases")) {
      const json& aliases = root["Aliases"];
      Require(aliases.is_array(), "Aliases", "must be a list");
      for (size_t i = 0; i < aliases.size(); ++i) {
        std::string entry = "Aliases[" + std::to_string(i) + "]";
        const json& a = aliases[i];
        Require(a.is_object(), entry, "must be a mapping with AliasName and TargetKeyId");
        Only(a, entry, {"AliasName", "TargetKeyId", "Account", "Region"});
        doc.aliases.push_back(Alias(a, entry, scope, doc.keys));
      }
    }
    return doc;
  }

 private:
  enum class Kind { kAes, kAsymmetric, kHmac };

  // Where an entry goes: its own Account and Region fields, else the ARNs it
  // holds, else the document's default; two that disagree are an error.
  struct Placement {
    std::string entry;
    core::Scope scope;
    std::string source;  // what fixed `scope` ("Account/Region", "KeyId arn:..."); empty: default
    void Add(const core::Scope& s, const std::string& from) {
      if (!source.empty() && !(s == scope)) {
        Fail(entry, from + " names account " + s.account + ", region " + s.region + ", but " +
                        source + " names account " + scope.account + ", region " + scope.region +
                        " (a key and its aliases are in one account and Region)");
      }
      if (source.empty()) {
        scope = s;
        source = from;
      }
    }
  };
  // The entry's Account and Region fields over `defaults`.
  static Placement Place(const json& obj, const std::string& entry, const core::Scope& defaults) {
    Placement p{entry, defaults, ""};
    std::optional<std::string> account = Str(obj, "Account", entry);
    std::optional<std::string> region = Str(obj, "Region", entry);
    if (account || region) {
      p.scope = {account.value_or(defaults.account), region.value_or(defaults.region)};
      p.source = "its Account/Region";
    }
    return p;
  }
  // The account and Region of a key or alias ARN; `field` names it in errors.
  static core::Scope ArnScope(const core::KeyReference& ref, const std::string& entry,
                              const char* field) {
    bool account_ok = ref.account.size() == 12 &&
                      ref.account.find_first_not_of("0123456789") == std::string::npos;
    Require(account_ok && !ref.region.empty(), entry,
            std::string(field) + " " + ref.text +
                " must be an ARN like arn:aws:kms:<region>:<12-digit account>:...");
    return {ref.account, ref.region};
  }

  // The bare key id of `field` (a key id or a key ARN, never an alias); a
  // key ARN also places the entry in the ARN's account and Region.
  static std::string KeyIdOf(const json& obj, const char* field, const std::string& entry,
                             Placement& place) {
    std::string text = Need(obj, field, entry);
    core::KeyReference ref = core::ParseKeyReference(text);
    Require(!ref.IsAlias(), entry,
            std::string(field) + " must be a key id or a key ARN, not an alias");
    if (ref.kind != core::KeyReference::Kind::kKeyArn) return text;
    place.Add(ArnScope(ref, entry, field), std::string(field) + " " + text);
    return ref.id;
  }

  // An Aliases entry. The alias goes where its Account/Region fields say,
  // else where the AliasName or TargetKeyId ARN says, else where this
  // document puts the key it targets, else the document's default.
  static core::SeedAlias Alias(const json& a, const std::string& entry, const core::Scope& scope,
                               const std::vector<core::SeedKey>& keys) {
    Placement place = Place(a, entry, scope);
    std::string name = Need(a, "AliasName", entry);
    core::KeyReference name_ref = core::ParseKeyReference(name);
    if (name_ref.kind == core::KeyReference::Kind::kAliasArn) {
      place.Add(ArnScope(name_ref, entry, "AliasName"), "AliasName " + name);
      name = name_ref.id;
    }
    std::string target = KeyIdOf(a, "TargetKeyId", entry, place);
    if (place.source.empty()) {
      // A bare id: the Region of the document's key of that id, when only one has it.
      const core::SeedKey* found = nullptr;
      bool unique = true;
      for (const core::SeedKey& k : keys) {
        if (k.key_id != target) continue;
        if (found && !(found->scope == k.scope)) unique = false;
        found = &k;
      }
      if (found && unique) place.scope = found->scope;
    }
    core::SeedAlias alias;
    alias.entry = entry;
    alias.scope = place.scope;
    alias.name = std::move(name);
    alias.target_key_id = std::move(target);
    return alias;
  }

  [[noreturn]] static void Fail(const std::string& entry, const std::string& problem) {
    throw SeedError(entry + ": " + problem);
  }
  static void Require(bool ok, const std::string& entry, const std::string& problem) {
    if (!ok) Fail(entry, problem);
  }
  static void Only(const json& obj, const std::string& entry,
                   std::initializer_list<const char*> allowed) {
    Require(obj.is_object(), entry, "must be a mapping");
    for (const auto& [k, v] : obj.items()) {
      bool known = false;
      for (const char* a : allowed) known = known || k == a;
      if (!known) Fail(entry, "unknown field " + k);
    }
  }
  static std::optional<std::string> Str(const json& obj, const char* name,
                                        const std::string& entry) {
    auto it = obj.find(name);
    if (it == obj.end() || it->is_null()) return std::nullopt;
    Require(it->is_string(), entry, std::string(name) + " must be a string");
    return it->get<std::string>();
  }
  static std::string Need(const json& obj, const char* name, const std::string& entry) {
    std::optional<std::string> v = Str(obj, name, entry);
    Require(v.has_value(), entry, std::string(name) + " is required");
    return *v;
  }
  static std::optional<core::Timestamp> Time(const json& obj, const char* name,
                                             const std::string& entry) {
    std::optional<std::string> text = Str(obj, name, entry);
    if (!text) return std::nullopt;
    std::optional<core::Timestamp> t = core::ParseIso8601(*text);
    Require(t.has_value(), entry,
            std::string(name) + " must be an ISO-8601 UTC time like 2027-01-01T00:00:00Z");
    return t;
  }
  static std::optional<bool> Bool(const json& obj, const char* name, const std::string& entry) {
    auto it = obj.find(name);
    if (it == obj.end() || it->is_null()) return std::nullopt;
    if (it->is_boolean()) return it->get<bool>();
    if (it->is_string() && (*it == "true" || *it == "false")) return *it == "true";
    Fail(entry, std::string(name) + " must be true or false");
  }
  static std::optional<int> Int(const json& obj, const char* name, const std::string& entry) {
    auto it = obj.find(name);
    if (it == obj.end() || it->is_null()) return std::nullopt;
    if (it->is_number_integer()) return it->get<int>();
    if (it->is_string()) {
      try {
        size_t used = 0;
        int n = std::stoi(it->get<std::string>(), &used);
        if (used == it->get<std::string>().size()) return n;
      } catch (const std::exception&) {
      }
    }
    Fail(entry, std::string(name) + " must be an integer");
  }
  template <typename E>
  static std::optional<E> Enum(const json& obj, const char* name, const std::string& entry) {
    std::optional<std::string> text = Str(obj, name, entry);
    if (!text) return std::nullopt;
    std::optional<E> v = core::Parse<E>(*text);
    Require(v.has_value(), entry, std::string(name) + " '" + *text + "' is not a valid value");
    return v;
  }
  static int Nibble(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;  // local-kms's examples use upper case
    return -1;
  }
  static core::SecretBytes Hex(const std::string& text, const std::string& entry) {
    Require(text.size() % 2 == 0, entry, "a BackingKeys entry must be hex digits");
    core::SecretBytes out(text.size() / 2);
    for (size_t i = 0; i < out.size(); ++i) {
      int hi = Nibble(text[2 * i]), lo = Nibble(text[2 * i + 1]);
      Require(hi >= 0 && lo >= 0, entry, "a BackingKeys entry must be hex digits");
      out.data()[i] = static_cast<uint8_t>(hi * 16 + lo);
    }
    return out;
  }

  void Entries(const json& parent, const char* list, const std::string& where,
               const core::Scope& scope, Kind kind, core::SeedDocument& doc) {
    if (!parent.contains(list)) return;
    const json& items = parent[list];
    Require(items.is_array(), where, "must be a list");
    for (size_t i = 0; i < items.size(); ++i) {
      doc.keys.push_back(Key(items[i], where + "[" + std::to_string(i) + "]", scope, kind));
    }
  }

  core::SeedKey Key(const json& e, const std::string& entry, const core::Scope& scope, Kind kind) {
    Require(e.is_object(), entry, "must be a mapping with Metadata");
    Only(e, entry,
         {"Metadata", "BackingKeys", "KeyMaterials", "NextKeyRotation", "Rotation", "PrivateKeyPem",
          "Grants"});
    Require(e.contains("Metadata") && e["Metadata"].is_object(), entry,
            "Metadata (with KeyId) is required");
    const json& m = e["Metadata"];
    Only(m, entry + ".Metadata",
         {"KeyId", "Description", "Origin", "KeyUsage", "KeySpec", "KeyState", "KeyManager", "Tags",
          "Policy", "CreationDate", "Account", "Region", "PrimaryRegion"});
    core::SeedKey k;
    k.entry = entry;
    // A key ARN as KeyId places the key in the ARN's account and Region.
    Placement place = Place(m, entry, scope);
    k.key_id = KeyIdOf(m, "KeyId", entry, place);
    k.scope = place.scope;
    k.description = Str(m, "Description", entry).value_or("");
    k.origin = Enum<core::Origin>(m, "Origin", entry).value_or(core::Origin::kAwsKms);
    k.state = Enum<core::KeyState>(m, "KeyState", entry).value_or(core::KeyState::kEnabled);
    k.manager =
        Enum<core::KeyManager>(m, "KeyManager", entry).value_or(core::KeyManager::kCustomer);
    k.creation_date = Time(m, "CreationDate", entry);
    k.policy = Str(m, "Policy", entry);
    k.primary_region = Str(m, "PrimaryRegion", entry);  // Rotor's: multi-Region keys
    if (m.contains("Tags")) {
      Require(m["Tags"].is_array(), entry, "Tags must be a list of {TagKey, TagValue}");
      for (const json& t : m["Tags"]) {
        Require(t.is_object(), entry, "Tags must be a list of {TagKey, TagValue}");
        k.tags.push_back({Need(t, "TagKey", entry), Str(t, "TagValue", entry).value_or("")});
      }
    }
    std::vector<std::string> backing;
    if (e.contains("BackingKeys")) {
      Require(e["BackingKeys"].is_array(), entry, "BackingKeys must be a list of hex keys");
      for (const json& b : e["BackingKeys"]) {
        Require(b.is_string(), entry, "BackingKeys must be a list of hex keys");
        backing.push_back(b.get<std::string>());
      }
    }
    switch (kind) {
      case Kind::kAes:
        k.spec = core::KeySpec::kSymmetricDefault;
        k.usage = core::KeyUsage::kEncryptDecrypt;
        break;
      case Kind::kHmac:
        k.spec = Enum<core::KeySpec>(m, "KeySpec", entry).value_or(core::KeySpec::kHmac256);
        k.usage = core::KeyUsage::kGenerateVerifyMac;
        break;
      case Kind::kAsymmetric: {
        std::optional<std::string> pem = Str(e, "PrivateKeyPem", entry);
        Require(pem.has_value(), entry, "PrivateKeyPem is required");
        try {
          auto [spec, der] = core::PrivateKeyFromPem(*pem);
          k.spec = spec;
          k.materials.push_back({std::move(der), "", std::nullopt, std::nullopt, std::nullopt});
        } catch (const SeedError& err) {
          Fail(entry, err.what());
        }
        k.usage = Enum<core::KeyUsage>(m, "KeyUsage", entry).value_or(core::KeyUsage::kSignVerify);
        break;
      }
    }
    if (kind != Kind::kAsymmetric) {
      for (const std::string& hex : backing)
        k.materials.push_back({Hex(hex, entry), "", std::nullopt, std::nullopt, std::nullopt});
    }
    if (e.contains("KeyMaterials")) {
      const json& history = e["KeyMaterials"];
      Require(history.is_array(), entry, "KeyMaterials must be a list");
      bool with_bytes = !k.materials.empty();
      Require(!with_bytes || history.size() == k.materials.size(), entry,
              "KeyMaterials must have one entry per BackingKeys entry");
      for (size_t i = 0; i < history.size(); ++i) {
        std::string at = entry + ".KeyMaterials[" + std::to_string(i) + "]";
        const json& h = history[i];
        Only(h, at, {"KeyMaterialId", "CreatedAt", "RotationType", "ValidTo"});
        if (!with_bytes) k.materials.push_back({});
        core::SeedMaterial& mat = k.materials[i];
        mat.material_id = Str(h, "KeyMaterialId", at).value_or("");
        mat.created = Time(h, "CreatedAt", at);
        mat.rotation_type = Enum<core::RotationType>(h, "RotationType", at);
        mat.valid_to = Time(h, "ValidTo", at);
      }
    }
    if (std::optional<core::Timestamp> next =
            Time(e, "NextKeyRotation", entry)) {  // local-kms's field
      k.rotation_enabled = true;
      k.next_rotation = next;
    }
    if (e.contains("Grants")) {
      const json& grants = e["Grants"];
      Require(grants.is_array(), entry, "Grants must be a list");
      for (size_t i = 0; i < grants.size(); ++i) {
        k.grants.push_back(Grant(grants[i], entry + ".Grants[" + std::to_string(i) + "]"));
      }
    }
    if (e.contains("Rotation")) {
      const json& r = e["Rotation"];
      Only(r, entry + ".Rotation", {"Enabled", "PeriodInDays", "NextRotationDate"});
      k.rotation_enabled = Bool(r, "Enabled", entry).value_or(true);
      k.rotation_period_days = Int(r, "PeriodInDays", entry).value_or(365);
      if (auto next = Time(r, "NextRotationDate", entry)) k.next_rotation = next;
    }
    return k;
  }

  static core::EncryptionContext Context(const json& c, const char* name, const std::string& at) {
    const json& m = c[name];
    Require(m.is_object(), at, std::string(name) + " must be a mapping of strings");
    core::EncryptionContext out;
    for (const auto& [key, value] : m.items()) {
      Require(value.is_string(), at, std::string(name) + " must be a mapping of strings");
      out[key] = value.get<std::string>();
    }
    return out;
  }

  // One grant of a key (docs/seed-files.md, "Grants"); checked against the
  // key as CreateGrant checks it when the document is loaded.
  static core::Grant Grant(const json& g, const std::string& at) {
    Require(g.is_object(), at, "must be a mapping with GranteePrincipal and Operations");
    Only(g, at,
         {"GrantId", "Name", "GranteePrincipal", "RetiringPrincipal", "Operations", "Constraints",
          "CreationDate", "IssuingAccount"});
    core::Grant out;
    out.grant_id = Str(g, "GrantId", at).value_or("");
    out.name = Str(g, "Name", at).value_or("");
    out.grantee_principal = Need(g, "GranteePrincipal", at);
    out.retiring_principal = Str(g, "RetiringPrincipal", at).value_or("");
    out.issuing_account = Str(g, "IssuingAccount", at).value_or("");
    if (std::optional<core::Timestamp> created = Time(g, "CreationDate", at)) {
      out.creation_date = *created;
    }
    Require(g.contains("Operations") && g["Operations"].is_array() && !g["Operations"].empty(), at,
            "Operations must be a list of grant operations");
    for (const json& op : g["Operations"]) {
      Require(op.is_string(), at, "Operations must be a list of grant operations");
      std::optional<core::GrantOperation> parsed =
          core::Parse<core::GrantOperation>(op.get<std::string>());
      Require(parsed.has_value(), at,
              "Operations: '" + op.get<std::string>() + "' is not a grant operation");
      out.operations.push_back(*parsed);
    }
    if (g.contains("Constraints")) {
      const json& c = g["Constraints"];
      Require(c.is_object(), at, "Constraints must be a mapping");
      Only(c, at + ".Constraints", {"EncryptionContextSubset", "EncryptionContextEquals"});
      core::GrantConstraints constraints;
      if (c.contains("EncryptionContextSubset")) {
        constraints.encryption_context_subset = Context(c, "EncryptionContextSubset", at);
      }
      if (c.contains("EncryptionContextEquals")) {
        constraints.encryption_context_equals = Context(c, "EncryptionContextEquals", at);
      }
      out.constraints = std::move(constraints);
    }
    return out;
  }

  core::Scope default_scope_;
};

// ---- Writing -------------------------------------------------------------

json Iso(const std::optional<core::Timestamp>& t) {
  return t ? json(core::FormatIso8601(*t)) : json(nullptr);
}

json KeyEntry(const core::SeedKey& k, const core::Scope& doc_scope) {
  json meta = {{"KeyId", k.key_id}, {"Description", k.description}};
  if (k.origin != core::Origin::kAwsKms) meta["Origin"] = std::string(core::ToString(k.origin));
  if (k.manager != core::KeyManager::kCustomer)
    meta["KeyManager"] = std::string(core::ToString(k.manager));
  if (k.spec != core::KeySpec::kSymmetricDefault)
    meta["KeyUsage"] = std::string(core::ToString(k.usage));
  if (k.usage == core::KeyUsage::kGenerateVerifyMac)
    meta["KeySpec"] = std::string(core::ToString(k.spec));
  meta["KeyState"] = std::string(core::ToString(k.state));
  if (k.creation_date) meta["CreationDate"] = core::FormatIso8601(*k.creation_date);
  if (!(k.scope == doc_scope)) {
    meta["Account"] = k.scope.account;
    meta["Region"] = k.scope.region;
  }
  if (k.primary_region) meta["PrimaryRegion"] = *k.primary_region;
  if (!k.tags.empty()) {
    json tags = json::array();
    for (const auto& t : k.tags) tags.push_back({{"TagKey", t.key}, {"TagValue", t.value}});
    meta["Tags"] = tags;
  }
  if (k.policy) meta["Policy"] = *k.policy;
  json e = {{"Metadata", meta}};
  bool have_bytes = !k.materials.empty() && !k.materials.front().bytes.empty();
  if (have_bytes && core::IsAsymmetricSpec(k.spec)) {
    e["PrivateKeyPem"] = core::PrivateKeyToPem(k.materials.front().bytes);
  } else if (have_bytes) {
    json backing = json::array();
    for (const auto& m : k.materials)
      backing.push_back(core::HexEncode(m.bytes.data(), m.bytes.size()));
    e["BackingKeys"] = backing;
  }
  json history = json::array();
  for (const auto& m : k.materials) {
    json h = {{"KeyMaterialId", m.material_id}, {"CreatedAt", Iso(m.created)}};
    if (m.rotation_type) h["RotationType"] = std::string(core::ToString(*m.rotation_type));
    if (m.valid_to) h["ValidTo"] = core::FormatIso8601(*m.valid_to);
    history.push_back(h);
  }
  if (!history.empty()) e["KeyMaterials"] = history;
  if (!k.grants.empty()) {
    json grants = json::array();
    for (const core::Grant& g : k.grants) {
      json entry = {{"GrantId", g.grant_id},
                    {"GranteePrincipal", g.grantee_principal},
                    {"Operations", wire::Names(g.operations)},
                    {"CreationDate", core::FormatIso8601(g.creation_date)},
                    {"IssuingAccount", g.issuing_account}};
      if (!g.name.empty()) entry["Name"] = g.name;
      if (!g.retiring_principal.empty()) entry["RetiringPrincipal"] = g.retiring_principal;
      if (g.constraints) entry["Constraints"] = wire::GrantConstraintsJson(*g.constraints);
      grants.push_back(entry);
    }
    e["Grants"] = grants;
  }
  if (k.rotation_enabled) {
    e["Rotation"] = {{"Enabled", true},
                     {"PeriodInDays", k.rotation_period_days},
                     {"NextRotationDate", Iso(k.next_rotation)}};
  }
  return e;
}

// Would a YAML reader take this plain scalar for a number, a boolean or null?
// Then it is written quoted, so every YAML tool reads back a string.
bool LooksTyped(const std::string& s) {
  if (s.empty()) return true;
  std::string lower;
  for (char c : s) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  for (const char* word : {"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", ".nan",
                           ".inf", "-.inf"}) {
    if (lower == word) return true;
  }
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  bool digit = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      digit = true;
    } else if (c != '.' && c != 'e' && c != 'E' && c != '_' && c != 'x' && c != 'o' && c != ':' &&
               c != '+' && c != '-' && !std::isxdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return digit;
}

void EmitYaml(YAML::Emitter& out, const json& v) {
  switch (v.type()) {
    case json::value_t::object:
      out << YAML::BeginMap;
      for (const auto& [k, member] : v.items()) {
        out << YAML::Key << k << YAML::Value;
        EmitYaml(out, member);
      }
      out << YAML::EndMap;
      return;
    case json::value_t::array:
      out << YAML::BeginSeq;
      for (const auto& e : v) EmitYaml(out, e);
      out << YAML::EndSeq;
      return;
    case json::value_t::string: {
      const std::string& s = v.get_ref<const std::string&>();
      // A literal block reads back with a trailing newline, so only strings
      // that end in one (PEM) use it; other multi-line text is quoted.
      if (!s.empty() && s.back() == '\n') {
        out << YAML::Literal;
      } else if (s.find('\n') != std::string::npos || LooksTyped(s)) {
        out << YAML::DoubleQuoted;
      }
      out << s;
      return;
    }
    case json::value_t::null:
      out << YAML::Null;
      return;
    default:
      out << v.dump();
      return;
  }
}

}  // namespace

json ReadDocumentText(const std::string& text, bool yaml, const std::string& name) {
  if (yaml) {
    try {
      return FromYaml(YAML::Load(text));
    } catch (const YAML::Exception& e) {
      throw SeedError(name + ": not valid YAML: " + e.what());
    }
  }
  wire::JsonParseError error;
  std::optional<json> doc = wire::ReadJsonText(text, 64, &error);
  if (!doc) throw SeedError(name + ": not valid JSON: " + error.message);
  return std::move(*doc);
}

DocumentFile ReadDocumentFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SeedError(path + ": cannot be read");
  std::stringstream buf;
  buf << in.rdbuf();
  bool json_file = path.size() >= 5 && path.substr(path.size() - 5) == ".json";
  return {buf.str(), !json_file};
}

core::SeedDocument ParseSeedText(const std::string& text, bool yaml, const std::string& name,
                                 const core::Scope& default_scope) {
  json root = ReadDocumentText(text, yaml, name);
  try {
    return Reader(default_scope).Document(root);
  } catch (const SeedError& e) {
    throw SeedError(name + ": " + e.what());
  }
}

core::SeedDocument ReadSeedFile(const std::string& path, const core::Scope& default_scope) {
  DocumentFile file = ReadDocumentFile(path);
  return ParseSeedText(file.text, file.yaml, path, default_scope);
}

std::string WriteSeedText(const core::SeedDocument& doc, bool yaml) {
  core::Scope doc_scope = doc.keys.empty() ? core::Scope{} : doc.keys.front().scope;
  json aes = json::array(), rsa = json::array(), ecc = json::array(), hmac = json::array();
  for (const auto& k : doc.keys) {
    json e = KeyEntry(k, doc_scope);
    if (k.spec == core::KeySpec::kSymmetricDefault) {
      aes.push_back(e);
    } else if (core::IsHmacSpec(k.spec)) {
      hmac.push_back(e);
    } else if (k.spec == core::KeySpec::kRsa2048 || k.spec == core::KeySpec::kRsa3072 ||
               k.spec == core::KeySpec::kRsa4096) {
      rsa.push_back(e);
    } else {
      ecc.push_back(e);
    }
  }
  json root = json::object();
  if (!doc.keys.empty()) {
    root["Account"] = doc_scope.account;
    root["Region"] = doc_scope.region;
  }
  json keys = json::object();
  if (!aes.empty()) keys["Symmetric"] = {{"Aes", aes}};
  json asym = json::object();
  if (!rsa.empty()) asym["Rsa"] = rsa;
  if (!ecc.empty()) asym["Ecc"] = ecc;
  if (!asym.empty()) keys["Asymmetric"] = asym;
  if (!hmac.empty()) keys["Hmac"] = hmac;
  root["Keys"] = keys;
  json aliases = json::array();
  for (const auto& a : doc.aliases) {
    json entry = {{"AliasName", a.name}, {"TargetKeyId", a.target_key_id}};
    if (!(a.scope == doc_scope)) {
      entry["Account"] = a.scope.account;
      entry["Region"] = a.scope.region;
    }
    aliases.push_back(entry);
  }
  root["Aliases"] = aliases;
  if (!yaml) return root.dump(2) + "\n";
  YAML::Emitter out;
  EmitYaml(out, root);
  return std::string(out.c_str()) + "\n";
}

}  // namespace rotor::server::seed
