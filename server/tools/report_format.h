// Renders a ComplianceReport: JSON for machines (GET /_rotor/report,
// `rotor report --json`) and a text table for people (`rotor report`).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/compliance_report.h"

namespace rotor::server::tools {

nlohmann::json ReportJson(const core::ComplianceReport& report);
std::string ReportText(const core::ComplianceReport& report);

}  // namespace rotor::server::tools
