// Secrets as text: what of a credential must be redacted, redacting it, and the encodings that
// carry credentials in headers (base64). Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace alimi {

std::string base64_encode(std::string_view bytes);

// A value that would end a header line early, or smuggle another one in (CR, LF or NUL).
bool breaks_header(std::string_view v);

// The parts of a credential that are secrets too: "Bearer X", "Token X", "Bot X" -> X; Basic's
// base64 (with or without the word) -> "user:password", the user and the password.
std::vector<std::string> credential_parts(std::string_view secret);

// Standard base64 decoded; nullopt when s is not base64.
std::optional<std::string> base64_decode(std::string_view s);

// text with every secret (and its URL-encoded form) replaced by "***"; secrets shorter than 4
// characters are skipped, they would blank ordinary words.
std::string redact(std::string text, const std::vector<std::string> &secrets);

// What of a URL that holds a key must be redacted: the URL, its path, and each path part long
// enough to be a key (hc-ping.com/UUID, /webhook/ID, /services/T/B/X). Shorter parts are words
// like "ping". Empty for an empty url.
std::vector<std::string> url_secrets(std::string_view url);

} // namespace alimi
