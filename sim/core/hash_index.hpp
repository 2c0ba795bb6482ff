// An intrusive hash table of objects by a key that is only ever looked up, never
// searched in order: reservations by token, sockets by handle, processes by pid,
// overlapped requests by id. A table keyed by the key's (hashed) low bits finds an
// object in O(1) where a tree would walk ~log2(n) cache-cold nodes and mispredict
// a branch at every other one. The bucket array doubles as the table grows
// (amortised, not per request).
//
// Each bucket is a singly linked Boost.Intrusive list, and every key the host
// inserts is new (tokens, handles and ids are never reused; a pid is looked up
// before its process is made). So an object goes in at the front of its bucket
// without a look at what is there, where Boost's unordered_set walks the bucket
// to check the key is new: with 100,000 live reservations the objects on that
// walk are cache misses a branch waits on. Singly linked because linking in or
// out of a doubly linked list writes to the neighbours, also cold; erasing walks
// the bucket to the object instead, from a head that a lookup usually just read.
#pragma once

#include <boost/intrusive/slist.hpp>

#include <cassert>
#include <utility>
#include <vector>

#include "objects.hpp"
#include "wsrsim/random.hpp"

namespace wsrsim::core {

template <class T, HashHook T::*hook, class Key, Key (*key_of)(const T&), class Hash>
class HashIndex {
public:
    HashIndex() : buckets_(initial_buckets) {}
    HashIndex(const HashIndex&) = delete;
    HashIndex& operator=(const HashIndex&) = delete;

    T* find(Key key) const {
        for (const T& object : bucket(key))
            if (key_of(object) == key) return const_cast<T*>(&object);
        return nullptr;
    }

    // The object's key must be new.
    void insert(T& object) {
        assert(!find(key_of(object)));
        if (size_ >= buckets_.size()) grow();
        bucket(key_of(object)).push_front(object);
        ++size_;
    }

    void erase(T& object) {
        Bucket& from = bucket(key_of(object));
        from.erase(from.iterator_to(object));
        --size_;
    }

    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }

    template <class Dispose>
    void clear_and_dispose(Dispose dispose) {
        for (Bucket& each : buckets_) each.clear_and_dispose(dispose);
        size_ = 0;
    }

private:
    using Bucket = bi::slist<T, bi::member_hook<T, HashHook, hook>, bi::constant_time_size<false>, bi::linear<true>>;
    static constexpr std::size_t initial_buckets = 64;  // a power of two, as every size after

    Bucket& bucket(Key key) { return buckets_[Hash{}(key) & (buckets_.size() - 1)]; }
    const Bucket& bucket(Key key) const { return buckets_[Hash{}(key) & (buckets_.size() - 1)]; }

    // At most one object per bucket: twice as many buckets, each object moved to
    // its bucket among them. (Half full instead measured no faster, with an
    // insert that does not walk, for 10 more bytes per reservation.)
    void grow() {
        std::vector<Bucket> old = std::exchange(buckets_, std::vector<Bucket>(buckets_.size() * 2));
        for (Bucket& each : old) {
            while (!each.empty()) {
                T& object = each.front();
                each.pop_front();
                bucket(key_of(object)).push_front(object);
            }
        }
    }

    std::vector<Bucket> buckets_;
    std::size_t size_ = 0;
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
