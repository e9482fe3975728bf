// What a push says. Pure: built from the target, the snapshot and the fresh openings.
#pragma once

#include "opening.hpp"
#include "settings.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace alimi {

class Chain;

struct PushAction {
    std::string label;
    std::string url;
};

struct PushMessage {
    std::string title;
    std::string body;
    std::string click; // opened on tap
    std::vector<std::string> tags;
    int priority = 3; // ntfy 1..5
    std::vector<PushAction> actions;
    // A JSON object: {"target", "chain", "openings": [the `check --json` objects]}; "{}" when
    // the push is about no openings (tests, operator alerts name only their target).
    std::string data = "{}";
    // The film's poster (a URL), shown where the channel can; "" for none (or `poster = false`).
    std::string image = "";
};

inline constexpr std::size_t k_max_body_bytes = 4096; // ntfy turns longer bodies into attachments

// ONE message for all fresh openings of one target in one run, sorted, grouped by movie and date.
PushMessage opening_message(const TargetConfig &target, const Snapshot &snapshot,
                            const std::vector<Opening> &fresh);

// What a seats-back push says has happened (interface.md).
inline constexpr std::string_view k_seats_back_phrase = "좌석 다시 열림";

// ONE message for the known showings of one target whose seats came back this run (취소표),
// each with its free and total seats.
PushMessage seats_back_message(const TargetConfig &target, const Snapshot &snapshot,
                               const std::vector<Opening> &back);

// Operator alerts: one when a target has failed `failures` times in a row, one when it recovers.
PushMessage failure_alert_message(const std::string &target, int failures,
                                  const std::string &error);
PushMessage recovery_alert_message(const std::string &target);

// Replaces {field} by its value and {{ / }} by braces; unknown fields stay as written (the config
// loader has already refused them).
std::string render_template(const std::string &tpl,
                            const std::vector<std::pair<std::string, std::string>> &fields);

// One opening as `check --json` prints it and webhooks receive it; event is "opening" or
// "seats_back".
nlohmann::ordered_json opening_object(const TargetConfig &target, const Snapshot &snapshot,
                                      const Opening &o, std::string_view event = "opening");

// PushMessage::data for the fresh openings (or risen showings) of one target.
std::string push_data(const TargetConfig &target, const Snapshot &snapshot,
                      const std::vector<Opening> &fresh, std::string_view event = "opening");

// JSON text with invalid UTF-8 replaced, never thrown on.
std::string json_text(const nlohmann::ordered_json &j);

// "10:00", or "25:30 (01:30)" for showings after midnight that belong to the previous business day.
std::string display_time(const std::string &hhmm);

// A snapshot's theater name without the chain's prefix ("용산아이파크몰" whether the site wrote it
// so or "CGV 용산아이파크몰"): pushes add the chain's name themselves; "" when unknown.
std::string bare_theater_name(const Chain &chain, const Snapshot &snapshot);

// Whether the openings are showings (a whole-screen sweep, or with start times), not play dates.
bool is_showing_target(const Snapshot &snapshot, const std::vector<Opening> &fresh);

// The earliest of the fresh openings by date and time (the push opens it); nullptr when none.
const Opening *first_opening(const std::vector<Opening> &fresh);

} // namespace alimi
