// `alimi init`: a starter config a new user can run at once, with a ntfy topic nobody else has.
#include "commands.hpp"

#include "chain.hpp"
#include "config.hpp"
#include "config_tree.hpp"
#include "http_policy.hpp"
#include "online_check.hpp"
#include "paths.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <random>

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace alimi {

namespace {

// Anyone who knows a topic on a public ntfy server reads its pushes: 16 random letters and
// digits (about 82 bits) make it unguessable.
std::string random_topic() {
    static constexpr std::string_view k_alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
    std::random_device random;
    std::uniform_int_distribution<std::size_t> pick(0, k_alphabet.size() - 1);
    std::string topic = "alimi-";
    for (int i = 0; i < 16; ++i)
        topic += k_alphabet[pick(random)];
    return topic;
}

std::string starter_config(const InitOptions &opt, const std::string &topic) {
    const auto &chain = opt.chain.empty() ? default_chain() : *find_chain(opt.chain);
    const auto theater = opt.theater.empty() ? std::string(chain.example_theater()) : opt.theater;
    const auto screen =
        opt.screen.empty() && opt.movie.empty() ? chain.screens().front() : opt.screen;
    // The chain's own table takes the API base; the legacy endpoint, the target's url.
    const auto section = opt.api.empty() || chain.section().empty()
                             ? std::string()
                             : fmt::format("\n[{}]\napi = \"{}\"\n", chain.section(), opt.api);
    auto text = fmt::format(
        R"(# Written by `alimi init`. Check it with `alimi validate --online`, see what the target
# sees with `alimi test {name}`, then run `alimi check` every minute (README: cron, systemd).
{section}
[[notifier]]
name = "phone"
server = "https://ntfy.sh"
topic = "{topic}"   # yours alone: subscribe to it in the ntfy app

[[target]]
name = "{name}"
source = "{chain}"
theater = "{theater}"        # find codes with: alimi theaters NAME --chain {chain}
)",
        fmt::arg("topic", topic), fmt::arg("name", "my-target"), fmt::arg("chain", chain.name()),
        fmt::arg("theater", theater), fmt::arg("section", section));
    if (!opt.api.empty() && chain.section().empty())
        text += fmt::format("url = \"{}\"\n", opt.api);
    if (!screen.empty())
        text += fmt::format("screen = \"{}\"          # one of: {}\n", screen,
                            fmt::join(chain.screens(), ", "));
    if (!opt.movie.empty())
        text += fmt::format("movie = \"{}\"     # find codes with: alimi movies {} --chain {}\n",
                            opt.movie, theater, chain.name());
    return text;
}

// Writes a file that did not exist, atomically and for its owner only (the topic is the secret):
// the text goes to a private temporary file beside it, which is then linked to the name. link()
// never replaces anything, a dangling symlink included, so of several inits at once exactly one
// writes and the others are told the file exists.
void write_new_file(const std::string &path, const std::string &text) {
    const auto file = std::filesystem::path(path);
    std::error_code ec;
    if (const auto dir = file.parent_path(); !dir.empty())
        std::filesystem::create_directories(dir, ec);
    auto temp = (file.parent_path() / ("." + file.filename().string() + ".XXXXXX")).string();
    const int fd = ::mkstemp(temp.data()); // mode 0600
    if (fd < 0)
        throw UsageError(
            fmt::format("{}: cannot write the config ({})", path, std::strerror(errno)));
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    const bool synced = written && ::fsync(fd) == 0;
    ::close(fd);
    const int linked = synced ? ::link(temp.c_str(), path.c_str()) : -1;
    const int err = errno;
    ::unlink(temp.c_str());
    if (linked == 0)
        return;
    if (synced && err == EEXIST)
        throw UsageError(fmt::format("{} exists; not overwritten (move it away first)", path));
    throw UsageError(fmt::format("{}: cannot write the config ({})", path, std::strerror(err)));
}

// Looks the codes up when the site answers, as `validate --online` does (one look: init must not
// hang on a site that is down): a theater it does not list is refused before anything is written
// (exit 2); a movie it does not list is a note; a site that cannot be asked is said, and init
// goes on.
std::string look_up_codes(Config cfg) {
    cfg.http.retries = 0;
    cfg.http.timeout = std::min(cfg.http.timeout, 5.0);
    const auto &t = cfg.targets.front();
    OnlineCheck check(cfg);
    if (const auto problems = check.problems(t); !problems.empty()) {
        const auto &why = problems.front(); // "PATH:LINE: target ...": the file is not there yet
        throw UsageError(fmt::format("init: {}; nothing written", why.substr(why.find(": ") + 2)));
    }
    if (check.unreachable > 0)
        return fmt::format("could not check the codes (offline, or {} did not answer); check "
                           "them later with: alimi validate --online\n",
                           host_of(cfg.defaults_of(t.chain->lister()).api));
    return fmt::format("theater {}: {} {}\n", t.theater, t.chain->lister().display_name(),
                       check.theater_name(t));
}

} // namespace

int cmd_init(const Globals &g, const InitOptions &opt) {
    if (!opt.chain.empty() && !find_chain(opt.chain))
        throw UsageError(fmt::format("unknown chain '{}' (one of {})", opt.chain, chain_names()));
    const auto env = process_env();
    const auto named = env("ALIMI_CONFIG");
    const auto path = g.config                   ? *g.config
                      : named && !named->empty() ? *named
                                                 : default_config_path(env);
    std::error_code exists_ec; // a dangling symlink exists too: it is not followed
    if (std::filesystem::exists(std::filesystem::symlink_status(path, exists_ec)))
        throw UsageError(fmt::format("{} exists; not overwritten (move it away first)", path));
    const auto topic = random_topic();
    const auto text = starter_config(opt, topic);
    // Refused before anything is written: a bad theater code or screen is said now.
    std::optional<Config> cfg;
    try {
        cfg = config_from_tree(parse_toml_config(text, path), path, env);
    } catch (const ConfigError &e) {
        const auto &why = e.problems().front();
        throw UsageError(fmt::format("init: {}; nothing written", why.substr(why.find(": ") + 2)));
    }
    const auto looked_up = opt.offline ? std::string() : look_up_codes(*cfg);
    write_new_file(path, text);
    std::cout << looked_up
              << fmt::format(
                     "wrote {}\n"
                     "subscribe to your pushes: https://ntfy.sh/{} in a browser or the ntfy app, "
                     "or: ntfy "
                     "subscribe {}\n"
                     "then: alimi test my-target, and run alimi check every minute (see README)\n",
                     path, topic, topic);
    return k_exit_ok;
}

} // namespace alimi
