#include "notify/ntfy.hpp"

#include "text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace alimi {

namespace {

std::string join(const std::vector<std::string> &items, const char *sep) {
    std::string out;
    for (const auto &i : items)
        out += (out.empty() ? "" : sep) + i;
    return out;
}

std::string actions_header(const std::vector<PushAction> &actions) {
    std::vector<std::string> parts;
    for (std::size_t i = 0; i < actions.size() && i < 3; ++i) // ntfy takes at most three
        parts.push_back(fmt::format("view, {}, {}", actions[i].label, actions[i].url));
    return join(parts, "; ");
}

Delivery make(Delivery::Kind kind, std::string detail, double wait = 0) {
    return Delivery{kind, std::move(detail), wait};
}

} // namespace

HttpRequest ntfy_request(const NotifierConfig &n, const PushMessage &m,
                         const std::string &sequence_id) {
    HttpRequest r;
    r.method = "POST";
    r.url = n.server + "/" + n.topic;
    r.expect = Expect::json;
    r.body = std::string(utf8_prefix(m.body, k_max_body_bytes));
    r.headers = {"Content-Type: text/plain; charset=utf-8", "Accept: application/json",
                 "X-Title: " + header_value(m.title), fmt::format("X-Priority: {}", m.priority)};
    if (!m.tags.empty())
        r.headers.push_back("X-Tags: " + header_value(join(m.tags, ",")));
    if (!m.click.empty())
        r.headers.push_back("X-Click: " + header_value(m.click));
    if (!m.actions.empty())
        r.headers.push_back("X-Actions: " + header_value(actions_header(m.actions)));
    if (!sequence_id.empty())
        r.headers.push_back("X-Sequence-ID: " + sequence_id);
    if (n.markdown)
        r.headers.push_back("X-Markdown: yes");
    if (!n.icon.empty())
        r.headers.push_back("X-Icon: " + header_value(n.icon));
    if (!n.token.empty())
        r.headers.push_back("Authorization: Bearer " + n.token);
    else if (!n.user.empty())
        r.headers.push_back("Authorization: Basic " + base64_encode(n.user + ":" + n.password));
    return r;
}

Delivery interpret_ntfy(const HttpResult &a) {
    const auto j = parse_small_answer(a.body);
    if (a.outcome == Outcome::ok) {
        const bool has_id = j.is_object() && j.contains("id") && j["id"].is_string();
        return make(Delivery::Kind::delivered, has_id ? j["id"].get<std::string>() : "");
    }
    long code = 0;
    std::string said;
    if (j.is_object()) {
        if (j.contains("code") && j["code"].is_number_integer())
            code = j["code"].get<long>();
        if (j.contains("error") && j["error"].is_string())
            said = one_line(j["error"].get<std::string>(), 120);
    }
    const auto why = fmt::format("{}{}{}", a.error, code ? fmt::format(", code {}", code) : "",
                                 said.empty() ? "" : ": " + said);
    if (code == 42908)
        return make(Delivery::Kind::hold, "daily message quota reached (" + why + ")", 3600);
    if (a.status == 429)
        return make(Delivery::Kind::retry, why, std::max(5.0, a.retry_after.value_or(5)));
    if (a.status == 401 || a.status == 403)
        return make(Delivery::Kind::rejected, "credentials refused (" + why + ")", 3600);
    if (a.status >= 400 && a.status < 500)
        return make(Delivery::Kind::rejected, "request refused (" + why + ")", 3600);
    return make(Delivery::Kind::retry, why);
}

} // namespace alimi
