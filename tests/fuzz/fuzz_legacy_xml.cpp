// libFuzzer: the legacy answer parser, both as a raw body and with the input as the XML inside a
// well-formed envelope, so the fuzzer reaches pugixml and the schedule walk quickly.
#include "cgv_legacy.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string input(reinterpret_cast<const char *>(data), size);
    (void)alimi::parse_cgv_legacy(input, "0013");
    const auto wrapped = nlohmann::json{{"d", {{"DATA", input}}}}.dump(
        -1, ' ', false, nlohmann::json::error_handler_t::replace);
    (void)alimi::parse_cgv_legacy(wrapped, "0013");
    return 0;
}
