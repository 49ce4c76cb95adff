#include "server/wire/sigv4_verifier.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>

#include "core/bytes.h"
#include "core/hmac.h"
#include "core/kms_error.h"
#include "server/wire/sigv4.h"

namespace rotor::server::wire {
namespace {

using core::KmsError;

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
constexpr auto kSkew = std::chrono::minutes(5);
// Signing keys kept: each (access key, date, region, service) signed with
// lately. Only verified requests add one, so the bound is reached only by
// real use over many days or regions; then the cache starts over.
constexpr size_t kMaxSigningKeys = 4096;

std::array<uint8_t, 32> Hmac(const void* key, size_t key_len, std::string_view data) {
  return core::HmacSha256({static_cast<const uint8_t*>(key), key_len}, data);
}

// Lowercase hex of a 32-byte digest, appended without a temporary string.
void AppendHex(std::string& out, const std::array<uint8_t, 32>& digest) {
  core::AppendHex(out, digest.data(), digest.size());
}

std::array<uint8_t, 32> DeriveSigningKey(std::string_view secret, std::string_view date,
                                         std::string_view region, std::string_view service) {
  std::string k_secret = "AWS4";
  k_secret.append(secret);
  auto k_date = Hmac(k_secret.data(), k_secret.size(), date);
  OPENSSL_cleanse(k_secret.data(), k_secret.size());
  auto k_region = Hmac(k_date.data(), k_date.size(), region);
  auto k_service = Hmac(k_region.data(), k_region.size(), service);
  return Hmac(k_service.data(), k_service.size(), "aws4_request");
}

bool IsUnreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
}

void AppendEncoded(std::string& out, std::string_view s, bool keep_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kDigits[c >> 4];
      out += kDigits[c & 0xf];
    }
  }
}

struct QueryParam {
  std::string name;
  std::string value;
};

std::vector<QueryParam> ParseQuery(std::string_view query) {
  std::vector<QueryParam> params;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    params.push_back({http::PercentDecode(pair.substr(0, eq), false),
                      eq == std::string_view::npos
                          ? std::string()
                          : http::PercentDecode(pair.substr(eq + 1), false)});
  }
  return params;
}

const std::string* FindParam(const std::vector<QueryParam>& params, std::string_view name) {
  for (const auto& p : params) {
    if (p.name == name) return &p.value;
  }
  return nullptr;
}

// The canonical URI of a non-S3 service: the path with "." and ".." segments
// and empty segments removed, each segment URI-encoded (the path as sent is
// encoded once more, so "%20" becomes "%2520").
void AppendCanonicalUri(std::string& out, std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    std::string_view seg =
        path.substr(start, slash == std::string_view::npos ? path.npos : slash - start);
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segments.push_back(seg);
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  bool trailing = path.size() > 1 && path.back() == '/';
  for (std::string_view seg : segments) {
    out += '/';
    AppendEncoded(out, seg, false);
  }
  if (segments.empty() || trailing) out += '/';
}

void AppendCanonicalQuery(std::string& out, std::string_view query) {
  if (query.empty()) return;
  std::vector<QueryParam> params = ParseQuery(query);
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(params.size());
  for (const auto& p : params) {
    std::string name, value;
    AppendEncoded(name, p.name, false);
    AppendEncoded(value, p.value, false);
    encoded.emplace_back(std::move(name), std::move(value));
  }
  std::sort(encoded.begin(), encoded.end());
  bool first = true;
  for (const auto& [name, value] : encoded) {
    if (!first) out += '&';
    first = false;
    out += name;
    out += '=';
    out += value;
  }
}

// A header value as SigV4 canonicalises it: leading and trailing spaces and
// tabs removed, each run of spaces and tabs folded into one space. The text
// between runs is appended whole.
void AppendTrimmed(std::string& out, std::string_view value) {
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  size_t i = 0, n = value.size();
  while (i < n && blank(value[i])) ++i;
  while (n > i && blank(value[n - 1])) --n;
  // The next space or tab at or after `from` (n if none), by memchr.
  auto next_blank = [&](size_t from) {
    const char* begin = value.data() + from;
    const void* space = std::memchr(begin, ' ', n - from);
    const void* tab = std::memchr(begin, '\t', n - from);
    size_t at = n;
    if (space) at = static_cast<size_t>(static_cast<const char*>(space) - value.data());
    if (tab) at = std::min(at, static_cast<size_t>(static_cast<const char*>(tab) - value.data()));
    return at;
  };
  while (i < n) {
    size_t run = next_blank(i);
    out.append(value.data() + i, run - i);
    if (run == n) break;
    out += ' ';
    i = run;
    while (i < n && blank(value[i])) ++i;
  }
}

// The verify path's text, one set per thread, reused (capacity kept) across
// requests so that the usual request allocates none of it.
struct VerifyBuffers {
  VerifyBuffers() {
    canonical.reserve(1024);
    to_sign.reserve(256);
    scope_id.reserve(128);
    payload_hash.reserve(64);
    expected.reserve(64);
    signed_names.reserve(256);
    signed_headers.reserve(16);
  }
  std::string canonical;
  std::string to_sign;
  std::string scope_id;  // "<access key id>\n<scope>"
  std::string payload_hash;
  std::string expected;                          // the signature computed here
  std::string signed_names;                      // SignedHeaders' list, lowercased
  std::vector<std::string_view> signed_headers;  // its names, views into signed_names
};

VerifyBuffers& ThreadBuffers() {
  thread_local VerifyBuffers buffers;
  return buffers;
}

// SignedHeaders' names, lowercased, in the list's order (views into
// `buf.signed_names`, valid until the thread's next verification).
std::span<const std::string_view> SplitSignedHeaders(std::string_view list, VerifyBuffers& buf) {
  buf.signed_names.assign(list);
  for (char& c : buf.signed_names) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');  // tolower, "C" locale
  }
  buf.signed_headers.clear();
  std::string_view rest(buf.signed_names);
  while (!rest.empty()) {
    size_t semi = rest.find(';');
    std::string_view name = rest.substr(0, semi);
    if (!name.empty()) buf.signed_headers.push_back(name);
    rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
  }
  return buf.signed_headers;
}

bool AllDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int Number(std::string_view s) {
  int n = 0;
  for (char c : s) n = n * 10 + (c - '0');
  return n;
}

core::Timestamp FromCivil(int y, int mo, int d, int h, int mi, int s) {
  using namespace std::chrono;
  sys_days date = year_month_day{year{y}, month{static_cast<unsigned>(mo)},
                                 std::chrono::day{static_cast<unsigned>(d)}};
  return core::Timestamp(
      duration_cast<core::Millis>(date.time_since_epoch() + hours(h) + minutes(mi) + seconds(s)));
}

bool ValidCivil(int mo, int d, int h, int mi, int s) {
  return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && s <= 60;
}

// "20150830T123600Z" (ISO 8601 basic format).
std::optional<core::Timestamp> ParseAmzDate(std::string_view s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z' || !AllDigits(s.substr(0, 8)) ||
      !AllDigits(s.substr(9, 6))) {
    return std::nullopt;
  }
  int mo = Number(s.substr(4, 2)), d = Number(s.substr(6, 2)), h = Number(s.substr(9, 2)),
      mi = Number(s.substr(11, 2)), sec = Number(s.substr(13, 2));
  if (!ValidCivil(mo, d, h, mi, sec)) return std::nullopt;
  return FromCivil(Number(s.substr(0, 4)), mo, d, h, mi, sec);
}

// "Sun, 30 Aug 2015 12:36:00 GMT" (RFC 9110 IMF-fixdate, the Date header's form).
std::optional<core::Timestamp> ParseHttpDate(std::string_view s) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (s.size() != 29 || s.substr(3, 2) != ", " || s.substr(25) != " GMT" || s[7] != ' ' ||
      s[11] != ' ' || s[16] != ' ' || s[19] != ':' || s[22] != ':') {
    return std::nullopt;
  }
  std::string_view day = s.substr(5, 2), year = s.substr(12, 4), hh = s.substr(17, 2),
                   mm = s.substr(20, 2), ss = s.substr(23, 2);
  if (!AllDigits(day) || !AllDigits(year) || !AllDigits(hh) || !AllDigits(mm) || !AllDigits(ss)) {
    return std::nullopt;
  }
  int month = 0;
  for (int i = 0; i < 12; ++i) {
    if (s.substr(8, 3) == kMonths[i]) month = i + 1;
  }
  if (!ValidCivil(month, Number(day), Number(hh), Number(mm), Number(ss))) return std::nullopt;
  return FromCivil(Number(year), month, Number(day), Number(hh), Number(mm), Number(ss));
}

// "20150830T123600Z".
std::string AmzDate(core::Timestamp t) {
  using namespace std::chrono;
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss<seconds> tod{duration_cast<seconds>(t - day)};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(tod.hours().count()), static_cast<int>(tod.minutes().count()),
                static_cast<int>(tod.seconds().count()));
  return buf;
}

[[noreturn]] void Incomplete(std::string message) {
  throw KmsError::IncompleteSignature(std::move(message));
}

// The headers the verifier reads, found in one pass over the request's fields
// (each the first of its name, as http::HeaderValue finds it; empty when
// absent) instead of one look-up each.
struct SigningHeaders {
  std::string_view authorization;
  std::string_view amz_date;
  std::string_view date;
  std::string_view security_token;
  std::string_view content_sha256;

  explicit SigningHeaders(const http::HttpRequest& req) {
    struct Wanted {
      std::string_view name;
      std::string_view* value;
      bool found;
    };
    std::array<Wanted, 5> wanted = {{{"Authorization", &authorization, false},
                                     {"X-Amz-Date", &amz_date, false},
                                     {"Date", &date, false},
                                     {"X-Amz-Security-Token", &security_token, false},
                                     {"X-Amz-Content-Sha256", &content_sha256, false}}};
    for (const auto& field : req) {
      std::string_view name(field.name_string().data(), field.name_string().size());
      for (Wanted& w : wanted) {
        if (w.found || name.size() != w.name.size() || !boost::beast::iequals(name, w.name)) {
          continue;
        }
        *w.value = std::string_view(field.value().data(), field.value().size());
        w.found = true;
      }
    }
  }
};

// Everything the signer sent about its signature, from either form: views
// into the request (its headers or its parsed query) and the thread's buffers,
// filled in place (the views into `amz_date_text` must not move).
struct Presented {
  SigV4Credential credential;
  std::string_view amz_date;  // ISO basic form: X-Amz-Date, or amz_date_text
  std::string amz_date_text;  // the Date header's time converted to that form
  core::Timestamp time;
  std::string_view signature;
  std::span<const std::string_view> signed_headers;
  std::string_view session_token;
  std::optional<int64_t> expires_seconds;  // the query form's X-Amz-Expires
};

// The request's time: X-Amz-Date, else the Date header.
bool ReadHeaderTime(const SigningHeaders& headers, Presented& p) {
  std::string_view amz = headers.amz_date;
  if (!amz.empty()) {
    auto t = ParseAmzDate(amz);
    if (!t) {
      Incomplete("Date must be in ISO-8601 'basic format'. Got '" + std::string(amz) +
                 "'. See http://en.wikipedia.org/wiki/ISO_8601");
    }
    p.amz_date = amz;
    p.time = *t;
    return true;
  }
  std::string_view date = headers.date;
  if (date.empty()) return false;
  auto t = ParseHttpDate(date);
  if (!t) Incomplete("Date header is not a valid HTTP date: '" + std::string(date) + "'.");
  p.time = *t;
  p.amz_date_text = AmzDate(*t);
  p.amz_date = p.amz_date_text;
  return true;
}

// The Authorization header's three parameters, found in one pass: for each,
// its first occurrence anywhere (`any`: what "requires 'X' parameter" checks
// and where ParseAuthorization reads the credential) and its first occurrence
// after a space or ',' (`value`: AuthorizationParameter's reading).
struct AuthorizationScan {
  static constexpr std::array<std::string_view, 3> kNames = {
      "Credential=", "Signature=", "SignedHeaders="};
  std::array<size_t, 3> any{std::string_view::npos, std::string_view::npos, std::string_view::npos};
  std::array<std::string_view, 3> value{};

  explicit AuthorizationScan(std::string_view auth) {
    // Every name ends in '=': each '=' (memchr) is checked for the names that
    // end there, so occurrences are met in the order a search finds them.
    std::array<bool, 3> done{};
    const char* data = auth.data();
    for (size_t eq = 0; eq < auth.size(); ++eq) {
      const void* hit = std::memchr(data + eq, '=', auth.size() - eq);
      if (hit == nullptr) break;
      eq = static_cast<size_t>(static_cast<const char*>(hit) - data);
      for (size_t k = 0; k < kNames.size(); ++k) {
        std::string_view name = kNames[k];
        if (done[k] || eq + 1 < name.size()) continue;
        size_t i = eq + 1 - name.size();
        if (std::memcmp(data + i, name.data(), name.size() - 1) != 0) continue;
        if (any[k] == std::string_view::npos) any[k] = i;
        if (i > 0 && (auth[i - 1] == ' ' || auth[i - 1] == ',')) {
          value[k] = ParameterValue(auth.substr(eq + 1));
          done[k] = true;
        }
      }
    }
  }
  bool has(size_t k) const { return any[k] != std::string_view::npos; }
};

void FromHeader(const SigningHeaders& headers, std::string_view auth, VerifyBuffers& buf,
                Presented& p) {
  // AWS names every missing part at once, then echoes the header.
  std::string missing;
  const AuthorizationScan scan(auth);
  bool scheme = auth.substr(0, kAlgorithm.size()) == kAlgorithm;
  if (scheme) {
    if (!scan.has(0)) missing += "Authorization header requires 'Credential' parameter. ";
    if (!scan.has(1)) missing += "Authorization header requires 'Signature' parameter. ";
    if (!scan.has(2)) {
      missing += "Authorization header requires 'SignedHeaders' parameter. ";
    }
  }
  bool dated = ReadHeaderTime(headers, p);
  if (!dated) {
    missing +=
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  }
  if (!missing.empty()) Incomplete(missing + "Authorization=" + std::string(auth));
  // ParseAuthorization's reading: the scheme (Credential= and Signature= are
  // present, or `missing` named them), then the credential after Credential=.
  if (!scheme || !scan.has(0) || !scan.has(1)) ParseAuthorization(auth);  // throws its error
  p.credential = ParseCredential(auth.substr(scan.any[0] + AuthorizationScan::kNames[0].size()));
  p.signature = scan.value[1];
  p.signed_headers = SplitSignedHeaders(scan.value[2], buf);
  p.session_token = headers.security_token;
}

void FromQuery(const SigningHeaders& headers, const std::vector<QueryParam>& params,
               VerifyBuffers& buf, Presented& p) {
  std::string missing;
  for (std::string_view name : {"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature",
                                "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Expires"}) {
    if (!FindParam(params, name)) {
      missing += missing.empty() ? "'" : ", '";
      missing += name;
      missing += "'";
    }
  }
  if (!missing.empty()) {
    Incomplete("AWS query-string parameters must include " + missing +
               ". Re-examine the query-string parameters.");
  }
  if (*FindParam(params, "X-Amz-Algorithm") != kAlgorithm) {
    Incomplete("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
  }
  // The credential as the header's is read: one reading of its five parts.
  p.credential = ParseCredential(*FindParam(params, "X-Amz-Credential"));
  const std::string& date = *FindParam(params, "X-Amz-Date");
  auto t = ParseAmzDate(date);
  if (!t) {
    Incomplete("Date must be in ISO-8601 'basic format'. Got '" + date +
               "'. See http://en.wikipedia.org/wiki/ISO_8601");
  }
  p.amz_date = date;
  p.time = *t;
  const std::string& expires = *FindParam(params, "X-Amz-Expires");
  if (expires.empty() || expires.size() > 6 || !AllDigits(expires)) {
    Incomplete("X-Amz-Expires must be a number of seconds; got '" + expires + "'.");
  }
  p.expires_seconds = Number(expires);
  p.signature = *FindParam(params, "X-Amz-Signature");
  p.signed_headers = SplitSignedHeaders(*FindParam(params, "X-Amz-SignedHeaders"), buf);
  const std::string* token = FindParam(params, "X-Amz-Security-Token");
  p.session_token = token ? std::string_view(*token) : headers.security_token;
}

// The query as sent without its X-Amz-Signature parameter.
std::string QueryWithoutSignature(std::string_view query) {
  std::string out;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.starts_with("X-Amz-Signature=") || pair == "X-Amz-Signature") continue;
    if (!out.empty()) out += '&';
    out.append(pair);
  }
  return out;
}

}  // namespace

namespace {

// CanonicalRequest's lines, appended to `out`.
void AppendCanonicalRequest(std::string& out, std::string_view method, std::string_view path,
                            std::string_view query,
                            std::span<const std::string_view> signed_headers,
                            std::string_view payload_hash, const http::HttpRequest& req) {
  out.append(method);
  out += '\n';
  AppendCanonicalUri(out, path);
  out += '\n';
  AppendCanonicalQuery(out, query);
  out += '\n';
  for (std::string_view name : signed_headers) {
    out += name;
    out += ':';
    // The fields of that name in the order received (as equal_range gives
    // them), found by a pass over the request's few fields.
    bool found = false;
    for (const auto& field : req) {
      std::string_view field_name(field.name_string().data(), field.name_string().size());
      if (field_name.size() != name.size() || !boost::beast::iequals(field_name, name)) continue;
      if (found) out += ',';
      found = true;
      AppendTrimmed(out, std::string_view(field.value().data(), field.value().size()));
    }
    if (!found) {
      Incomplete("'" + std::string(name) +
                 "' is named as a SignedHeader, but it does not exist in the HTTP request.");
    }
    out += '\n';
  }
  out += '\n';
  for (size_t i = 0; i < signed_headers.size(); ++i) {
    if (i) out += ';';
    out += signed_headers[i];
  }
  out += '\n';
  out.append(payload_hash);
}

// StringToSign's lines, appended to `out`.
void AppendStringToSign(std::string& out, std::string_view amz_date, std::string_view scope,
                        std::string_view canonical_request) {
  out.append(kAlgorithm);
  out += '\n';
  out.append(amz_date);
  out += '\n';
  out.append(scope);
  out += '\n';
  AppendHex(out, core::Sha256(canonical_request));
}

}  // namespace

std::string Sha256Hex(std::string_view data) {
  std::string out;
  out.reserve(64);
  AppendHex(out, core::Sha256(data));
  return out;
}

std::string CanonicalRequest(const SignedRequestParts& parts, const http::HttpRequest& req) {
  std::vector<std::string_view> names(parts.signed_headers.begin(), parts.signed_headers.end());
  std::string out;
  out.reserve(512);
  AppendCanonicalRequest(out, parts.method, parts.path, parts.query, names, parts.payload_hash,
                         req);
  return out;
}

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request) {
  std::string out;
  out.reserve(128);
  AppendStringToSign(out, amz_date, scope, canonical_request);
  return out;
}

std::string Signature(std::string_view secret, std::string_view date, std::string_view region,
                      std::string_view service, std::string_view string_to_sign) {
  auto key = DeriveSigningKey(secret, date, region, service);
  auto mac = Hmac(key.data(), key.size(), string_to_sign);
  return core::HexEncode(mac.data(), mac.size());
}

std::vector<AccessKey> BuiltInAccessKeys(const std::string& account) {
  std::vector<AccessKey> keys;
  for (const char* name : {"test", "testing"}) {
    AccessKey key;
    key.access_key_id = name;
    key.secret_access_key = name;
    key.principal = *core::PrincipalFromArn("arn:aws:iam::" + account + ":user/" + name);
    key.principal.access_key_id = name;
    keys.push_back(std::move(key));
  }
  return keys;
}

SigV4Verifier::SigV4Verifier(std::vector<AccessKey> keys) {
  for (AccessKey& key : keys) {
    key.principal.access_key_id = key.access_key_id;
    key.principal.has_session_token = !key.session_token.empty();
    std::string id = key.access_key_id;
    if (!keys_.emplace(id, std::move(key)).second) {
      throw std::invalid_argument("access key id " + id + " is listed twice");
    }
  }
}

std::optional<SigV4Verifier::SigningKey> SigV4Verifier::CachedSigningKey(
    const std::string& scope_id) const {
  std::shared_lock lock(cache_mutex_);
  auto it = signing_keys_.find(scope_id);
  if (it == signing_keys_.end()) return std::nullopt;
  return it->second;
}

void SigV4Verifier::Remember(std::string scope_id, const SigningKey& signing_key) const {
  std::unique_lock lock(cache_mutex_);
  if (signing_keys_.size() >= kMaxSigningKeys) signing_keys_.clear();
  signing_keys_.emplace(std::move(scope_id), signing_key);
}

VerifiedCaller SigV4Verifier::Verify(const http::HttpRequest& req, core::Timestamp wall_now) const {
  std::string_view target(req.target().data(), req.target().size());
  size_t question = target.find('?');
  std::string_view path = target.substr(0, question);
  std::string_view query =
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  const SigningHeaders headers(req);
  std::string_view auth = headers.authorization;

  VerifyBuffers& buf = ThreadBuffers();
  Presented p;
  std::vector<QueryParam> params;  // the query form's: Presented views them
  std::string unsigned_query;      // the query form's query without X-Amz-Signature
  std::string_view canonical_query = query;
  if (!auth.empty()) {
    FromHeader(headers, auth, buf, p);
  } else {
    params = ParseQuery(query);
    if (!FindParam(params, "X-Amz-Signature") && !FindParam(params, "X-Amz-Credential") &&
        !FindParam(params, "X-Amz-Algorithm")) {
      throw KmsError::MissingAuthenticationToken();
    }
    FromQuery(headers, params, buf, p);
    unsigned_query = QueryWithoutSignature(query);
    canonical_query = unsigned_query;
  }
  if (std::find(p.signed_headers.begin(), p.signed_headers.end(), "host") ==
      p.signed_headers.end()) {
    Incomplete("'Host' must be a 'SignedHeader' in the AWS Authorization.");
  }

  auto found = keys_.find(p.credential.access_key_id);
  if (found == keys_.end()) throw KmsError::UnrecognizedClient();
  const AccessKey& key = found->second;
  if (p.session_token.size() != key.session_token.size() ||
      CRYPTO_memcmp(p.session_token.data(), key.session_token.data(), key.session_token.size()) !=
          0) {
    throw KmsError::UnrecognizedClient();
  }

  // The time, on the wall clock.
  if (p.expires_seconds) {
    core::Timestamp end = p.time + std::chrono::seconds(*p.expires_seconds);
    if (end < wall_now) {
      throw KmsError::SignatureExpired(AmzDate(end), AmzDate(wall_now), AmzDate(wall_now));
    }
  } else if (p.time < wall_now - kSkew) {
    throw KmsError::SignatureExpired(p.amz_date, AmzDate(wall_now - kSkew), AmzDate(wall_now));
  }
  if (p.time > wall_now + kSkew) {
    throw KmsError::SignatureNotYetCurrent(p.amz_date, AmzDate(wall_now + kSkew),
                                           AmzDate(wall_now));
  }
  if (p.credential.date != p.amz_date.substr(0, 8)) {
    throw core::KmsError(core::ErrorCode::kInvalidSignature,
                         "Date in Credential scope does not match YYYYMMDD from ISO-8601 version "
                         "of date from HTTP: '" +
                             std::string(p.credential.date) + "' != '" +
                             std::string(p.amz_date.substr(0, 8)) + "', from '" +
                             std::string(p.amz_date) + "'.");
  }

  // The payload: its SHA-256; a client's x-amz-content-sha256 must state that
  // hash (or UNSIGNED-PAYLOAD).
  std::string_view stated = headers.content_sha256;
  buf.payload_hash.clear();
  if (stated == kUnsignedPayload) {
    buf.payload_hash.append(kUnsignedPayload);
  } else {
    AppendHex(buf.payload_hash, core::Sha256(req.body()));
  }
  if (!stated.empty() && stated != buf.payload_hash) throw KmsError::SignatureDoesNotMatch();
  buf.canonical.clear();
  AppendCanonicalRequest(buf.canonical,
                         std::string_view(req.method_string().data(), req.method_string().size()),
                         path, canonical_query, p.signed_headers, buf.payload_hash, req);
  // The signing key's cache entry: the access key id and the scope.
  buf.scope_id.clear();
  buf.scope_id.append(key.access_key_id);
  buf.scope_id += '\n';
  size_t scope_at = buf.scope_id.size();
  buf.scope_id.append(p.credential.date);
  buf.scope_id += '/';
  buf.scope_id.append(p.credential.region);
  buf.scope_id += '/';
  buf.scope_id.append(p.credential.service);
  buf.scope_id.append("/aws4_request");
  std::string_view scope = std::string_view(buf.scope_id).substr(scope_at);
  buf.to_sign.clear();
  AppendStringToSign(buf.to_sign, p.amz_date, scope, buf.canonical);
  std::optional<SigningKey> cached = CachedSigningKey(buf.scope_id);
  SigningKey signing_key = cached ? *cached
                                  : DeriveSigningKey(key.secret_access_key, p.credential.date,
                                                     p.credential.region, p.credential.service);
  // The expected signature (lowercase hex) in the thread's buffer: no allocation.
  buf.expected.clear();
  AppendHex(buf.expected, Hmac(signing_key.data(), signing_key.size(), buf.to_sign));
  const std::string& expected = buf.expected;
  if (p.signature.size() != expected.size() ||
      CRYPTO_memcmp(p.signature.data(), expected.data(), expected.size()) != 0) {
    throw KmsError::SignatureDoesNotMatch();
  }
  if (!cached) Remember(buf.scope_id, signing_key);  // verified requests only
  return {&key.principal, std::string(p.credential.region)};
}

}  // namespace rotor::server::wire
