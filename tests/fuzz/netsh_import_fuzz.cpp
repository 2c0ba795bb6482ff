// libFuzzer target: any bytes as pasted netsh output, read and recreated on a host.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "wsrsim/netsh_import.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::istringstream pasted(std::string(reinterpret_cast<const char*>(data), size));
    const wsrsim::trace::ImportedTables tables = wsrsim::trace::read_netsh_tables(pasted);
    wsrsim::Host host;
    wsrsim::ModelBackend backend(host);
    wsrsim::trace::recreate_host(backend, tables);
    return 0;
}
