// Discovery (`theaters`, `movies`, validate's look-ups, region lists) over the same seam as check:
// the look-ups go through the Io they are given and read "today" from its clock, so they are tested
// in memory and a fake clock decides which dates are asked.
#include "chain.hpp"
#include "client_asker.hpp"
#include "discover.hpp"
#include "fake_transport.hpp"
#include "timeutil.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace alimi;
using namespace alimi::test;

namespace {

bool asks(const HttpRequest &r, const std::string &path) {
    return r.url.find(path + "?") != std::string::npos || r.url.ends_with(path);
}

std::string query_value(const HttpRequest &r, const std::string &key) {
    const auto at = r.url.find("&" + key + "=") != std::string::npos ? r.url.find("&" + key + "=")
                                                                     : r.url.find("?" + key + "=");
    if (at == std::string::npos)
        return "";
    const auto from = at + key.size() + 2;
    return r.url.substr(from, r.url.find('&', from) - from);
}

// A CGV theater listing 2030-01-01..05, IMAX on 01-04 alone.
Exchange cgv_answer(const HttpRequest &r) {
    if (asks(r, "searchSiteScnscYmdListBySite")) {
        std::string rows;
        for (int d = 1; d <= 5; ++d)
            rows += std::string(rows.empty() ? "" : ",") + R"({"scnYmd":"2030010)" +
                    std::to_string(d) + R"(","hldyYn":"N"})";
        return reply(200, R"({"statusCode":0,"statusMessage":"OK","data":[)" + rows + "]}");
    }
    if (asks(r, "searchSscnsSchdExistList")) {
        const bool imax = query_value(r, "scnYmd") == "20300104";
        return reply(
            200, std::string(R"({"statusCode":0,"statusMessage":"OK","data":[)") +
                     (imax ? R"({"comCd":"TCSCNS_GRAD_CD","comCdval":"03","schdCnt":"1"})" : "") +
                     "]}");
    }
    return reply(404, R"({"statusCode":404,"statusMessage":"no such path","data":null})");
}

} // namespace

TEST_CASE("discovery: the screens look-up asks the given wire for the days its clock calls open") {
    FakeWire wire;
    wire.answer = cgv_answer;
    auto io = fake_io(wire);
    io.now = [] { return from_unix(1'893'639'600); }; // 2030-01-03 03:00 UTC, 12:00 KST
    DiscoverOptions opt;
    opt.api = "http://cgv.test/api/v1";
    ClientAsker asker(HttpSettings{}, io);
    opt.asker = &asker;
    const auto screens = find_chain("cgv")->site_screens(opt, "0013");
    REQUIRE(screens.has_value());
    CHECK(*screens == std::vector<std::string>{"imax"});
    // The date list, then the first three days from "today" by the given clock: 01-03..05 (the
    // system clock, years earlier, would have asked 01-01..03 and found no IMAX).
    REQUIRE(wire.sent.size() == 4);
    CHECK(asks(wire.sent[0], "searchSiteScnscYmdListBySite"));
    CHECK(query_value(wire.sent[1], "scnYmd") == "20300103");
    CHECK(query_value(wire.sent[3], "scnYmd") == "20300105");
}

TEST_CASE("discovery: a failed look-up is nullopt, and its blocked host is not asked again") {
    FakeWire wire;
    wire.answer = [](const HttpRequest &) {
        return reply(403, "<html>blocked</html>", "text/html");
    };
    auto io = fake_io(wire);
    DiscoverOptions opt;
    opt.api = "http://cgv.test/api/v1";
    HttpSettings http;
    http.retries = 0;
    ClientAsker asker(http, io);
    opt.asker = &asker;
    CHECK_FALSE(find_chain("cgv")->site_theaters(opt).has_value()); // not an empty list
    const auto after_first = wire.sent.size();
    CHECK(after_first > 0); // sent through the wire, not libcurl
    // The same asker (one per command) remembers the block page: the next look-up stays home.
    CHECK_FALSE(find_chain("cgv")->site_theaters(opt).has_value());
    CHECK(wire.sent.size() == after_first);
}

TEST_CASE("discovery: options without an asker refuse to look anything up") {
    DiscoverOptions opt;
    opt.api = "http://cgv.test/api/v1";
    CHECK_THROWS_AS(find_chain("cgv")->site_theaters(opt), std::logic_error);
}
