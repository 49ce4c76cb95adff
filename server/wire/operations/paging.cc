// Request readers shared by several operations.
#include "core/kms_error.h"
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

core::Page ReadPage(const json& body) {
  return core::Page{fields::OptInt(body, "Limit"), fields::OptString(body, "Marker")};
}

void RejectRecipient(const json& body) {
  if (fields::Has(body, "Recipient")) {
    throw core::KmsError::Unsupported(
        "Rotor cannot verify Nitro Enclaves attestation documents; omit Recipient.");
  }
}

}  // namespace rotor::server::wire::operations
