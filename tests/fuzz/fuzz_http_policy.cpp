// libFuzzer: Retry-After and duration parsing, answer classification, URL helpers.
#include "http_policy.hpp"
#include "text.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string input(reinterpret_cast<const char *>(data), size);
    const auto now = alimi::from_unix(1800000000);
    (void)alimi::parse_retry_after(input, now);
    (void)alimi::parse_duration(input);
    (void)alimi::host_of(input);
    (void)alimi::printable_url(input);
    (void)alimi::one_line(input, 64);
    alimi::HttpResult r;
    r.status = size ? 100 + data[0] * 2 : 200;
    r.body = input;
    r.content_type = size > 1 && data[1] & 1 ? "text/html" : "application/json";
    alimi::classify_response(r, alimi::Expect::json);
    return 0;
}
