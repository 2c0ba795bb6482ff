#include "input_file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

namespace wsrsim::cli {

bool open_input(std::ifstream& file, std::string_view path, std::string_view command) {
    std::error_code error;
    // A directory opens like a file on Linux and then reads as nothing.
    if (std::filesystem::is_directory(std::filesystem::path(path), error)) {
        std::cerr << "wsrsim " << command << ": cannot read " << path << ": it is a directory\n";
        return false;
    }
    file.open(std::string(path), std::ios::binary);
    if (!file) {
        std::cerr << "wsrsim " << command << ": cannot read " << path << ": " << std::strerror(errno) << '\n';
        return false;
    }
    return true;
}

}  // namespace wsrsim::cli
