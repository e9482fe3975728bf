// Source "lotte" (chains-and-channels.md A2): one form POST to LCWS/Ticketing/TicketingData.aspx
// whose paramList field holds JSON. GetTicketingPageTOBE gives the play dates (IsPlayDate "Y")
// and the cinema list (the composite "division|detail|id" the schedule call needs);
// GetPlaySequence gives a cinema's showings of one day. IsOK is the text "true".
//
// IsBookingYN "Y" can come minutes before the booking page takes bookings, so Lotte pushes say
// "예매 공개" (booking announced) rather than "예매 오픈"; see README "Chains".
#pragma once

#include "discover.hpp"
#include "sweep.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace alimi {

class Chain;
const Chain &lotte_chain();

// POST {api}/LCWS/Ticketing/TicketingData.aspx with paramList = the method's JSON.
HttpRequest lotte_request(const std::string &api, const nlohmann::json &params);
HttpRequest lotte_ticketing_page(const std::string &api);
HttpRequest lotte_play_sequence(const std::string &api, const std::string &composite,
                                const std::string &iso_date, const std::string &movie);

// The envelope after the IsOK check (compared as text, any case).
tl::expected<nlohmann::json, SourceError> lotte_data(std::string_view body);

// The play dates of GetTicketingPageTOBE, and the name and composite id of cinema (a bare
// CinemaID like "1016", or a composite given as is).
struct LotteStrip {
    DateStrip strip;
    std::string composite;
};
tl::expected<LotteStrip, SourceError> parse_lotte_page(std::string_view body,
                                                       const std::string &cinema);

// A day's showings of the cinema, kept for the screen division codes (empty = every hall) and
// the movie ("" = every movie); rows marked not bookable (IsBookingYN "N") are left out.
tl::expected<ShowingPage, SourceError> parse_lotte_showings(std::string_view body,
                                                            const std::string &cinema_id,
                                                            const std::vector<int> &divisions,
                                                            const std::string &movie);

tl::expected<std::vector<TheaterInfo>, SourceError> parse_lotte_cinemas(std::string_view body);
tl::expected<std::vector<MovieInfo>, SourceError> parse_lotte_movies(std::string_view body);

// ScreenDivisionCode of a configured screen: superplex 940, charlotte 300 and 301, superled 980
// and 988.
std::vector<int> lotte_divisions(const std::string &screen);

} // namespace alimi
