// The benchmark cases every backend runs, registered once per backend so the
// model and a real OS backend are measured by the same code in the same run.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "wsrsim/backend.hpp"

namespace wsrsim::bench {

using BackendFactory = std::function<std::unique_ptr<Backend>()>;

// Registers "<case>/<backend>/<live reservations>" for each case.
void register_backend_cases(const std::string& backend_name, const BackendFactory& make_backend);

// Registers the model-only measurements (memory per live reservation).
void register_model_memory_cases();

}  // namespace wsrsim::bench
