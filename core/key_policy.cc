#include "core/key_policy.h"

#include <nlohmann/json.hpp>

#include "core/kms_error.h"

namespace rotor::core {

std::string DefaultKeyPolicy(const std::string& account) {
  return "{\n"
         "  \"Version\" : \"2012-10-17\",\n"
         "  \"Id\" : \"key-default-1\",\n"
         "  \"Statement\" : [ {\n"
         "    \"Sid\" : \"Enable IAM User Permissions\",\n"
         "    \"Effect\" : \"Allow\",\n"
         "    \"Principal\" : {\n"
         "      \"AWS\" : \"arn:aws:iam::" +
         account +
         ":root\"\n"
         "    },\n"
         "    \"Action\" : \"kms:*\",\n"
         "    \"Resource\" : \"*\"\n"
         "  } ]\n"
         "}";
}

namespace {

using Ordered = nlohmann::ordered_json;

void WriteIndent(std::string& out, int levels) { out.append(static_cast<size_t>(levels) * 2, ' '); }

// `nesting` counts the objects around `v` (arrays are inline and do not count).
void WritePolicyValue(std::string& out, const Ordered& v, int nesting) {
  if (v.is_object()) {
    if (v.empty()) {
      out += "{ }";
      return;
    }
    out += "{\n";
    bool first = true;
    for (const auto& [name, member] : v.items()) {
      if (!first) out += ",\n";
      first = false;
      WriteIndent(out, nesting + 1);
      out += Ordered(name).dump();
      out += " : ";
      WritePolicyValue(out, member, nesting + 1);
    }
    out += "\n";
    WriteIndent(out, nesting);
    out += "}";
  } else if (v.is_array()) {
    if (v.empty()) {
      out += "[ ]";
      return;
    }
    out += "[ ";
    bool first = true;
    for (const Ordered& element : v) {
      if (!first) out += ", ";
      first = false;
      WritePolicyValue(out, element, nesting);
    }
    out += " ]";
  } else {
    out += v.dump();
  }
}

}  // namespace

CheckedKeyPolicy CheckKeyPolicy(const std::string& policy) {
  if (policy.size() > kMaxKeyPolicyBytes) {
    throw KmsError(ErrorCode::kLimitExceeded,
                   "The key policy exceeds the maximum size of 32768 bytes.");
  }
  // Nesting is bounded by the request reader before we get here.
  Ordered doc = Ordered::parse(policy, nullptr, /*allow_exceptions=*/false);
  CheckedKeyPolicy checked;
  checked.compiled =
      CompileParsedPolicy(doc, PolicyKind::kKeyPolicy);  // not an object, no Statement...
  checked.stored.reserve(policy.size() + policy.size() / 4);
  WritePolicyValue(checked.stored, doc, 0);
  return checked;
}

std::string StoredKeyPolicy(const std::string& policy) { return CheckKeyPolicy(policy).stored; }

std::shared_ptr<const CompiledPolicy> KeyPolicyOf(const Key& key) {
  if (std::shared_ptr<const CompiledPolicy> kept = key.compiled_policy.Get()) return kept;
  std::shared_ptr<const CompiledPolicy> compiled;
  try {
    compiled = CompilePolicy(key.policy, PolicyKind::kKeyPolicy);
  } catch (const KmsError&) {
    compiled = CompilePolicy(std::string_view(R"({"Statement":[]})"), PolicyKind::kKeyPolicy);
  }
  key.compiled_policy.Set(compiled);
  return compiled;
}

void RequireDefaultPolicyName(const std::string& name) {
  if (name != "default") throw KmsError(ErrorCode::kNotFound, "No such policy exists");
}

}  // namespace rotor::core
