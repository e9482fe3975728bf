#include "lanes.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>

using namespace alimi;

TEST_CASE("a lane's steps run in order, and a slow lane holds back no other") {
    std::atomic<bool> release{false};
    std::vector<std::string> order; // lane 1's, written on its thread, read after it is done
    std::vector<Lanes::Done> seen;
    {
        Lanes lanes({1, 3}, [&](std::size_t lane, std::size_t step) {
            if (lane == 0)
                while (!release) // a hung site: waits until the others are in
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
            else
                order.push_back(std::to_string(step));
        });
        for (int i = 0; i < 3; ++i)
            seen.push_back(*lanes.next());
        release = true;
        seen.push_back(*lanes.next());
        CHECK_FALSE(lanes.next());
    }
    CHECK(order == std::vector<std::string>{"0", "1", "2"});
    REQUIRE(seen.size() == 4);
    for (int i = 0; i < 3; ++i)
        CHECK(seen[i].lane == 1);
    CHECK(seen[3].lane == 0);
}

TEST_CASE("what a step throws reaches the caller, and its lane's later steps do not run") {
    std::atomic<int> after{0};
    Lanes lanes({3}, [&](std::size_t, std::size_t step) {
        if (step == 1)
            throw std::runtime_error("broken answer");
        if (step == 2)
            ++after;
    });
    CHECK(lanes.next()->step == 0);
    CHECK_THROWS_WITH(lanes.next(), "broken answer");
    CHECK_FALSE(lanes.next());
    CHECK(after == 0);
}

TEST_CASE("no lanes: nothing to wait for") {
    Lanes lanes({}, [](std::size_t, std::size_t) {});
    CHECK_FALSE(lanes.next());
}
