// UTF-8 as sites send it and channels count it: validity, prefixes on code point boundaries,
// code points and HTML character references. All pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace alimi {

// True when s is well-formed UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF).
bool is_valid_utf8(std::string_view s);

// s without a leading UTF-8 byte-order mark; CGV's legacy answers sometimes begin with one.
std::string_view strip_bom(std::string_view s);

// The longest prefix of s that is at most max_bytes long and ends on a code point boundary.
std::string_view utf8_prefix(std::string_view s, std::size_t max_bytes);

// How many UTF-16 code units s takes (valid UTF-8 assumed): how Telegram counts its 4096.
std::size_t utf16_units(std::string_view s);

// s with HTML character references decoded (&amp; &lt; &gt; &quot; &apos; &#39; &#40; &#x28;):
// how Megabox writes names. Unknown references stay as written; a reference to a surrogate,
// to nothing (0) or past U+10FFFF becomes U+FFFD, so the result is valid UTF-8 when s was.
std::string html_unescape(std::string_view s);

// cp appended to out as UTF-8; 0, a surrogate or anything past U+10FFFF as U+FFFD.
void append_utf8(std::string &out, unsigned long cp);

// U+FFFD, what a byte that is not UTF-8 becomes.
inline constexpr std::string_view k_replacement_char = "\xEF\xBF\xBD";

// s with every byte that is not part of well-formed UTF-8 replaced by U+FFFD: what every text
// entering a push goes through, so one bad name never makes a push undeliverable.
std::string valid_utf8(std::string_view s);

} // namespace alimi
