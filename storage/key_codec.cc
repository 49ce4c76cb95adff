#include "storage/key_codec.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "storage/sqlite_db.h"

namespace rotor::storage {
namespace {

using core::Timestamp;
using nlohmann::json;

std::optional<Timestamp> OptMs(const json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return Timestamp(core::Millis(it->get<int64_t>()));
}
template <typename E>
E EnumField(const json& j, const char* name) {
  std::optional<E> v = core::Parse<E>(j.at(name).get<std::string>());
  if (!v) throw StorageError(std::string("bad enum in key record: ") + name);
  return *v;
}

// The record is written as text, member by member, in the order nlohmann's
// std::map gives (names sorted bytewise), so the bytes are those
// nlohmann::json's dump() of the same members made before: building that DOM
// and serialising it cost ~100,000 instructions per key row on the
// group-commit writer, this a tenth (bench/RESULTS.md, "Durable writes").
class DocWriter {
 public:
  // `name` is a member name (plain ASCII); the first member opens nothing.
  DocWriter& Name(const char* name) {
    if (!first_) out_.push_back(',');
    first_ = false;
    out_.push_back('"');
    out_ += name;
    out_ += "\":";
    return *this;
  }
  void String(std::string_view s) {
    // Strings of printable ASCII without '"' or '\\' (ids, enums) are copied;
    // the others (policies, descriptions, tags) escaped by nlohmann, which
    // throws on invalid UTF-8 as dump() did.
    bool plain = std::all_of(s.begin(), s.end(), [](unsigned char c) {
      return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
    });
    if (plain) {
      out_.push_back('"');
      out_ += s;
      out_.push_back('"');
    } else {
      out_ += json(s).dump();
    }
  }
  void Int(int64_t v) { out_ += std::to_string(v); }
  void Uint(uint64_t v) { out_ += std::to_string(v); }
  void Bool(bool v) { out_ += v ? "true" : "false"; }
  void Null() { out_ += "null"; }
  void Time(const std::optional<Timestamp>& t) {
    if (t) {
      Int(t->time_since_epoch().count());
    } else {
      Null();
    }
  }
  void Raw(char c) { out_.push_back(c); }
  // Opens a nested object: its first member follows without a comma.
  void Open() {
    out_.push_back('{');
    first_ = true;
  }
  std::string Take() && { return std::move(out_); }

 private:
  std::string out_ = "{";
  bool first_ = true;
};

// Reads back the record as EncodeKeyDoc writes it (its members in its
// order, ASCII text), without a DOM: nlohmann's parse of a ~900-byte record
// cost ~110,000 instructions on the group-commit writer, which reads the key
// back in every update (bench/RESULTS.md, "Durable writes"). Anything else
// (an older record without a member, non-ASCII text, a value out of range)
// makes Read() return nullopt, and DecodeKeyDoc then parses with nlohmann.
class DocReader {
 public:
  explicit DocReader(std::string_view text) : s_(text) {}

  std::optional<core::Key> Read(const core::Scope& scope, const std::string& key_id) {
    core::Key k;
    k.scope = scope;
    k.id = key_id;
    std::optional<Timestamp> created;
    bool ok = Lit('{') && First("created") && Time(created) && created &&
              Name("current_material_id") && String(k.current_material_id) &&
              Name("current_material_since") && Time(k.current_material_since) &&
              Name("current_version") && Uint32(k.current_version) && Name("deletion_date") &&
              Time(k.deletion_date) && Name("description") && String(k.description) &&
              Name("manager") && Enum(k.manager) && Name("material_valid_to") &&
              Time(k.material_valid_to);
    if (ok && Peek(",\"multi_region\":")) {
      k.multi_region = true;
      ok = Name("multi_region") && Lit('{') && First("primary_region") &&
           String(k.primary_region) && Name("replica_regions") && Lit('[');
      while (ok && !Lit(']')) {
        if (!k.replica_regions.empty()) ok = Lit(',');
        ok = ok && String(k.replica_regions.emplace_back());
      }
      ok = ok && Lit('}');
    }
    ok = ok && Name("on_demand_completes") && Time(k.on_demand_rotation_completes) &&
         Name("on_demand_rotations") && Int(k.on_demand_rotations) && Name("on_demand_started") &&
         Time(k.on_demand_rotation_started) && Name("origin") && Enum(k.origin) &&
         Name("pending_window_days");
    if (ok && !Null()) ok = Int(k.pending_window_days.emplace());
    ok = ok && Name("policy") && String(k.policy) && Name("revision") && Uint64(k.revision) &&
         Name("rotation") && Lit('{') && First("anchor") && Time(k.rotation.anchor) &&
         Name("enabled") && Bool(k.rotation.enabled) && Name("next") &&
         Time(k.rotation.next_rotation) && Name("period_days") && Int(k.rotation.period_days) &&
         Lit('}') && Name("spec") && Enum(k.spec) && Name("state") && Enum(k.state) &&
         Name("tags") && Lit('[');
    while (ok && !Lit(']')) {
      if (!k.tags.empty()) ok = Lit(',');
      core::Tag& t = k.tags.emplace_back();
      ok = ok && Lit('[') && String(t.key) && Lit(',') && String(t.value) && Lit(']');
    }
    ok = ok && Name("usage") && Enum(k.usage) && Peek(",\"v\":1,") && Name("v") && Lit('1') &&
         Name("version_count") && Uint32(k.version_count) && Lit('}') && i_ == s_.size();
    if (!ok) return std::nullopt;
    k.creation_date = *created;
    return k;
  }

 private:
  bool Lit(char c) {
    if (i_ >= s_.size() || s_[i_] != c) return false;
    ++i_;
    return true;
  }
  bool Peek(std::string_view text) const { return s_.substr(i_, text.size()) == text; }
  bool Skip(std::string_view text) {
    if (!Peek(text)) return false;
    i_ += text.size();
    return true;
  }
  // ,"name": (First: the first member of an object, without the comma)
  bool Name(std::string_view name) { return Lit(',') && First(name); }
  bool First(std::string_view name) { return Lit('"') && Skip(name) && Skip("\":"); }
  bool Null() { return Skip("null"); }
  bool Bool(bool& out) {
    if (Skip("true")) {
      out = true;
      return true;
    }
    if (Skip("false")) {
      out = false;
      return true;
    }
    return false;
  }
  template <typename T>
  bool Number(T& out) {
    auto [end, ec] = std::from_chars(s_.data() + i_, s_.data() + s_.size(), out);
    if (ec != std::errc() || end == s_.data() + i_) return false;
    i_ = static_cast<size_t>(end - s_.data());
    return true;
  }
  bool Int(int& out) { return Number(out); }
  bool Uint32(uint32_t& out) { return Number(out); }
  bool Uint64(uint64_t& out) { return Number(out); }
  bool Time(std::optional<Timestamp>& out) {
    if (Null()) return true;
    int64_t ms = 0;
    if (!Number(ms)) return false;
    out = Timestamp(core::Millis(ms));
    return true;
  }
  template <typename E>
  bool Enum(E& out) {
    std::string text;
    if (!String(text)) return false;
    std::optional<E> v = core::Parse<E>(text);
    if (v) out = *v;
    return v.has_value();
  }
  // A string of ASCII; of the escapes, those dump() writes for ASCII.
  bool String(std::string& out) {
    if (!Lit('"')) return false;
    out.clear();
    while (i_ < s_.size()) {
      auto c = static_cast<unsigned char>(s_[i_++]);
      if (c == '"') return true;
      if (c < 0x20 || c >= 0x80) return false;
      if (c != '\\') {
        out.push_back(static_cast<char>(c));
        continue;
      }
      if (i_ >= s_.size()) return false;
      // The one-letter escapes, and what each stands for.
      static constexpr std::string_view kEscapes = "\"\\/bfnrt";
      static constexpr std::string_view kMeanings = "\"\\/\b\f\n\r\t";
      char e = s_[i_++];
      if (size_t at = kEscapes.find(e); at != std::string_view::npos) {
        out.push_back(kMeanings[at]);
        continue;
      }
      // \uXXXX: dump() writes it for control characters only.
      unsigned code = 0;
      if (e != 'u' || i_ + 4 > s_.size()) return false;
      auto [end, ec] = std::from_chars(s_.data() + i_, s_.data() + i_ + 4, code, 16);
      if (ec != std::errc() || end != s_.data() + i_ + 4 || code >= 0x80) return false;
      i_ += 4;
      out.push_back(static_cast<char>(code));
    }
    return false;
  }

  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

std::string EncodeKeyDoc(const core::Key& k) {
  DocWriter w;
  w.Name("created").Int(k.creation_date.time_since_epoch().count());
  w.Name("current_material_id").String(k.current_material_id);
  w.Name("current_material_since").Time(k.current_material_since);
  w.Name("current_version").Uint(k.current_version);
  w.Name("deletion_date").Time(k.deletion_date);
  w.Name("description").String(k.description);
  w.Name("manager").String(core::ToString(k.manager));
  w.Name("material_valid_to").Time(k.material_valid_to);
  if (k.multi_region) {
    w.Name("multi_region").Open();
    w.Name("primary_region").String(k.primary_region);
    w.Name("replica_regions").Raw('[');
    for (size_t i = 0; i < k.replica_regions.size(); ++i) {
      if (i > 0) w.Raw(',');
      w.String(k.replica_regions[i]);
    }
    w.Raw(']');
    w.Raw('}');
  }
  w.Name("on_demand_completes").Time(k.on_demand_rotation_completes);
  w.Name("on_demand_rotations").Int(k.on_demand_rotations);
  w.Name("on_demand_started").Time(k.on_demand_rotation_started);
  w.Name("origin").String(core::ToString(k.origin));
  w.Name("pending_window_days");
  if (k.pending_window_days) {
    w.Int(*k.pending_window_days);
  } else {
    w.Null();
  }
  w.Name("policy").String(k.policy);
  w.Name("revision").Uint(k.revision);
  w.Name("rotation").Open();
  w.Name("anchor").Time(k.rotation.anchor);
  w.Name("enabled").Bool(k.rotation.enabled);
  w.Name("next").Time(k.rotation.next_rotation);
  w.Name("period_days").Int(k.rotation.period_days);
  w.Raw('}');
  w.Name("spec").String(core::ToString(k.spec));
  w.Name("state").String(core::ToString(k.state));
  w.Name("tags").Raw('[');
  for (size_t i = 0; i < k.tags.size(); ++i) {
    if (i > 0) w.Raw(',');
    w.Raw('[');
    w.String(k.tags[i].key);
    w.Raw(',');
    w.String(k.tags[i].value);
    w.Raw(']');
  }
  w.Raw(']');
  w.Name("usage").String(core::ToString(k.usage));
  w.Name("v").Int(1);
  w.Name("version_count").Uint(k.version_count);
  w.Raw('}');
  return std::move(w).Take();
}

core::Key DecodeKeyDoc(const core::Scope& scope, const std::string& key_id,
                       const std::string& text) {
  if (std::optional<core::Key> k = DocReader(text).Read(scope, key_id)) return std::move(*k);
  try {
    json j = json::parse(text);
    core::Key k;
    k.scope = scope;
    k.id = key_id;
    k.creation_date = Timestamp(core::Millis(j.at("created").get<int64_t>()));
    k.description = j.at("description").get<std::string>();
    k.usage = EnumField<core::KeyUsage>(j, "usage");
    k.spec = EnumField<core::KeySpec>(j, "spec");
    k.origin = EnumField<core::Origin>(j, "origin");
    k.manager = EnumField<core::KeyManager>(j, "manager");
    k.state = EnumField<core::KeyState>(j, "state");
    k.deletion_date = OptMs(j, "deletion_date");
    if (!j.at("pending_window_days").is_null())
      k.pending_window_days = j["pending_window_days"].get<int>();
    k.policy = j.at("policy").get<std::string>();
    for (const auto& t : j.at("tags"))
      k.tags.push_back({t.at(0).get<std::string>(), t.at(1).get<std::string>()});
    k.current_version = j.at("current_version").get<uint32_t>();
    k.current_material_id = j.at("current_material_id").get<std::string>();
    k.version_count = j.at("version_count").get<uint32_t>();
    k.current_material_since = OptMs(j, "current_material_since");  // absent in older records
    const json& r = j.at("rotation");
    k.rotation.enabled = r.at("enabled").get<bool>();
    k.rotation.period_days = r.at("period_days").get<int>();
    k.rotation.anchor = OptMs(r, "anchor");
    k.rotation.next_rotation = OptMs(r, "next");
    k.on_demand_rotations = j.at("on_demand_rotations").get<int>();
    k.on_demand_rotation_started = OptMs(j, "on_demand_started");
    k.on_demand_rotation_completes = OptMs(j, "on_demand_completes");
    k.material_valid_to = OptMs(j, "material_valid_to");
    k.revision = j.at("revision").get<uint64_t>();
    if (auto mr = j.find("multi_region"); mr != j.end()) {  // absent: a single-Region key
      k.multi_region = true;
      k.primary_region = mr->at("primary_region").get<std::string>();
      k.replica_regions = mr->at("replica_regions").get<std::vector<std::string>>();
    }
    return k;
  } catch (const json::exception& e) {
    throw StorageError("corrupt key record " + key_id + ": " + e.what());
  }
}

}  // namespace rotor::storage
