// A fixed set of words (trace commands, error names) found by a perfect hash
// chosen at compile time: a word's key (below) and its length, mixed by one
// multiplication, pick a slot that no two words of the set share. Finding a word
// costs one table load and one comparison, where a loop over the set would
// compare (and mispredict) once per word.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <type_traits>

namespace wsrsim {

// A word of up to eight bytes as one little-endian number, zero-padded: with the
// length, the word itself. A longer word gives its last eight bytes. At run time
// from at most two loads (two overlapping ones for four to eight bytes).
constexpr std::uint64_t word_key(std::string_view word) {
    const std::size_t size = word.size();
    if (std::is_constant_evaluated() || std::endian::native != std::endian::little) {
        const std::size_t from = size > 8 ? size - 8 : 0;
        std::uint64_t key = 0;
        for (std::size_t i = from; i < size; ++i)
            key |= std::uint64_t{static_cast<unsigned char>(word[i])} << (8 * (i - from));
        return key;
    }
    const auto load = [&](std::size_t at, std::size_t count) {
        std::uint64_t bytes = 0;
        std::memcpy(&bytes, word.data() + at, count);
        return bytes;
    };
    if (size > 8) return load(size - 8, 8);
    if (size >= 4) return load(0, 4) | load(size - 4, 4) << (8 * (size - 4));
    if (size == 0) return 0;
    return load(0, 1) | load(size / 2, 1) << (8 * (size / 2)) | load(size - 1, 1) << (8 * (size - 1));
}

// The same word: for words of up to eight bytes, one comparison of keys rather
// than a call to memcmp (replays compare a `tcp` or `udp` on many lines).
constexpr bool same_word(std::string_view a, std::string_view b) {
    return a.size() == b.size() && (a.size() > 8 ? a == b : word_key(a) == word_key(b));
}

template <std::size_t N>
class WordIndex {
    static_assert(N > 0 && N < 64, "slots hold a word's position + 1 in one byte; the table is sized for a few dozen");

public:
    // Tries multipliers from a fixed sequence until one separates every word; a
    // set none separates fails to compile (constant evaluation does not end).
    constexpr explicit WordIndex(const std::array<std::string_view, N>& words) : words_(words) {
        for (std::size_t i = 0; i < N; ++i) keys_[i] = word_key(words[i]);
        for (multiplier_ = 0x9e3779b97f4a7c15ULL;; multiplier_ += 0x5851f42d4c957f2eULL) {
            multiplier_ |= 1;
            slots_ = {};
            bool separated = true;
            for (std::size_t i = 0; i < N && separated; ++i) {
                std::uint8_t& slot = slots_[slot_of(keys_[i], words[i].size())];
                separated = slot == 0;
                slot = static_cast<std::uint8_t>(i + 1);
            }
            if (separated) return;
        }
    }

    // The word's position in the set, if it is one of them.
    std::optional<std::size_t> find(std::string_view word) const {
        const std::uint64_t key = word_key(word);
        const std::uint8_t slot = slots_[slot_of(key, word.size())];
        if (slot == 0) return std::nullopt;
        const std::size_t index = slot - 1u;
        // Key and length are a word of up to eight bytes whole; a longer one is compared.
        if (keys_[index] != key || words_[index].size() != word.size()) return std::nullopt;
        if (word.size() > 8 && !same_but_last_eight(words_[index], word)) return std::nullopt;
        return index;
    }

private:
    // Four times as many slots as words: a separating multiplier is found in a
    // few dozen tries.
    static constexpr int slot_bits = N <= 16 ? 6 : 8;

    // Two words of the same length, nine bytes or more, whose last eight (the key)
    // are equal: the same word if the rest is. Up to sixteen bytes that is the
    // first eight, one load each rather than a call to memcmp.
    static bool same_but_last_eight(std::string_view a, std::string_view b) {
        if (a.size() > 16) return std::memcmp(a.data(), b.data(), a.size() - 8) == 0;
        std::uint64_t first_a, first_b;
        std::memcpy(&first_a, a.data(), 8);
        std::memcpy(&first_b, b.data(), 8);
        return first_a == first_b;
    }

    constexpr std::size_t slot_of(std::uint64_t key, std::size_t size) const {
        return static_cast<std::size_t>(((key + size) * multiplier_) >> (64 - slot_bits));
    }

    std::array<std::string_view, N> words_;
    std::array<std::uint64_t, N> keys_{};
    std::uint64_t multiplier_ = 0;
    std::array<std::uint8_t, std::size_t{1} << slot_bits> slots_{};  // position + 1; 0: empty
};

// The index of the names in a table of entries (`name` is the member that holds
// each one's): a word found is the position of its entry.
template <class Entry, std::size_t N>
constexpr WordIndex<N> index_of_names(const std::array<Entry, N>& entries, std::string_view Entry::*name) {
    std::array<std::string_view, N> names;
    for (std::size_t i = 0; i < N; ++i) names[i] = entries[i].*name;
    return WordIndex<N>(names);
}

}  // namespace wsrsim
