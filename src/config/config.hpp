// Loading the configuration (interface.md "Config"): every problem is reported at once. The
// values it builds are core/settings.hpp.
#pragma once

#include "settings.hpp"

#include <optional>
#include <string>
#include <vector>

namespace alimi {

class TableReader;

// Parts of config.cpp that live in config_notifier.cpp.
// push_problems: what stops only the commands that push (see TableReader::push_error).
NotifierConfig read_notifier(const ConfigNode &node, std::vector<std::string> &errors,
                             const EnvLookup &env, std::vector<std::string> &push_problems);
void read_alerts(TableReader &r, Config &cfg);
// Two notifiers with one destination (NotifierConfig::destination) are a config error.
void refuse_shared_destinations(const std::vector<NotifierConfig> &notifiers,
                                std::vector<std::string> &errors);
// A `notify` list: every name a [[notifier]], none twice; who starts each error.
std::optional<std::vector<std::string>> read_notify_list(TableReader &r, const Config &cfg,
                                                         const std::string &who);

// A target's screen must be one of its chain's: the error names them.
void check_screen(TableReader &r, const TargetConfig &t);
// A target's movie, when given, is a code of digits (every chain's movie codes are).
void check_movie_code(TableReader &r, const TargetConfig &t);

// A target's filters (config_filter.cpp): read with its keys, checked once it is complete.
void read_filter(TableReader &r, TargetConfig &t);
void check_filter(TableReader &r, const TargetConfig &t);

// Validates a parsed tree; throws ConfigError listing every problem.
Config config_from_tree(const ConfigNode &root, const std::string &path, const EnvLookup &env);

// Reads, parses and validates PATH.
Config load_config(const std::string &path, const EnvLookup &env);

} // namespace alimi
