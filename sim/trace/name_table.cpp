#include <cstring>

#include "wsrsim/random.hpp"
#include "wsrsim/trace_reader.hpp"
#include "wsrsim/word_index.hpp"

namespace wsrsim::trace {
namespace {

constexpr std::size_t first_size = 64;
constexpr int first_shift = 58;  // 64 - log2(first_size)

std::uint64_t load8(const char* bytes) {
    std::uint64_t value;
    std::memcpy(&value, bytes, 8);
    return value;
}

}  // namespace

NameTable::NameTable() : slots_(first_size), shift_(first_shift) {}

// Up to 8 bytes: the name itself (word_key, the bytes text::eight_bytes reads).
// Longer names: a hash of 8 bytes per step, so names that differ only in the
// middle do not share a key.
std::uint64_t NameTable::key_of(std::string_view name) {
    const char* bytes = name.data();
    const std::size_t size = name.size();
    if (size <= 8) return word_key(name);
    std::uint64_t hash = size;
    std::size_t at = 0;
    for (; at + 8 < size; at += 8) hash = mix64(hash ^ load8(bytes + at));
    return mix64(hash ^ load8(bytes + size - 8));
}

NameId NameTable::intern(std::string_view name) {
    const std::uint64_t key = key_of(name);
    if (const Slot& slot = slots_[slot_for(name, key)]; slot.id != no_name) return slot.id;
    if (2 * (names_.size() + 1) > slots_.size()) grow();
    const auto id = static_cast<NameId>(names_.size());
    names_.emplace_back(name);
    slots_[slot_for(name, key)] = Slot{key, static_cast<std::uint32_t>(name.size()), id};
    return id;
}

void NameTable::grow() {
    std::vector<Slot> old(2 * slots_.size());
    old.swap(slots_);
    --shift_;
    for (const Slot& slot : old)
        if (slot.id != no_name) slots_[slot_for(names_[slot.id], slot.key)] = slot;
}

}  // namespace wsrsim::trace
