// RequestLog: rotor's stdout. One line when the server starts, one per request
// (KMS API and admin API alike) and one when it stops, all in one format:
// text for people, or JSON lines for log shippers (--log-format). --quiet
// keeps the start and stop lines only. docs/cli.md shows both formats.
//
// A request's line: the wall-clock time it was answered (UTC, milliseconds;
// never the virtual clock), the operation (the KMS API's X-Amz-Target
// operation, or "GET /_rotor/clock" for the admin API), the key the request
// named (its KeyId, else AliasName, DestinationKeyId or TargetKeyId, as sent:
// an id, ARN or alias name; else the KeyId the answer names), the HTTP
// status, the error code ("__type" of an error answer) and the microseconds
// the handler took. Never plaintext, ciphertext or key material: no other
// field of a request or an answer is read.
//
// Cost on the request thread: the line is formatted into a per-thread buffer
// and written with one write(2) to stdout (a line under PIPE_BUF is never
// interleaved with another thread's).
//
// Thread safety: every method may be called concurrently.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "server/http/request_handler.h"
#include "server/wire/api_call_observer.h"

namespace rotor::server {

class Metrics;

enum class LogFormat { kText, kJson };

// One request, as its line shows it.
struct RequestLine {
  std::string_view operation;   // "Encrypt", "GET /_rotor/clock"; "-" when none
  std::string_view key;         // empty: none
  unsigned status = 0;          // HTTP status
  std::string_view error_code;  // empty on success
  int64_t micros = 0;
};

class RequestLog final : public wire::ApiCallObserver {
 public:
  // `fd`: where lines go (stdout; a test's pipe). Looked at once: a regular
  // file takes a line at once (or fails, e.g. disk full), so its lines are
  // written without asking poll() first; anything else (a pipe, a terminal,
  // a socket) is polled before each write.
  explicit RequestLog(LogFormat format, int fd = 1);

  // The start line: text "<time> <message>", JSON {"time","event":"start",
  // "message","url"}. The message keeps the words "listening on <url>" that
  // scripts look for.
  void Start(std::string_view message, std::string_view url);
  // The stop line: "<time> <message>" / {"time","event":"stop","message"}.
  void Stop(std::string_view message);
  void Request(const RequestLine& line);

  // The KMS API's router calls this for each call it answers, on the
  // request's thread: the key the call named is kept for that thread's line.
  void OnApiCall(const wire::ApiCall& call) override;

  // A RequestHandler that answers with `inner`, writes each request's line to
  // `log` (null: --quiet) and counts it in `metrics` (null: none).
  class Handler final : public http::RequestHandler {
   public:
    Handler(http::RequestHandler& inner, RequestLog* log, Metrics* metrics = nullptr)
        : inner_(inner), log_(log), metrics_(metrics) {}
    using http::RequestHandler::Handle;
    http::Route Find(const http::HttpRequest& req) const override { return inner_.Find(req); }
    http::HttpResponse Handle(const http::HttpRequest& req, const http::Peer& peer,
                              const http::Route& route) override;

   private:
    // Writes the line of `req` answered with `res`; `dropped` names an
    // injected dropped connection (status 0) instead.
    void Write(const http::HttpRequest& req, const http::HttpResponse& res,
               std::chrono::steady_clock::time_point started, std::string_view dropped);

    http::RequestHandler& inner_;
    RequestLog* log_;
    Metrics* metrics_;
  };

  // The line of `line` in `format`, with `time` (ISO-8601), ending in '\n'.
  // Appended to `out`. Exposed for tests.
  static void Format(LogFormat format, std::string_view time, const RequestLine& line,
                     std::string& out);
  // `t` as a line shows it, "2026-12-01T12:00:00.000Z" (UTC, always with
  // milliseconds), written into `buf` by core's ISO 8601 writer (no printf,
  // no allocation); the view is valid while `buf` is. Exposed for tests.
  static std::string_view Time(std::array<char, 48>& buf, core::Timestamp t);

 private:
  void Event(std::string_view event, std::string_view message, std::string_view url);
  void Write(const std::string& text);

  LogFormat format_;
  int fd_;
  bool poll_first_;  // `fd_` is not a regular file
  std::atomic<uint64_t> dropped_{0};

 public:
  // Lines dropped because `fd` could not take them at once (a pipe nobody
  // reads, a terminal paused with Ctrl-S): a request never waits for its log.
  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
};

}  // namespace rotor::server
