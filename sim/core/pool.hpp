// A free-list pool: objects live in fixed chunks, so intrusive hooks never move,
// and a request that needs an object reuses a freed slot instead of allocating.
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <vector>

namespace wsrsim::core {

template <class T, std::size_t ChunkSize = 256>
class Pool {
public:
    Pool() = default;
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;
    // Objects still alive at destruction are the owner's to destroy first.
    ~Pool() = default;

    // Default-initialised: the objects' member initialisers set what they need,
    // and value-initialising would zero the whole object first, on every create.
    T* create() {
        if (free_ == nullptr) grow();
        Slot* slot = free_;
        free_ = slot->next;
        return ::new (static_cast<void*>(slot->storage)) T;
    }

    void destroy(T* object) {
        object->~T();
        Slot* slot = std::launder(reinterpret_cast<Slot*>(object));
        slot->next = free_;
        free_ = slot;
    }

private:
    union Slot {
        Slot* next;
        alignas(T) std::byte storage[sizeof(T)];
    };

    void grow() {
        chunks_.push_back(std::make_unique<Slot[]>(ChunkSize));
        Slot* chunk = chunks_.back().get();
        for (std::size_t i = ChunkSize; i-- > 0;) {
            chunk[i].next = free_;
            free_ = &chunk[i];
        }
    }

    std::vector<std::unique_ptr<Slot[]>> chunks_;
    Slot* free_ = nullptr;
};

}  // namespace wsrsim::core
