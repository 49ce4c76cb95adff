// KmsService::RunDueEvents: the work that falls due with time, decided here in
// core (never in storage): automatic rotations, completions of delayed
// on-demand rotations, and the end of deletion windows.
#include "core/kms_error.h"
#include "core/kms_service.h"

namespace rotor::core {
namespace {
constexpr size_t kDueBatch = 256;
}

std::optional<ServiceEvent> KmsService::FireDue(KeyTransaction& tx, const DueKey& due,
                                                std::optional<Timestamp>* next_event,
                                                std::vector<ServiceEvent>* replicated) {
  std::optional<Key> stored = tx.GetKey(due.scope, due.key_id);
  if (!stored) return std::nullopt;
  Key key = std::move(*stored);
  std::optional<Timestamp> at = key.NextEventTime();
  if (!at || *at > due.due) return std::nullopt;  // changed since it was listed

  ServiceEvent event;
  event.scope = key.scope;
  event.key_id = key.id;
  event.time = *at;
  if (key.state == KeyState::kPendingDeletion) {
    tx.DeleteKey(key.scope, key.id, *at);
    ForgetRelated(tx, key, *at);
    usage_.Forget(key.scope, key.id);
    event.kind = ServiceEventKind::kDeleteKey;
    next_event->reset();
    return event;
  }
  // Stamped with its due instant, so a clock jump of three periods leaves
  // three versions dated one period apart.
  // A multi-Region primary's rotated version goes to its replicas below, in
  // this transaction, once the schedule has moved on.
  KeyMaterialVersion rotated;
  SecretBytes material;
  auto rotate = [&](RotationType type) {
    KeyRing ring(std::move(key));
    KeyMaterialVersion v;
    v.created = *at;
    v.rotation_type = type;
    rotated = AddVersion(tx, ring, std::move(v), nullptr, &material);
    key = std::move(ring).TakeKey();
    event.kind = ServiceEventKind::kRotateKey;
    event.rotation_type = type;
    event.key_material_ids = {rotated.material_id};
  };
  // A replica rotates only with its primary (ShareWithRelated), never here.
  const bool rotates = !key.IsReplica();
  if (rotates && key.on_demand_rotation_completes && *key.on_demand_rotation_completes == *at) {
    rotate(RotationType::kOnDemand);
    key.on_demand_rotation_started.reset();
    key.on_demand_rotation_completes.reset();
  } else if (rotates && key.rotation.enabled && key.rotation.next_rotation &&
             *key.rotation.next_rotation == *at) {
    rotate(RotationType::kAutomatic);
    AdvanceAfterRotation(key.rotation, key.id, *at, config_.jitter);
  } else if (key.material_valid_to && *key.material_valid_to == *at) {
    // Imported material whose ValidTo has passed: AWS deletes it and the key
    // waits in PendingImport for the same material (KeyRing::ExpireImported).
    KeyRing ring = WholeRing(tx, std::move(key));
    KeyRing::Rows expired = ring.ExpireImported(*at);
    PutRows(tx, ring.key(), expired, nullptr);
    key = std::move(ring).TakeKey();
    event.kind = ServiceEventKind::kDeleteExpiredKeyMaterial;
    for (const KeyMaterialVersion& v : expired) event.key_material_ids.push_back(v.material_id);
  } else {
    return std::nullopt;
  }
  if (!rotated.material_id.empty() && key.IsPrimary()) {
    *replicated = ShareWithRelated(tx, key, &rotated, &material);
  }
  ++key.revision;
  tx.PutKey(key);
  *next_event = key.NextEventTime();
  return event;
}

std::vector<ServiceEvent> KmsService::RunDueEvents(Timestamp until, size_t max_events) {
  std::lock_guard lock(scheduler_mu_);
  std::vector<ServiceEvent> fired;
  while (fired.size() < max_events) {
    std::vector<DueKey> due = repo_.DueKeys(until, kDueBatch);
    if (due.empty()) break;
    std::vector<ServiceEvent> batch;
    cache_.Write([&](KeyTransaction& tx) {
      batch.clear();
      // Fire in global time order: stop the batch before any event that is
      // later than an event this batch itself has just scheduled.
      std::optional<Timestamp> earliest_new;
      for (const DueKey& d : due) {
        if (earliest_new && *earliest_new < d.due) break;
        if (fired.size() + batch.size() >= max_events) break;
        std::optional<Timestamp> next;
        std::vector<ServiceEvent> replicated;
        std::optional<ServiceEvent> event = FireDue(tx, d, &next, &replicated);
        if (event) batch.push_back(std::move(*event));
        for (ServiceEvent& e : replicated) batch.push_back(std::move(e));
        if (next && *next <= until && (!earliest_new || *next < *earliest_new)) earliest_new = next;
      }
    });
    if (batch.empty()) break;  // nothing progressed: stale index entries only
    for (ServiceEvent& e : batch) {
      if (listener_) listener_->OnServiceEvent(e);
      fired.push_back(std::move(e));
    }
  }
  return fired;
}

std::optional<Timestamp> KmsService::NextEventTime() {
  // Each key's next event is Key::NextEventTime, stored with the key (replicas
  // count no rotation of their own), so the store's minimum is the next event.
  return repo_.EarliestEvent();
}

}  // namespace rotor::core
