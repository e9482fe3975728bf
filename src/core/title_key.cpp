// Title matching (filter.hpp): titles as users type them against titles as the chains write
// them. No Unicode library is in the stack, so this covers what Korean cinema titles use:
// Hangul (composed from jamo, as macOS input sends it), Latin, digits, fullwidth forms.
#include "filter.hpp"
#include "utf8.hpp"

#include <algorithm>
#include <cstdint>

namespace alimi {

namespace {

// The next code point of s at i (advancing i); U+FFFD for a byte that starts none.
char32_t next_code_point(std::string_view s, std::size_t &i) {
    const auto b = static_cast<unsigned char>(s[i++]);
    const int extra = b < 0x80 ? 0 : b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : -1;
    if (extra < 0)
        return 0xFFFD;
    char32_t cp = extra == 0 ? b : b & (0x3F >> extra);
    for (int k = 0; k < extra; ++k) {
        if (i >= s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80)
            return 0xFFFD;
        cp = (cp << 6) | (static_cast<unsigned char>(s[i++]) & 0x3F);
    }
    return cp;
}

// Latin-1 letters with accents, from U+00C0, as their base letter (lower case); 0 for × and ÷.
using namespace std::string_view_literals;
constexpr auto k_latin1_base = "aaaaaaaceeeeiiiidnooooo\0ouuuuyts"
                               "aaaaaaaceeeeiiiidnooooo\0ouuuuyty"sv;

bool is_letter_or_digit(char32_t cp) {
    if (cp < 0x80)
        return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z');
    // Spaces, punctuation and symbols of the blocks titles use: general punctuation, CJK
    // symbols and brackets, fullwidth punctuation, the middle dots.
    const bool punctuation = (cp >= 0x80 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 ||
                             (cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) ||
                             cp == 0x30FB || (cp >= 0xFE30 && cp <= 0xFE4F) ||
                             (cp >= 0xFF01 && cp <= 0xFF0F) || cp == 0xFFFD;
    return !punctuation;
}

// One code point folded: case, accents and fullwidth forms; 0 when it is dropped.
char32_t fold(char32_t cp) {
    if (cp >= 0xFF01 && cp <= 0xFF5E)
        cp -= 0xFEE0; // fullwidth ASCII
    if (cp >= 'A' && cp <= 'Z')
        return cp + 32;
    if (cp >= 0xC0 && cp <= 0xFF)
        return static_cast<unsigned char>(k_latin1_base[cp - 0xC0]);
    if (cp >= 0x300 && cp <= 0x36F)
        return 0; // combining accents
    return is_letter_or_digit(cp) ? cp : 0;
}

// Hangul composition (Unicode 3.12): a leading consonant and a vowel jamo, with an optional
// trailing consonant, make one syllable; a syllable without one takes a trailing consonant.
bool compose(char32_t &last, char32_t cp) {
    constexpr char32_t s_base = 0xAC00, l_base = 0x1100, v_base = 0x1161, t_base = 0x11A7;
    constexpr int v_count = 21, t_count = 28;
    if (last >= l_base && last < l_base + 19 && cp >= v_base && cp < v_base + v_count) {
        last = s_base + ((last - l_base) * v_count + (cp - v_base)) * t_count;
        return true;
    }
    const bool lv = last >= s_base && last < s_base + 11172 && (last - s_base) % t_count == 0;
    if (lv && cp > t_base && cp < t_base + t_count) {
        last += cp - t_base;
        return true;
    }
    return false;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Runs of digits and of anything else: "아바타3" -> "아바타", "3".
std::vector<std::string> segments(const std::string &key) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < key.size(); ++i) {
        if (out.empty() || is_digit(key[i]) != is_digit(out.back().back()))
            out.emplace_back();
        out.back() += key[i];
    }
    return out;
}

// Where a whole number `digits` starts in key at or after from (not inside a longer number).
std::size_t find_number(const std::string &key, const std::string &digits, std::size_t from) {
    for (auto at = key.find(digits, from); at != std::string::npos; at = key.find(digits, at + 1)) {
        const bool alone_before = at == 0 || !is_digit(key[at - 1]);
        const auto end = at + digits.size();
        if (alone_before && (end == key.size() || !is_digit(key[end])))
            return at;
    }
    return std::string::npos;
}

} // namespace

std::string title_key(std::string_view title) {
    std::u32string folded;
    for (std::size_t i = 0; i < title.size();) {
        const auto cp = fold(next_code_point(title, i));
        if (cp != 0 && !(!folded.empty() && compose(folded.back(), cp)))
            folded += cp;
    }
    std::string out;
    for (const auto cp : folded)
        append_utf8(out, cp);
    return out;
}

bool title_matches(std::string_view wanted, std::string_view title) {
    const auto key = title_key(title);
    const auto parts = segments(title_key(wanted));
    if (parts.empty())
        return true;
    // The words must be found as written; each number after them, somewhere later.
    auto at = key.find(parts.front());
    if (is_digit(parts.front().front()))
        at = find_number(key, parts.front(), 0);
    for (std::size_t i = 1; i < parts.size() && at != std::string::npos; ++i) {
        const auto from = at + parts[i - 1].size();
        at = is_digit(parts[i].front()) ? find_number(key, parts[i], from)
                                        : key.find(parts[i], from);
    }
    return at != std::string::npos;
}

} // namespace alimi

namespace alimi {

namespace {

// The longest run of bytes a and b share: enough to rank titles by what they have in common.
std::size_t common_run(const std::string &a, const std::string &b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    std::size_t best = 0;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            cur[j] = a[i - 1] == b[j - 1] ? prev[j - 1] + 1 : 0;
            best = std::max(best, cur[j]);
        }
        std::swap(prev, cur);
    }
    return best;
}

} // namespace

std::vector<std::string> closest_titles(std::string_view wanted,
                                        const std::vector<std::string> &titles, std::size_t n) {
    const auto key = title_key(wanted);
    std::vector<std::pair<std::size_t, std::string>> ranked;
    for (const auto &t : titles)
        if (!t.empty() && std::none_of(ranked.begin(), ranked.end(),
                                       [&](const auto &r) { return r.second == t; }))
            ranked.emplace_back(common_run(key, title_key(t)), t);
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto &a, const auto &b) { return a.first > b.first; });
    std::vector<std::string> out;
    for (std::size_t i = 0; i < ranked.size() && i < n; ++i)
        out.push_back(ranked[i].second);
    return out;
}

} // namespace alimi
