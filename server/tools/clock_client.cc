#include "server/tools/clock_client.h"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace rotor::server::tools {
namespace {

namespace bhttp = boost::beast::http;
using nlohmann::json;

std::string Text(const json& value) { return value.is_string() ? value.get<std::string>() : ""; }

void PrintClock(const json& clock) {
  std::printf("now %s (%s clock)\n", Text(clock["now"]).c_str(),
              clock.value("virtual", false) ? "virtual" : "system");
  if (clock.contains("nextEvent")) {
    std::string next = Text(clock["nextEvent"]);
    std::printf("next event %s\n", next.empty() ? "none scheduled" : next.c_str());
  }
}

// After a move: the time reached, then one line per event fired, in time order.
void PrintMove(const json& moved) {
  uint64_t count = moved.value("firedCount", uint64_t{0});
  std::printf("now %s; %llu event%s fired\n", Text(moved["now"]).c_str(),
              static_cast<unsigned long long>(count), count == 1 ? "" : "s");
  static const json kNone = json::array();
  const json& fired = moved.contains("fired") ? moved["fired"] : kNone;
  for (const json& e : fired) {
    std::string detail = Text(e["detail"]);
    std::printf("  %s  %s  %s  %s %s%s%s\n", Text(e["time"]).c_str(), Text(e["event"]).c_str(),
                Text(e["keyId"]).c_str(), Text(e["account"]).c_str(), Text(e["region"]).c_str(),
                detail.empty() ? "" : "  ", detail.c_str());
  }
  uint64_t listed = moved.value("firedListed", uint64_t{0});
  if (count > listed) {
    std::printf("  ... and %llu more (", static_cast<unsigned long long>(count - listed));
    bool first = true;
    const json& by_event = moved.contains("firedByEvent") ? moved["firedByEvent"] : kNone;
    for (auto it = by_event.begin(); it != by_event.end() && by_event.is_object(); ++it) {
      std::printf("%s%s %llu", first ? "" : ", ", it.key().c_str(),
                  it.value().get<unsigned long long>());
      first = false;
    }
    std::printf(" in all)\n");
  }
}

}  // namespace

int RunClock(const ClockOptions& options) {
  try {
    json answer;
    if (options.action.empty()) {
      answer = CallAdmin(options, bhttp::verb::get, "/_rotor/clock", "", "rotor-clock");
    } else {
      json body = {{options.action, options.value}};
      answer = CallAdmin(options, bhttp::verb::post, "/_rotor/clock", body.dump(), "rotor-clock");
    }
    if (options.json) {
      std::printf("%s\n", answer.dump().c_str());
    } else if (options.action.empty()) {
      PrintClock(answer);
    } else {
      PrintMove(answer);
    }
    std::fflush(stdout);
    return 0;
  } catch (const AdminClientFailure& e) {
    std::fprintf(stderr, "rotor clock: %s\n", e.what());
    return 1;
  }
}

}  // namespace rotor::server::tools
