// Seed files on disk: local-kms's layout (Keys -> Symmetric -> Aes ->
// Metadata/BackingKeys, Asymmetric -> Rsa/Ecc -> PrivateKeyPem, Aliases) plus
// Rotor's own fields (rotation settings, material history, key state, tags),
// as YAML or JSON. docs/seed-files.md is the reference.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/ids.h"
#include "core/seed.h"

namespace rotor::server::seed {

// Reads a YAML (.yaml/.yml) or JSON file. Throws core::SeedError whose
// message names the file, the entry and the problem.
core::SeedDocument ReadSeedFile(const std::string& path, const core::Scope& default_scope);
core::SeedDocument ParseSeedText(const std::string& text, bool yaml, const std::string& name,
                                 const core::Scope& default_scope);

// The document of a YAML (every scalar a string) or JSON text, for the files
// Rotor reads at start (seed files, the credentials file). Throws
// core::SeedError "<name>: not valid YAML: ..." / "<name>: not valid JSON: ...".
nlohmann::json ReadDocumentText(const std::string& text, bool yaml, const std::string& name);
// The text of the file at `path` and its format: JSON when the name ends in
// .json, else YAML. Throws core::SeedError "<path>: cannot be read".
struct DocumentFile {
  std::string text;
  bool yaml = true;
};
DocumentFile ReadDocumentFile(const std::string& path);

// The same layout, for `rotor export`.
std::string WriteSeedText(const core::SeedDocument& doc, bool yaml);

}  // namespace rotor::server::seed
