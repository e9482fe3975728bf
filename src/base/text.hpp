// Byte- and text-level helpers shared by parsers, messages and the HTTP layer. All pure.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "secret_text.hpp"

namespace alimi {

// True when s is well-formed UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF).
bool is_valid_utf8(std::string_view s);

// s without a leading UTF-8 byte-order mark; CGV's legacy answers sometimes begin with one.
std::string_view strip_bom(std::string_view s);

// The longest prefix of s that is at most max_bytes long and ends on a code point boundary.
std::string_view utf8_prefix(std::string_view s, std::size_t max_bytes);

// Percent-encoding for query values (RFC 3986 unreserved characters stay as they are).
std::string url_encode(std::string_view s);

// An HTTP header value: ASCII as is, anything else as an RFC 2047 encoded word.
std::string header_value(std::string_view s);

// True when a body that should be JSON or XML is an HTML page (block pages, login walls).
bool looks_like_html(std::string_view body);

std::string_view trim(std::string_view s);

// True when JSON text nests arrays or objects deeper than limit (strings are skipped). Checked
// before parsing answers and configs: copying or walking a deep tree recurses, and a hostile
// server must not be able to overflow our stack.
bool json_nesting_exceeds(std::string_view json, int limit);
inline constexpr int k_max_json_depth = 64;

// Text from servers made safe for a terminal: C0 controls but newline and tab, DEL and C1
// controls (U+0080..U+009F) become visible escapes (\x1b, \u009b), so a cinema's name cannot
// move the cursor, retitle the window (OSC) or hide a line. JSON output is not passed through it.
std::string terminal_safe(std::string_view s);

// s with control characters replaced, cut to max_bytes: safe to put in a one-line message.
std::string one_line(std::string_view s, std::size_t max_bytes = 200);

// "a", "a or b", "a, b or c": the choices an error message offers.
std::string join_choices(const std::vector<std::string_view> &choices);

// Whether two error texts tell of the same trouble: equal once digits are ignored, so "HTTP 503"
// after "HTTP 502", or a cool-down's later end, is no news to a person reading cron mail.
bool same_cause(std::string_view a, std::string_view b);

// The choice closest to word by edit distance, when close enough to be a typo of it (at most a
// third of its letters wrong, and never more than 3): "theatre" -> "theater"; "" otherwise.
std::string nearest(std::string_view word, const std::vector<std::string> &choices);

// s with & < > as entities: what Telegram's HTML and Slack's mrkdwn need around plain text.
std::string escape_markup(std::string_view s);

// How many UTF-16 code units s takes (valid UTF-8 assumed): how Telegram counts its 4096.
std::size_t utf16_units(std::string_view s);

// s with A-Z as a-z; other bytes (Korean included) unchanged.
std::string lower_ascii(std::string s);

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

// A seat count as cinemas write it (1 to 6 digits) as a number, or -1 when it is not one.
int parse_count(std::string_view text);

} // namespace alimi
