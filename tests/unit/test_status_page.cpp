#include "status_page.hpp"

#include <doctest/doctest.h>

using namespace alimi;

namespace {
const TimePoint k_now = from_unix(1800000000);
StatusReport report_with_one_target() {
    StatusReport r;
    r.now = k_now;
    TargetHealth h;
    h.name = "a<b>";
    h.last_success_at = k_now - std::chrono::seconds(30);
    h.consecutive_failures = 2;
    h.last_error = "bad answer: <html>";
    StatusRow row;
    row.health = h;
    row.source = "cgv";
    row.watches = "CGV 용산<아이파크몰> · IMAX · 모든 영화";
    row.found_total = 9;
    row.found_week = 4;
    r.rows.push_back(row);
    r.pushes = {7, 1, 2};
    r.requests = {{"cgv.co.kr", "ok", 10}};
    r.last_check_seconds = 0.25;
    return r;
}
} // namespace

TEST_CASE("ntfy metrics: plain and labelled samples, or nothing") {
    const auto plain = parse_ntfy_metrics(
        "# TYPE ntfy_subscribers_total gauge\nntfy_subscribers_total 3\nntfy_visitors_total 5\n");
    REQUIRE(plain);
    CHECK(plain->subscribers == 3);
    CHECK(plain->visitors == 5);
    const auto labelled = parse_ntfy_metrics(
        "ntfy_subscribers_total{topic=\"a b\"} 2\nntfy_subscribers_total{topic=\"c\"} 1\n");
    REQUIRE(labelled);
    CHECK(labelled->subscribers == 3);
    CHECK_FALSE(parse_ntfy_metrics("go_goroutines 12\n").has_value());
    CHECK_FALSE(parse_ntfy_metrics("ntfy_visitors_total lots\n").has_value());
}

TEST_CASE("HTML escaping covers the five special characters") {
    CHECK(html_escape("<a href=\"x\">'&'</a>") ==
          "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

TEST_CASE("health colours follow the age of the last success") {
    TargetHealth h;
    CHECK(std::string(health_of(h, k_now, 60)) == "unchecked");
    h.consecutive_failures = 3; // never worked: failing, not stale (it never was fresh)
    CHECK(std::string(health_of(h, k_now, 60)) == "failing");
    h.consecutive_failures = 0;
    h.last_success_at = k_now - std::chrono::seconds(120);
    CHECK(std::string(health_of(h, k_now, 60)) == "ok");
    h.last_success_at = k_now - std::chrono::seconds(400);
    CHECK(std::string(health_of(h, k_now, 60)) == "late");
    h.last_success_at = k_now - std::chrono::seconds(700);
    CHECK(std::string(health_of(h, k_now, 60)) == "stale");
    h.consecutive_failures = 1;
    h.last_success_at = k_now - std::chrono::seconds(120);
    CHECK(std::string(health_of(h, k_now, 60)) == "failing");
    h.last_success_at = k_now - std::chrono::seconds(700);
    CHECK(std::string(health_of(h, k_now, 60)) == "stale"); // long silence outranks the failure
}

TEST_CASE("a target that works but whose site lists no such code is a warning, not ok") {
    TargetHealth h;
    h.last_success_at = k_now - std::chrono::seconds(30);
    h.warning = "CGV lists no theater 0031: this target may never fire";
    CHECK(std::string(health_of(h, k_now, 60)) == "warning");
    h.consecutive_failures = 1;
    CHECK(std::string(health_of(h, k_now, 60)) == "failing");
    auto report = report_with_one_target();
    report.rows.front().health.consecutive_failures = 0;
    report.rows.front().health.last_success_at = report.now;
    report.rows.front().health.warning = "CGV lists no theater 0031";
    const auto html = render_status_html(report);
    CHECK(html.find("data-health=\"warning\"") != std::string::npos);
    CHECK(html.find("CGV lists no theater 0031") != std::string::npos);
}

TEST_CASE("the page escapes everything from CGV and the config") {
    const auto html = render_status_html(report_with_one_target());
    CHECK(html.find("a&lt;b&gt;") != std::string::npos);
    CHECK(html.find("bad answer: &lt;html&gt;") != std::string::npos);
    CHECK(html.find("<html>") == std::string::npos);
    CHECK(html.find("용산&lt;아이파크몰&gt; · IMAX") != std::string::npos);
    // One script, the page's own, inline; nothing from the state can open another.
    CHECK(html.find("<script>") == html.rfind("<script"));
    CHECK(html.find("<script src") == std::string::npos);
}

TEST_CASE("the page carries its own age and the facts per target") {
    const auto html = render_status_html(report_with_one_target());
    CHECK(html.find("data-generated=\"1800000000\" data-interval=\"60\"") != std::string::npos);
    CHECK(html.find("<meta http-equiv=\"refresh\" content=\"60\">") != std::string::npos);
    CHECK(html.find("2027-01-15 17:00 KST") != std::string::npos); // written, in words
    CHECK(html.find("data-health=\"failing\"") != std::string::npos);
    CHECK(html.find("openings found in 7 days</span>: 4") != std::string::npos);
    CHECK(html.find("failures in a row</span>: 2") != std::string::npos);
}

TEST_CASE("Prometheus text has HELP and TYPE before samples and escaped labels") {
    const auto text = render_prometheus(report_with_one_target());
    CHECK(text.find("# TYPE alimi_consecutive_failures "
                    "gauge\nalimi_consecutive_failures{target=\"a<b>\",chain=\"cgv\"} 2\n") !=
          std::string::npos);
    CHECK(text.find("alimi_openings_found_total{target=\"a<b>\",chain=\"cgv\"} 9\n") !=
          std::string::npos); // the counter, not the rows still kept
    CHECK(text.find("# TYPE alimi_openings_known gauge\n") != std::string::npos);
    CHECK(text.find("alimi_pushes_total{result=\"delivered\"} 7\n") != std::string::npos);
    CHECK(text.find("alimi_pushes_pending 1\n") != std::string::npos);
    CHECK(text.find("alimi_check_duration_seconds 0.250\n") != std::string::npos);
    CHECK(text.find("alimi_requests_total{host=\"cgv.co.kr\",outcome=\"ok\"} 10\n") !=
          std::string::npos);
}
