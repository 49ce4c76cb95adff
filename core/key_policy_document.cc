#include "core/key_policy_document.h"

#include <array>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/kms_error.h"

namespace rotor::core {

namespace {

using json = nlohmann::ordered_json;

// ---- Compiled form --------------------------------------------------------

enum class Family : uint8_t {
  kString,
  kStringIgnoreCase,
  kStringLike,
  kNumeric,
  kDate,
  kBool,
  kBinary,
  kIp,
  kArn,
  kNull
};
enum class Cmp : uint8_t { kEq, kLt, kLe, kGt, kGe };
enum class SetQualifier : uint8_t { kNone, kForAnyValue, kForAllValues };

struct OperatorInfo {
  std::string_view name;
  Family family;
  Cmp cmp;
  bool negated;
};

// IAM User Guide, "IAM JSON policy elements: Condition operators".
constexpr std::array kOperators{
    OperatorInfo{"StringEquals", Family::kString, Cmp::kEq, false},
    OperatorInfo{"StringNotEquals", Family::kString, Cmp::kEq, true},
    OperatorInfo{"StringEqualsIgnoreCase", Family::kStringIgnoreCase, Cmp::kEq, false},
    OperatorInfo{"StringNotEqualsIgnoreCase", Family::kStringIgnoreCase, Cmp::kEq, true},
    OperatorInfo{"StringLike", Family::kStringLike, Cmp::kEq, false},
    OperatorInfo{"StringNotLike", Family::kStringLike, Cmp::kEq, true},
    OperatorInfo{"NumericEquals", Family::kNumeric, Cmp::kEq, false},
    OperatorInfo{"NumericNotEquals", Family::kNumeric, Cmp::kEq, true},
    OperatorInfo{"NumericLessThan", Family::kNumeric, Cmp::kLt, false},
    OperatorInfo{"NumericLessThanEquals", Family::kNumeric, Cmp::kLe, false},
    OperatorInfo{"NumericGreaterThan", Family::kNumeric, Cmp::kGt, false},
    OperatorInfo{"NumericGreaterThanEquals", Family::kNumeric, Cmp::kGe, false},
    OperatorInfo{"DateEquals", Family::kDate, Cmp::kEq, false},
    OperatorInfo{"DateNotEquals", Family::kDate, Cmp::kEq, true},
    OperatorInfo{"DateLessThan", Family::kDate, Cmp::kLt, false},
    OperatorInfo{"DateLessThanEquals", Family::kDate, Cmp::kLe, false},
    OperatorInfo{"DateGreaterThan", Family::kDate, Cmp::kGt, false},
    OperatorInfo{"DateGreaterThanEquals", Family::kDate, Cmp::kGe, false},
    OperatorInfo{"Bool", Family::kBool, Cmp::kEq, false},
    OperatorInfo{"BinaryEquals", Family::kBinary, Cmp::kEq, false},
    OperatorInfo{"IpAddress", Family::kIp, Cmp::kEq, false},
    OperatorInfo{"NotIpAddress", Family::kIp, Cmp::kEq, true},
    OperatorInfo{"ArnEquals", Family::kArn, Cmp::kEq, false},
    OperatorInfo{"ArnLike", Family::kArn, Cmp::kEq, false},
    OperatorInfo{"ArnNotEquals", Family::kArn, Cmp::kEq, true},
    OperatorInfo{"ArnNotLike", Family::kArn, Cmp::kEq, true},
    OperatorInfo{"Null", Family::kNull, Cmp::kEq, false},
};

struct Ipv4Net {
  uint32_t addr = 0;
  uint32_t mask = 0;
};

struct CompiledValue {
  std::string text;
  double number = NAN;             // Numeric*: NaN when `text` is not a number
  std::optional<int64_t> seconds;  // Date*: seconds since the epoch
  std::optional<Ipv4Net> net;      // IpAddress
};

enum class MapSource : uint8_t { kNone, kEncryptionContext, kResourceTag, kRequestTag };

struct CompiledCondition {
  OperatorInfo op;
  SetQualifier qualifier = SetQualifier::kNone;
  bool if_exists = false;
  std::string key;  // as written
  // kms:EncryptionContext:<k>, aws:ResourceTag/<k> and aws:RequestTag/<k> read
  // the value of <k> (`map_key`) from the request's context or tags.
  MapSource map_source = MapSource::kNone;
  std::string map_key;
  std::vector<CompiledValue> values;
};

enum class PrincipalKind : uint8_t { kAny, kAccount, kArn, kService, kNever };
struct CompiledPrincipal {
  PrincipalKind kind;
  std::string text;  // the account id for kAccount
};

struct CompiledStatement {
  std::string sid;
  bool deny = false;
  bool not_principal = false;
  std::vector<CompiledPrincipal> principals;
  bool not_action = false;
  std::vector<std::string> actions;
  bool not_resource = false;
  std::vector<std::string> resources;
  std::vector<CompiledCondition> conditions;
};

}  // namespace

class CompiledPolicy {
 public:
  PolicyKind kind = PolicyKind::kKeyPolicy;
  std::vector<CompiledStatement> statements;
  bool reads_resource_aliases = false;  // a condition names kms:ResourceAliases
};

namespace {

[[noreturn]] void Malformed(std::string message) {
  throw KmsError(ErrorCode::kMalformedPolicyDocument, std::move(message));
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && EqualsIgnoreCase(text.substr(0, prefix.size()), prefix);
}

bool IsDigits(std::string_view s, size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "2026-12-01T10:00:00Z", "2026-12-01T10:00:00.123Z", "2026-12-01T10:00:00+02:00",
// "2026-12-01", or epoch seconds ("1796083200"): seconds since the epoch.
std::optional<int64_t> ParseDate(std::string_view s) {
  auto num = [&](size_t pos, size_t len) -> std::optional<int> {
    if (pos + len > s.size()) return std::nullopt;
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  if (!s.empty() && s.size() <= 12 && s.find('-') == std::string_view::npos) {
    int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && p == s.data() + s.size()) return v;
    return std::nullopt;
  }
  auto y = num(0, 4), mo = num(5, 2), d = num(8, 2);
  if (!y || !mo || !d || s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (*mo < 1 || *mo > 12 || *d < 1 || *d > 31) return std::nullopt;
  int hh = 0, mm = 0, ss = 0;
  int64_t offset = 0;
  if (s.size() > 10) {
    if (s[10] != 'T' && s[10] != 't') return std::nullopt;
    auto h = num(11, 2), m = num(14, 2), sec = num(17, 2);
    if (!h || !m || !sec || s.size() < 19 || s[13] != ':' || s[16] != ':') return std::nullopt;
    hh = *h, mm = *m, ss = *sec;
    size_t pos = 19;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    }
    if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
      ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
      auto oh = num(pos + 1, 2), om = num(pos + 4, 2);
      if (!oh || !om || pos + 6 > s.size() || s[pos + 3] != ':') return std::nullopt;
      offset = (s[pos] == '+' ? 1 : -1) * (*oh * 3600 + *om * 60);
      pos += 6;
    }
    if (pos != s.size()) return std::nullopt;
  }
  // days_from_civil (proleptic Gregorian).
  int yy = *y - (*mo <= 2 ? 1 : 0);
  int era = (yy >= 0 ? yy : yy - 399) / 400;
  int yoe = yy - era * 400;
  int doy = (153 * (*mo + (*mo > 2 ? -3 : 9)) + 2) / 5 + *d - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = static_cast<int64_t>(era) * 146097 + doe - 719468;
  return days * 86400 + hh * 3600 + mm * 60 + ss - offset;
}

std::optional<double> ParseNumber(std::string_view s) {
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<Ipv4Net> ParseIpv4(std::string_view s) {
  uint32_t addr = 0;
  size_t pos = 0;
  for (int part = 0; part < 4; ++part) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(s.data() + pos, s.data() + s.size(), v);
    if (ec != std::errc() || v > 255) return std::nullopt;
    addr = (addr << 8) | v;
    pos = static_cast<size_t>(p - s.data());
    if (part < 3) {
      if (pos >= s.size() || s[pos] != '.') return std::nullopt;
      ++pos;
    }
  }
  unsigned bits = 32;
  if (pos < s.size()) {
    if (s[pos] != '/') return std::nullopt;
    auto [p, ec] = std::from_chars(s.data() + pos + 1, s.data() + s.size(), bits);
    if (ec != std::errc() || bits > 32 || p != s.data() + s.size()) return std::nullopt;
  }
  uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
  return Ipv4Net{addr & mask, mask};
}

// ---- Parsing ----------------------------------------------------------------

std::vector<std::string> StringOrStrings(const json& v, std::string_view element) {
  std::vector<std::string> out;
  auto bad = [&] {
    Malformed("Policy contains a statement whose " + std::string(element) +
              " is not a string or a list of strings.");
  };
  if (v.is_string()) {
    out.push_back(v.get<std::string>());
  } else if (v.is_array() && !v.empty()) {
    for (const json& e : v) {
      if (!e.is_string()) bad();
      out.push_back(e.get<std::string>());
    }
  } else {
    bad();
  }
  return out;
}

CompiledPrincipal AwsPrincipal(const std::string& p) {
  if (p == "*") return {PrincipalKind::kAny, ""};
  if (IsDigits(p, 12)) return {PrincipalKind::kAccount, p};
  constexpr std::string_view kIam = "arn:aws:iam::";
  constexpr std::string_view kSts = "arn:aws:sts::";
  std::string_view s = p;
  bool iam = s.starts_with(kIam), sts = s.starts_with(kSts);
  if (iam || sts) {
    std::string_view rest = s.substr(kIam.size());
    if (rest.size() > 13 && IsDigits(rest.substr(0, 12), 12) && rest[12] == ':') {
      std::string_view account = rest.substr(0, 12), resource = rest.substr(13);
      if (iam && resource == "root") return {PrincipalKind::kAccount, std::string(account)};
      bool wild = resource.find_first_of("*?") != std::string_view::npos;
      if (iam && !wild && (resource.starts_with("user/") || resource.starts_with("role/")) &&
          resource.size() > 5 && resource.back() != '/') {
        return {PrincipalKind::kArn, p};
      }
      if (sts && !wild && resource.starts_with("assumed-role/")) {
        std::string_view names = resource.substr(13);
        size_t slash = names.find('/');
        if (slash != std::string_view::npos && slash > 0 && slash + 1 < names.size()) {
          return {PrincipalKind::kArn, p};
        }
      }
    }
  }
  Malformed("Policy contains a statement with one or more invalid principals.");
}

std::vector<CompiledPrincipal> CompilePrincipals(const json& v) {
  std::vector<CompiledPrincipal> out;
  if (v.is_string()) {
    if (v.get<std::string>() != "*") {
      Malformed("Policy contains a statement with one or more invalid principals.");
    }
    out.push_back({PrincipalKind::kAny, ""});
    return out;
  }
  if (!v.is_object() || v.empty()) {
    Malformed("Policy contains a statement with one or more invalid principals.");
  }
  for (const auto& [type, ids] : v.items()) {
    std::vector<std::string> values = StringOrStrings(ids, "Principal");
    for (const std::string& id : values) {
      if (type == "AWS") {
        out.push_back(AwsPrincipal(id));
      } else if (type == "Service") {
        if (id.empty() || id.find_first_of("*? ") != std::string::npos ||
            id.find('.') == std::string::npos) {
          Malformed("Policy contains a statement with one or more invalid principals.");
        }
        out.push_back({PrincipalKind::kService, id});
      } else if (type == "Federated" || type == "CanonicalUser") {
        if (id.empty())
          Malformed("Policy contains a statement with one or more invalid principals.");
        out.push_back({PrincipalKind::kNever, id});
      } else {
        Malformed("Policy contains a statement with one or more invalid principals.");
      }
    }
  }
  return out;
}

std::vector<std::string> CompileActions(const json& v) {
  std::vector<std::string> actions = StringOrStrings(v, "Action");
  for (const std::string& a : actions) {
    size_t colon = a.find(':');
    bool ok = a == "*" || (colon != std::string::npos && colon > 0 && colon + 1 < a.size() &&
                           a.find(':', colon + 1) == std::string::npos);
    if (!ok) Malformed("Policy contains a statement with an invalid action: " + a);
  }
  return actions;
}

std::vector<std::string> CompileResources(const json& v) {
  std::vector<std::string> resources = StringOrStrings(v, "Resource");
  for (const std::string& r : resources) {
    if (r != "*" && !r.starts_with("arn:")) {
      Malformed("Policy contains a statement with an invalid resource: " + r);
    }
  }
  return resources;
}

OperatorInfo FindOperator(std::string_view name) {
  for (const OperatorInfo& op : kOperators) {
    if (op.name == name) return op;
  }
  Malformed("Policy contains a statement with an unknown condition operator: " + std::string(name));
}

std::string ValueText(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer() || v.is_number_unsigned() || v.is_number_float()) return v.dump();
  Malformed("Policy contains a condition whose value is not a string, number or boolean.");
}

std::vector<CompiledCondition> CompileConditions(const json& v) {
  if (!v.is_object()) Malformed("Policy contains a statement whose Condition is not an object.");
  std::vector<CompiledCondition> out;
  for (const auto& [written, block] : v.items()) {
    std::string_view name = written;
    SetQualifier qualifier = SetQualifier::kNone;
    if (name.starts_with("ForAnyValue:")) {
      qualifier = SetQualifier::kForAnyValue;
      name.remove_prefix(12);
    } else if (name.starts_with("ForAllValues:")) {
      qualifier = SetQualifier::kForAllValues;
      name.remove_prefix(13);
    }
    bool if_exists = name.size() > 8 && name.ends_with("IfExists");
    if (if_exists) name.remove_suffix(8);
    OperatorInfo op = FindOperator(name);
    if (op.family == Family::kNull && (if_exists || qualifier != SetQualifier::kNone)) {
      Malformed("Policy contains a statement with an unknown condition operator: " + written);
    }
    if (!block.is_object() || block.empty()) {
      Malformed("Policy contains a condition operator " + written + " without condition keys.");
    }
    for (const auto& [key, values] : block.items()) {
      CompiledCondition c;
      c.op = op;
      c.qualifier = qualifier;
      c.if_exists = if_exists;
      c.key = key;
      static constexpr std::pair<std::string_view, MapSource> kMapKeys[] = {
          {"kms:EncryptionContext:", MapSource::kEncryptionContext},
          {"aws:ResourceTag/", MapSource::kResourceTag},
          {"aws:RequestTag/", MapSource::kRequestTag}};
      for (const auto& [prefix, source] : kMapKeys) {
        if (StartsWithIgnoreCase(key, prefix) && key.size() > prefix.size()) {
          c.map_source = source;
          c.map_key = key.substr(prefix.size());
        }
      }
      if (key.empty() || key.find(':') == std::string::npos) {
        Malformed("Policy contains a condition with an invalid condition key: " + key);
      }
      std::vector<json> items;
      if (values.is_array()) {
        if (values.empty())
          Malformed("Policy contains a condition key " + key + " without values.");
        items.assign(values.begin(), values.end());
      } else {
        items.push_back(values);
      }
      for (const json& item : items) {
        CompiledValue cv;
        cv.text = ValueText(item);
        if (op.family == Family::kNumeric) {
          if (auto n = ParseNumber(cv.text)) cv.number = *n;
        } else if (op.family == Family::kDate) {
          cv.seconds = ParseDate(cv.text);
        } else if (op.family == Family::kIp) {
          cv.net = ParseIpv4(cv.text);
        } else if (op.family == Family::kBool || op.family == Family::kNull) {
          if (!EqualsIgnoreCase(cv.text, "true") && !EqualsIgnoreCase(cv.text, "false")) {
            Malformed("Policy contains a condition " + written +
                      " whose value is not true or false.");
          }
        }
        c.values.push_back(std::move(cv));
      }
      out.push_back(std::move(c));
    }
  }
  return out;
}

CompiledStatement CompileStatement(const json& s, PolicyKind kind) {
  if (!s.is_object()) Malformed("Policy contains a statement that is not an object.");
  CompiledStatement st;
  bool has_effect = false, has_action = false, has_resource = false, has_principal = false;
  for (const auto& [name, v] : s.items()) {
    if (name == "Sid") {
      if (!v.is_string()) Malformed("Policy contains a statement whose Sid is not a string.");
      st.sid = v.get<std::string>();
    } else if (name == "Effect") {
      if (v == "Allow") {
        st.deny = false;
      } else if (v == "Deny") {
        st.deny = true;
      } else {
        Malformed("Policy contains a statement with an invalid Effect (Allow or Deny).");
      }
      has_effect = true;
    } else if (name == "Principal" || name == "NotPrincipal") {
      if (kind == PolicyKind::kIdentityPolicy) {
        Malformed("Policy document should not specify a principal.");
      }
      if (has_principal)
        Malformed("Policy contains a statement with both Principal and NotPrincipal.");
      st.not_principal = name == "NotPrincipal";
      st.principals = CompilePrincipals(v);
      has_principal = true;
    } else if (name == "Action" || name == "NotAction") {
      if (has_action) Malformed("Policy contains a statement with both Action and NotAction.");
      st.not_action = name == "NotAction";
      st.actions = CompileActions(v);
      has_action = true;
    } else if (name == "Resource" || name == "NotResource") {
      if (has_resource)
        Malformed("Policy contains a statement with both Resource and NotResource.");
      st.not_resource = name == "NotResource";
      st.resources = CompileResources(v);
      has_resource = true;
    } else if (name == "Condition") {
      st.conditions = CompileConditions(v);
    } else {
      Malformed("Policy contains a statement with an unknown element: " + name);
    }
  }
  if (!has_effect) Malformed("Policy contains a statement with no Effect.");
  if (!has_action) Malformed("Policy contains a statement with no Action or NotAction.");
  if (!has_resource) Malformed("Policy contains a statement with no Resource or NotResource.");
  if (kind == PolicyKind::kKeyPolicy && !has_principal) {
    Malformed("Policy contains a statement with no Principal or NotPrincipal.");
  }
  return st;
}

// ---- Evaluation ---------------------------------------------------------------

// Whether any of `patterns` (IAM wildcards * and ?) matches `value`.
bool AnyGlobMatches(const std::vector<std::string>& patterns, std::string_view value,
                    bool ignore_case) {
  for (const std::string& p : patterns) {
    if (GlobMatch(p, value, ignore_case)) return true;
  }
  return false;
}

// Action names are case-insensitive in IAM; resource ARNs are not.
bool ActionMatches(const CompiledStatement& st, std::string_view action) {
  return AnyGlobMatches(st.actions, action, /*ignore_case=*/true) != st.not_action;
}

bool ResourceMatches(const CompiledStatement& st, std::string_view resource) {
  return AnyGlobMatches(st.resources, resource, /*ignore_case=*/false) != st.not_resource;
}

PrincipalMatch MatchPrincipal(const CompiledPrincipal& p, const PolicyRequest& r) {
  switch (p.kind) {
    case PrincipalKind::kAny:
      return PrincipalMatch::kDirect;
    case PrincipalKind::kAccount:
      return r.service.empty() && p.text == r.principal_account ? PrincipalMatch::kAccount
                                                                : PrincipalMatch::kNone;
    case PrincipalKind::kArn:
      return r.service.empty() && (p.text == r.principal_arn || p.text == r.caller_arn)
                 ? PrincipalMatch::kDirect
                 : PrincipalMatch::kNone;
    case PrincipalKind::kService:
      return !r.service.empty() && p.text == r.service ? PrincipalMatch::kDirect
                                                       : PrincipalMatch::kNone;
    case PrincipalKind::kNever:
      return PrincipalMatch::kNone;
  }
  return PrincipalMatch::kNone;
}

// The best match among the statement's principals (direct over account).
PrincipalMatch PrincipalMatches(const CompiledStatement& st, const PolicyRequest& r,
                                PolicyKind kind) {
  if (kind == PolicyKind::kIdentityPolicy) return PrincipalMatch::kDirect;
  PrincipalMatch best = PrincipalMatch::kNone;
  for (const CompiledPrincipal& p : st.principals) {
    PrincipalMatch m = MatchPrincipal(p, r);
    if (m == PrincipalMatch::kDirect) {
      best = m;
      break;
    }
    if (m == PrincipalMatch::kAccount) best = m;
  }
  if (st.not_principal) {
    // NotPrincipal: everyone except those listed (IAM User Guide, NotPrincipal).
    return best == PrincipalMatch::kNone ? PrincipalMatch::kDirect : PrincipalMatch::kNone;
  }
  return best;
}

bool Compare(Cmp cmp, double a, double b) {
  switch (cmp) {
    case Cmp::kEq:
      return a == b;
    case Cmp::kLt:
      return a < b;
    case Cmp::kLe:
      return a <= b;
    case Cmp::kGt:
      return a > b;
    case Cmp::kGe:
      return a >= b;
  }
  return false;
}

// Does one request value satisfy the (non-negated form of the) operator with one policy value?
bool ValueMatches(const CompiledCondition& c, const CompiledValue& pv, std::string_view rv) {
  switch (c.op.family) {
    case Family::kString:
      return pv.text == rv;
    case Family::kStringIgnoreCase:
      return EqualsIgnoreCase(pv.text, rv);
    case Family::kStringLike:
      return GlobMatch(pv.text, rv, /*ignore_case=*/false);
    case Family::kNumeric: {
      auto n = ParseNumber(rv);
      return n && !std::isnan(pv.number) && Compare(c.op.cmp, *n, pv.number);
    }
    case Family::kDate: {
      auto t = ParseDate(rv);
      return t && pv.seconds &&
             Compare(c.op.cmp, static_cast<double>(*t), static_cast<double>(*pv.seconds));
    }
    case Family::kBool:
      return EqualsIgnoreCase(pv.text, rv);
    case Family::kBinary:
      return pv.text == rv;
    case Family::kIp: {
      auto ip = ParseIpv4(rv);
      return ip && pv.net && ip->mask == ~uint32_t{0} && (ip->addr & pv.net->mask) == pv.net->addr;
    }
    case Family::kArn:
      return GlobMatch(pv.text, rv, /*ignore_case=*/false);
    case Family::kNull:
      return false;
  }
  return false;
}

bool AnyPolicyValue(const CompiledCondition& c, std::string_view rv) {
  for (const CompiledValue& pv : c.values) {
    if (ValueMatches(c, pv, rv)) return true;
  }
  return false;
}

// Calls f(value) for each value the request carries for the condition's key;
// f returns true to stop. Returns false when the request does not carry the key.
template <typename F>
bool ForEachRequestValue(const CompiledCondition& c, const PolicyRequest& r, F&& f) {
  switch (c.map_source) {
    case MapSource::kNone:
      break;
    case MapSource::kEncryptionContext:
      if (r.encryption_context == nullptr) return false;
      for (const auto& [k, v] : *r.encryption_context) {
        if (EqualsIgnoreCase(k, c.map_key)) {
          f(std::string_view(v));
          return true;
        }
      }
      return false;
    case MapSource::kResourceTag:
    case MapSource::kRequestTag:
      for (const TagRef& t :
           c.map_source == MapSource::kResourceTag ? r.resource_tags : r.request_tags) {
        if (EqualsIgnoreCase(t.key, c.map_key)) {
          f(t.value);
          return true;
        }
      }
      return false;
  }
  for (const ConditionEntry& e : r.conditions) {
    if (EqualsIgnoreCase(e.key, c.key)) {
      for (std::string_view v : e.values) {
        if (f(v)) break;
      }
      return !e.values.empty();
    }
  }
  if (EqualsIgnoreCase(c.key, "kms:EncryptionContextKeys") && r.encryption_context != nullptr &&
      !r.encryption_context->empty()) {
    for (const auto& [k, v] : *r.encryption_context) {
      if (f(std::string_view(k))) break;
    }
    return true;
  }
  return false;
}

bool ConditionHolds(const CompiledCondition& c, const PolicyRequest& r) {
  if (c.op.family == Family::kNull) {
    bool present = ForEachRequestValue(c, r, [](std::string_view) { return true; });
    // "true": the key must be absent; "false": present. Several values: any.
    for (const CompiledValue& pv : c.values) {
      if (EqualsIgnoreCase(pv.text, "true") ? !present : present) return true;
    }
    return false;
  }
  // One request value satisfies the operator (negated operators: matches none of the values).
  auto one = [&](std::string_view rv) { return AnyPolicyValue(c, rv) != c.op.negated; };
  switch (c.qualifier) {
    case SetQualifier::kForAnyValue: {
      bool any = false;
      ForEachRequestValue(c, r, [&](std::string_view rv) { return any = one(rv); });
      return any;
    }
    case SetQualifier::kForAllValues: {
      bool all = true;
      bool present = ForEachRequestValue(c, r, [&](std::string_view rv) {
        if (!one(rv)) all = false;
        return !all;
      });
      return !present || all;  // an absent key or an empty set: true (IAM User Guide)
    }
    case SetQualifier::kNone:
      break;
  }
  bool matched_any = false;
  bool present = ForEachRequestValue(
      c, r, [&](std::string_view rv) { return matched_any = AnyPolicyValue(c, rv); });
  if (!present) return c.if_exists || c.op.negated;
  return matched_any != c.op.negated;
}

bool ConditionsHold(const CompiledStatement& st, const PolicyRequest& r) {
  for (const CompiledCondition& c : st.conditions) {
    if (!ConditionHolds(c, r)) return false;
  }
  return true;
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view text, bool ignore_case) {
  // Without '*' each pattern character matches exactly one text character:
  // texts of another length are refused without a comparison.
  if (pattern.size() != text.size() && pattern.find('*') == std::string_view::npos) return false;
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  auto same = [&](char a, char b) { return ignore_case ? Lower(a) == Lower(b) : a == b; };
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || same(pattern[p], text[t]))) {
      ++p, ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::shared_ptr<const CompiledPolicy> CompilePolicy(std::string_view text, PolicyKind kind) {
  return CompileParsedPolicy(json::parse(text, nullptr, /*allow_exceptions=*/false), kind);
}

std::shared_ptr<const CompiledPolicy> CompileParsedPolicy(const json& doc, PolicyKind kind) {
  if (doc.is_discarded() || !doc.is_object()) {
    Malformed("The new key policy is not a valid JSON document.");
  }
  auto policy = std::make_shared<CompiledPolicy>();
  policy->kind = kind;
  bool has_statement = false;
  for (const auto& [name, v] : doc.items()) {
    if (name == "Version") {
      if (v != "2012-10-17" && v != "2008-10-17") {
        Malformed("The policy has an invalid Version (2012-10-17 or 2008-10-17).");
      }
    } else if (name == "Statement") {
      has_statement = true;
      if (v.is_array()) {
        for (const json& s : v) policy->statements.push_back(CompileStatement(s, kind));
      } else {
        policy->statements.push_back(CompileStatement(v, kind));
      }
    }
  }
  if (!has_statement) Malformed("The new key policy has no Statement element.");
  for (const CompiledStatement& st : policy->statements) {
    for (const CompiledCondition& c : st.conditions) {
      if (EqualsIgnoreCase(c.key, "kms:ResourceAliases")) policy->reads_resource_aliases = true;
    }
  }
  return policy;
}

bool ReadsResourceAliases(const CompiledPolicy& policy) { return policy.reads_resource_aliases; }

PolicyVerdict EvaluatePolicy(const CompiledPolicy& policy, const PolicyRequest& request) {
  PolicyVerdict verdict;
  for (const CompiledStatement& st : policy.statements) {
    PrincipalMatch who = PrincipalMatches(st, request, policy.kind);
    if (who == PrincipalMatch::kNone) continue;
    if (!ActionMatches(st, request.action) || !ResourceMatches(st, request.resource)) continue;
    if (!ConditionsHold(st, request)) continue;
    if (st.deny) {
      verdict.explicit_deny = true;
    } else if (who == PrincipalMatch::kDirect) {
      verdict.allow_direct = true;
    } else {
      verdict.allow_account = true;
    }
  }
  return verdict;
}

size_t StatementCount(const CompiledPolicy& policy) { return policy.statements.size(); }

}  // namespace rotor::core
