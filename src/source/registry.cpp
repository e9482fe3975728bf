// The list of chains. Adding one: its two files (e.g. megabox.hpp/.cpp defining a Chain and
// `const Chain &megabox_chain()`), its #include here and one line in k_chains.
#include "source/chain.hpp"

#include "config_reader.hpp"
#include "http_policy.hpp"
#include "source/cgv.hpp"
#include "source/cgv_legacy.hpp"
#include "source/lotte.hpp"
#include "source/megabox.hpp"

#include "text.hpp"

#include <fmt/format.h>

namespace alimi {

const std::vector<const Chain *> &chains() {
    static const std::vector<const Chain *> k_chains = {
        &cgv_chain(),
        &cgv_legacy_chain(),
        &megabox_chain(),
        &lotte_chain(),
    };
    return k_chains;
}

const Chain *find_chain(std::string_view name) {
    for (const auto *c : chains())
        if (c->name() == name)
            return c;
    return nullptr;
}

const Chain &default_chain() {
    return cgv_chain();
}

std::string chain_names() {
    std::vector<std::string_view> names;
    for (const auto *c : chains())
        names.push_back(c->name());
    return join_choices(names);
}

std::string read_endpoint(TableReader &r, const char *key, const std::string &fallback,
                          const std::string &who) {
    auto url = r.string(key).value_or(fallback);
    while (url.ends_with('/'))
        url.pop_back();
    if (!is_http_url(url))
        r.error(r.find_node(key),
                fmt::format("{}: {} must be an http:// or https:// URL", who, key));
    return url;
}

std::string source_host(const TargetConfig &target) {
    return host_of(target.settings.api);
}

} // namespace alimi
