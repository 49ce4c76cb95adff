#include "server/wire/fault_rule_json.h"

#include <charconv>
#include <cmath>

#include "core/kms_error.h"
#include "server/wire/kms_model.h"

namespace rotor::server::wire {
namespace {

using nlohmann::json;

constexpr core::Millis kMaxDelay = std::chrono::minutes(10);

[[noreturn]] void Invalid(const std::string& what) { throw core::KmsError::Validation(what); }

const json& Object(const json& doc, const char* name) {
  if (!doc.is_object()) Invalid(std::string(name) + " must be an object");
  return doc;
}

std::string Text(const json& v, const std::string& name) {
  if (!v.is_string()) Invalid(name + " must be a string");
  return v.get<std::string>();
}

// A JSON number, or a string holding one (YAML seed files).
double Number(const json& v, const std::string& name) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    double d = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
    if (ec == std::errc() && end == s.data() + s.size() && std::isfinite(d)) return d;
  }
  Invalid(name + " must be a number");
}

uint64_t Count(const json& v, const std::string& name) {
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    uint64_t n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc() && end == s.data() + s.size() && !s.empty()) return n;
  }
  Invalid(name + " must be a non-negative integer");
}

bool Flag(const json& v, const std::string& name) {
  if (v.is_boolean()) return v.get<bool>();
  if (v == "true") return true;
  if (v == "false") return false;
  Invalid(name + " must be true or false");
}

core::Timestamp Time(const json& v, const std::string& name) {
  std::optional<core::Timestamp> t = core::ParseIso8601(Text(v, name));
  if (!t) Invalid(name + " must be an ISO-8601 UTC time like 2027-01-01T00:00:00Z");
  return *t;
}

void OnlyMembers(const json& doc, const std::string& where,
                 std::initializer_list<std::string_view> allowed) {
  for (const auto& [k, v] : doc.items()) {
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
      Invalid(where + ": unknown member " + k);
    }
  }
}

core::FaultMatch MatchFromJson(const json& doc) {
  Object(doc, "match");
  OnlyMembers(doc, "match", {"operations", "keyId", "account", "region", "principal"});
  core::FaultMatch m;
  if (doc.contains("operations")) {
    const json& ops = doc["operations"];
    if (!ops.is_array()) Invalid("match.operations must be a list of operation names");
    for (const json& op : ops) {
      std::string name = Text(op, "match.operations[]");
      if (!KmsModel::Embedded().HasOperation(name)) {
        Invalid("match.operations: " + name + " is not an operation of the KMS model");
      }
      m.operations.push_back(std::move(name));
    }
  }
  if (doc.contains("keyId")) m.key = Text(doc["keyId"], "match.keyId");
  if (doc.contains("account")) m.account = Text(doc["account"], "match.account");
  if (doc.contains("region")) m.region = Text(doc["region"], "match.region");
  if (doc.contains("principal")) m.principal = Text(doc["principal"], "match.principal");
  return m;
}

core::FaultAction ActionFromJson(const json& doc) {
  Object(doc, "action");
  OnlyMembers(doc, "action", {"error", "message", "delay", "drop"});
  int kinds = doc.contains("error") + doc.contains("delay") + doc.contains("drop");
  if (kinds != 1) Invalid("action must have exactly one of error, delay and drop");
  core::FaultAction a;
  if (doc.contains("error")) {
    std::string name = Text(doc["error"], "action.error");
    std::optional<core::ErrorCode> code = core::ErrorCodeNamed(name);
    bool known = KmsModel::Embedded().Errors().contains(name) || name == "ThrottlingException";
    if (!known || !code) {
      Invalid("action.error: " + name +
              " is not an error of the KMS model (nor ThrottlingException)");
    }
    a.kind = core::FaultKind::kError;
    a.error = *code;
    a.message = doc.contains("message") ? Text(doc["message"], "action.message")
                                        : DefaultFaultMessage(*code);
    return a;
  }
  if (doc.contains("message")) Invalid("action.message goes with action.error only");
  if (doc.contains("delay")) {
    std::optional<core::Millis> d = core::ParseDuration(Text(doc["delay"], "action.delay"));
    if (!d || *d > kMaxDelay) {
      Invalid("action.delay must be a duration like 250ms, 2s or 1m, at most 10m");
    }
    a.kind = core::FaultKind::kDelay;
    a.delay = *d;
    return a;
  }
  if (!Flag(doc["drop"], "action.drop")) Invalid("action.drop must be true");
  a.kind = core::FaultKind::kDrop;
  return a;
}

core::FaultFrequency FrequencyFromJson(const json& doc) {
  Object(doc, "frequency");
  OnlyMembers(doc, "frequency", {"probability", "seed", "next", "from", "until"});
  core::FaultFrequency f;
  int kinds = doc.contains("probability") + doc.contains("next") +
              (doc.contains("from") || doc.contains("until"));
  if (kinds > 1) Invalid("frequency must be one of probability (+ seed), next, or from and until");
  if (doc.contains("seed") && !doc.contains("probability")) {
    Invalid("frequency.seed goes with frequency.probability");
  }
  if (doc.contains("probability")) {
    f.kind = core::FaultFrequencyKind::kProbability;
    f.probability = Number(doc["probability"], "frequency.probability");
    if (f.probability < 0 || f.probability > 1) {
      Invalid("frequency.probability must be between 0 and 1");
    }
    if (doc.contains("seed")) f.seed = Count(doc["seed"], "frequency.seed");
  } else if (doc.contains("next")) {
    f.kind = core::FaultFrequencyKind::kNextN;
    f.count = Count(doc["next"], "frequency.next");
  } else if (doc.contains("from") || doc.contains("until")) {
    if (!doc.contains("from") || !doc.contains("until")) {
      Invalid("frequency.from and frequency.until go together");
    }
    f.kind = core::FaultFrequencyKind::kWindow;
    f.from = Time(doc["from"], "frequency.from");
    f.until = Time(doc["until"], "frequency.until");
    if (!(f.from < f.until)) Invalid("frequency.from must be before frequency.until");
  }
  return f;
}

std::string DurationText(core::Millis d) { return std::to_string(d.count()) + "ms"; }

}  // namespace

core::FaultRule FaultRuleFromJson(const json& doc) {
  Object(doc, "A fault rule");
  OnlyMembers(doc, "A fault rule", {"match", "action", "frequency"});
  if (!doc.contains("action")) Invalid("A fault rule needs an action");
  core::FaultRule rule;
  if (doc.contains("match")) rule.match = MatchFromJson(doc["match"]);
  rule.action = ActionFromJson(doc["action"]);
  if (doc.contains("frequency")) rule.frequency = FrequencyFromJson(doc["frequency"]);
  return rule;
}

json FaultRuleToJson(const core::FaultRuleStatus& status) {
  const core::FaultRule& r = status.rule;
  json match = json::object();
  if (!r.match.operations.empty()) match["operations"] = r.match.operations;
  if (!r.match.key.empty()) match["keyId"] = r.match.key;
  if (!r.match.account.empty()) match["account"] = r.match.account;
  if (!r.match.region.empty()) match["region"] = r.match.region;
  if (!r.match.principal.empty()) match["principal"] = r.match.principal;
  json action;
  switch (r.action.kind) {
    case core::FaultKind::kError:
      action = {{"error", std::string(core::ErrorName(r.action.error))},
                {"status", core::HttpStatus(r.action.error)},
                {"message", r.action.message}};
      break;
    case core::FaultKind::kDelay:
      action = {{"delay", DurationText(r.action.delay)}};
      break;
    case core::FaultKind::kDrop:
      action = {{"drop", true}};
      break;
  }
  json frequency = json::object();
  switch (r.frequency.kind) {
    case core::FaultFrequencyKind::kAlways:
      break;
    case core::FaultFrequencyKind::kProbability:
      frequency = {{"probability", r.frequency.probability}, {"seed", r.frequency.seed}};
      break;
    case core::FaultFrequencyKind::kNextN:
      frequency = {{"next", r.frequency.count}};
      break;
    case core::FaultFrequencyKind::kWindow:
      frequency = {{"from", core::FormatIso8601(r.frequency.from)},
                   {"until", core::FormatIso8601(r.frequency.until)}};
      break;
  }
  json out = {{"id", status.id},
              {"match", std::move(match)},
              {"action", std::move(action)},
              {"frequency", std::move(frequency)},
              {"matched", status.matched},
              {"fired", status.fired}};
  if (r.frequency.kind == core::FaultFrequencyKind::kNextN) out["remaining"] = status.remaining;
  return out;
}

std::string DefaultFaultMessage(core::ErrorCode code) {
  switch (code) {
    case core::ErrorCode::kThrottling:
      return core::KmsError::Throttled().message();
    case core::ErrorCode::kDryRunOperation:
      return core::KmsError::DryRun().message();
    case core::ErrorCode::kKmsInternal:
      return "The request was rejected because an internal exception occurred. The request can "
             "be retried.";
    case core::ErrorCode::kDependencyTimeout:
      return "The system timed out while trying to fulfill the request. You can retry the "
             "request.";
    case core::ErrorCode::kKeyUnavailable:
      return "The request was rejected because the specified KMS key was not available. You can "
             "retry the request.";
    default:
      return "";
  }
}

}  // namespace rotor::server::wire
