#pragma once
// A fleet survey as people and programs read it: a ranked table with what the
// figures mean and which counters were missing, CSV, and JSON. Pure.

#include <boost/json/object.hpp>
#include <string>

#include "vsphere/fleet_survey.hpp"

namespace vscsi {

// top: how many `vscsi job start` one-liners to print (the busiest disks with IO).
std::string fleet_survey_text(const vsphere::FleetSurvey& s, std::size_t top);
std::string fleet_survey_csv(const vsphere::FleetSurvey& s);
boost::json::object fleet_survey_json(const vsphere::FleetSurvey& s, std::size_t top);

}  // namespace vscsi
