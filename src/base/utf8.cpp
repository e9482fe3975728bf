#include "utf8.hpp"

#include <optional>

namespace alimi {

namespace {

// Length of the UTF-8 sequence starting at s[i], or 0 when it is malformed.
// The strict rules of RFC 3629: overlong forms (C0, C1, E0 80.., F0 80..), surrogates and
// code points past U+10FFFF are malformed, so a check never lets a bad name into a push.
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

// Channels reject invalid UTF-8 (Telegram answers 400 and the push would be retried
// forever), so texts are checked before they leave.
bool is_valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto len = utf8_sequence_length(s, i);
        if (len == 0)
            return false;
        i += len;
    }
    return true;
}

// Some answers and some hand-written configs start with a byte-order mark; parsers must
// not see it as content.
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

// Telegram counts its 4096-character limit in UTF-16 code units, so an emoji costs two.
std::size_t utf16_units(std::string_view s) {
    std::size_t units = 0;
    for (const unsigned char c : s) {
        if ((c & 0xC0) == 0x80)
            continue;               // a continuation byte belongs to the code point already counted
        units += c >= 0xF0 ? 2 : 1; // four-byte sequences are surrogate pairs in UTF-16
    }
    return units;
}

// NUL, surrogates and out-of-range values become U+FFFD: a "&#0;" in an answer must not cut
// a C string or produce bytes that are not UTF-8.
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
// Bounded to 8 digits so that a long run of digits cannot overflow the value.
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

// CGV's JSON carries titles HTML-escaped ("&lt;듄&gt;", "&#40;"): only the references real
// answers use are decoded; an unknown "&name;" is kept as written, not dropped.
std::string html_unescape(std::string_view s) {
    static const std::pair<std::string_view, std::string_view> k_named[] = {
        // &nbsp; becomes a plain space, so that title matching and one_line treat it as a space.
        {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}, {"nbsp", " "}};
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto end = s[i] == '&' ? s.find(';', i) : std::string_view::npos;
        // A lone '&' (as in "Tom & Jerry") or a far-away ';' is text, not a reference.
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

// Each malformed byte becomes U+FFFD, one for one, so what was readable stays readable and
// the position of the damage is still visible.
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

} // namespace alimi
