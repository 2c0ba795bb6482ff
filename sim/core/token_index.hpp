// Reservations by token. Tokens are uniformly scrambled 64-bit values, so a hash
// table keyed by their low bits finds one in O(1) where a tree would walk ~log2(n)
// cache-cold nodes; the bucket array doubles as reservations grow (amortised, not
// per request).
#pragma once

#include <boost/intrusive/unordered_set.hpp>

#include <vector>

#include "objects.hpp"

namespace wsrsim::core {

class TokenIndex {
public:
    TokenIndex() : buckets_(initial_buckets), set_(BucketTraits(buckets_.data(), buckets_.size())) {}
    TokenIndex(const TokenIndex&) = delete;
    TokenIndex& operator=(const TokenIndex&) = delete;

    Reservation* find(Token token) const {
        auto it = set_.find(token);
        return it == set_.end() ? nullptr : const_cast<Reservation*>(&*it);
    }

    void insert(Reservation& reservation) {
        if (set_.size() >= buckets_.size()) grow();
        set_.insert(reservation);
    }

    void erase(Reservation& reservation) { set_.erase(set_.iterator_to(reservation)); }
    std::size_t size() const { return set_.size(); }

    template <class Dispose>
    void clear_and_dispose(Dispose dispose) { set_.clear_and_dispose(dispose); }

private:
    struct IdentityHash {
        std::size_t operator()(Token token) const { return static_cast<std::size_t>(token); }
    };
    using Set = bi::unordered_set<
        Reservation, bi::member_hook<Reservation, TokenHook, &Reservation::by_token>,
        bi::key_of_value<KeyOf<Reservation, Token, reservation_token>>, bi::hash<IdentityHash>,
        bi::power_2_buckets<true>, bi::constant_time_size<true>>;
    using BucketTraits = Set::bucket_traits;
    static constexpr std::size_t initial_buckets = 64;

    void grow() {
        std::vector<Set::bucket_type> bigger(buckets_.size() * 2);
        set_.rehash(BucketTraits(bigger.data(), bigger.size()));
        buckets_.swap(bigger);
    }

    std::vector<Set::bucket_type> buckets_;
    Set set_;
};

}  // namespace wsrsim::core
