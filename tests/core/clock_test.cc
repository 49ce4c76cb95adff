#include "core/clock.h"

#include <catch2/catch.hpp>

using namespace rotor::core;

TEST_CASE("The virtual clock never moves backwards") {
  VirtualClock clock(*ParseIso8601("2026-01-01T00:00:00Z"));
  CHECK(clock.AdvanceTo(*ParseIso8601("2027-01-01T00:00:00Z")));
  CHECK_FALSE(clock.AdvanceTo(*ParseIso8601("2026-06-01T00:00:00Z")));
  CHECK(FormatIso8601(clock.Now()) == "2027-01-01T00:00:00Z");
  CHECK(clock.AdvanceTo(clock.Now()));  // standing still is allowed
}

TEST_CASE("ISO-8601 timestamps parse and format symmetrically") {
  auto t = ParseIso8601("2026-11-25T19:34:09.123Z");
  REQUIRE(t);
  CHECK(FormatIso8601(*t) == "2026-11-25T19:34:09.123Z");
  CHECK(ParseIso8601("2026-11-25") == ParseIso8601("2026-11-25T00:00:00Z"));
  CHECK_FALSE(ParseIso8601("2026-13-01T00:00:00Z"));
  CHECK_FALSE(ParseIso8601("2026-02-30"));
  CHECK_FALSE(ParseIso8601("yesterday"));
  CHECK_FALSE(ParseIso8601("2026-11-25T19:34:09"));
}

TEST_CASE("ISO-8601 formatting pads every field and writes milliseconds only when present") {
  using std::chrono::milliseconds;
  CHECK(FormatIso8601(*ParseIso8601("0001-02-03T04:05:06.007Z")) == "0001-02-03T04:05:06.007Z");
  CHECK(FormatIso8601(*ParseIso8601("2026-12-01T23:59:59.990Z")) == "2026-12-01T23:59:59.990Z");
  CHECK(FormatIso8601(Timestamp{}) == "1970-01-01T00:00:00Z");
  CHECK(FormatIso8601(Timestamp{milliseconds(-1)}) == "1969-12-31T23:59:59.999Z");
  // Years past 9999 are written whole, as "%04d" writes them.
  CHECK(FormatIso8601(*ParseIso8601("9999-12-31T23:59:59Z") + Days(1)) == "10000-01-01T23:59:59Z");
  std::array<char, 48> buf;
  CHECK(FormatIso8601Into(buf, *ParseIso8601("2026-11-25T19:34:09Z")) == "2026-11-25T19:34:09Z");
}

TEST_CASE("Durations accept days, hours, minutes, seconds and combinations") {
  CHECK(ParseDuration("400d") == Days(400));
  CHECK(ParseDuration("1d12h") == Days(1) + std::chrono::hours(12));
  CHECK(ParseDuration("30m") == std::chrono::minutes(30));
  CHECK(ParseDuration("1500ms") == Millis(1500));
  CHECK_FALSE(ParseDuration(""));
  // A year is 365 days and a week 7, as AWS's rotation periods count them.
  CHECK(ParseDuration("1y") == Days(365));
  CHECK(ParseDuration("2w") == Days(14));
  CHECK(ParseDuration("1y1d") == Days(366));
  CHECK(ParseDuration("10y") == Days(3650));
  CHECK_FALSE(ParseDuration("5x"));
  CHECK_FALSE(ParseDuration("1yd"));
  // Bounded: a million years at most, and no sum of parts overflows.
  CHECK(ParseDuration("1000000y") == Days(365'000'000));
  CHECK_FALSE(ParseDuration("1000001y"));
  CHECK_FALSE(ParseDuration("999999999y"));
  CHECK_FALSE(ParseDuration("900000y900000y"));
  CHECK_FALSE(ParseDuration("d"));
  CHECK_FALSE(ParseDuration("99999999999999999999d"));
}
