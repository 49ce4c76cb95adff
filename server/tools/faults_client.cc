#include "server/tools/faults_client.h"

#include <cstdio>
#include <utility>

namespace rotor::server::tools {
namespace {

namespace bhttp = boost::beast::http;
using nlohmann::json;

constexpr std::string_view kUserAgent = "rotor-faults";

// A JSON value as text: strings without quotes, lists joined by commas.
std::string Text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_array()) {
    std::string out;
    for (const json& e : v) out += (out.empty() ? "" : ",") + Text(e);
    return out;
  }
  return v.dump();
}

// One listed rule on one line:
//   fault-1  Encrypt,Decrypt key=alias/app  error ThrottlingException (400)  probability 0.3 seed 7
//   matched 9 fired 3
std::string Describe(const json& rule) {
  std::string line = Text(rule.value("id", json("?")));
  std::string match;
  const json& m = rule.contains("match") ? rule["match"] : json::object();
  if (m.contains("operations")) match += Text(m["operations"]);
  constexpr std::pair<const char*, const char*> kMembers[] = {
      {"keyId", "key"}, {"account", "account"}, {"region", "region"}, {"principal", "principal"}};
  for (const auto& [member, label] : kMembers) {
    if (m.contains(member)) {
      match += (match.empty() ? "" : " ") + std::string(label) + "=" + Text(m[member]);
    }
  }
  line += "  " + (match.empty() ? std::string("every request") : match);
  const json& a = rule.contains("action") ? rule["action"] : json::object();
  if (a.contains("error")) {
    line += "  error " + Text(a["error"]);
    if (a.contains("status")) line += " (" + Text(a["status"]) + ")";
  } else if (a.contains("delay")) {
    line += "  delay " + Text(a["delay"]);
  } else if (a.contains("drop")) {
    line += "  drop";
  }
  const json& f = rule.contains("frequency") ? rule["frequency"] : json::object();
  if (f.contains("probability")) {
    line += "  probability " + Text(f["probability"]) + " seed " + Text(f.value("seed", json(0)));
  } else if (f.contains("next")) {
    line += "  next " + Text(f["next"]);
  } else if (f.contains("from")) {
    line += "  from " + Text(f["from"]) + " until " + Text(f.value("until", json("")));
  } else {
    line += "  always";
  }
  if (rule.contains("matched")) {
    line += "  matched " + Text(rule["matched"]) + " fired " + Text(rule.value("fired", json(0)));
  }
  if (rule.contains("remaining")) line += " remaining " + Text(rule["remaining"]);
  return line;
}

}  // namespace

int RunFaults(const FaultsOptions& options) {
  try {
    json answer;
    if (options.action == "add") {
      answer =
          CallAdmin(options, bhttp::verb::post, "/_rotor/faults", options.rule.dump(), kUserAgent);
    } else if (options.action == "clear") {
      std::string path = "/_rotor/faults";
      if (!options.id.empty()) path += "/" + options.id;
      answer = CallAdmin(options, bhttp::verb::delete_, path, "", kUserAgent);
    } else {
      answer = CallAdmin(options, bhttp::verb::get, "/_rotor/faults", "", kUserAgent);
    }
    if (options.json) {
      std::printf("%s\n", answer.dump().c_str());
    } else if (options.action == "add") {
      std::printf("added %s\n", Describe(answer).c_str());
    } else if (options.action == "clear") {
      uint64_t removed = answer.value("removed", uint64_t{0});
      std::printf("removed %llu rule%s\n", static_cast<unsigned long long>(removed),
                  removed == 1 ? "" : "s");
    } else {
      const json& rules = answer.contains("faults") ? answer["faults"] : json::array();
      if (rules.empty()) std::printf("no fault rules\n");
      for (const json& rule : rules) std::printf("%s\n", Describe(rule).c_str());
    }
    std::fflush(stdout);
    return 0;
  } catch (const AdminClientFailure& e) {
    std::fprintf(stderr, "rotor faults: %s\n", e.what());
    return 1;
  }
}

}  // namespace rotor::server::tools
