#include "wsrsim/host_state_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace wsrsim::trace {
namespace {

constexpr std::string_view magic = "wsrsim-host-state";
constexpr std::string_view checksum_key = "checksum ";

std::uint64_t fnv1a(std::string_view bytes) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (unsigned char byte : bytes) {
        hash ^= byte;
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

std::string hex(std::uint64_t value) {
    char digits[16];
    const auto end = std::to_chars(digits, digits + sizeof digits, value, 16).ptr;
    return std::string(16 - static_cast<std::size_t>(end - digits), '0') + std::string(digits, end);
}

std::vector<std::string_view> words_of(std::string_view line) {
    std::vector<std::string_view> words;
    while (!line.empty()) {
        const std::size_t start = line.find_first_not_of(' ');
        if (start == std::string_view::npos) break;
        line.remove_prefix(start);
        const std::size_t end = std::min(line.find(' '), line.size());
        words.push_back(line.substr(0, end));
        line.remove_prefix(end);
    }
    return words;
}

std::optional<std::uint64_t> number(std::string_view text, int base = 10) {
    std::uint64_t value = 0;
    const auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    if (status != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return value;
}

// Reads the lines between the header and the checksum into a snapshot.
class BodyReader {
public:
    std::optional<std::string> read(std::uint64_t line_number, std::string_view line) {
        const auto words = words_of(line);
        const std::string where = "line " + std::to_string(line_number) + ": ";
        if (words.empty()) return where + "an empty line";
        const std::string_view key = words[0];
        std::vector<std::uint64_t> values;
        std::optional<Transport> transport;
        for (std::size_t i = 1; i < words.size(); ++i) {
            if (i == 1 && (key == "range" || key == "persistent")) {
                transport = parse_transport(words[1]);
                if (!transport) return where + "'" + std::string(words[1]) + "' is not tcp or udp";
                continue;
            }
            const auto value = number(words[i]);
            if (!value) return where + "'" + std::string(words[i]) + "' is not a number";
            values.push_back(*value);
        }
        if (key == "seed" && values.size() == 1 && !seen_seed_) {
            snapshot_.seed = values[0];
            seen_seed_ = true;
        } else if (key == "tokens-drawn" && values.size() == 1 && !seen_tokens_) {
            snapshot_.tokens_drawn = values[0];
            seen_tokens_ = true;
        } else if (key == "rng" && values.size() == 4 && !seen_rng_) {
            std::copy(values.begin(), values.end(), snapshot_.rng_state.begin());
            seen_rng_ = true;
        } else if (key == "range" && transport && values.size() == 2 && fits(values, 65536)) {
            bool& seen = *transport == Transport::tcp ? seen_tcp_ : seen_udp_;
            if (seen) return where + "a second range for " + std::string(transport_name(*transport));
            (*transport == Transport::tcp ? snapshot_.tcp_range : snapshot_.udp_range) =
                DynamicRange{static_cast<std::uint32_t>(values[0]), static_cast<std::uint32_t>(values[1])};
            seen = true;
        } else if (key == "persistent" && transport && values.size() == 2 && fits(values, 65535)) {
            snapshot_.persistent.push_back(PersistentBlock{
                *transport, PortBlock{static_cast<Port>(values[0]), static_cast<Port>(values[1])}});
        } else {
            return where + "'" + std::string(line) + "' is not a line of a saved host";
        }
        return std::nullopt;
    }

    std::variant<HostSnapshot, std::string> finish() const {
        if (!seen_seed_ || !seen_tokens_ || !seen_rng_ || !seen_tcp_ || !seen_udp_)
            return std::string("a seed, tokens-drawn, rng, range tcp or range udp line is missing");
        return snapshot_;
    }

private:
    static bool fits(const std::vector<std::uint64_t>& values, std::uint64_t limit) {
        return std::all_of(values.begin(), values.end(), [limit](std::uint64_t v) { return v <= limit; });
    }

    HostSnapshot snapshot_;
    bool seen_seed_ = false, seen_tokens_ = false, seen_rng_ = false, seen_tcp_ = false, seen_udp_ = false;
};

std::string system_error(std::string_view what, const std::string& path) {
    return "cannot " + std::string(what) + " " + path + ": " + std::strerror(errno);
}

// write() until everything is written: it may write less than asked.
bool write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t written = ::write(fd, bytes.data(), bytes.size());
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(written));
    }
    return true;
}

// The rename is only lasting once the directory itself is on disk.
bool sync_directory(const std::filesystem::path& directory) {
    const int fd = ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    return synced;
}

}  // namespace

std::string format_host_state(const HostSnapshot& snapshot) {
    std::ostringstream body;
    body << magic << ' ' << host_state_version << '\n'
         << "seed " << snapshot.seed << '\n'
         << "tokens-drawn " << snapshot.tokens_drawn << '\n'
         << "rng";
    for (std::uint64_t word : snapshot.rng_state) body << ' ' << word;
    body << '\n'
         << "range tcp " << snapshot.tcp_range.start << ' ' << snapshot.tcp_range.count << '\n'
         << "range udp " << snapshot.udp_range.start << ' ' << snapshot.udp_range.count << '\n';
    for (const PersistentBlock& saved : snapshot.persistent)
        body << "persistent " << transport_name(saved.transport) << ' ' << saved.block.start << ' '
             << saved.block.count << '\n';
    std::string text = body.str();
    text += std::string(checksum_key) + hex(fnv1a(text)) + '\n';
    return text;
}

std::variant<HostSnapshot, std::string> parse_host_state(std::string_view text) {
    const std::size_t header_end = text.find('\n');
    const auto header = words_of(text.substr(0, header_end));
    if (header.size() != 2 || header[0] != magic) return std::string("not a saved wsrsim host (no header line)");
    const auto version = number(header[1]);
    if (!version) return "the version '" + std::string(header[1]) + "' is not a number";
    if (*version > host_state_version)
        return "version " + std::to_string(*version) + " is newer than this wsrsim reads (" +
               std::to_string(host_state_version) + ")";
    if (*version == 0) return std::string("version 0 does not exist");

    // The checksum line is the last line, whole, with nothing after it.
    if (text.empty() || text.back() != '\n') return std::string("truncated: the file does not end with a whole line");
    const std::size_t last_start = text.rfind('\n', text.size() - 2) + 1;
    const std::string_view last = text.substr(last_start, text.size() - 1 - last_start);
    if (last_start <= header_end || !last.starts_with(checksum_key))
        return std::string("truncated: the checksum line is missing");
    const auto stored = number(last.substr(checksum_key.size()), 16);
    if (!stored) return std::string("the checksum line is malformed");
    if (*stored != fnv1a(text.substr(0, last_start))) return std::string("checksum mismatch: the file is corrupt");

    BodyReader reader;
    std::uint64_t line_number = 1;
    std::string_view body = text.substr(header_end + 1, last_start - header_end - 1);
    while (!body.empty()) {
        const std::size_t end = body.find('\n');
        if (auto problem = reader.read(++line_number, body.substr(0, end))) return *problem;
        body.remove_prefix(end + 1);
    }
    return reader.finish();
}

LoadedHostState load_host_state(const std::string& path) {
    std::error_code error;
    if (!std::filesystem::exists(path, error) && !error) return {};
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    if (!file || !(text << file.rdbuf()) || std::filesystem::is_directory(path, error))
        return {std::nullopt, system_error("read", path)};
    auto parsed = parse_host_state(text.str());
    if (auto* problem = std::get_if<std::string>(&parsed)) return {std::nullopt, path + ": " + *problem};
    return {std::get<HostSnapshot>(std::move(parsed)), {}};
}

std::optional<std::string> save_host_state(const std::string& path, const HostSnapshot& snapshot) {
    const std::filesystem::path target(path);
    const std::filesystem::path temporary =
        target.parent_path() / ("." + target.filename().string() + ".tmp." + std::to_string(::getpid()));
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return system_error("create", temporary.string());
    const bool written = write_all(fd, format_host_state(snapshot)) && ::fsync(fd) == 0;
    const int write_errno = errno;
    const bool closed = ::close(fd) == 0;
    if (!written || !closed) {
        if (!written) errno = write_errno;  // the first failure is the one to report
        const std::string problem = system_error("write", temporary.string());
        ::unlink(temporary.c_str());
        return problem;
    }
    if (::rename(temporary.c_str(), target.c_str()) != 0) {
        const std::string problem = system_error("replace", path);
        ::unlink(temporary.c_str());
        return problem;
    }
    if (!sync_directory(target.parent_path())) return system_error("flush the directory of", path);
    return std::nullopt;
}

}  // namespace wsrsim::trace
