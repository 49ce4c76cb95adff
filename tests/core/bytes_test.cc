#include "core/bytes.h"

#include <catch2/catch.hpp>

#include "core/random.h"

using namespace rotor::core;

TEST_CASE("Base64 round-trips every length and refuses malformed text") {
  SeededRandom random(3);
  for (size_t n = 0; n < 100; ++n) {
    Bytes b = random.Public(n);
    std::string text = Base64Encode(b);
    CHECK(text.size() == (n + 2) / 3 * 4);
    auto back = Base64Decode(text);
    REQUIRE(back);
    CHECK(*back == b);
    // Unpadded input is accepted too.
    std::string unpadded = text.substr(0, text.find('='));
    CHECK(Base64Decode(unpadded) == b);
  }
  CHECK(Base64Decode("aGVsbG8=") == Bytes{'h', 'e', 'l', 'l', 'o'});
  CHECK_FALSE(Base64Decode("a"));         // 1 mod 4
  CHECK_FALSE(Base64Decode("aGVs*G8="));  // bad character
  CHECK_FALSE(Base64Decode("aGVsbG9="));  // non-zero leftover bits: not canonical
  CHECK_FALSE(Base64Decode("aGVsbG8=="));
  CHECK_FALSE(Base64Decode("aG=sbG8="));
  CHECK_FALSE(Base64Decode("aGVsbG8\n"));
  // Every byte outside the alphabet is refused at each of a whole group's four
  // places and in a last, partial group; every byte inside is taken ("QUJDRA":
  // "ABC" then "D", unpadded).
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (int c = 0; c < 256; ++c) {
    size_t value = alphabet.find(static_cast<char>(c));
    bool valid = value != std::string::npos;
    for (size_t place = 0; place < 4; ++place) {
      std::string text = "QUJDRA";
      text[place] = static_cast<char>(c);
      CHECK(Base64Decode(text).has_value() == valid);
    }
    std::string first = "QUJDRA";
    first[4] = static_cast<char>(c);
    CHECK(Base64Decode(first).has_value() == valid);
    // The partial group's second character carries 4 leftover bits, which must be zero.
    std::string second = "QUJDRA";
    second[5] = static_cast<char>(c);
    CHECK(Base64Decode(second).has_value() == (valid && value % 16 == 0));
  }
}

TEST_CASE("Hex and constant-time comparison") {
  Bytes b{0x00, 0xab, 0xff};
  CHECK(HexEncode(b) == "00abff");
  CHECK(ConstantTimeEquals(b.data(), b.data(), 3));
  Bytes c{0x00, 0xab, 0xfe};
  CHECK_FALSE(ConstantTimeEquals(b.data(), c.data(), 3));
}

TEST_CASE("SecretBytes wipes and resizes") {
  SecretBytes s(8);
  s.data()[0] = 42;
  s.resize(4);
  CHECK(s.size() == 4);
  SecretBytes moved = std::move(s);
  CHECK(moved.data()[0] == 42);
}
