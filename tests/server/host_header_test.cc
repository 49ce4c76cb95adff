// The Host allow list, the same-origin rule (server/http/host_header.h) and
// RFC 9112's framing checks (server/http/request_framing.h).
#include "server/http/host_header.h"

#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>
#include <catch2/catch.hpp>

#include "server/http/http_server.h"
#include "server/http/request_framing.h"

using namespace rotor;
using namespace rotor::server;

namespace {

http::HttpRequest Request(std::initializer_list<std::pair<const char*, const char*>> headers,
                          unsigned version = 11) {
  http::HttpRequest req{http::verb::post, "/", version};
  for (const auto& [name, value] : headers) req.insert(name, value);
  return req;
}

}  // namespace

TEST_CASE("ParseAuthority reads host[:port] as RFC 9110 and RFC 6454 write it") {
  auto a = http::ParseAuthority("LocalHost:4599");
  REQUIRE(a);
  CHECK(a->host == "localhost");
  CHECK(a->port == 4599);
  auto v6 = http::ParseAuthority("[::1]:80");
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(v6->port == 80);
  CHECK(http::ParseAuthority("rotor")->port == std::nullopt);
  CHECK(http::ParseAuthority("rotor:")->port == std::nullopt);
  for (const char* bad : {"", ":80", "a b", "a/b", "user@host", "host:99999", "host:8o", "[::1",
                          "[]", "[::g]", "host:80:81", "[::1]x"}) {
    CAPTURE(bad);
    CHECK_FALSE(http::ParseAuthority(bad));
  }
}

TEST_CASE("The Host allow list: loopback names, --host, --allowed-hosts") {
  http::HostAllowList plain;
  for (const char* host : {"localhost", "LOCALHOST", "localhost.", "127.0.0.1", "::1"})
    CHECK(plain.Allows(host));
  for (const char* host : {"evil.example", "localhost.evil.example", "127.0.0.2", "0.0.0.0", ""})
    CHECK_FALSE(plain.Allows(host));
  http::HostAllowList listed("0.0.0.0", {"rotor", ".svc.test"});
  for (const char* host : {"0.0.0.0", "rotor", "svc.test", "a.svc.test", "a.b.svc.test"})
    CHECK(listed.Allows(host));
  for (const char* host : {"evilsvc.test", "rotor.evil", "svc.test.evil"})
    CHECK_FALSE(listed.Allows(host));
  CHECK(http::HostAllowList("127.0.0.1", {"*"}).Allows("anything.example"));

  // Check: the port is never compared; no Host (HTTP/1.0) passes; the refusal names the flag.
  CHECK_FALSE(plain.Check(Request({{"Host", "127.0.0.1:1"}})));
  CHECK_FALSE(plain.Check(Request({}, 10)));
  auto refused = plain.Check(Request({{"Host", "evil.example:4599"}}));
  REQUIRE(refused);
  CHECK(refused->code() == core::ErrorCode::kAccessDenied);
  CHECK(refused->message().find("--allowed-hosts") != std::string::npos);
  CHECK(refused->message().find("'evil.example:4599'") != std::string::npos);
}

TEST_CASE("Same origin: scheme http, the Host's host and port (80 by default)") {
  CHECK(http::IsSameOrigin(Request({{"Host", "127.0.0.1:4599"}})));
  CHECK(http::IsSameOrigin(
      Request({{"Host", "127.0.0.1:4599"}, {"Origin", "http://127.0.0.1:4599"}})));
  CHECK(http::IsSameOrigin(Request({{"Host", "localhost:80"}, {"Origin", "http://localhost"}})));
  CHECK(http::IsSameOrigin(Request({{"Host", "[::1]:4599"}, {"Origin", "http://[::1]:4599"}})));
  for (const char* origin :
       {"https://127.0.0.1:4599", "http://127.0.0.1:4598", "http://localhost:4599", "null",
        "http://127.0.0.1", "http://127.0.0.1:4599/", "http://127.0.0.1:4599.evil.example", ""}) {
    CAPTURE(origin);
    CHECK_FALSE(http::IsSameOrigin(Request({{"Host", "127.0.0.1:4599"}, {"Origin", origin}})));
  }
  CHECK_FALSE(http::IsSameOrigin(Request({{"Origin", "http://127.0.0.1"}}, 10)));
}

TEST_CASE("Framing: Host and Transfer-Encoding as RFC 9112 requires") {
  auto code = [](const http::HttpRequest& req) {
    auto e = http::FramingError(req);
    return e ? std::string(e->name()) : std::string("ok");
  };
  CHECK(code(Request({{"Host", "a"}, {"Content-Length", "2"}})) == "ok");
  CHECK(code(Request({}, 10)) == "ok");
  CHECK(code(Request({})) == "BadRequestException");
  CHECK(code(Request({{"Host", "a"}, {"Host", "a"}})) == "BadRequestException");
  CHECK(code(Request({{"Host", "a b"}})) == "BadRequestException");
  CHECK(code(Request({{"Host", "a"}, {"Transfer-Encoding", "chunked"}})) == "ok");
  CHECK(code(Request({{"Host", "a"}, {"Transfer-Encoding", " Chunked ;x=1"}})) == "ok");
  for (const char* te : {"xchunked", "gzip", "chunked, gzip", "chunked, chunked", "", ","}) {
    CAPTURE(te);
    CHECK(code(Request({{"Host", "a"}, {"Transfer-Encoding", te}})) == "BadRequestException");
  }
  CHECK(code(Request({{"Host", "a"}, {"Transfer-Encoding", "chunked"}, {"Content-Length", "2"}})) ==
        "BadRequestException");
  CHECK(code(Request({{"Host", "a"}, {"Transfer-Encoding", "chunked"}}, 10)) ==
        "BadRequestException");
  CHECK(code(Request({{"Host", "a"}, {"Transfer-Encoding", "gzip, chunked"}})) ==
        "NotImplementedException");
  CHECK(code(Request(
            {{"Host", "a"}, {"Transfer-Encoding", "gzip"}, {"Transfer-Encoding", "chunked"}})) ==
        "NotImplementedException");
  CHECK(core::HttpStatus(core::ErrorCode::kNotImplemented) == 501);
}

TEST_CASE("Parser errors: malformed requests are answered, closed connections are not") {
  namespace bh = boost::beast::http;
  for (bh::error e : {bh::error::bad_chunk, bh::error::bad_line_ending, bh::error::bad_field,
                      bh::error::bad_content_length, bh::error::bad_transfer_encoding,
                      bh::error::bad_method, bh::error::bad_version}) {
    auto answer = http::ParseFailure(bh::make_error_code(e));
    REQUIRE(answer);
    CHECK(answer->code() == core::ErrorCode::kBadRequest);
  }
  CHECK_FALSE(http::ParseFailure(bh::make_error_code(bh::error::end_of_stream)));
  CHECK_FALSE(http::ParseFailure(bh::make_error_code(bh::error::body_limit)));
  CHECK_FALSE(http::ParseFailure(
      boost::asio::error::make_error_code(boost::asio::error::connection_reset)));
}

TEST_CASE("HttpUrl brackets an IPv6 address, as RFC 3986 writes it in a URL") {
  CHECK(http::HttpUrl("127.0.0.1", 4599) == "http://127.0.0.1:4599");
  CHECK(http::HttpUrl("::1", 4599) == "http://[::1]:4599");
  CHECK(http::HttpUrl("fe80::1", 80) == "http://[fe80::1]:80");
  CHECK(http::HttpUrl("[::1]", 1) == "http://[::1]:1");
  CHECK(http::HttpUrl("localhost", 8080) == "http://localhost:8080");
}

TEST_CASE("ClientUrl names the loopback address for a wildcard listen address") {
  // A container listens on 0.0.0.0; the start line's example and dashboard
  // link must be an address a client can connect to.
  CHECK(http::ClientUrl("0.0.0.0", 4599) == "http://127.0.0.1:4599");
  CHECK(http::ClientUrl("::", 4599) == "http://[::1]:4599");
  CHECK(http::ClientUrl("[::]", 8080) == "http://[::1]:8080");
  CHECK(http::ClientUrl("127.0.0.1", 4599) == "http://127.0.0.1:4599");
  CHECK(http::ClientUrl("rotor.test", 80) == "http://rotor.test:80");
}
