#include "server/request_log.h"

#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "core/clock.h"
#include "server/http/http_types.h"
#include "server/metrics.h"
#include "server/wire/json_text.h"

namespace rotor::server {
namespace {

// A key as a client typed it can be anything up to 2048 characters: the line
// keeps its first 256 bytes, so a line stays one write under PIPE_BUF.
constexpr size_t kMaxKey = 256;
constexpr size_t kMaxOperation = 128;  // an operation or admin path as sent

// The key named by the request the router is answering on this thread (set
// by OnApiCall, read and cleared by the Handler around it).
thread_local std::string t_key;

// The line buffer of this thread, reused by every line it writes.
thread_local std::string t_line;

// The wall clock's time as a line shows it (RequestLog::Time).
std::string_view WallTime(std::array<char, 48>& buf) {
  return RequestLog::Time(
      buf, std::chrono::time_point_cast<core::Millis>(std::chrono::system_clock::now()));
}

// A field of a text line: no control characters (one line whatever a client
// sent) and no spaces unless `spaces` (the admin API's "GET /path"), "-" when
// empty.
void AppendTextField(std::string& out, std::string_view value, bool spaces = false) {
  if (value.empty()) {
    out += '-';
    return;
  }
  for (char c : value) {
    unsigned char u = static_cast<unsigned char>(c);
    bool bad = u < 0x20 || u == 0x7f || (u == 0x20 && !spaces);
    out += bad ? '?' : c;
  }
}

// The "__type" of an error answer ({"__type":"NotFoundException",...}, as
// http::ErrorBody writes it first); empty when there is none.
std::string_view ErrorCodeOf(const http::HttpResponse& res) {
  constexpr std::string_view kType = "\"__type\":\"";
  std::string_view body = res.body();
  size_t at = body.find(kType);
  if (at == std::string_view::npos || at > 8) return {};
  body.remove_prefix(at + kType.size());
  size_t end = body.find('"');
  return end == std::string_view::npos || end > 100 ? std::string_view() : body.substr(0, end);
}

// The string member `name` of `object`, if any.
const std::string* StringMember(const nlohmann::json* object, const char* name) {
  if (!object || !object->is_object()) return nullptr;
  auto it = object->find(name);
  return it != object->end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
}

}  // namespace

std::string_view RequestLog::Time(std::array<char, 48>& buf, core::Timestamp t) {
  std::string_view text = core::FormatIso8601Into(buf, t);
  if (t.time_since_epoch().count() % 1000 != 0) return text;
  // FormatIso8601 leaves out a zero fraction; a line always shows it.
  size_t z = text.size() - 1;  // the 'Z'
  std::memcpy(buf.data() + z, ".000Z", 5);
  return {buf.data(), z + 5};
}

void RequestLog::Format(LogFormat format, std::string_view time, const RequestLine& line,
                        std::string& out) {
  std::string_view key = line.key.substr(0, kMaxKey);
  std::string_view operation = line.operation.substr(0, kMaxOperation);
  if (format == LogFormat::kJson) {
    out += "{\"time\":\"";
    out += time;
    out += "\",\"operation\":";
    wire::AppendJsonString(out, operation);
    out += ",\"key\":";
    if (key.empty()) {
      out += "null";
    } else {
      wire::AppendJsonString(out, key);
    }
    out += ",\"status\":";
    out += std::to_string(line.status);
    out += ",\"error\":";
    if (line.error_code.empty()) {
      out += "null";
    } else {
      wire::AppendJsonString(out, line.error_code);
    }
    out += ",\"us\":";
    out += std::to_string(line.micros);
    out += "}\n";
    return;
  }
  out += time;
  out += ' ';
  AppendTextField(out, operation, /*spaces=*/true);
  out += ' ';
  AppendTextField(out, key);
  out += ' ';
  out += std::to_string(line.status);
  out += ' ';
  AppendTextField(out, line.error_code);
  out += ' ';
  out += std::to_string(line.micros);
  out += "us\n";
}

void RequestLog::Request(const RequestLine& line) {
  t_line.clear();
  std::array<char, 48> time;
  Format(format_, WallTime(time), line, t_line);
  Write(t_line);
}

void RequestLog::Start(std::string_view message, std::string_view url) {
  Event("start", message, url);
}

void RequestLog::Stop(std::string_view message) { Event("stop", message, {}); }

void RequestLog::Event(std::string_view event, std::string_view message, std::string_view url) {
  std::array<char, 48> buf;
  std::string time(WallTime(buf));
  std::string out;
  if (format_ == LogFormat::kJson) {
    out = "{\"time\":\"" + time + "\",\"event\":\"" + std::string(event) + "\",\"message\":";
    wire::AppendJsonString(out, message);
    if (!url.empty()) {
      out += ",\"url\":";
      wire::AppendJsonString(out, url);
    }
    out += "}\n";
  } else {
    out = time + " " + std::string(message) + "\n";
  }
  Write(out);
}

RequestLog::RequestLog(LogFormat format, int fd) : format_(format), fd_(fd) {
  struct stat st {};
  poll_first_ = ::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode);
}

void RequestLog::Write(const std::string& text) {
  // Never block the request's thread: when `fd_` cannot take more now (a pipe
  // whose reader stopped reading, as a script that read only the start line),
  // the line is dropped. poll() reporting POLLOUT on a pipe means a page is
  // free, and a line (under 1 KiB, under PIPE_BUF) is written whole. A regular
  // file is always ready (poll() says POLLOUT at once): one system call per
  // line instead of two.
  size_t done = 0;
  for (int attempts = 0; done < text.size() && attempts < 100; ++attempts) {
    if (poll_first_) {
      pollfd p{fd_, POLLOUT, 0};
      int ready = ::poll(&p, 1, 0);
      if (ready < 0 && errno == EINTR) continue;
      if (ready != 1 || (p.revents & POLLOUT) == 0) break;
    }
    ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  if (done < text.size()) dropped_.fetch_add(1, std::memory_order_relaxed);
}

void RequestLog::OnApiCall(const wire::ApiCall& call) {
  for (const char* name : {"KeyId", "AliasName", "DestinationKeyId", "TargetKeyId"}) {
    if (const std::string* key = StringMember(&call.request, name)) {
      t_key.assign(*key, 0, kMaxKey);
      return;
    }
  }
  // A call that names no key (Decrypt of a symmetric ciphertext, CreateKey):
  // the key of its answer.
  const std::string* key = StringMember(call.response, "KeyId");
  if (!key && call.response && call.response->is_object() &&
      call.response->contains("KeyMetadata")) {
    key = StringMember(&(*call.response)["KeyMetadata"], "KeyId");
  }
  if (key) t_key.assign(*key, 0, kMaxKey);
}

http::HttpResponse RequestLog::Handler::Handle(const http::HttpRequest& req, const http::Peer& peer,
                                               const http::Route& route) {
  t_key.clear();
  auto started = std::chrono::steady_clock::now();
  http::HttpResponse res = inner_.Handle(req, peer, route);
  if (http::Hold* hold = route.hold; hold && hold->resume) {
    // An injected delay (server/wire/router.h): the line is written when the
    // request is answered, with the time it was held.
    hold->resume = [this, &req, started, resume = std::move(hold->resume)] {
      t_key.clear();
      http::HttpResponse held = resume();
      Write(req, held, started, "");
      return held;
    };
    return res;
  }
  // An injected dropped connection: no status, the fault named instead.
  Write(req, res, started, route.hold && route.hold->drop ? "ConnectionDropped" : "");
  return res;
}

void RequestLog::Handler::Write(const http::HttpRequest& req, const http::HttpResponse& res,
                                std::chrono::steady_clock::time_point started,
                                std::string_view dropped) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - started)
                    .count();
  RequestLine line;
  std::string operation;
  std::string_view target = http::HeaderValue(req, "X-Amz-Target");
  if (size_t dot = target.find('.'); !target.empty() && dot != std::string_view::npos) {
    line.operation = target.substr(dot + 1);
  } else {
    std::string_view path(req.target().data(), req.target().size());
    operation =
        std::string(req.method_string()) + " " + std::string(path.substr(0, path.find('?')));
    line.operation = operation;
  }
  line.key = t_key;
  line.status = dropped.empty() ? res.result_int() : 0;
  if (line.status >= 400) line.error_code = ErrorCodeOf(res);
  if (!dropped.empty()) line.error_code = dropped;
  line.micros = micros;
  if (log_) log_->Request(line);
  if (metrics_) metrics_->CountRequest(line.operation, line.status, line.error_code, micros);
}

}  // namespace rotor::server
