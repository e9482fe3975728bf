#include "telegram.hpp"

#include "config_reader.hpp"
#include "text.hpp"
#include "utf8.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace alimi {

namespace {

// Apprise's token and chat forms (chains-and-channels.md B1, B6). Ids can pass 32 bits but
// stay under 53, so 16 digits hold them and they fit a long long.
bool all_of(std::string_view s, bool (*ok)(char)) {
    return std::all_of(s.begin(), s.end(), ok);
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool is_word(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

// 1-20 digits, ':', then 20-100 of A-Z a-z 0-9 _ -.
// The shape BotFather hands out; a token of another shape is refused when the config is
// read, instead of every push failing with 401 later.
bool is_bot_token(std::string_view t) {
    const auto colon = t.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 20)
        return false;
    const auto secret = t.substr(colon + 1);
    return all_of(t.substr(0, colon), is_digit) && secret.size() >= 20 && secret.size() <= 100 &&
           all_of(secret, is_word);
}

// -?digits (at most 16), or @ and a name starting with a letter or _.
bool is_chat_id(std::string_view c) {
    if (c.starts_with('@')) {
        const auto name = c.substr(1);
        return name.size() >= 4 && name.size() <= 65 && !is_digit(name[0]) && name[0] != '-' &&
               all_of(name, [](char ch) { return is_word(ch) && ch != '-'; });
    }
    const auto digits = c.starts_with('-') ? c.substr(1) : c;
    return !digits.empty() && digits.size() <= 16 && all_of(digits, is_digit);
}

// tgram://TOKEN/CHAT[:THREAD] (the token may carry Apprise's "bot" prefix).
// A URL with the token in it is a secret of the file's: noted for the chmod advice.
void read_tgram_url(TableReader &r, TelegramSettings &s, const std::string &url,
                    const std::string &who) {
    r.note_secret("url");
    const auto bad = [&] {
        r.error(r.find_node("url"),
                fmt::format("{}: url must be tgram://BOT_TOKEN/CHAT_ID[:THREAD_ID]", who));
    };
    if (!url.starts_with("tgram://"))
        return bad();
    const auto rest = url.substr(8);
    const auto slash = rest.find('/');
    if (slash == std::string::npos)
        return bad();
    s.bot_token =
        rest.substr(rest.starts_with("bot") ? 3 : 0, slash - (rest.starts_with("bot") ? 3 : 0));
    auto chat = rest.substr(slash + 1);
    if (const auto colon = chat.find(':'); colon != std::string::npos) {
        const auto thread = chat.substr(colon + 1);
        chat.resize(colon);
        if (thread.empty() || thread.size() > 18 ||
            thread.find_first_not_of("0123456789") != std::string::npos)
            return bad();
        s.thread_id = std::stoll(thread);
    }
    s.chat_id = chat;
}

// chat_id as a number (TOML integer) or a string.
std::string read_chat_id(TableReader &r) {
    const auto *node = r.find_node("chat_id");
    if (node && node->kind == ConfigNode::Kind::integer) {
        r.get("chat_id", ConfigNode::Kind::integer);
        return std::to_string(node->integer);
    }
    return r.required_string("chat_id");
}

void read_keys(TableReader &r, TelegramSettings &s, const std::string &who, const EnvLookup &env) {
    s.bot_token = read_secret(r, "bot_token", who, env);
    if (!r.find_node("bot_token") && !r.find_node("bot_token_env"))
        r.error(nullptr, fmt::format("{}: telegram needs bot_token or bot_token_env", who));
    s.chat_id = read_chat_id(r);
    if (const auto *t = r.get("thread_id", ConfigNode::Kind::integer))
        s.thread_id = t->integer;
}

TelegramSettings read_telegram(TableReader &r, const NotifierConfig &n, const EnvLookup &env) {
    TelegramSettings s;
    const auto who = fmt::format("notifier '{}'", n.name);
    if (const auto url = r.string("url"))
        read_tgram_url(r, s, *url, who);
    else
        read_keys(r, s, who, env);
    if (const auto *silent = r.get("silent", ConfigNode::Kind::boolean))
        s.silent = silent->boolean;
    s.api = r.string("api").value_or(s.api);
    while (s.api.ends_with('/'))
        s.api.pop_back();
    if (!is_http_url(s.api))
        r.error(r.find_node("api"), fmt::format("{}: api must be an http:// or https:// URL", who));
    // Never quote the token: say what shape it should have.
    if (!s.bot_token.empty() && !is_bot_token(s.bot_token))
        r.error(r.find_node(r.find_node("url") ? "url" : "bot_token"),
                fmt::format("{}: bot_token is not a bot token (digits, ':', then 20 or more "
                            "letters, digits, _ or -, as @BotFather gives it)",
                            who));
    if (!s.chat_id.empty() && !is_chat_id(s.chat_id))
        r.error(r.find_node(r.find_node("url") ? "url" : "chat_id"),
                fmt::format("{}: chat_id '{}' must be a number (negative for groups) or "
                            "@channelname",
                            who, one_line(s.chat_id, 40)));
    return s;
}

// Whole lines of body that fit in budget UTF-16 units, with a count of the lines left out.
// The 30 units kept free are for the "... and N more lines" note, so the cut text plus its
// note still fits Telegram's limit.
std::string cut_lines(const std::string &body, std::size_t budget) {
    if (utf16_units(body) <= budget)
        return body;
    std::string kept;
    std::size_t at = 0, left = 0;
    for (;;) {
        const auto end = body.find('\n', at);
        const auto line = body.substr(at, end == std::string::npos ? end : end - at);
        const auto candidate = kept.empty() ? line : kept + "\n" + line;
        if (left > 0 || utf16_units(candidate) + 30 > budget)
            ++left;
        else
            kept = candidate;
        if (end == std::string::npos)
            break;
        at = end + 1;
    }
    return fmt::format("{}\n... and {} more line{}", kept, left, left == 1 ? "" : "s");
}

// The part before the colon names the bot and grants nothing, so logs may show it.
std::string bot_id(const TelegramSettings &s) {
    return s.bot_token.substr(0, s.bot_token.find(':'));
}

class TelegramChannel final : public Channel {
  public:
    std::string_view type() const override { return "telegram"; }
    std::shared_ptr<const ChannelSettings> read(TableReader &r, const NotifierConfig &n,
                                                const EnvLookup &env) const override {
        return std::make_shared<const TelegramSettings>(read_telegram(r, n, env));
    }
    HttpRequest request(const NotifierConfig &n, const PushMessage &m,
                        const std::string &) const override {
        auto r = telegram_request(n.settings_as<TelegramSettings>(), m);
        r.display = fmt::format("telegram {}", where(n)); // the path holds the token
        return r;
    }
    Delivery interpret(const HttpResult &answer) const override {
        return interpret_telegram(answer);
    }
    std::string where(const NotifierConfig &n) const override {
        const auto &s = n.settings_as<TelegramSettings>();
        return fmt::format("telegram chat {}{} via bot {}", s.chat_id,
                           s.thread_id ? fmt::format(" topic {}", s.thread_id) : "", bot_id(s));
    }
    std::string fingerprint_text(const NotifierConfig &n) const override {
        const auto &s = n.settings_as<TelegramSettings>();
        return fmt::format("telegram\n{}\n{}\n{}\n{}\n{}", s.api, s.bot_token, s.chat_id,
                           s.thread_id, s.silent);
    }
    // One bot writing to one chat (and topic) is one destination, whichever Bot API server.
    std::string destination_text(const NotifierConfig &n) const override {
        const auto &s = n.settings_as<TelegramSettings>();
        return fmt::format("telegram\n{}\n{}\n{}", s.bot_token, s.chat_id, s.thread_id);
    }
    // The whole token and its secret half: an error may quote either.
    std::vector<std::string> secrets(const NotifierConfig &n) const override {
        const auto &token = n.settings_as<TelegramSettings>().bot_token;
        return {token, token.substr(token.find(':') + 1)};
    }
    bool claims_url(std::string_view url) const override { return url.starts_with("tgram://"); }
};

} // namespace

const Channel &telegram_channel() {
    static const TelegramChannel k_channel;
    return k_channel;
}

// HTML parse mode, because it needs only three characters escaped; MarkdownV2 would need
// eighteen, and one missed would make Telegram refuse the push.
std::string telegram_text(const PushMessage &m) {
    const auto title = std::string(utf8_prefix(m.title, 512));
    // Tags do not count and each entity counts as the one character it stands for.
    const auto budget = k_telegram_max_units - utf16_units(title) - 1;
    return fmt::format("<b>{}</b>\n{}", escape_markup(title),
                       escape_markup(cut_lines(m.body, budget)));
}

HttpRequest telegram_request(const TelegramSettings &s, const PushMessage &m) {
    // The poster as the message's link preview; without one, no preview of the booking links.
    const auto preview = m.image.empty() ? nlohmann::json{{"is_disabled", true}}
                                         : nlohmann::json{{"url", m.image},
                                                          {"prefer_large_media", true},
                                                          {"show_above_text", false}};
    nlohmann::json body = {
        {"text", telegram_text(m)}, {"parse_mode", "HTML"}, {"link_preview_options", preview}};
    // Numeric ids go as numbers (they may pass 32 bits, never 53), @names as strings.
    if (s.chat_id.starts_with('@'))
        body["chat_id"] = s.chat_id;
    else
        body["chat_id"] = std::stoll(s.chat_id);
    if (s.thread_id)
        body["message_thread_id"] = s.thread_id;
    if (s.silent)
        body["disable_notification"] = true;
    // URL buttons take http(s) links only.
    if (m.click.starts_with("https://") || m.click.starts_with("http://"))
        body["reply_markup"] = {{"inline_keyboard", {{{{"text", "예매하기"}, {"url", m.click}}}}}};
    HttpRequest r;
    r.method = "POST";
    r.url = fmt::format("{}/bot{}/sendMessage", s.api, s.bot_token);
    r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    r.expect = Expect::any;
    r.headers = {"Content-Type: application/json"};
    return r;
}

// Delivered only with "ok": true; the message id is the receipt the "pushed" log line names.
Delivery interpret_telegram(const HttpResult &a) {
    const auto j = parse_small_answer(a.body);
    const bool obj = j.is_object();
    if (a.outcome == Outcome::ok && obj && j.value("ok", false)) {
        const auto id =
            j.contains("result") && j["result"].is_object() && j["result"].contains("message_id")
                ? j["result"]["message_id"].dump()
                : "";
        return {Delivery::Kind::delivered, id, 0};
    }
    const auto said = obj && j.contains("description") && j["description"].is_string()
                          ? one_line(j["description"].get<std::string>(), 160)
                          : "";
    auto d = http_verdict(a, "Telegram", said);
    // Telegram's flood control names its wait in the body (parameters.retry_after).
    if (a.status == 429 && obj && j.contains("parameters") && j["parameters"].is_object() &&
        j["parameters"].contains("retry_after") && j["parameters"]["retry_after"].is_number())
        d.wait_seconds = j["parameters"]["retry_after"].get<double>();
    if (a.status >= 200 && a.status < 300) // 2xx with ok:false or no JSON: never guess delivered
        d = {Delivery::Kind::rejected,
             fmt::format("Telegram refused the push (HTTP {}{})", a.status,
                         said.empty() ? ", not an ok answer" : ": " + said),
             0};
    return d;
}

} // namespace alimi
