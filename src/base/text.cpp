#include "text.hpp"

#include "utf8.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace alimi {

// RFC 3986's unreserved set stays as it is; everything else, Korean titles included, goes
// out as %XX of its UTF-8 bytes, which is what every chain's query strings expect.
std::string url_encode(std::string_view s) {
    static constexpr char k_hex[] = "0123456789ABCDEF";
    std::string out;
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += ch;
        } else {
            out += '%';
            out += k_hex[c >> 4];
            out += k_hex[c & 15];
        }
    }
    return out;
}

// Header values must be ASCII: a title or a user's tag in Korean is sent as an RFC 2047
// encoded word (ntfy reads it back), never as raw bytes a proxy might reject or mangle.
std::string header_value(std::string_view s) {
    bool ascii = true;
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x80 || c < 0x20)
            ascii = false;
    }
    if (ascii)
        return std::string(s);
    return "=?UTF-8?B?" + base64_encode(s) + "?=";
}

// Block and maintenance pages come back as HTML, often with status 200; only the head is
// looked at, so a JSON answer that quotes some markup deep inside is not mistaken for one.
bool looks_like_html(std::string_view body) {
    auto head = trim(strip_bom(body)).substr(0, 512);
    std::string lower;
    for (const char ch : head)
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return lower.starts_with("<!doctype html") || lower.starts_with("<html") ||
           lower.find("<head>") != std::string::npos || lower.find("<body") != std::string::npos;
}

// A cheap pre-parse guard: a hostile answer of a million '[' would blow the parser's stack.
// Only brackets outside strings count, and an escaped quote does not end a string.
bool json_nesting_exceeds(std::string_view json, int limit) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < json.size(); ++i) {
        const char c = json[i];
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > limit)
                return true;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return false;
}

// ASCII whitespace only: a full-width space inside a Korean title is content, not padding.
std::string_view trim(std::string_view s) {
    const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && is_space(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_space(s.back()))
        s.remove_suffix(1);
    return s;
}

// For text printed to a terminal: controls become visible escapes rather than being
// dropped, so a user sees that a server sent them and no escape sequence is ever run.
std::string terminal_safe(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        const auto next = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0;
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F)
            out += fmt::format("\\x{:02x}", c);
        else if (c == 0xC2 && next >= 0x80 && next <= 0x9F) { // C1: U+0080..U+009F (CSI 9B)
            out += fmt::format("\\u{:04x}", next);
            ++i;
        } else
            out += static_cast<char>(c);
    }
    return out;
}

// For log lines and error columns: one line, bounded, valid UTF-8. The prefix is cut on a
// code-point boundary; if the input was broken UTF-8 to begin with, non-ASCII becomes '?'.
std::string one_line(std::string_view s, std::size_t max_bytes) {
    std::string out;
    const auto text = utf8_prefix(trim(s), max_bytes);
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
        if (c == 0xC2 && next >= 0x80 && next <= 0x9F) { // a C1 control, as ESC is a C0 one
            out += ' ';
            ++i;
            continue;
        }
        out += (c < 0x20 || c == 0x7F) ? ' ' : static_cast<char>(c);
    }
    if (!is_valid_utf8(out)) {
        std::string ascii;
        for (const char ch : out)
            ascii += static_cast<unsigned char>(ch) < 0x80 ? ch : '?';
        out = ascii;
    }
    return s.size() > max_bytes ? out + "..." : out;
}

// Telegram's HTML mode and the status page need only these three; quotes stay because no
// value of ours is ever put inside an attribute through this function.
std::string escape_markup(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (const char c : s) {
        if (c == '&')
            out += "&amp;";
        else if (c == '<')
            out += "&lt;";
        else if (c == '>')
            out += "&gt;";
        else
            out += c;
    }
    return out;
}

// ASCII only, unlike std::tolower, whose answer depends on the locale and on signed chars.
std::string lower_ascii(std::string s) {
    for (auto &c : s)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return s;
}

// Counts in the sites' answers are strings ("schdCnt":"12"); -1 marks anything that is not
// a plain small number, so a garbage field can never read as a large count.
int parse_count(std::string_view text) {
    if (text.empty() || text.size() > 6 || !std::all_of(text.begin(), text.end(), ::isdigit))
        return -1;
    return std::stoi(std::string(text));
}

} // namespace alimi
