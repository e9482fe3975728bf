// The list of chains. Adding one: its two files (e.g. megabox.hpp/.cpp defining a Chain and
// `const Chain &megabox_chain()`), its #include here and one line in k_chains.
#include "source/chain.hpp"

#include "http_policy.hpp"
#include "source/cgv.hpp"
#include "source/cgv_legacy.hpp"

#include "text.hpp"

#include <fmt/format.h>

namespace alimi {

const std::vector<const Chain *> &chains() {
    static const std::vector<const Chain *> k_chains = {
        &cgv_chain(),
        &cgv_legacy_chain(),
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

std::string source_host(const TargetConfig &target) {
    return host_of(target.settings.api);
}

} // namespace alimi
