// The explicit table of KMS operations: X-Amz-Target "TrentService.<Name>"
// -> handler, and whether the handler may block on a durable write (those run
// on the blocking pool so the I/O threads never wait for an fsync).
#pragma once

#include <span>
#include <string_view>

#include "server/wire/operations/operations.h"

namespace rotor::server::wire {

enum class Execution { kInline, kBlocking };

struct OperationEntry {
  std::string_view name;
  nlohmann::json (*handler)(operations::OperationContext&);
  Execution execution;
};

// Nullptr for a name that is not a KMS operation Rotor implements.
const OperationEntry* FindOperation(std::string_view name);
std::span<const OperationEntry> AllOperations();

}  // namespace rotor::server::wire
