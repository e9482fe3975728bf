#include "crypto.hpp"

#include <doctest/doctest.h>

using namespace alimi;

TEST_CASE("legacy encryption reproduces the values captured from CGV") {
    CHECK(cgv_legacy_encrypt("CJSYSTEMS") == "x02PG4EcdFrHKluSEQQh4A==");
    CHECK(cgv_legacy_encrypt("0013") == "LMP+XuzWskJLFG41YQ7HGA==");
    CHECK(cgv_legacy_encrypt("") == "nG6tVgEQPGU2GvOIdnwTjg==");
}

TEST_CASE("legacy encryption pads to whole blocks") {
    CHECK(cgv_legacy_encrypt("0123456789abcdef").size() == 44); // 32 bytes of ciphertext
}
