// std::visit with one lambda per alternative.
#pragma once

namespace wsrsim {

template <class... Handlers>
struct Overloaded : Handlers... {
    using Handlers::operator()...;
};
// C++20 deduces this for aggregates; clang before 17 (the fuzz build) needs it said.
template <class... Handlers>
Overloaded(Handlers...) -> Overloaded<Handlers...>;

}  // namespace wsrsim
