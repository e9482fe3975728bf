#include "log.hpp"

#include "text.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>

namespace alimi::log {

namespace {
Level g_level = Level::error;
Format g_format = Format::text;
std::vector<std::string> g_secrets;

const char *level_name(Level level) {
    switch (level) {
    case Level::error:
        return "error";
    case Level::info:
        return "info";
    case Level::debug:
        return "debug";
    default:
        return "quiet";
    }
}
} // namespace

void set_level(Level level) {
    g_level = level;
}
void set_format(Format format) {
    g_format = format;
}
void set_secrets(std::vector<std::string> secrets) {
    g_secrets = std::move(secrets);
}
Level level() {
    return g_level;
}

void write(Level level, std::string_view raw) {
    if (level > g_level)
        return;
    const auto message = redact(std::string(raw), g_secrets);
    // One fwrite per line so lines of concurrent runs never interleave mid-line in a shared log.
    std::string line;
    if (g_format == Format::json) {
        const auto now =
            std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
                .count();
        line =
            nlohmann::json{{"time", now}, {"level", level_name(level)}, {"message", message}}.dump(
                -1, ' ', false, nlohmann::json::error_handler_t::replace) +
            "\n";
    } else {
        line = "alimi: ";
        line.append(terminal_safe(message));
        line += '\n';
    }
    std::fwrite(line.data(), 1, line.size(), stderr);
}

} // namespace alimi::log
