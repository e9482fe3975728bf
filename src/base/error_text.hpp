// The words error messages are made of: the choices offered, the nearest one to a typo, and
// whether two errors tell of the same trouble. All pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace alimi {

// "a", "a or b", "a, b or c": the choices an error message offers.
std::string join_choices(const std::vector<std::string_view> &choices);

// Whether two error texts tell of the same trouble: equal once digits are ignored, so "HTTP 503"
// after "HTTP 502", or a cool-down's later end, is no news to a person reading cron mail.
bool same_cause(std::string_view a, std::string_view b);

// The choice closest to word by edit distance, when close enough to be a typo of it (at most a
// third of its letters wrong, and never more than 3): "theatre" -> "theater"; "" otherwise.
std::string nearest(std::string_view word, const std::vector<std::string> &choices);

} // namespace alimi
