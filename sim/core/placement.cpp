#include "placement.hpp"

#include "wsrsim/decisions.hpp"

namespace wsrsim::core {
namespace {

std::uint32_t resume_point(const DynamicRange& range, std::uint32_t cursor) {
    return range.contains(cursor) ? cursor : range.start;
}

// From the cursor on, wrapping once to the start of the range.
std::optional<Port> first_fit_from(const PortSpace& space, std::uint32_t cursor,
                                   std::uint32_t length) {
    const DynamicRange& range = space.range();
    if (auto start = space.fit_at_or_after(resume_point(range, cursor), length)) return start;
    return space.fit_at_or_after(range.start, length);
}

// Uniform over every start where `length` free ports fit (see decisions.hpp).
std::optional<Port> uniform_fit(const PortSpace& space, Rng& rng, std::uint32_t length) {
    const DynamicRange& range = space.range();
    if (space.longest_free_run() < length) return std::nullopt;
    const std::uint32_t candidates = range.count - length + 1;
    for (int draw = 0; draw < decision::random_draws; ++draw) {
        const auto start = static_cast<Port>(range.start + rng.below(candidates));
        if (space.is_free(PortBlock{start, static_cast<Port>(length)})) return start;
    }
    return space.nth_fitting_start(rng.below(space.fitting_starts(length)), length);
}

// Right after the last wildcard block when the coin says so and the block fits
// there, else a `random` start (decisions.hpp). The coin is drawn every time, so
// the draws a host makes do not depend on whether continuing succeeds.
std::optional<Port> clustered_fit(const PortSpace& space, Rng& rng, std::uint32_t cursor,
                                  std::uint32_t length) {
    const bool continue_run = rng.below(100) < decision::clustered_continue_percent;
    const DynamicRange& range = space.range();
    // The cursor is 0, outside every range, until the host's first wildcard block.
    const bool after_a_block = range.contains(cursor) && cursor + length - 1 <= range.last();
    const PortBlock right_after{static_cast<Port>(cursor), static_cast<Port>(length)};
    if (continue_run && after_a_block && space.is_free(right_after)) return right_after.start;
    return uniform_fit(space, rng, length);
}

}  // namespace

std::optional<Port> place_wildcard(const PortSpace& space, WildcardPlacement placement,
                                   Cursors& cursors, Rng& rng, std::uint32_t length) {
    std::optional<Port> start;
    switch (placement) {
    case WildcardPlacement::first_fit:
        start = space.fit_at_or_after(space.range().start, length);
        break;
    case WildcardPlacement::next_fit:
        start = first_fit_from(space, cursors.next_fit, length);
        break;
    case WildcardPlacement::random:
        start = uniform_fit(space, rng, length);
        break;
    case WildcardPlacement::clustered:
        start = clustered_fit(space, rng, cursors.next_fit, length);
        break;
    }
    if (start) cursors.next_fit = *start + length;
    return start;
}

std::optional<Port> pick_ephemeral(const PortSpace& space, EphemeralPolicy policy,
                                   Cursors& cursors, Rng& rng) {
    const std::optional<Port> port = policy == EphemeralPolicy::sequential
                                         ? first_fit_from(space, cursors.ephemeral, 1)
                                         : uniform_fit(space, rng, 1);
    if (port) cursors.ephemeral = *port + 1u;
    return port;
}

}  // namespace wsrsim::core
