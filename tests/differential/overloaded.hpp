// std::visit with one lambda per alternative.
#pragma once

namespace wsrsim {

template <class... Handlers>
struct Overloaded : Handlers... {
    using Handlers::operator()...;
};

}  // namespace wsrsim
