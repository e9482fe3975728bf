// libFuzzer: every parser of the current site's JSON answers.
#include "cgv.hpp"
#include "cgv_discovery.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string body(reinterpret_cast<const char *>(data), size);
    (void)alimi::parse_cgv_dates(body);
    (void)alimi::parse_cgv_showings(body, "0013", "03");
    (void)alimi::parse_cgv_showings(body, "0013", "");
    (void)alimi::parse_cgv_regions(body);
    (void)alimi::parse_cgv_sites(body);
    (void)alimi::parse_cgv_movies(body);
    return 0;
}
