#include "core/clock.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <string_view>
#include <utility>

namespace rotor::core {

Timestamp SystemClock::Now() const {
  return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now());
}

Timestamp VirtualClock::Now() const {
  int64_t current = now_ms_.load(std::memory_order_acquire);
  if (source_) {
    std::optional<Timestamp> shared;
    try {
      shared = source_();
    } catch (const std::exception&) {
      // The store cannot be read now: this process's latest reading stands.
    }
    if (shared) {
      int64_t later = shared->time_since_epoch().count();
      while (later > current &&
             !now_ms_.compare_exchange_weak(current, later, std::memory_order_acq_rel)) {
      }
      if (later > current) current = later;
    }
  }
  return Timestamp(Millis(current));
}

bool VirtualClock::AdvanceTo(Timestamp t) {
  int64_t target = t.time_since_epoch().count();
  int64_t current = Now().time_since_epoch().count();
  if (target < current) return false;
  if (keeper_ && target != current) keeper_(t);
  while (target >= current) {
    if (now_ms_.compare_exchange_weak(current, target, std::memory_order_acq_rel)) return true;
  }
  return false;
}

std::string_view FormatIso8601Into(std::array<char, 48>& buf, Timestamp t) {
  using namespace std::chrono;
  auto days = floor<std::chrono::days>(t);
  year_month_day ymd{days};
  hh_mm_ss<Millis> hms{t - days};
  int year = static_cast<int>(ymd.year());
  unsigned ms = static_cast<unsigned>(hms.subseconds().count());
  if (year < 0 || year > 9999) {  // as "%04d" prints it
    int n = std::snprintf(
        buf.data(), buf.size(),
        ms ? "%04d-%02u-%02uT%02d:%02d:%02d.%03uZ" : "%04d-%02u-%02uT%02d:%02d:%02dZ", year,
        static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
        static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
        static_cast<int>(hms.seconds().count()), ms);
    return {buf.data(), n > 0 ? std::min(static_cast<size_t>(n), buf.size() - 1) : 0};
  }
  auto digits = [](char* at, unsigned v, int width) {
    for (int i = width - 1; i >= 0; --i, v /= 10) at[i] = static_cast<char>('0' + v % 10);
  };
  char* p = buf.data();
  digits(p, static_cast<unsigned>(year), 4);
  p[4] = '-';
  digits(p + 5, static_cast<unsigned>(ymd.month()), 2);
  p[7] = '-';
  digits(p + 8, static_cast<unsigned>(ymd.day()), 2);
  p[10] = 'T';
  digits(p + 11, static_cast<unsigned>(hms.hours().count()), 2);
  p[13] = ':';
  digits(p + 14, static_cast<unsigned>(hms.minutes().count()), 2);
  p[16] = ':';
  digits(p + 17, static_cast<unsigned>(hms.seconds().count()), 2);
  size_t n = 19;
  if (ms != 0) {
    p[n++] = '.';
    digits(p + n, ms, 3);
    n += 3;
  }
  p[n++] = 'Z';
  return {buf.data(), n};
}

std::string FormatIso8601(Timestamp t) {
  std::array<char, 48> buf;
  return std::string(FormatIso8601Into(buf, t));
}

std::optional<Timestamp> ParseIso8601(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &consumed) != 3 || consumed != 10) {
    return std::nullopt;
  }
  std::string rest = text.substr(10);
  if (!rest.empty()) {
    int n = 0;
    if (std::sscanf(rest.c_str(), "T%2d:%2d:%2d%n", &h, &mi, &s, &n) != 3 || n != 9)
      return std::nullopt;
    rest = rest.substr(9);
    if (!rest.empty() && rest[0] == '.') {
      size_t i = 1;
      int digits = 0;
      while (i < rest.size() && std::isdigit(static_cast<unsigned char>(rest[i]))) {
        if (digits < 3) ms = ms * 10 + (rest[i] - '0');
        ++digits;
        ++i;
      }
      if (digits == 0) return std::nullopt;
      for (int k = digits; k < 3; ++k) ms *= 10;
      rest = rest.substr(i);
    }
    if (rest != "Z" && rest != "+00:00") return std::nullopt;
  }
  using namespace std::chrono;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 59) return std::nullopt;
  return Timestamp(sys_days(ymd).time_since_epoch() + hours(h) + minutes(mi) + seconds(s) +
                   Millis(ms));
}

std::optional<Millis> ParseDuration(const std::string& text) {
  if (text.empty()) return std::nullopt;
  // Units in milliseconds; a year is 365 days, as AWS's rotation periods count it.
  static constexpr std::pair<std::string_view, int64_t> kUnits[] = {
      {"y", 365 * 86'400'000LL}, {"w", 7 * 86'400'000LL}, {"d", 86'400'000LL}, {"h", 3'600'000LL},
      {"m", 60'000LL},           {"s", 1'000LL},          {"ms", 1LL}};
  // Bounded (a million years), so no sum of parts overflows.
  constexpr int64_t kMaxMs = 1'000'000LL * 365 * 86'400'000LL;
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    int64_t value = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (value > 1'000'000'000) return std::nullopt;  // bounded: no overflow
      value = value * 10 + (text[i] - '0');
      ++i;
    }
    if (i == start) return std::nullopt;
    size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string_view unit = std::string_view(text).substr(unit_start, i - unit_start);
    auto it = std::find_if(std::begin(kUnits), std::end(kUnits),
                           [unit](const auto& u) { return u.first == unit; });
    if (it == std::end(kUnits) || value > (kMaxMs - total) / it->second) return std::nullopt;
    total += value * it->second;
  }
  return Millis(total);
}

}  // namespace rotor::core
