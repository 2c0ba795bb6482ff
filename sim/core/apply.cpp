#include "wsrsim/request.hpp"

namespace wsrsim {

Outcome apply(Host& host, const Request& request) { return std::visit(Applier{host}, request); }

}  // namespace wsrsim
