#include "server/wire/json_text.h"

#include <catch2/catch.hpp>

using namespace rotor::server::wire;
using nlohmann::json;

namespace {
std::optional<json> Read(std::string_view s, int depth = 32) {
  JsonParseError e;
  return ReadJsonText(s, depth, &e);
}
}  // namespace

TEST_CASE("The reader agrees with nlohmann on well-formed documents") {
  for (const char* text :
       {R"({"a":1,"b":[true,false,null],"c":{"d":"e"},"f":-2.5e3,"g":""})",
        R"(  [ 1 , "x\"y\\z\/\b\f\n\r\t" , {} , [] ]  )",
        R"({"u":"\u00e9\u4e2d\ud83d\ude00","big":18446744073709551615,"neg":-9223372036854775808})",
        R"("just a string")", "0", "-0", "12.5", "true"}) {
    INFO(text);
    auto ours = Read(text);
    REQUIRE(ours);
    CHECK(*ours == json::parse(text));
  }
}

TEST_CASE("The reader refuses malformed input with a reason") {
  for (const char* text : {"",
                           "{",
                           "}",
                           R"({"a")",
                           R"({"a":})",
                           R"({"a":1,})",
                           "[1,]",
                           "01",
                           "1.",
                           "-",
                           "1e",
                           "tru",
                           "nul",
                           R"("abc)",
                           R"("\x")",
                           R"("\u12")",
                           R"("\ud800")",
                           R"("\udc00")",
                           "{\"a\":1} x",
                           "\"tab\there\"",
                           "[1 2]",
                           "{1:2}"}) {
    INFO(text);
    JsonParseError e;
    CHECK_FALSE(ReadJsonText(text, 32, &e));
    CHECK_FALSE(e.message.empty());
  }
}

TEST_CASE("Invalid UTF-8 in strings is refused, valid multi-byte text kept") {
  CHECK_FALSE(Read("\"\xff\""));
  CHECK_FALSE(Read("\"\xc0\xaf\""));          // overlong '/'
  CHECK_FALSE(Read("\"\xed\xa0\x80\""));      // UTF-16 surrogate encoded in UTF-8
  CHECK_FALSE(Read("\"\xf4\x90\x80\x80\""));  // above U+10FFFF
  CHECK_FALSE(Read("\"\xe2\x82\""));          // truncated
  auto ok = Read("\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
  REQUIRE(ok);
  CHECK(ok->get<std::string>() == "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
}

TEST_CASE("Nesting beyond the limit is refused without deep recursion") {
  CHECK(Read("[[[[1]]]]", 4));
  CHECK_FALSE(Read("[[[[[1]]]]]", 4));
  std::string deep(100000, '[');
  CHECK_FALSE(Read(deep));
  std::string objects;
  for (int i = 0; i < 50; ++i) objects += "{\"a\":";
  CHECK_FALSE(Read(objects));
}

TEST_CASE("Integers beyond 64 bits become floats, the validator's cue for SerializationException") {
  auto v = Read("99999999999999999999999");
  REQUIRE(v);
  CHECK(v->is_number_float());
  CHECK_FALSE(Read("1e999"));
}

TEST_CASE("The writer escapes exactly what JSON requires and round-trips") {
  json doc = {{"s", std::string("quote\" backslash\\ nl\n ctl\x01 caf\xc3\xa9")},
              {"n", 1764099251.123},
              {"i", -5},
              {"b", true},
              {"z", nullptr},
              {"a", json::array({1, "x"})}};
  std::string text = WriteJsonText(doc);
  CHECK(text.find("\\u0001") != std::string::npos);
  CHECK(text.find("caf\xc3\xa9") != std::string::npos);  // UTF-8 passes through
  CHECK(json::parse(text) == doc);
  CHECK(WriteJsonText(json::object()) == "{}");
  CHECK(text.find("1764099251.123") != std::string::npos);
}

TEST_CASE("Word-at-a-time scanning finds specials at every offset of long strings") {
  for (char special : {'"', '\\', '\n', '\x01', '\x1f'}) {
    for (size_t pos = 0; pos < 40; ++pos) {
      std::string s(40, 'A');
      s[pos] = special;
      std::string text = WriteJsonText(json(s));
      INFO("special " << static_cast<int>(special) << " at " << pos);
      auto back = Read(text);
      REQUIRE(back);
      CHECK(back->get<std::string>() == s);
      CHECK(json::parse(text).get<std::string>() == s);
    }
  }
  for (size_t pos = 0; pos < 40; ++pos) {  // raw control characters are refused anywhere
    std::string s(40, 'b');
    s[pos] = '\t';
    CHECK_FALSE(Read("\"" + s + "\""));
  }
  std::string utf8 = std::string(17, 'x') + "\xc3\xa9" + std::string(17, 'y');
  CHECK(Read("\"" + utf8 + "\"")->get<std::string>() == utf8);
}
