#include "core/encryption_context.h"

namespace rotor::core {
namespace {
void PutU32(Bytes& out, size_t v) {
  out.push_back(static_cast<uint8_t>(v >> 24));
  out.push_back(static_cast<uint8_t>(v >> 16));
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}
void PutString(Bytes& out, const std::string& s) {
  PutU32(out, s.size());
  out.insert(out.end(), s.begin(), s.end());
}
}  // namespace

Bytes CanonicalEncryptionContext(const EncryptionContext& context) {
  Bytes out;
  PutU32(out, context.size());
  for (const auto& [key, value] : context) {  // std::map iterates in byte order
    PutString(out, key);
    PutString(out, value);
  }
  return out;
}

}  // namespace rotor::core
