// `rotor report` and `rotor export`: tools that read a data dir directly
// (read-only, so they also work while a server runs on it).
#pragma once

#include <string>
#include <vector>

namespace rotor::server::tools {

// Both return the process exit code; they print errors to stderr.
int RunReportTool(const std::vector<std::string>& args, char** environ);
int RunExportTool(const std::vector<std::string>& args, char** environ);

}  // namespace rotor::server::tools
