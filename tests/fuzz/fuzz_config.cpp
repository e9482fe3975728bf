// libFuzzer: the config loader, TOML and JSON, through validation. ConfigError is the expected
// way out; anything else (a crash, another exception, a sanitizer report) is a finding.
#include "config.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string text(reinterpret_cast<const char *>(data), size);
    const alimi::EnvLookup env = [](const std::string &) -> std::optional<std::string> {
        return "tk_fuzz";
    };
    for (const bool json : {false, true}) {
        try {
            const auto tree = json ? alimi::parse_json_config(text, "f.json")
                                   : alimi::parse_toml_config(text, "f.toml");
            (void)alimi::config_from_tree(tree, json ? "f.json" : "f.toml", env);
        } catch (const alimi::ConfigError &) {
        }
    }
    return 0;
}
