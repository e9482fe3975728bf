#include "secret_text.hpp"

#include "text.hpp"
#include "utf8.hpp"

#include <algorithm>
#include <cctype>

namespace alimi {

// Standard alphabet with padding: it encodes RFC 2047 header words and Basic credentials,
// both of which require exactly this form.
std::string base64_encode(std::string_view bytes) {
    static constexpr char k_alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
        if (i + 1 < bytes.size())
            n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        if (i + 2 < bytes.size())
            n |= static_cast<unsigned char>(bytes[i + 2]);
        out += k_alphabet[(n >> 18) & 63];
        out += k_alphabet[(n >> 12) & 63];
        out += i + 1 < bytes.size() ? k_alphabet[(n >> 6) & 63] : '=';
        out += i + 2 < bytes.size() ? k_alphabet[n & 63] : '=';
    }
    return out;
}

// A CR, LF or NUL in a configured header value would let it end the header and start
// another; such values are refused when the config is read.
bool breaks_header(std::string_view v) {
    return v.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

// Only used to find the parts of a Basic credential worth redacting; anything outside
// the alphabet means "not base64" and nothing is derived from it.
std::optional<std::string> base64_decode(std::string_view s) {
    static constexpr std::string_view k_alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    while (!s.empty() && s.back() == '=')
        s.remove_suffix(1);
    std::string out;
    unsigned int bits = 0;
    int count = 0;
    for (const char c : s) {
        const auto v = k_alphabet.find(c);
        if (v == std::string_view::npos)
            return std::nullopt;
        bits = (bits << 6) | static_cast<unsigned int>(v);
        count += 6;
        if (count >= 8) {
            count -= 8;
            out += static_cast<char>((bits >> count) & 0xFF);
        }
    }
    return out;
}

namespace {

// "user:password" inside base64, as Basic authorization carries it; nothing for other text.
void add_basic_parts(std::string_view encoded, std::vector<std::string> &out) {
    const auto decoded = base64_decode(encoded);
    const auto colon = decoded ? decoded->find(':') : std::string::npos;
    if (!decoded || colon == std::string::npos || !is_valid_utf8(*decoded) ||
        std::any_of(decoded->begin(), decoded->end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
        return;
    out.push_back(*decoded);
    out.push_back(decoded->substr(0, colon));
    out.push_back(decoded->substr(colon + 1));
}

} // namespace

// From "Bearer abc" or "Basic dXNlcjpwdw==", every form in which the secret could show up
// in an error text: the credential alone, and a Basic pair decoded and split.
std::vector<std::string> credential_parts(std::string_view secret) {
    std::vector<std::string> out;
    const auto space = secret.find(' ');
    const auto scheme = secret.substr(0, space);
    const bool has_scheme = space != std::string_view::npos && space > 0 && space <= 20 &&
                            std::all_of(scheme.begin(), scheme.end(), [](char c) {
                                return std::isalpha(static_cast<unsigned char>(c));
                            });
    const auto credential = has_scheme ? trim(secret.substr(space + 1)) : secret;
    if (has_scheme && !credential.empty())
        out.emplace_back(credential);
    add_basic_parts(credential, out);
    return out;
}

std::string redact(std::string text, const std::vector<std::string> &secrets) {
    for (const auto &secret : secrets) {
        // Very short secrets are skipped: starring every "a" or "1" would ruin the message and
        // hide nothing a reader could use.
        if (secret.size() < 4)
            continue;
        // A secret can appear raw or percent-encoded (inside a URL a library echoes back).
        for (const auto &form : {secret, url_encode(secret)})
            for (auto at = text.find(form); at != std::string::npos; at = text.find(form, at + 3))
                text.replace(at, form.size(), "***");
    }
    return text;
}

// A webhook URL is itself the secret; its path and the long path segments (tokens, keys)
// are secrets too, because errors often quote a path without its host.
std::vector<std::string> url_secrets(std::string_view url) {
    if (url.empty())
        return {};
    std::vector<std::string> out = {std::string(url)};
    const auto scheme = url.find("://");
    const auto path_at = url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
    if (path_at == std::string_view::npos)
        return out;
    auto path = url.substr(path_at);
    path = path.substr(0, path.find_first_of("?#"));
    out.emplace_back(path);
    // Short segments ("api", "v1", "hooks") are words anyone can read in the docs; long ones
    // are the random parts that grant access.
    constexpr std::size_t k_key_length = 12;
    for (auto rest = path.substr(1); !rest.empty();) {
        const auto part = rest.substr(0, rest.find('/'));
        if (part.size() >= k_key_length)
            out.emplace_back(part);
        rest.remove_prefix(std::min(rest.size(), part.size() + 1));
    }
    return out;
}

} // namespace alimi
