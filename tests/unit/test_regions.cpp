#include "cgv.hpp"
#include "chain.hpp"
#include "regions.hpp"
#include "store.hpp"

#include <doctest/doctest.h>

using namespace alimi;

namespace {

const std::vector<TheaterInfo> k_list = {{"0056", "강남", "서울", "영업"},
                                         {"0013", "용산아이파크몰", "서울", "영업"},
                                         {"0211", "광교", "경기", "영업"},
                                         {"0013", "용산아이파크몰", "서울", "영업"}};

TargetConfig region_target(const std::string &region) {
    TargetConfig t;
    t.name = "imax";
    t.where = "c.toml:7";
    t.chain = &cgv_chain();
    t.screen = "imax";
    t.region = region;
    t.group = "imax";
    return t;
}

} // namespace

TEST_CASE("a region is matched without case, spaces or punctuation, never by an empty name") {
    CHECK(region_matches(" 서울 ", "서울"));
    CHECK(region_matches("Seoul", "SEOUL"));
    CHECK_FALSE(region_matches("서울시", "서울"));
    CHECK_FALSE(region_matches("", ""));
    CHECK_FALSE(region_matches("...", "-"));
}

TEST_CASE("a region's members: one per theater of the region, by code, named NAME@CODE") {
    const auto members = region_members(region_target("서울"), k_list);
    REQUIRE(members.size() == 2);
    CHECK(members[0].name == "imax@0013");
    CHECK(members[0].theater == "0013");
    CHECK(members[0].group == "imax");
    CHECK(members[0].screen == "imax");
    CHECK(members[1].name == "imax@0056");
    CHECK(region_problem(region_target("서울"), k_list).empty());
    CHECK(
        region_problem(region_target("제주"), k_list) ==
        "c.toml:7: target 'imax': CGV lists no theater in region '제주' (its regions: 서울, 경기)");
}

TEST_CASE("expanding replaces the members of an earlier list and leaves other targets alone") {
    Config cfg;
    cfg.region_targets = {region_target("경기")};
    TargetConfig plain;
    plain.name = "plain";
    plain.chain = &cgv_chain();
    plain.theater = "0013";
    cfg.targets = {plain};
    CHECK(expand_regions(cfg, {}).empty()); // no list yet: no member, nothing said
    CHECK(cfg.targets.size() == 1);
    CHECK(expand_regions(cfg, {{"cgv", k_list}}).empty());
    REQUIRE(cfg.targets.size() == 2);
    CHECK(cfg.targets[1].name == "imax@0211");
    auto later = k_list;
    later.push_back({"0301", "수원", "경기", ""});
    CHECK(expand_regions(cfg, {{"cgv", later}}).empty());
    REQUIRE(cfg.targets.size() == 3);
    CHECK(cfg.targets[0].name == "plain");
    CHECK(cfg.targets[2].name == "imax@0301");
    CHECK(expand_regions(cfg, {{"cgv", {}}}).size() == 1);
    plain.name = "imax@0211"; // written by hand: it keeps its name, the member is not made
    cfg.targets = {plain};
    const auto said = expand_regions(cfg, {{"cgv", k_list}});
    REQUIRE(said.size() == 1);
    CHECK(said[0] == "c.toml:7: target 'imax': theater 0211 of region '경기' is not watched: a "
                     "target is named imax@0211 already");
    CHECK(cfg.targets.size() == 1);
}

TEST_CASE("the state keeps a chain's theater list and when it was read and tried") {
    auto store = Store::in_memory();
    CHECK_FALSE(store->theater_list("cgv").read_at);
    const auto t0 = from_unix(1'800'000'000);
    store->note_theater_list_tried("cgv", t0);
    auto list = store->theater_list("cgv");
    CHECK_FALSE(list.read_at);
    CHECK(list.tried_at == t0);
    CHECK(list.theaters.empty());
    store->save_theater_list("cgv", k_list, t0 + std::chrono::minutes(10));
    list = store->theater_list("cgv");
    CHECK(list.read_at == t0 + std::chrono::minutes(10));
    REQUIRE(list.theaters.size() == 4);
    CHECK(list.theaters[0].name == "강남");
    CHECK(list.theaters[2].region == "경기");
    CHECK_FALSE(store->theater_list("megabox").tried_at);
}
