#include "log.hpp"

#include <cstdio>

namespace alimi::log {

namespace {
Level g_level = Level::error;
}

void set_level(Level level) { g_level = level; }
Level level() { return g_level; }

void write(Level level, std::string_view message) {
    if (level > g_level) return;
    // One fwrite per line so lines of concurrent runs never interleave mid-line in a shared log.
    std::string line = "alimi: ";
    line.append(message);
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
}

} // namespace alimi::log
