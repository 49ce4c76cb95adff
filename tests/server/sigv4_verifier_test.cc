#include "server/wire/sigv4_verifier.h"

#include <catch2/catch.hpp>
#include <functional>

#include "core/kms_error.h"
#include "server/http/error_response.h"
#include "server/wire/sigv4.h"
#include "tests/server/sigv4_test_vectors.h"
#include "tests/thrown_error.h"

using namespace rotor;
using server::http::HttpRequest;
using server::wire::AccessKey;
using server::wire::SigV4Verifier;
using testing::ThrownError;

namespace {

constexpr std::string_view kVectorSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

core::Timestamp At(const std::string& iso) { return *core::ParseIso8601(iso); }

AccessKey Key(std::string id, std::string secret, std::string arn, std::string token = "") {
  AccessKey key;
  key.access_key_id = std::move(id);
  key.secret_access_key = std::move(secret);
  key.session_token = std::move(token);
  key.principal = *core::PrincipalFromArn(arn);
  return key;
}

// A request as the suite writes it: request line, "Name:value" lines, a
// blank line, the body.
HttpRequest ParseVectorRequest(std::string_view text) {
  size_t eol = text.find('\n');
  std::string_view line = text.substr(0, eol);
  std::string_view method = line.substr(0, line.find(' '));
  std::string_view target = line.substr(method.size() + 1);
  target = target.substr(0, target.rfind(" HTTP/1.1"));
  HttpRequest req{boost::beast::http::string_to_verb(method), std::string(target), 11};
  text = text.substr(eol + 1);
  while (!text.empty()) {
    eol = text.find('\n');
    line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    if (line.empty()) break;
    size_t colon = line.find(':');
    req.insert(line.substr(0, colon), line.substr(colon + 1));
  }
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  req.body() = std::string(text);
  return req;
}

struct Signer {
  std::string access_key = "AKIDROTORTEST";
  std::string secret = "rotor-secret";
  std::string region = "us-east-1";
  std::string amz_date = "20261201T063000Z";
  std::string credential_date;  // default: amz_date's day
  std::string signed_headers = "host;x-amz-date";
  bool use_date_header = false;

  // Signs `req` in place (Authorization header).
  void Sign(HttpRequest& req) const {
    if (use_date_header) {
      req.set(server::http::field::date, "Tue, 01 Dec 2026 06:30:00 GMT");
    } else {
      req.set("X-Amz-Date", amz_date);
    }
    std::vector<std::string> names;
    std::string_view list = signed_headers;
    while (!list.empty()) {
      size_t semi = list.find(';');
      names.emplace_back(list.substr(0, semi));
      list = semi == std::string_view::npos ? std::string_view() : list.substr(semi + 1);
    }
    server::wire::SignedRequestParts parts{std::string(req.method_string()), "/", "", names,
                                           server::wire::Sha256Hex(req.body())};
    std::string day = credential_date.empty() ? amz_date.substr(0, 8) : credential_date;
    std::string scope = day + "/" + region + "/kms/aws4_request";
    std::string canonical = server::wire::CanonicalRequest(parts, req);
    std::string to_sign = server::wire::StringToSign(amz_date, scope, canonical);
    std::string signature = server::wire::Signature(secret, day, region, "kms", to_sign);
    req.set(server::http::field::authorization, "AWS4-HMAC-SHA256 Credential=" + access_key + "/" +
                                                    scope + ", SignedHeaders=" + signed_headers +
                                                    ", Signature=" + signature);
  }
};

HttpRequest KmsRequest(const std::string& body = R"({"KeyId":"alias/a"})") {
  HttpRequest req{server::http::verb::post, "/", 11};
  req.set(server::http::field::host, "127.0.0.1:4599");
  req.set("X-Amz-Target", "TrentService.DescribeKey");
  req.set("Content-Type", "application/x-amz-json-1.1");
  req.body() = body;
  req.prepare_payload();
  return req;
}

SigV4Verifier OurVerifier() {
  std::vector<AccessKey> keys;
  keys.push_back(Key("AKIDROTORTEST", "rotor-secret", "arn:aws:iam::111122223333:user/app"));
  keys.push_back(Key("ASIAROTORSESSION", "session-secret",
                     "arn:aws:sts::444455556666:assumed-role/batch/job-1", "token-1"));
  return SigV4Verifier(std::move(keys));
}

const core::Timestamp kNow = At("2026-12-01T06:30:00Z");

}  // namespace

TEST_CASE("AWS's SigV4 test vectors: canonical request, string to sign, signature verified") {
  for (const auto& v : test::kSigV4Vectors) {
    INFO(v.name << (v.query_form ? " (query form)" : " (header form)"));
    HttpRequest req = ParseVectorRequest(v.signed_request);
    // The steps: the canonical request and the string to sign as AWS lists them.
    std::string_view target(req.target().data(), req.target().size());
    size_t q = target.find('?');
    std::string query(q == std::string_view::npos ? "" : target.substr(q + 1));
    std::vector<std::string> names;
    std::string signed_list;
    if (v.query_form) {
      size_t at = query.find("X-Amz-SignedHeaders=");
      signed_list = query.substr(at + 20, query.find('&', at) - at - 20);
      for (size_t pct; (pct = signed_list.find("%3B")) != std::string::npos;) {
        signed_list.replace(pct, 3, ";");
      }
      std::string kept;
      std::string_view rest = query;
      while (!rest.empty()) {
        size_t amp = rest.find('&');
        std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
        if (pair.starts_with("X-Amz-Signature=")) continue;
        if (!kept.empty()) kept += '&';
        kept.append(pair);
      }
      query = kept;
    } else {
      std::string_view auth = server::http::HeaderValue(req, "Authorization");
      size_t at = auth.find("SignedHeaders=");
      signed_list = std::string(auth.substr(at + 14, auth.find(',', at) - at - 14));
    }
    for (size_t start = 0; start <= signed_list.size();) {
      size_t semi = signed_list.find(';', start);
      names.push_back(signed_list.substr(start, semi - start));
      if (semi == std::string::npos) break;
      start = semi + 1;
    }
    server::wire::SignedRequestParts parts{std::string(req.method_string()),
                                           std::string(target.substr(0, q)), query, names,
                                           server::wire::Sha256Hex(req.body())};
    std::string canonical = server::wire::CanonicalRequest(parts, req);
    CHECK(canonical == v.canonical_request);
    std::string_view sts = v.string_to_sign;
    size_t first = sts.find('\n'), second = sts.find('\n', first + 1),
           third = sts.find('\n', second + 1);
    CHECK(server::wire::StringToSign(sts.substr(first + 1, second - first - 1),
                                     sts.substr(second + 1, third - second - 1),
                                     canonical) == v.string_to_sign);
    // And the whole check.
    std::vector<AccessKey> keys;
    keys.push_back(Key("AKIDEXAMPLE", std::string(kVectorSecret),
                       "arn:aws:iam::123456789012:user/example", std::string(v.session_token)));
    SigV4Verifier verifier(std::move(keys));
    auto caller = verifier.Verify(req, At("2015-08-30T12:36:00Z"));
    REQUIRE(caller.principal);
    CHECK(caller.principal->arn == "arn:aws:iam::123456789012:user/example");
    CHECK(caller.region == "us-east-1");
    // Verified twice: the second time with the cached signing key.
    CHECK(verifier.Verify(req, At("2015-08-30T12:36:00Z")).principal == caller.principal);
  }
}

TEST_CASE("A request signed with the right secret passes and names its principal") {
  SigV4Verifier verifier = OurVerifier();
  HttpRequest req = KmsRequest();
  Signer{}.Sign(req);
  auto caller = verifier.Verify(req, kNow);
  REQUIRE(caller.principal);
  CHECK(caller.principal->arn == "arn:aws:iam::111122223333:user/app");
  CHECK(caller.principal->type == core::PrincipalType::kIamUser);
  CHECK(caller.principal->access_key_id == "AKIDROTORTEST");
  CHECK_FALSE(caller.principal->has_session_token);
  CHECK(caller.region == "us-east-1");
  Signer other_region;
  other_region.region = "eu-west-1";
  HttpRequest eu = KmsRequest();
  other_region.Sign(eu);
  CHECK(verifier.Verify(eu, kNow).region == "eu-west-1");
}

TEST_CASE("A wrong secret, a changed body or header: InvalidSignatureException") {
  SigV4Verifier verifier = OurVerifier();
  const std::string kMismatch =
      "The request signature we calculated does not match the signature you provided. Check "
      "your AWS Secret Access Key and signing method. Consult the service documentation for "
      "details.";
  Signer wrong;
  wrong.secret = "not-the-secret";
  HttpRequest req = KmsRequest();
  wrong.Sign(req);
  core::KmsError e = ThrownError([&] { verifier.Verify(req, kNow); });
  CHECK(e.name() == "InvalidSignatureException");
  CHECK(e.message() == kMismatch);
  CHECK(core::HttpStatus(e.code()) == 400);

  HttpRequest body = KmsRequest();
  Signer{}.Sign(body);
  body.body() = R"({"KeyId":"alias/b"})";
  CHECK(ThrownError([&] { verifier.Verify(body, kNow); }).message() == kMismatch);

  HttpRequest host = KmsRequest();
  Signer{}.Sign(host);
  host.set(server::http::field::host, "localhost:4599");
  CHECK(ThrownError([&] { verifier.Verify(host, kNow); }).message() == kMismatch);

  HttpRequest stated = KmsRequest();
  Signer{}.Sign(stated);
  stated.set("X-Amz-Content-Sha256", server::wire::Sha256Hex("other"));
  CHECK(ThrownError([&] { verifier.Verify(stated, kNow); }).message() == kMismatch);
}

TEST_CASE("An unknown access key: UnrecognizedClientException") {
  SigV4Verifier verifier = OurVerifier();
  Signer unknown;
  unknown.access_key = "AKIDNOBODY";
  HttpRequest req = KmsRequest();
  unknown.Sign(req);
  core::KmsError e = ThrownError([&] { verifier.Verify(req, kNow); });
  CHECK(e.name() == "UnrecognizedClientException");
  CHECK(e.message() == "The security token included in the request is invalid.");
  CHECK(core::HttpStatus(e.code()) == 400);
}

TEST_CASE("An unsigned request: MissingAuthenticationTokenException, 403") {
  SigV4Verifier verifier = OurVerifier();
  HttpRequest req = KmsRequest();
  core::KmsError e = ThrownError([&] { verifier.Verify(req, kNow); });
  CHECK(e.name() == "MissingAuthenticationTokenException");
  CHECK(e.message() == "Missing Authentication Token");
  CHECK(core::HttpStatus(e.code()) == 403);
}

TEST_CASE("A malformed Authorization header: IncompleteSignatureException naming what is missing") {
  SigV4Verifier verifier = OurVerifier();
  HttpRequest req = KmsRequest();
  req.set("X-Amz-Date", "20261201T063000Z");
  const std::string auth =
      "AWS4-HMAC-SHA256 Credential=AKIDROTORTEST/20261201/us-east-1/kms/aws4_request";
  req.set(server::http::field::authorization, auth);
  core::KmsError e = ThrownError([&] { verifier.Verify(req, kNow); });
  CHECK(e.name() == "IncompleteSignatureException");
  CHECK(e.message() ==
        "Authorization header requires 'Signature' parameter. Authorization header requires "
        "'SignedHeaders' parameter. Authorization=" +
            auth);

  HttpRequest undated = KmsRequest();
  undated.set(server::http::field::authorization, "AWS4-HMAC-SHA256 Signature=abc");
  CHECK(ThrownError([&] { verifier.Verify(undated, kNow); }).message() ==
        "Authorization header requires 'Credential' parameter. Authorization header requires "
        "'SignedHeaders' parameter. Authorization header requires existence of either a "
        "'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 Signature=abc");

  HttpRequest scheme = KmsRequest();
  scheme.set("X-Amz-Date", "20261201T063000Z");
  scheme.set(server::http::field::authorization, "Bearer abc");
  CHECK(ThrownError([&] { verifier.Verify(scheme, kNow); }).name() ==
        "IncompleteSignatureException");

  HttpRequest bad_date = KmsRequest();
  Signer{}.Sign(bad_date);
  bad_date.set("X-Amz-Date", "2026-12-01T06:30:00Z");
  CHECK(ThrownError([&] { verifier.Verify(bad_date, kNow); }).message() ==
        "Date must be in ISO-8601 'basic format'. Got '2026-12-01T06:30:00Z'. See "
        "http://en.wikipedia.org/wiki/ISO_8601");
}

TEST_CASE("The request time may be up to 5 minutes from the wall clock, not more") {
  SigV4Verifier verifier = OurVerifier();
  HttpRequest req = KmsRequest();
  Signer{}.Sign(req);  // 06:30:00
  CHECK(verifier.Verify(req, At("2026-12-01T06:35:00Z")).principal);
  CHECK(verifier.Verify(req, At("2026-12-01T06:25:00Z")).principal);
  core::KmsError late = ThrownError([&] { verifier.Verify(req, At("2026-12-01T06:35:01Z")); });
  CHECK(late.name() == "InvalidSignatureException");
  CHECK(late.message() ==
        "Signature expired: 20261201T063000Z is now earlier than 20261201T063001Z "
        "(20261201T063501Z - 5 min.)");
  core::KmsError early = ThrownError([&] { verifier.Verify(req, At("2026-12-01T06:24:59Z")); });
  CHECK(early.name() == "InvalidSignatureException");
  CHECK(early.message() ==
        "Signature not yet current: 20261201T063000Z is still later than 20261201T062959Z "
        "(20261201T062459Z + 5 min.)");
}

TEST_CASE("The credential's date must be the request's") {
  SigV4Verifier verifier = OurVerifier();
  Signer s;
  s.credential_date = "20261130";
  HttpRequest req = KmsRequest();
  s.Sign(req);
  core::KmsError e = ThrownError([&] { verifier.Verify(req, kNow); });
  CHECK(e.name() == "InvalidSignatureException");
  CHECK(e.message() ==
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
        "HTTP: '20261130' != '20261201', from '20261201T063000Z'.");
}

TEST_CASE("Repeated headers are signed as one comma-joined value, in order") {
  SigV4Verifier verifier = OurVerifier();
  Signer s;
  s.signed_headers = "host;x-amz-date;x-custom";
  HttpRequest req = KmsRequest();
  req.insert("X-Custom", "one");
  req.insert("X-Custom", "  two   words ");
  s.Sign(req);
  CHECK(verifier.Verify(req, kNow).principal);
  HttpRequest reordered = KmsRequest();
  reordered.insert("X-Custom", "  two   words ");
  reordered.insert("X-Custom", "one");
  reordered.set("X-Amz-Date", "20261201T063000Z");
  reordered.set(server::http::field::authorization,
                std::string(server::http::HeaderValue(req, "Authorization")));
  CHECK(ThrownError([&] { verifier.Verify(reordered, kNow); }).name() ==
        "InvalidSignatureException");
}

TEST_CASE("Signed headers must include host and exist in the request") {
  SigV4Verifier verifier = OurVerifier();
  Signer no_host;
  no_host.signed_headers = "x-amz-date";
  HttpRequest req = KmsRequest();
  no_host.Sign(req);
  core::KmsError e = ThrownError([&] { verifier.Verify(req, kNow); });
  CHECK(e.name() == "IncompleteSignatureException");
  CHECK(e.message() == "'Host' must be a 'SignedHeader' in the AWS Authorization.");

  Signer absent;
  absent.signed_headers = "host;x-amz-date;x-missing";
  HttpRequest missing = KmsRequest();
  missing.set("X-Missing", "v");
  absent.Sign(missing);
  missing.erase("X-Missing");
  CHECK(ThrownError([&] { verifier.Verify(missing, kNow); }).message() ==
        "'x-missing' is named as a SignedHeader, but it does not exist in the HTTP request.");
}

TEST_CASE("The Date header stands in for X-Amz-Date") {
  SigV4Verifier verifier = OurVerifier();
  Signer s;
  s.use_date_header = true;
  s.signed_headers = "date;host";
  HttpRequest req = KmsRequest();
  s.Sign(req);
  CHECK(verifier.Verify(req, kNow).principal);
  CHECK_THROWS_AS(verifier.Verify(req, At("2026-12-01T06:36:00Z")), core::KmsError);
}

TEST_CASE("A session's key needs its session token, and only it") {
  SigV4Verifier verifier = OurVerifier();
  Signer s;
  s.access_key = "ASIAROTORSESSION";
  s.secret = "session-secret";
  s.signed_headers = "host;x-amz-date;x-amz-security-token";
  HttpRequest ok = KmsRequest();
  ok.set("X-Amz-Security-Token", "token-1");
  s.Sign(ok);
  auto caller = verifier.Verify(ok, kNow);
  REQUIRE(caller.principal);
  CHECK(caller.principal->type == core::PrincipalType::kAssumedRole);
  CHECK(caller.principal->account == "444455556666");
  CHECK(caller.principal->has_session_token);

  HttpRequest wrong = KmsRequest();
  wrong.set("X-Amz-Security-Token", "token-2");
  s.Sign(wrong);
  CHECK(ThrownError([&] { verifier.Verify(wrong, kNow); }).name() == "UnrecognizedClientException");

  Signer no_token = s;
  no_token.signed_headers = "host;x-amz-date";
  HttpRequest none = KmsRequest();
  no_token.Sign(none);
  CHECK(ThrownError([&] { verifier.Verify(none, kNow); }).name() == "UnrecognizedClientException");

  // A long-term key with a token it does not have.
  HttpRequest extra = KmsRequest();
  extra.set("X-Amz-Security-Token", "token-1");
  Signer{}.Sign(extra);
  CHECK(ThrownError([&] { verifier.Verify(extra, kNow); }).name() == "UnrecognizedClientException");
}

TEST_CASE("A presigned request past X-Amz-Expires is refused") {
  const auto& v = test::kSigV4Vectors[std::size(test::kSigV4Vectors) - 1];
  REQUIRE(v.query_form);
  HttpRequest req = ParseVectorRequest(v.signed_request);
  std::vector<AccessKey> keys;
  keys.push_back(Key("AKIDEXAMPLE", std::string(kVectorSecret),
                     "arn:aws:iam::123456789012:user/example", std::string(v.session_token)));
  SigV4Verifier verifier(std::move(keys));
  CHECK(verifier.Verify(req, At("2015-08-30T13:36:00Z")).principal);  // 3600 s later
  core::KmsError e = ThrownError([&] { verifier.Verify(req, At("2015-08-30T13:36:01Z")); });
  CHECK(e.name() == "InvalidSignatureException");
  CHECK(e.message().starts_with("Signature expired: "));
}

TEST_CASE("The built-in pairs are test/test and testing/testing, IAM users of the account") {
  auto keys = server::wire::BuiltInAccessKeys("123456789012");
  REQUIRE(keys.size() == 2);
  CHECK(keys[0].access_key_id == "test");
  CHECK(keys[0].secret_access_key == "test");
  CHECK(keys[0].principal.arn == "arn:aws:iam::123456789012:user/test");
  CHECK(keys[1].access_key_id == "testing");
  CHECK(keys[1].principal.arn == "arn:aws:iam::123456789012:user/testing");
  std::vector<AccessKey> twice = {keys[0], keys[0]};
  CHECK_THROWS_AS(SigV4Verifier(twice), std::invalid_argument);
}
