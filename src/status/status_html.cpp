// The status page. It must not lie when nobody refreshes it: it carries the moment it was
// written and the interval it expects, and the viewer's clock judges its age, not ours. Every
// label reads in Korean and English alike; texts from the state (errors) stay as written.
#include "status_page.hpp"

#include "message.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

namespace alimi {

namespace {

// Inline and small: the page is one file a web server serves as it is, with no assets to
// go stale beside it, and it reads on a phone.
constexpr const char *k_css =
    R"(body{font-family:system-ui,-apple-system,"Apple SD Gothic Neo","Noto Sans KR",sans-serif;margin:0;padding:1rem;background:#fafafa;color:#222;max-width:60rem}
h1{font-size:1.3rem;margin:.2rem 0}h2{font-size:1.05rem;margin:1.2rem 0 .4rem}.meta{color:#555;font-size:.85rem}.en{color:#777;font-weight:400}
#age{font-weight:600}body.page-stale #age{color:#b00}
.t{background:#fff;border:1px solid #ddd;border-radius:.5rem;padding:.6rem .8rem;margin:.5rem 0}
.bar{height:.5rem;border-radius:.25rem;margin:.3rem 0}.ok{background:#2e9e44}.late{background:#e0a100}.failing{background:#e8590c}.stale{background:#d0312d}.warning{background:#c9a000}.unchecked{background:#b8b8b8}
body.page-stale .bar{background:#9e9e9e}
.name{font-weight:600}.what{font-size:.9rem}.err{color:#b00;font-size:.85rem;word-break:break-word}
table{border-collapse:collapse;width:100%;font-size:.85rem}td,th{text-align:left;padding:.25rem .4rem;border-bottom:1px solid #eee;vertical-align:top})";

// The viewer's clock against the page's own: past 2.5 intervals every bar greys and the age
// line says so. Without script the page still reads right: it states when it was written.
constexpr const char *k_script =
    R"((function(){var b=document.body,age=Date.now()-b.dataset.generated*1000;
var m=Math.max(0,Math.floor(age/60000)),words=m<1?'less than a minute ago':m+' min ago';
var stale=age>2.5*b.dataset.interval*1000,el=document.getElementById('age');
if(stale)b.classList.add('page-stale');
el.textContent=(stale?'오래된 페이지 · stale: last written ':'최신 · fresh: last written ')+words;})();)";

// A label in both languages: Korean first, English after it in grey.
std::string both(std::string_view ko, std::string_view en) {
    return fmt::format("{} <span class=\"en\" lang=\"en\">{}</span>", ko, en);
}

// Times in KST, as the showings themselves are: the page is read in Korea.
std::string when(const std::optional<TimePoint> &t) {
    return t ? kst_timestamp(*t) : both("없음", "never");
}

std::string health_words(std::string_view health) {
    return health == "ok"          ? both("정상", "ok")
           : health == "late"      ? both("늦음", "late")
           : health == "failing"   ? both("실패 중", "failing")
           : health == "warning"   ? both("경고", "warning")
           : health == "unchecked" ? both("확인 전", "not checked yet")
                                   : both("멈춤", "stale");
}

void fact(std::ostringstream &o, std::string_view ko, std::string_view en,
          const std::string &value) {
    o << "<li>" << both(ko, en) << ": " << value << "</li>";
}

// data-health carries the state for the script and for tests; the bar's colour says it
// to a person at a glance.
void target_card(std::ostringstream &o, const StatusRow &row, TimePoint now, double interval) {
    const auto &h = row.health;
    const auto health = health_of(h, now, interval);
    o << "<div class=\"t\" data-health=\"" << health << "\"><div class=\"name\">"
      << html_escape(h.name) << " · " << health_words(health) << "</div>"
      << "<div class=\"what\">" << html_escape(row.watches) << " <span class=\"meta\">("
      << html_escape(row.source) << ")</span></div>"
      << "<div class=\"bar " << health << "\"></div><ul class=\"meta\">";
    fact(o, "마지막 성공", "last success", when(h.last_success_at));
    fact(o, "연속 실패", "failures in a row", std::to_string(h.consecutive_failures));
    fact(o, "쿨다운", "cool-down",
         row.cooldown
             ? html_escape(kst_timestamp(row.cooldown->until)) + " " + both("까지", "until then")
             : both("없음", "none"));
    fact(o, "최근 7일 새 오픈", "openings found in 7 days", std::to_string(row.found_week));
    fact(o, "알림", "pushes",
         fmt::format("{} {}, {} {}", h.pending_notifications, both("대기", "pending"),
                     h.dropped_notifications, both("포기", "dropped")));
    o << "</ul>";
    // The same precedence as the table: a failure outranks a warning.
    if (h.consecutive_failures > 0)
        o << "<div class=\"err\" lang=\"en\">" << html_escape(h.last_error) << "</div>";
    else if (!h.warning.empty())
        o << "<div class=\"err\" lang=\"en\">" << html_escape(h.warning) << "</div>";
    o << "</div>\n";
}

// The page refreshes itself at the check's own interval (within 10 s..1 h), so an open
// tab follows the runs without polling faster than they happen.
void head(std::ostringstream &o, const StatusReport &r) {
    const auto refresh = std::clamp(static_cast<long long>(r.interval), 10LL, 3600LL);
    o << "<!DOCTYPE html>\n<html lang=\"ko\"><head><meta charset=\"utf-8\">"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      << "<meta http-equiv=\"refresh\" content=\"" << refresh << "\">"
      << "<title>alimi status</title><style>" << k_css
      << "</style></head>\n"
      // The moment of writing and the expected interval, for the viewer's clock to judge.
      << fmt::format("<body data-generated=\"{}\" data-interval=\"{:g}\">\n", to_unix(r.now),
                     r.interval);
}

void summary(std::ostringstream &o, const StatusReport &r) {
    o << "<h1>alimi</h1><p class=\"meta\">" << both("작성", "written") << ": "
      << html_escape(kst_timestamp(r.now)) << " · " << both("예상 주기", "expected every") << " "
      << fmt::format("{:g}", r.interval) << " s<br><span id=\"age\"></span></p>\n"
      << "<p class=\"meta\">" << both("알림", "pushes") << ": " << r.pushes.delivered << " "
      << both("전송", "delivered") << ", " << r.pushes.pending << " " << both("대기", "pending")
      << ", " << r.pushes.dropped << " " << both("포기", "dropped");
    if (r.ntfy_configured)
        o << " · ntfy: "
          << (r.ntfy ? fmt::format("{:g} {}, {:g} {}", r.ntfy->subscribers,
                                   both("구독자", "subscribers"), r.ntfy->visitors,
                                   both("방문자", "visitors"))
                     : both("알 수 없음", "unknown"));
    o << "</p>\n";
}

// The newest openings first, as they were pushed.
void openings_table(std::ostringstream &o, const StatusReport &r) {
    o << "<h2>" << both("최근 오픈", "Recent openings") << "</h2>\n";
    if (r.openings.empty()) {
        o << "<p class=\"meta\">" << both("아직 없음", "none yet") << "</p>\n";
        return;
    }
    o << "<table><tr><th>" << both("발견", "found") << "</th><th>" << both("대상", "target")
      << "</th><th>" << both("날짜", "date") << "</th><th>" << both("영화", "movie") << "</th><th>"
      << both("상영관", "screen") << "</th></tr>\n";
    for (const auto &k : r.openings)
        o << "<tr><td>" << html_escape(kst_timestamp(k.first_seen)) << "</td><td>"
          << html_escape(k.target) << "</td><td>"
          << html_escape(k.opening.date +
                         (k.opening.time.empty() ? "" : " " + display_time(k.opening.time)))
          << "</td><td>" << html_escape(k.opening.movie) << "</td><td>"
          << html_escape(k.opening.screen) << "</td></tr>\n";
    o << "</table>\n";
}

// Errors stay in the language they were written in (English), marked so for readers.
void errors_table(std::ostringstream &o, const StatusReport &r) {
    o << "<h2>" << both("최근 오류", "Recent errors") << "</h2>\n";
    if (r.errors.empty()) {
        o << "<p class=\"meta\">" << both("없음", "none") << "</p>\n";
        return;
    }
    o << "<table><tr><th>" << both("시각", "when") << "</th><th>" << both("대상", "target")
      << "</th><th>" << both("내용", "error") << "</th></tr>\n";
    for (const auto &e : r.errors)
        o << "<tr><td>" << html_escape(kst_timestamp(e.at)) << "</td><td>" << html_escape(e.target)
          << "</td><td class=\"err\" lang=\"en\">" << html_escape(e.detail) << "</td></tr>\n";
    o << "</table>\n";
}

} // namespace

std::string render_status_html(const StatusReport &r) {
    std::ostringstream o;
    head(o, r);
    summary(o, r);
    o << "<h2>" << both("대상", "Targets") << "</h2>\n";
    for (const auto &row : r.rows)
        target_card(o, row, r.now, r.interval);
    openings_table(o, r);
    errors_table(o, r);
    o << "<script>" << k_script << "</script>\n</body></html>\n";
    return o.str();
}

} // namespace alimi
