// The filter stage: what of a target's snapshot is news in the user's terms (a title, a window of
// start times, weekdays and dates, a seat count). Pure: it sits between the diff, which says what
// is new to the state, and the message, which says it. Every chain's showings pass through it
// alike, so a new chain gets titles, windows and seats-back for free.
#pragma once

#include "diff.hpp"
#include "opening.hpp"
#include "watch_filter.hpp"

#include <map>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace alimi {

// A title reduced to what matching compares: Hangul composed (NFC), Latin case-folded and without
// accents, fullwidth forms as ASCII, spaces and punctuation gone. "듄: 파트 2" -> "듄파트2".
std::string title_key(std::string_view title);

// Whether a film's title matches what the user wrote: the key of `wanted` is found in the key of
// `title`, where a number in `wanted` may stand apart from the words before it ("듄2" matches
// "듄: 파트2", "아바타3" matches "아바타: 불과 재 3") but must be a whole number there.
bool title_matches(std::string_view wanted, std::string_view title);

// "18:00-24:30" -> (1080, 1470); nullopt when malformed or inverted.
std::optional<std::pair<int, int>> parse_time_window(std::string_view text);
// "mon".."sun" -> 0..6; nullopt otherwise.
std::optional<int> parse_weekday(std::string_view text);
// "2026-12-24" or "2026-12-26..2026-12-31" -> (first, last); nullopt when malformed or inverted.
std::optional<std::pair<std::string, std::string>> parse_date_range(std::string_view text);

// Whether the showing is inside the title, time, weekday and date filters (seats aside).
bool passes(const WatchFilter &f, const Opening &o);
// Whether the showing has the seats to count as open: unknown counts do.
bool seats_enough(const WatchFilter &f, const Opening &o);

// The filter stage: turns a diff's candidates (new to the state) into news in the user's terms,
// and marks every current showing for the store (OpeningMark). A new showing outside the filters
// is known but never news; one inside with too few seats is held until they reach min_seats; a
// settled one below min_seats that rises back is a seats-back push when the target asks for it,
// once per rise.
void filter_news(Diff &diff, const std::vector<KnownRow> &known, const WatchFilter &f);

// Up to n distinct titles, those sharing the longest run of wanted's key first: what `test` and
// `validate --online` offer when nothing matches yet.
std::vector<std::string> closest_titles(std::string_view wanted,
                                        const std::vector<std::string> &titles, std::size_t n);

// "아바타 · 18:00-24:30 · 금 토 일 · 2석 이상 · 좌석 다시 열림": the filters in a push's words;
// "" when nothing narrows the target.
std::string filter_text(const WatchFilter &f);

} // namespace alimi
