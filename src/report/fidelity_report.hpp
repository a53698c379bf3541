#pragma once
// `vscsi validate` output: the score table as text and JSON. Pure.

#include <boost/json/object.hpp>
#include <string>

#include "analysis/fidelity_score.hpp"

namespace vscsi {

std::string human_fidelity(const FidelityScore& score);
boost::json::object fidelity_to_json(const FidelityScore& score);

}  // namespace vscsi
