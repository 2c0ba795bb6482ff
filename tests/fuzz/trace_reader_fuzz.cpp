// libFuzzer target: any bytes as a trace, replayed on the model. Bad input must
// end in a trace error, never a crash, a hang or a sanitizer report.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "wsrsim/replay.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::istringstream trace(std::string(reinterpret_cast<const char*>(data), size));
    wsrsim::trace::ModelHost model;
    wsrsim::trace::ReplayOptions options;
    options.file = "<fuzz>";
    wsrsim::trace::replay(trace, model.factory(), options);
    return 0;
}
