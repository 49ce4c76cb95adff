// The contract of the JSON reader (simdjson underneath) and writer (nlohmann's
// dump), and of ParseRequestBody, which turns the reader's refusals into
// SerializationException.
#include "server/wire/json_text.h"

#include <sys/mman.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <iterator>
#include <random>

#include "core/kms_error.h"
#include "server/wire/json_body.h"

using namespace rotor::server::wire;
using nlohmann::json;

namespace {
std::optional<json> Read(std::string_view s, int depth = 32) {
  JsonParseError e;
  return ReadJsonText(s, depth, &e);
}
std::string ReasonFor(std::string_view s, int depth = 32) {
  JsonParseError e;
  auto doc = ReadJsonText(s, depth, &e);
  return doc ? "" : e.message;
}
}  // namespace

TEST_CASE("The reader agrees with nlohmann on well-formed documents") {
  for (const char* text :
       {R"({"a":1,"b":[true,false,null],"c":{"d":"e"},"f":-2.5e3,"g":""})",
        R"(  [ 1 , "x\"y\\z\/\b\f\n\r\t" , {} , [] ]  )",
        R"({"u":"\u00e9\u4e2d\ud83d\ude00","big":18446744073709551615,"neg":-9223372036854775808})",
        R"("just a string")", "0", "-0", "12.5", "true", "null", " \t\r\n{}\n", "1E+2", "4e-400",
        R"({"nul":"a\u0000b"})"}) {
    INFO(text);
    auto ours = Read(text);
    REQUIRE(ours);
    CHECK(*ours == json::parse(text));
    CHECK(ours->dump() == json::parse(text).dump());  // the same types, not only equal values
  }
}

TEST_CASE("The reader refuses malformed input with a reason") {
  for (const char* text : {"",
                           "   ",
                           "{",
                           "}",
                           R"({"a")",
                           R"({"a":})",
                           R"({"a":1,})",
                           R"({"a" 1})",
                           "[1,]",
                           "01",
                           "1.",
                           "-",
                           "1e",
                           ".5",
                           "+1",
                           "0x20",
                           "NaN",
                           "Infinity",
                           "tru",
                           "nul",
                           "truex",
                           R"("abc)",
                           R"("\x")",
                           R"("\u12")",
                           R"("\ud800")",
                           R"("\udc00")",
                           R"("\udc00\ud800")",
                           R"("\ud800\u0041")",
                           "{\"a\":1} x",
                           "1 2",
                           "\"tab\there\"",
                           "[1 2]",
                           "{1:2}",
                           "{'a':1}",
                           "\f{}",               // form feed is not JSON whitespace
                           "\xef\xbb\xbf{}"}) {  // nor is a byte order mark
    INFO(text);
    JsonParseError e;
    CHECK_FALSE(ReadJsonText(text, 32, &e));
    CHECK_FALSE(e.message.empty());
  }
  std::string nul_inside("[\"a\0b\"]", 7);  // a raw NUL is a control character
  CHECK_FALSE(Read(nul_inside));
  std::string nul_after("{}\0", 3);
  CHECK_FALSE(Read(nul_after));
}

TEST_CASE("Refusals name simdjson's reason") {
  CHECK(ReasonFor("[1 2]").find("improper structure") != std::string::npos);
  CHECK(ReasonFor("\"\xff\"") == "The input is not valid UTF-8");
  CHECK(ReasonFor("1e999") == "Problem while parsing a number");
  CHECK(ReasonFor("[[1]]", 1).find("too deep") != std::string::npos);
  CHECK(ReasonFor("\"a\tb\"").find("unescaped") != std::string::npos);
}

TEST_CASE("Invalid UTF-8 is refused anywhere, valid multi-byte text kept") {
  CHECK_FALSE(Read("\"\xff\""));
  CHECK_FALSE(Read("\"\xc0\xaf\""));          // overlong '/'
  CHECK_FALSE(Read("\"\xed\xa0\x80\""));      // UTF-16 surrogate encoded in UTF-8
  CHECK_FALSE(Read("\"\xf4\x90\x80\x80\""));  // above U+10FFFF
  CHECK_FALSE(Read("\"\xe2\x82\""));          // truncated
  CHECK_FALSE(Read("{\"\xff\":1}"));          // in a member name
  CHECK_FALSE(Read("[1]\xff"));               // outside any string
  auto ok = Read("\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
  REQUIRE(ok);
  CHECK(ok->get<std::string>() == "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  // Escaped surrogate pairs become the code point's four UTF-8 bytes.
  CHECK(Read(R"("\ud83d\ude00")")->get<std::string>() == "\xf0\x9f\x98\x80");
}

TEST_CASE("Nesting beyond the limit is refused, empty arrays and objects counted too") {
  CHECK(Read("[[[[1]]]]", 4));
  CHECK_FALSE(Read("[[[[[1]]]]]", 4));
  CHECK(Read("[[[[]]]]", 4));
  CHECK_FALSE(Read("[[[[[]]]]]", 4));  // simdjson alone does not count an empty innermost level
  CHECK(Read(R"({"a":{"b":{"c":{}}}})", 4));
  CHECK_FALSE(Read(R"({"a":{"b":{"c":{"d":{}}}}})", 4));
  CHECK(Read("1", 1));
  CHECK(Read("[]", 1));
  CHECK_FALSE(Read("[[]]", 1));
  std::string deep(100000, '[');
  CHECK_FALSE(Read(deep));
  CHECK_FALSE(Read(deep + std::string(100000, ']')));
  std::string objects;
  for (int i = 0; i < 50; ++i) objects += "{\"a\":";
  CHECK_FALSE(Read(objects));
  objects += "1" + std::string(50, '}');
  CHECK_FALSE(Read(objects));
  CHECK(Read(objects, 50));
}

TEST_CASE("Numbers: 64-bit integers exact, others doubles, anything beyond refused") {
  auto v = Read(R"([18446744073709551615, -9223372036854775808, 9223372036854775807, 5, -5, -0,
                    1.5, 1e2, 4e-400, 123456789012345678901234567890e-10])");
  REQUIRE(v);
  const json& a = *v;
  CHECK(a[0].is_number_unsigned());
  CHECK(a[0].get<uint64_t>() == UINT64_MAX);
  CHECK(a[1].is_number_integer());
  CHECK(a[1].get<int64_t>() == INT64_MIN);
  CHECK(a[2].get<int64_t>() == INT64_MAX);
  CHECK(a[3].is_number_unsigned());  // every integer >= 0 is unsigned, as nlohmann's parser has it
  CHECK(a[4].get<int64_t>() == -5);
  CHECK(a[5].is_number_integer());
  CHECK(a[5].get<int64_t>() == 0);
  CHECK(a[6].is_number_float());
  CHECK(a[7].is_number_float());  // an exponent makes a double, as in nlohmann
  CHECK(a[7].get<double>() == 100.0);
  CHECK(a[8].get<double>() == 0.0);  // underflow is zero, not an error
  CHECK(a[9].get<double>() == Approx(1.2345678901234567e19));
  // Beyond 64 bits or beyond the double range: refused (the request then gets a
  // SerializationException from ParseRequestBody).
  for (const char* text :
       {"18446744073709551616", "-9223372036854775809", "99999999999999999999999",
        "-99999999999999999999999", "1e999", "-1e999", "1e309"}) {
    INFO(text);
    CHECK_FALSE(Read(text));
  }
}

TEST_CASE("A repeated member name keeps its last value") {
  auto v = Read(R"({"a":1,"b":2,"a":{"x":[3]}})");
  REQUIRE(v);
  CHECK(*v == json({{"a", {{"x", {3}}}}, {"b", 2}}));
  CHECK(Read(R"({"a":{"deep":[1]},"a":null})")->at("a").is_null());
}

TEST_CASE("The text needs no padding: the reader never reads past its end") {
  // The document ends at the last byte of a page whose neighbour is unmapped:
  // a read past the end would fault.
  const auto page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  void* mem = mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  REQUIRE(mem != MAP_FAILED);
  char* base = static_cast<char*>(mem);
  REQUIRE(mprotect(base + page, page, PROT_NONE) == 0);
  for (std::string_view text : {std::string_view(R"({"KeyId":"alias/x","Plaintext":"AAAA"})"),
                                std::string_view("[1]"), std::string_view("7")}) {
    char* start = base + page - text.size();
    std::memcpy(start, text.data(), text.size());
    auto doc = Read(std::string_view(start, text.size()));
    REQUIRE(doc);
    CHECK(*doc == json::parse(text));
  }
  munmap(mem, 2 * page);
  // A view into a longer buffer reads only the view.
  std::string buffer = R"({"a":1}{"b":2})";
  CHECK(*Read(std::string_view(buffer).substr(0, 7)) == json({{"a", 1}}));
}

TEST_CASE("Large texts and changing depth limits on one thread") {
  // Past 64 KiB the reader uses a parser of its own; below, the thread's one.
  std::string big = R"({"Description":")" + std::string(300000, 'x') + "\"}";
  auto doc = Read(big);
  REQUIRE(doc);
  CHECK(doc->at("Description").get_ref<const std::string&>().size() == 300000);
  CHECK(Read(R"({"a":[1]})"));
  CHECK_FALSE(Read("[[[1]]]", 2));
  CHECK(Read("[[[1]]]", 64));
  CHECK_FALSE(Read("[[[1]]]", 2));
  CHECK(Read(big));
  CHECK_FALSE(Read(big.substr(0, big.size() - 1)));
}

TEST_CASE("ParseRequestBody: empty is {}, anything else must be a JSON object") {
  CHECK(ParseRequestBody("") == json::object());
  CHECK(ParseRequestBody(" \r\n\t") == json::object());
  CHECK(ParseRequestBody(R"({"Limit":5})") == json({{"Limit", 5}}));
  auto refused = [](std::string_view body) {
    try {
      ParseRequestBody(body);
    } catch (const rotor::core::KmsError& e) {
      CHECK(e.code() == rotor::core::ErrorCode::kSerialization);
      return e.message();
    }
    FAIL("accepted: " << body);
    return std::string();
  };
  CHECK(refused("{not json") ==
        "The request body is not valid JSON: The JSON document has an improper structure: "
        "missing or superfluous commas, braces, missing keys, etc.");
  CHECK(refused(R"({"NumberOfBytes":1e400})") ==
        "The request body is not valid JSON: Problem while parsing a number");
  CHECK(refused(std::string(40, '[')).rfind("The request body is not valid JSON: ", 0) == 0);
  CHECK(refused("[1,2,3]") == "The request body must be a JSON object.");
  CHECK(refused("\"x\"") == "The request body must be a JSON object.");
}

TEST_CASE("The writer escapes exactly what JSON requires and round-trips") {
  json doc = {{"s", std::string("quote\" backslash\\ nl\n ctl\x01 caf\xc3\xa9 del\x7f")},
              {"n", 1764099251.123},
              {"i", -5},
              {"b", true},
              {"z", nullptr},
              {"a", json::array({1, "x"})}};
  std::string text = WriteJsonText(doc);
  CHECK(text.find("\\u0001") != std::string::npos);
  CHECK(text.find("\\\"") != std::string::npos);
  CHECK(text.find("\\n") != std::string::npos);
  CHECK(text.find("caf\xc3\xa9") != std::string::npos);  // UTF-8 passes through
  CHECK(text.find("del\x7f") != std::string::npos);      // DEL needs no escape
  CHECK(text.find(' ') == text.find(" backslash"));      // compact: no space outside strings
  CHECK(*Read(text) == doc);
  CHECK(WriteJsonText(json::object()) == "{}");
  CHECK(text.find("1764099251.123") != std::string::npos);
  std::string out = "x=";
  AppendJsonString(out, "a\"b");
  AppendJsonText(out, json::array({1, 2}));
  CHECK(out == R"(x="a\"b"[1,2])");
}

TEST_CASE("The writer's output is nlohmann's dump, byte for byte") {
  // Strings of every kind: plain ASCII of every length around the 8-byte
  // steps, with a special byte at every offset, UTF-8, bytes that are not UTF-8.
  std::mt19937 rng(11);
  const std::string pieces[] = {
      "A",    "z",   "/",    " ",    "~",        "\x7f",         "\"",
      "\\",   "\n",  "\x01", "\x1f", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
      "\xff", "\xc3"};
  for (int i = 0; i < 5000; ++i) {
    std::string s;
    size_t length = rng() % 40;
    bool plain = rng() % 2;
    for (size_t k = 0; k < length; ++k) {
      s += plain ? std::string(1, static_cast<char>('0' + rng() % 75))
                 : pieces[rng() % std::size(pieces)];
    }
    json doc = {
        {s, json::array({s, static_cast<int64_t>(rng()) - 2147483648LL,
                         static_cast<double>(rng()) / 7.0, json::object(), nullptr, false})},
        {"n", {{"k", s}, {"u", static_cast<uint64_t>(rng()) * rng()}}}};
    INFO(doc.dump(-1, ' ', true, json::error_handler_t::replace));
    REQUIRE(WriteJsonText(doc) == doc.dump(-1, ' ', false, json::error_handler_t::replace));
    std::string appended = "x";
    AppendJsonString(appended, s);
    REQUIRE(appended == "x" + json(s).dump(-1, ' ', false, json::error_handler_t::replace));
  }
}

TEST_CASE("The writer turns bytes that are not UTF-8 into U+FFFD instead of throwing") {
  std::string text = WriteJsonText(json(std::string("ok\xff")));
  CHECK(text == "\"ok\xef\xbf\xbd\"");
  CHECK(Read(text));
}

TEST_CASE("Specials at every offset of long strings survive writer and reader") {
  for (char special : {'"', '\\', '\n', '\x01', '\x1f'}) {
    for (size_t pos = 0; pos < 80; ++pos) {
      std::string s(80, 'A');
      s[pos] = special;
      std::string text = WriteJsonText(json(s));
      INFO("special " << static_cast<int>(special) << " at " << pos);
      auto back = Read(text);
      REQUIRE(back);
      CHECK(back->get<std::string>() == s);
      CHECK(json::parse(text).get<std::string>() == s);
    }
  }
  for (size_t pos = 0; pos < 80; ++pos) {  // raw control characters are refused anywhere
    std::string s(80, 'b');
    s[pos] = '\t';
    CHECK_FALSE(Read("\"" + s + "\""));
  }
  for (size_t pos = 0; pos < 80; ++pos) {  // and so is a bad UTF-8 byte, at any offset
    std::string s(80, 'b');
    s[pos] = '\x80';
    CHECK_FALSE(Read("\"" + s + "\""));
  }
  std::string utf8 = std::string(17, 'x') + "\xc3\xa9" + std::string(17, 'y');
  CHECK(Read("\"" + utf8 + "\"")->get<std::string>() == utf8);
}
