# Writes OUTPUT, a C++ file defining rotor::server::wire::kKmsModelJson with the
# contents of INPUT, split into chunks that stay under compiler literal limits.
file(READ ${INPUT} content)
string(LENGTH "${content}" len)
set(out "// Generated from ${INPUT}; do not edit.\n#include <string_view>\nnamespace rotor::server::wire {\nextern const std::string_view kKmsModelJson;\nstatic const char kData[] =\n")
set(pos 0)
while(pos LESS len)
  string(SUBSTRING "${content}" ${pos} 8000 chunk)
  string(APPEND out "R\"rotor_model(${chunk})rotor_model\"\n")
  math(EXPR pos "${pos} + 8000")
endwhile()
string(APPEND out ";\nconst std::string_view kKmsModelJson(kData, sizeof(kData) - 1);\n}  // namespace rotor::server::wire\n")
file(WRITE ${OUTPUT} "${out}")
