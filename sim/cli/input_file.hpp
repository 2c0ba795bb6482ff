// Opening the files a command reads, with the message a user needs when that fails.
#pragma once

#include <fstream>
#include <string_view>

namespace wsrsim::cli {

// Opens `path` for reading; on failure (missing, unreadable, a directory) prints
// "wsrsim COMMAND: cannot read PATH: REASON" and gives false.
bool open_input(std::ifstream& file, std::string_view path, std::string_view command);

}  // namespace wsrsim::cli
