#include <cstring>

#include "wsrsim/random.hpp"
#include "wsrsim/trace_reader.hpp"

namespace wsrsim::trace {
namespace {

constexpr std::size_t first_size = 64;
constexpr int first_shift = 58;  // 64 - log2(first_size)

std::uint64_t load(const char* bytes, std::size_t count) {
    std::uint64_t value = 0;
    std::memcpy(&value, bytes, count);
    return value;
}

}  // namespace

NameTable::NameTable() : slots_(first_size), shift_(first_shift) {}

// Up to 8 bytes: the name's bytes as a little-endian number, zero-padded (as
// text::eight_bytes reads them), from two overlapping 4-byte loads or the first,
// middle and last byte of a shorter name. With the length this is the name
// itself, not a hash of it. Longer names: a hash of 8 bytes per step.
std::uint64_t NameTable::key_of(std::string_view name) {
    const char* bytes = name.data();
    const std::size_t size = name.size();
    if (size >= 4 && size <= 8) return load(bytes, 4) | load(bytes + size - 4, 4) << (8 * (size - 4));
    if (size < 4) {
        if (size == 0) return 0;
        return load(bytes, 1) | load(bytes + size / 2, 1) << (8 * (size / 2)) | load(bytes + size - 1, 1) << (8 * (size - 1));
    }
    std::uint64_t hash = size;
    std::size_t at = 0;
    for (; at + 8 < size; at += 8) hash = mix64(hash ^ load(bytes + at, 8));
    return mix64(hash ^ load(bytes + size - 8, 8));
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
