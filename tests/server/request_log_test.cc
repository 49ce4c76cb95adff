// The request log (server/request_log.h): the line's two formats, what a
// client can put in a field, and the handler that writes one line per request.
#include "server/request_log.h"

#include <unistd.h>

#include <array>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "core/request_context.h"
#include "server/http/error_response.h"

using namespace rotor;
namespace http = rotor::server::http;
using nlohmann::json;
using server::LogFormat;
using server::RequestLine;
using server::RequestLog;

namespace {

std::string Line(LogFormat format, const RequestLine& line) {
  std::string out;
  RequestLog::Format(format, "2026-12-01T12:00:00.123Z", line, out);
  return out;
}

// Reads what was written to a pipe so far.
std::string Drain(int fd) {
  std::string text;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (static_cast<size_t>(n) < sizeof buf) break;
  }
  return text;
}

// Answers every request with `response`, telling `log` the call's key as the
// KMS API's router does.
class FakeHandler final : public http::RequestHandler {
 public:
  FakeHandler(RequestLog& log, json request, http::HttpResponse response)
      : log_(log), request_(std::move(request)), response_(std::move(response)) {}
  http::Route Find(const http::HttpRequest&) const override { return {}; }
  using http::RequestHandler::Handle;
  http::HttpResponse Handle(const http::HttpRequest&, const http::Peer&,
                            const http::Route&) override {
    core::RequestContext ctx;
    json answer = {{"KeyId", "arn:aws:kms:us-east-1:111122223333:key/answered"}};
    log_.OnApiCall({ctx, "Decrypt", nullptr, request_, &answer, "", ""});
    return response_;
  }

 private:
  RequestLog& log_;
  json request_;
  http::HttpResponse response_;
};

}  // namespace

TEST_CASE("A request's line: time, operation, key, status, error code and microseconds") {
  RequestLine ok{"Encrypt", "alias/orders", 200, "", 85};
  CHECK(Line(LogFormat::kText, ok) == "2026-12-01T12:00:00.123Z Encrypt alias/orders 200 - 85us\n");
  CHECK(json::parse(Line(LogFormat::kJson, ok)) == json{{"time", "2026-12-01T12:00:00.123Z"},
                                                        {"operation", "Encrypt"},
                                                        {"key", "alias/orders"},
                                                        {"status", 200},
                                                        {"error", nullptr},
                                                        {"us", 85}});
  RequestLine failed{"Decrypt", "", 400, "DisabledException", 1200};
  CHECK(Line(LogFormat::kText, failed) ==
        "2026-12-01T12:00:00.123Z Decrypt - 400 DisabledException 1200us\n");
  json j = json::parse(Line(LogFormat::kJson, failed));
  CHECK(j["key"] == nullptr);
  CHECK(j["error"] == "DisabledException");
  // The admin API's "METHOD /path" keeps its space.
  CHECK(Line(LogFormat::kText, {"GET /_rotor/clock", "", 200, "", 3}) ==
        "2026-12-01T12:00:00.123Z GET /_rotor/clock - 200 - 3us\n");
}

TEST_CASE("A line's time is UTC with milliseconds, even a whole second's") {
  using std::chrono::milliseconds;
  std::array<char, 48> buf;
  // 2026-12-01T12:00:00Z is 1,796,126,400 s after the epoch.
  core::Timestamp noon{milliseconds(1'796'126'400'000)};
  CHECK(RequestLog::Time(buf, noon) == "2026-12-01T12:00:00.000Z");
  CHECK(RequestLog::Time(buf, noon + milliseconds(123)) == "2026-12-01T12:00:00.123Z");
  CHECK(RequestLog::Time(buf, noon + milliseconds(59'007)) == "2026-12-01T12:00:59.007Z");
  CHECK(RequestLog::Time(buf, core::Timestamp{milliseconds(0)}) == "1970-01-01T00:00:00.000Z");
}

TEST_CASE("What a client sends cannot break a line or make it long") {
  // A key with a newline, a space and a quote: one line, one field.
  RequestLine hostile{"Encrypt", "alias/a b\n2026 forged \"x\"", 400, "NotFoundException", 1};
  std::string text = Line(LogFormat::kText, hostile);
  CHECK(text ==
        "2026-12-01T12:00:00.123Z Encrypt alias/a?b?2026?forged?\"x\" 400 "
        "NotFoundException 1us\n");
  std::string line = Line(LogFormat::kJson, hostile);
  CHECK(line.find('\n') == line.size() - 1);
  CHECK(json::parse(line)["key"] == "alias/a b\n2026 forged \"x\"");
  // A 2,048-character key id is cut to 256 characters.
  std::string long_key(2048, 'k');
  CHECK(json::parse(Line(LogFormat::kJson, {"Encrypt", long_key, 400, "", 1}))["key"] ==
        std::string(256, 'k'));
}

TEST_CASE("The handler writes one line per request with the key the call named") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  RequestLog log(LogFormat::kJson, fds[1]);
  http::HttpRequest req{http::verb::post, "/", 11};
  req.set("X-Amz-Target", "TrentService.Decrypt");

  SECTION("the request's KeyId, never another field") {
    http::HttpResponse res{http::status::ok, 11};
    FakeHandler inner(log, {{"KeyId", "alias/orders"}, {"CiphertextBlob", "c2VjcmV0"}}, res);
    RequestLog::Handler handler(inner, &log);
    CHECK(handler.Handle(req, {"127.0.0.1", true}).result_int() == 200);
    std::string written = Drain(fds[0]);
    json j = json::parse(written);
    CHECK(j["operation"] == "Decrypt");
    CHECK(j["key"] == "alias/orders");
    CHECK(j["status"] == 200);
    CHECK(j["error"] == nullptr);
    CHECK(j["us"].get<int64_t>() >= 0);
    CHECK(written.find("c2VjcmV0") == std::string::npos);
  }
  SECTION("no key in the request: the answer's; an error answer's code") {
    core::KmsError error(core::ErrorCode::kDisabled, "arn is disabled.");
    http::HttpResponse res = http::ErrorResponse(req, error);
    FakeHandler inner(log, {{"CiphertextBlob", "c2VjcmV0"}}, res);
    RequestLog::Handler handler(inner, &log);
    handler.Handle(req, {"127.0.0.1", true});
    json j = json::parse(Drain(fds[0]));
    CHECK(j["key"] == "arn:aws:kms:us-east-1:111122223333:key/answered");
    CHECK(j["status"] == 400);
    CHECK(j["error"] == "DisabledException");
  }
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST_CASE("A log in a regular file gets every line, whole and in order") {
  char path[] = "/tmp/rotor-request-log-XXXXXX";
  int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  ::unlink(path);
  RequestLog log(LogFormat::kText, fd);
  for (int i = 0; i < 2000; ++i)
    log.Request({"Encrypt", "alias/k" + std::to_string(i), 200, "", i});
  CHECK(log.dropped() == 0);
  REQUIRE(::lseek(fd, 0, SEEK_SET) == 0);
  std::string written;
  char chunk[65536];
  for (ssize_t n; (n = ::read(fd, chunk, sizeof chunk)) > 0;) written.append(chunk, n);
  size_t lines = 0;
  for (size_t at = 0, end; (end = written.find('\n', at)) != std::string::npos; at = end + 1) {
    std::string_view line = std::string_view(written).substr(at, end - at);
    CHECK(line.ends_with(" Encrypt alias/k" + std::to_string(lines) + " 200 - " +
                         std::to_string(lines) + "us"));
    ++lines;
  }
  CHECK(lines == 2000);
  ::close(fd);
}

TEST_CASE("A log nobody reads drops lines instead of holding requests") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  RequestLog log(LogFormat::kText, fds[1]);
  // 4000 lines of about 60 bytes: more than a pipe holds (64 KiB) while
  // nothing reads it; with blocking writes this would never return.
  for (int i = 0; i < 4000; ++i) log.Stop("rotor stopped after a very long day of serving keys");
  CHECK(log.dropped() > 0);
  CHECK(log.dropped() < 4000);
  // What did go in is whole lines (read to the end once the writer is gone).
  ::close(fds[1]);
  std::string written = Drain(fds[0]);
  REQUIRE(!written.empty());
  CHECK(written.back() == '\n');
  size_t lines = 0;
  for (size_t at = 0, end; (end = written.find('\n', at)) != std::string::npos; at = end + 1) {
    CHECK(std::string_view(written).substr(at, end - at).ends_with("serving keys"));
    ++lines;
  }
  CHECK(lines + log.dropped() == 4000);
  ::close(fds[0]);
}
