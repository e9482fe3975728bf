#include "text.hpp"
#include "utf8.hpp"

#include <doctest/doctest.h>

using namespace alimi;

TEST_CASE("UTF-8 validation accepts Korean and rejects malformed bytes") {
    CHECK(is_valid_utf8("용산 IMAX"));
    CHECK_FALSE(is_valid_utf8("\xC0\xAF"));         // overlong
    CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));     // surrogate
    CHECK_FALSE(is_valid_utf8("\xEC\x9A"));         // truncated
    CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80")); // past U+10FFFF
}

TEST_CASE("utf8_prefix never splits a code point") {
    const std::string s = "가나다"; // 3 bytes each
    CHECK(utf8_prefix(s, 9) == s);
    CHECK(utf8_prefix(s, 8) == "가나");
    CHECK(utf8_prefix(s, 4) == "가");
    CHECK(utf8_prefix(s, 2).empty());
}

TEST_CASE("BOM is stripped once") {
    CHECK(strip_bom("\xEF\xBB\xBF{}") == "{}");
    CHECK(strip_bom("{}") == "{}");
}

TEST_CASE("base64 matches RFC 4648 vectors") {
    CHECK(base64_encode("") == "");
    CHECK(base64_encode("f") == "Zg==");
    CHECK(base64_encode("fo") == "Zm8=");
    CHECK(base64_encode("foobar") == "Zm9vYmFy");
}

TEST_CASE("header values encode non-ASCII as RFC 2047") {
    CHECK(header_value("plain") == "plain");
    CHECK(header_value("예매") == "=?UTF-8?B?7JiI66ek?=");
}

TEST_CASE("HTML pages are recognized") {
    CHECK(looks_like_html("  <!DOCTYPE html><html>"));
    CHECK(looks_like_html("<HTML><body>blocked</body>"));
    CHECK_FALSE(looks_like_html("{\"d\":\"<html>\"}"));
}

TEST_CASE("one_line removes control characters and cuts") {
    CHECK(one_line("a\nb\tc") == "a b c");
    CHECK(one_line(std::string(300, 'x'), 10) == "xxxxxxxxxx...");
}

TEST_CASE("url_encode keeps unreserved characters") {
    CHECK(url_encode("CGV 용산") == "CGV%20%EC%9A%A9%EC%82%B0");
    CHECK(url_encode("a-b_c.d~") == "a-b_c.d~");
}

TEST_CASE("JSON nesting depth is measured without parsing, strings skipped") {
    CHECK_FALSE(json_nesting_exceeds(R"({"a":[1,{"b":[]}]})", 4));
    CHECK(json_nesting_exceeds(R"({"a":[1,{"b":[]}]})", 3));
    CHECK_FALSE(json_nesting_exceeds(R"({"a":"[[[[[[\"[[["})", 1));
    CHECK(json_nesting_exceeds(std::string(100000, '['), 64));
}

TEST_CASE("HTML references decode to UTF-8; surrogates and nonsense never make invalid text") {
    CHECK(html_unescape("르 리클라이너 5관&#40;마이어사운드&#41;") ==
          "르 리클라이너 5관(마이어사운드)");
    CHECK(html_unescape("A &amp; B &lt;C&gt; &quot;D&quot; &#x41;&#39;") == "A & B <C> \"D\" A'");
    CHECK(html_unescape("&#xD800;x") == "\xEF\xBF\xBDx");
    CHECK(html_unescape("&#0;&#1114112;") == "\xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK(html_unescape("&unknown; & &#zz; &") == "&unknown; & &#zz; &");
    CHECK(is_valid_utf8(html_unescape("&#xDFFF;&#128512;")));
}

TEST_CASE("a URL's secrets: whole, its path and parts long enough to be keys") {
    CHECK(url_secrets("").empty());
    CHECK(url_secrets("https://hc-ping.com/0123456789abcdef/web") ==
          std::vector<std::string>{"https://hc-ping.com/0123456789abcdef/web",
                                   "/0123456789abcdef/web", "0123456789abcdef"});
    CHECK(url_secrets("https://h.example/ping?x=1") ==
          std::vector<std::string>{"https://h.example/ping?x=1", "/ping"});
}

TEST_CASE("the credential part of a secret header is a secret too") {
    CHECK(credential_parts("Bearer tk_abc123") == std::vector<std::string>{"tk_abc123"});
    CHECK(credential_parts("Bot 123:xyz") == std::vector<std::string>{"123:xyz"});
    const auto basic = credential_parts("Basic " + base64_encode("alice:s3cret"));
    CHECK(basic == std::vector<std::string>{base64_encode("alice:s3cret"), "alice:s3cret", "alice",
                                            "s3cret"});
    CHECK(credential_parts(base64_encode("bob:pw12")) ==
          std::vector<std::string>{"bob:pw12", "bob", "pw12"});
    CHECK(credential_parts("tk_plain").empty());
    CHECK(base64_decode("YWxpY2U6czNjcmV0") == std::optional<std::string>("alice:s3cret"));
    CHECK_FALSE(base64_decode("not base64!"));
}

TEST_CASE("server text is made safe for a terminal, newlines kept") {
    CHECK(terminal_safe("a\x1b]0;x\x07"
                        "b\nc\td") == "a\\x1b]0;x\\x07b\nc\td");
    CHECK(terminal_safe("\xC2\x9B"
                        "31m용산") == "\\u009b31m용산");
    CHECK(terminal_safe("\x7f") == "\\x7f");
    CHECK(one_line("a\xC2\x9B"
                   "b") == "a b");
    CHECK(breaks_header("a\r\nb"));
    CHECK(breaks_header(std::string_view("a\0b", 3)));
    CHECK_FALSE(breaks_header("plain"));
}
