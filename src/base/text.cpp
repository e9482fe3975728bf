#include "text.hpp"

#include <fmt/format.h>

#include <algorithm>

#include <optional>

#include <array>
#include <cctype>

namespace alimi {

namespace {

// Length of the UTF-8 sequence starting at s[i], or 0 when it is malformed.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80)
        return 1;
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF; // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c == 0xE0)
        len = 3, lo = 0xA0;
    else if (c == 0xED)
        len = 3, hi = 0x9F; // no UTF-16 surrogates
    else if (c >= 0xE1 && c <= 0xEF)
        len = 3;
    else if (c == 0xF0)
        len = 4, lo = 0x90;
    else if (c >= 0xF1 && c <= 0xF3)
        len = 4;
    else if (c == 0xF4)
        len = 4, hi = 0x8F;
    else
        return 0;
    if (i + len > s.size())
        return 0;
    const auto c1 = static_cast<unsigned char>(s[i + 1]);
    if (c1 < lo || c1 > hi)
        return 0;
    for (std::size_t k = 2; k < len; ++k)
        if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80)
            return 0;
    return len;
}

} // namespace

bool is_valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto len = utf8_sequence_length(s, i);
        if (len == 0)
            return false;
        i += len;
    }
    return true;
}

std::string_view strip_bom(std::string_view s) {
    return s.starts_with("\xEF\xBB\xBF") ? s.substr(3) : s;
}

std::string_view utf8_prefix(std::string_view s, std::size_t max_bytes) {
    if (s.size() <= max_bytes)
        return s;
    std::size_t end = max_bytes;
    // Back up over continuation bytes so the cut never splits a code point.
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80)
        --end;
    return s.substr(0, end);
}

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

bool looks_like_html(std::string_view body) {
    auto head = trim(strip_bom(body)).substr(0, 512);
    std::string lower;
    for (const char ch : head)
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return lower.starts_with("<!doctype html") || lower.starts_with("<html") ||
           lower.find("<head>") != std::string::npos || lower.find("<body") != std::string::npos;
}

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

std::string_view trim(std::string_view s) {
    const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && is_space(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_space(s.back()))
        s.remove_suffix(1);
    return s;
}

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

std::string join_choices(const std::vector<std::string_view> &choices) {
    std::string out;
    for (std::size_t i = 0; i < choices.size(); ++i) {
        out += i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ";
        out += choices[i];
    }
    return out;
}

namespace {

// Edits (insert, delete, replace, swap two neighbours) from a to b: "chekc" is one from "check".
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i)
        d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j)
        d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i)
        for (std::size_t j = 1; j <= b.size(); ++j) {
            d[i][j] = std::min(
                {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[a.size()][b.size()];
}

} // namespace

bool same_cause(std::string_view a, std::string_view b) {
    const auto letters = [](std::string_view s) {
        std::string out;
        for (const char c : s)
            if (c < '0' || c > '9')
                out += c;
        return out;
    };
    return letters(a) == letters(b);
}

std::string nearest(std::string_view word, const std::vector<std::string> &choices) {
    const auto limit = std::min<std::size_t>(3, std::max<std::size_t>(1, word.size() / 3));
    std::string best;
    auto best_distance = limit + 1;
    for (const auto &c : choices)
        if (const auto d = edit_distance(lower_ascii(std::string(word)), lower_ascii(c));
            d < best_distance) {
            best = c;
            best_distance = d;
        }
    return best;
}

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

std::size_t utf16_units(std::string_view s) {
    std::size_t units = 0;
    for (const unsigned char c : s) {
        if ((c & 0xC0) == 0x80)
            continue;               // a continuation byte belongs to the code point already counted
        units += c >= 0xF0 ? 2 : 1; // four-byte sequences are surrogate pairs in UTF-16
    }
    return units;
}

std::string lower_ascii(std::string s) {
    for (auto &c : s)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return s;
}

void append_utf8(std::string &out, unsigned long cp) {
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

namespace {

// The code point of a numeric reference's digits ("40", "x28"), or nullopt when malformed.
std::optional<unsigned long> numeric_reference(std::string_view ref) {
    const bool hex = !ref.empty() && (ref[0] == 'x' || ref[0] == 'X');
    const auto digits = hex ? ref.substr(1) : ref;
    if (digits.empty() || digits.size() > 8)
        return std::nullopt;
    unsigned long cp = 0;
    for (const char c : digits) {
        const int v = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                      : hex && std::isxdigit(static_cast<unsigned char>(c))
                          ? std::tolower(static_cast<unsigned char>(c)) - 'a' + 10
                          : -1;
        if (v < 0)
            return std::nullopt;
        cp = cp * (hex ? 16 : 10) + static_cast<unsigned long>(v);
    }
    return cp;
}

} // namespace

std::string html_unescape(std::string_view s) {
    static const std::pair<std::string_view, std::string_view> k_named[] = {
        {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}, {"nbsp", " "}};
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto end = s[i] == '&' ? s.find(';', i) : std::string_view::npos;
        if (end == std::string_view::npos || end - i > 12) {
            out += s[i];
            continue;
        }
        const auto ref = s.substr(i + 1, end - i - 1);
        std::optional<std::string> decoded;
        if (ref.starts_with('#')) {
            if (auto cp = numeric_reference(ref.substr(1))) {
                decoded.emplace();
                append_utf8(*decoded, *cp);
            }
        } else {
            for (const auto &[name, text] : k_named)
                if (ref == name)
                    decoded = std::string(text);
        }
        if (!decoded) {
            out += s[i];
            continue;
        }
        out += *decoded;
        i = end;
    }
    return out;
}

std::string valid_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const auto len = utf8_sequence_length(s, i);
        if (len == 0) {
            out += k_replacement_char;
            ++i;
            continue;
        }
        out.append(s.substr(i, len));
        i += len;
    }
    return out;
}

int parse_count(std::string_view text) {
    if (text.empty() || text.size() > 6 || !std::all_of(text.begin(), text.end(), ::isdigit))
        return -1;
    return std::stoi(std::string(text));
}

} // namespace alimi
