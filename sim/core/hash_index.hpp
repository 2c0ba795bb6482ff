// An intrusive hash table of objects by a key that is only ever looked up, never
// searched in order: reservations by token, sockets by handle, processes by pid,
// overlapped requests by id. A table keyed by the key's (hashed) low bits finds an
// object in O(1) where a tree would walk ~log2(n) cache-cold nodes and mispredict
// a branch at every other one. The bucket array doubles as the table grows
// (amortised, not per request).
#pragma once

#include <boost/intrusive/unordered_set.hpp>

#include <vector>

#include "objects.hpp"
#include "wsrsim/random.hpp"

namespace wsrsim::core {

template <class T, HashHook T::*hook, class Key, Key (*key_of)(const T&), class Hash>
class HashIndex {
public:
    HashIndex() : buckets_(initial_buckets), set_(BucketTraits(buckets_.data(), buckets_.size())) {}
    HashIndex(const HashIndex&) = delete;
    HashIndex& operator=(const HashIndex&) = delete;

    T* find(Key key) const {
        auto it = set_.find(key);
        return it == set_.end() ? nullptr : const_cast<T*>(&*it);
    }

    // At most one object per two buckets: inserting walks the object's bucket to
    // check the key is new, and with 100,000 live reservations every object on
    // the way is a cache miss (at most half full rather than full: acquire+release
    // 6-13% faster there, for 10 more bytes of buckets per reservation).
    void insert(T& object) {
        if (2 * set_.size() >= buckets_.size()) grow();
        set_.insert(object);
    }

    void erase(T& object) { set_.erase(set_.iterator_to(object)); }
    std::size_t size() const { return set_.size(); }
    bool empty() const { return set_.empty(); }

    template <class Dispose>
    void clear_and_dispose(Dispose dispose) { set_.clear_and_dispose(dispose); }

private:
    using Set = bi::unordered_set<T, bi::member_hook<T, HashHook, hook>, bi::key_of_value<KeyOf<T, Key, key_of>>,
                                  bi::hash<Hash>, bi::power_2_buckets<true>, bi::constant_time_size<true>>;
    using BucketTraits = typename Set::bucket_traits;
    static constexpr std::size_t initial_buckets = 64;

    void grow() {
        std::vector<typename Set::bucket_type> bigger(buckets_.size() * 2);
        set_.rehash(BucketTraits(bigger.data(), bigger.size()));
        buckets_.swap(bigger);
    }

    std::vector<typename Set::bucket_type> buckets_;
    Set set_;
};

// Keys the host makes whose low bits already differ: tokens are scrambled values,
// request ids count up.
struct IdentityHash {
    std::size_t operator()(std::uint64_t key) const { return static_cast<std::size_t>(key); }
};

// Handles are consecutive multiples of 4: a quarter of one lands every socket
// opened in a row in a bucket of its own.
struct HandleHash {
    std::size_t operator()(SocketHandle handle) const { return static_cast<std::size_t>(handle / 4); }
};

// Pids come from the trace, in whatever pattern it likes (multiples of
// 1024, say): scrambled first, no pattern piles them into one bucket.
struct ScrambledHash {
    std::size_t operator()(std::uint64_t key) const { return static_cast<std::size_t>(mix64(key)); }
};

using TokenIndex = HashIndex<Reservation, &Reservation::by_token, Token, reservation_token, IdentityHash>;
using SocketsByHandle = HashIndex<Socket, &Socket::by_handle, SocketHandle, socket_handle, HandleHash>;
using ProcessesByPid = HashIndex<Process, &Process::by_pid, Pid, process_pid, ScrambledHash>;
using RequestsById = HashIndex<OverlappedRequest, &OverlappedRequest::by_id, RequestId, request_id, IdentityHash>;

}  // namespace wsrsim::core
