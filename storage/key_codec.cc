#include "storage/key_codec.h"

#include <nlohmann/json.hpp>

#include "storage/sqlite_db.h"

namespace rotor::storage {
namespace {

using core::Timestamp;
using nlohmann::json;

json Ms(const std::optional<Timestamp>& t) {
  return t ? json(t->time_since_epoch().count()) : json(nullptr);
}
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

}  // namespace

std::string EncodeKeyDoc(const core::Key& k) {
  json tags = json::array();
  for (const auto& t : k.tags) tags.push_back({t.key, t.value});
  json doc = {
      {"v", 1},
      {"created", k.creation_date.time_since_epoch().count()},
      {"description", k.description},
      {"usage", core::ToString(k.usage)},
      {"spec", core::ToString(k.spec)},
      {"origin", core::ToString(k.origin)},
      {"manager", core::ToString(k.manager)},
      {"state", core::ToString(k.state)},
      {"deletion_date", Ms(k.deletion_date)},
      {"pending_window_days", k.pending_window_days ? json(*k.pending_window_days) : json(nullptr)},
      {"policy", k.policy},
      {"tags", tags},
      {"current_version", k.current_version},
      {"current_material_id", k.current_material_id},
      {"version_count", k.version_count},
      {"current_material_since", Ms(k.current_material_since)},
      {"rotation",
       {{"enabled", k.rotation.enabled},
        {"period_days", k.rotation.period_days},
        {"anchor", Ms(k.rotation.anchor)},
        {"next", Ms(k.rotation.next_rotation)}}},
      {"on_demand_rotations", k.on_demand_rotations},
      {"on_demand_started", Ms(k.on_demand_rotation_started)},
      {"on_demand_completes", Ms(k.on_demand_rotation_completes)},
      {"material_valid_to", Ms(k.material_valid_to)},
      {"revision", k.revision},
  };
  if (k.multi_region) {
    doc["multi_region"] = {{"primary_region", k.primary_region},
                           {"replica_regions", k.replica_regions}};
  }
  return doc.dump();
}

core::Key DecodeKeyDoc(const core::Scope& scope, const std::string& key_id,
                       const std::string& text) {
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
