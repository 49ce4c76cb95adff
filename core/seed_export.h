// ExportSeed: the current state as a seed document (`rotor export`). Key
// material is included only when a sealer is given, i.e. when the user asked
// for it explicitly (--include-material).
#pragma once

#include "core/key_inventory.h"
#include "core/key_sealer.h"
#include "core/seed.h"

namespace rotor::core {

SeedDocument ExportSeed(KeyInventory& inventory, KeyRepository& repo, const KeySealer* sealer);

}  // namespace rotor::core
