// Diagnostics on stderr. Quiet by default: cron mails whatever a job prints, so a healthy run
// prints nothing; -v adds progress, -q silences even errors (the exit status still tells).
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <vector>

namespace alimi::log {

enum class Level { quiet = -1, error = 0, info = 1, debug = 2 };

enum class Format { text, json };

void set_level(Level level);
void set_format(Format format); // json: one object per line for journald and log pipelines
// Every line is redacted of these (Config::secrets): server answers quoted in errors may echo them.
void set_secrets(std::vector<std::string> secrets);
Level level();
void write(Level level, std::string_view message);

template <typename... Args> void error(fmt::format_string<Args...> f, Args &&...args) {
    write(Level::error, fmt::format(f, std::forward<Args>(args)...));
}
// Said even under -q: a config or usage error must never hide behind an exit status alone.
template <typename... Args> void always(fmt::format_string<Args...> f, Args &&...args) {
    write(Level::quiet, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args> void info(fmt::format_string<Args...> f, Args &&...args) {
    if (level() >= Level::info)
        write(Level::info, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args> void debug(fmt::format_string<Args...> f, Args &&...args) {
    if (level() >= Level::debug)
        write(Level::debug, fmt::format(f, std::forward<Args>(args)...));
}

} // namespace alimi::log
