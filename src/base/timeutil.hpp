// Time as values: every function takes `now` explicitly so the core is testable with a fixed clock.
// "Today" for CGV is Korea time (UTC+9, no DST) whatever the host's zone.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace alimi {

using TimePoint = std::chrono::sys_seconds;
using Date = std::chrono::year_month_day;

TimePoint now_utc();
TimePoint from_unix(long long seconds);
long long to_unix(TimePoint t);

// The calendar date in Korea at instant t.
Date kst_date(TimePoint t);

// "20261224" -> 2026-12-24; nullopt for anything else (wrong length, not a real date).
std::optional<Date> parse_yyyymmdd(std::string_view s);

std::string iso_date(Date d);                  // 2026-12-24
std::string compact_from_iso(std::string iso); // 2026-12-24 -> 20261224
std::string compact_date(Date d);              // 20261224
std::string korean_date(Date d);               // 12월 24일(목)
std::string iso_timestamp(TimePoint t);        // 2026-11-24T21:36:00Z
std::string kst_clock(TimePoint t);            // 06:36 (Korea time)
std::string kst_timestamp(TimePoint t);        // 2026-11-25 06:36 KST
// "06:36 KST" when t falls on now's KST date, else "2026-11-26 06:36 KST": a wait that ends on
// another day must say which.
std::string kst_when(TimePoint t, TimePoint now);
std::string ago(TimePoint then, TimePoint now); // "3 min ago"

// "90s", "30m", "12h", "7d" (a bare number is days) -> seconds; nullopt when malformed.
std::optional<long long> parse_duration(std::string_view s);

} // namespace alimi
