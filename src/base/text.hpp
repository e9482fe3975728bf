// Byte- and text-level helpers shared by parsers, messages and the HTTP layer: encoding for URLs
// and headers, one-line and terminal-safe forms, markup escapes. All pure. UTF-8 itself is
// utf8.hpp; the words of error messages error_text.hpp.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "secret_text.hpp"

namespace alimi {

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

// s with & < > as entities: what Telegram's HTML and Slack's mrkdwn need around plain text.
std::string escape_markup(std::string_view s);

// s with A-Z as a-z; other bytes (Korean included) unchanged.
std::string lower_ascii(std::string s);

// A seat count as cinemas write it (1 to 6 digits) as a number, or -1 when it is not one.
int parse_count(std::string_view text);

} // namespace alimi
