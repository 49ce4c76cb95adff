#include "server/wire/request_conditions.h"

#include <charconv>
#include <chrono>
#include <string_view>

namespace rotor::server::wire {
namespace {

using nlohmann::json;

const json* Member(const json& body, std::string_view name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string_view StringOf(const json* v) {
  if (v == nullptr || !v->is_string()) return {};
  return v->get_ref<const std::string&>();
}

// Fills `out` with the string elements of list `v` (or the `field` member of
// each object element); returns how many.
size_t Strings(const json* v, std::span<std::string_view> out, std::string_view field = {}) {
  if (v == nullptr || !v->is_array()) return 0;
  size_t n = 0;
  for (const json& e : *v) {
    if (n == out.size()) break;
    const json* s = field.empty() ? &e : (e.is_object() ? Member(e, field) : nullptr);
    if (std::string_view text = StringOf(s); !text.empty()) out[n++] = text;
  }
  return n;
}

// The request body's members, listed in one pass: the constructor below asks
// for about twenty names, of which a body has a few, and a miss in this short
// list costs a length comparison or two instead of a search of the object.
// A body with more members than the list holds is searched as before.
class BodyMembers {
 public:
  explicit BodyMembers(const json& body) : body_(body) {
    if (!body.is_object() || body.size() > items_.size()) {
      listed_ = false;
      return;
    }
    for (auto it = body.begin(); it != body.end(); ++it) items_[size_++] = {it.key(), &*it};
  }
  // As Member(body, name): the member, or nullptr when absent or null.
  const json* Find(std::string_view name) const {
    if (!listed_) return Member(body_, name);
    for (size_t i = 0; i < size_; ++i) {
      if (items_[i].name == name) return items_[i].value->is_null() ? nullptr : items_[i].value;
    }
    return nullptr;
  }

 private:
  struct Item {
    std::string_view name;
    const json* value = nullptr;
  };
  const json& body_;
  bool listed_ = true;
  std::array<Item, 16> items_{};
  size_t size_ = 0;
};

// Fills `out` with the {TagKey, TagValue} pairs of the body's Tags; returns
// how many.
size_t RequestTags(const json* tags, std::span<core::TagRef> out) {
  if (tags == nullptr || !tags->is_array()) return 0;
  size_t n = 0;
  for (const json& t : *tags) {
    if (n == out.size()) break;
    if (!t.is_object()) continue;
    std::string_view key = StringOf(Member(t, "TagKey"));
    if (!key.empty()) out[n++] = {key, StringOf(Member(t, "TagValue"))};
  }
  return n;
}

// `n` in decimal, written into `buf` (std::to_chars: what "%lld" prints).
std::string_view DecimalInto(std::array<char, 24>& buf, long long n) {
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), n);
  if (ec != std::errc()) return {};
  return {buf.data(), static_cast<size_t>(end - buf.data())};
}

// Single-valued string members and the condition key each feeds.
struct StringKey {
  std::string_view member;
  std::string_view key;
};
constexpr std::array<StringKey, 10> kStringKeys = {{
    {"EncryptionAlgorithm", "kms:EncryptionAlgorithm"},
    {"SigningAlgorithm", "kms:SigningAlgorithm"},
    {"MacAlgorithm", "kms:MacAlgorithm"},
    {"MessageType", "kms:MessageType"},
    {"KeyPairSpec", "kms:DataKeyPairSpec"},
    {"WrappingAlgorithm", "kms:WrappingAlgorithm"},
    {"WrappingKeySpec", "kms:WrappingKeySpec"},
    {"ExpirationModel", "kms:ExpirationModel"},
    {"ReplicaRegion", "kms:ReplicaRegion"},
    {"PrimaryRegion", "kms:PrimaryRegion"},
}};

// Numeric members (whole numbers).
constexpr std::array<StringKey, 3> kNumberKeys = {{
    {"RotationPeriodInDays", "kms:RotationPeriodInDays"},
    {"PendingWindowInDays", "kms:ScheduleKeyDeletionPendingWindowInDays"},
    {"ValidTo", "kms:ValidTo"},
}};

}  // namespace

RequestConditions::RequestConditions(const OperationEntry& op, const json& body,
                                     const core::RequestContext& ctx) {
  const BodyMembers members(body);
  access_.actions = op.policy_actions;
  access_.cross_account = op.cross_account();
  for (const StringKey& k : kStringKeys) keys_.Add(k.key, StringOf(members.Find(k.member)));
  // The operations that encrypt or decrypt with a key use SYMMETRIC_DEFAULT
  // when the request names no algorithm (its default, API Reference); the
  // condition key carries it then too (Rotor's reading of "AWS KMS condition
  // keys", kms:EncryptionAlgorithm).
  if (!members.Find("EncryptionAlgorithm") &&
      (op.name == "Encrypt" || op.name == "Decrypt" || op.name.starts_with("GenerateDataKey"))) {
    keys_.Add("kms:EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
  }
  for (const StringKey& k : kNumberKeys) {
    const json* v = members.Find(k.member);
    if (v == nullptr || !v->is_number() || numbers_used_ == numbers_.size()) continue;
    std::array<char, 24>& buf = numbers_[numbers_used_++];
    keys_.Add(k.key, DecimalInto(buf, static_cast<long long>(v->get<double>())));
  }
  if (const json* bypass = members.Find("BypassPolicyLockoutSafetyCheck");
      bypass && bypass->is_boolean()) {
    keys_.Add("kms:BypassPolicyLockoutSafetyCheck", bypass->get<bool>() ? "true" : "false");
  }
  if (op.name == "CreateKey") {
    std::string_view spec = StringOf(members.Find("KeySpec"));
    std::string_view usage = StringOf(members.Find("KeyUsage"));
    std::string_view origin = StringOf(members.Find("Origin"));
    const json* multi = members.Find("MultiRegion");
    keys_.Add("kms:KeySpec", spec.empty() ? "SYMMETRIC_DEFAULT" : spec);
    keys_.Add("kms:KeyUsage", usage.empty() ? "ENCRYPT_DECRYPT" : usage);
    keys_.Add("kms:KeyOrigin", origin.empty() ? "AWS_KMS" : origin);
    keys_.Add("kms:MultiRegion",
              multi && multi->is_boolean() && multi->get<bool>() ? "true" : "false");
  }
  if (op.name == "CreateGrant") {
    size_t n = Strings(members.Find("Operations"), grant_operations_);
    if (n > 0) keys_.AddMany("kms:GrantOperations", {grant_operations_.data(), n});
    if (const json* c = members.Find("Constraints"); c && c->is_object()) {
      if (Member(*c, "EncryptionContextEquals")) {
        keys_.Add("kms:GrantConstraintType", "EncryptionContextEquals");
      } else if (Member(*c, "EncryptionContextSubset")) {
        keys_.Add("kms:GrantConstraintType", "EncryptionContextSubset");
      }
    }
  }
  if (op.name == "CreateGrant" || op.name == "ListGrants" || op.name == "RevokeGrant") {
    keys_.Add("kms:GrantIsForAWSResource", "false");
  }
  // kms:RequestAlias: the alias the request names its key by.
  if (std::string_view id = StringOf(members.Find("KeyId")); !id.empty()) {
    if (id.starts_with("alias/")) {
      keys_.Add("kms:RequestAlias", id);
    } else if (id.starts_with("arn:")) {
      if (size_t a = id.find(":alias/"); a != std::string_view::npos) {
        keys_.Add("kms:RequestAlias", id.substr(a + 1));
      }
    }
  }
  size_t tags = Strings(members.Find("Tags"), tag_keys_, "TagKey");
  if (tags > 0) {
    access_.request_tags = {request_tags_.data(), RequestTags(members.Find("Tags"), request_tags_)};
  }
  if (tags == 0) tags = Strings(members.Find("TagKeys"), tag_keys_);
  if (tags > 0) keys_.AddMany("aws:TagKeys", {tag_keys_.data(), tags});

  // The request itself.
  // aws:CurrentTime: ISO 8601 in whole seconds (core's one writer of the format).
  keys_.Add(
      "aws:CurrentTime",
      core::FormatIso8601Into(current_time_, std::chrono::floor<std::chrono::seconds>(ctx.now)));
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(ctx.now.time_since_epoch()).count();
  keys_.Add("aws:EpochTime", DecimalInto(epoch_time_, secs));
  keys_.Add("aws:SecureTransport", "false");
  keys_.Add("aws:SourceIp", ctx.source_ip);
  access_.conditions = keys_.entries();

  size_t tokens = Strings(members.Find("GrantTokens"), grant_tokens_);
  access_.grant_tokens = {grant_tokens_.data(), tokens};
}

}  // namespace rotor::server::wire
