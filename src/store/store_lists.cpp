// Store: the theater lists region targets expand from, one JSON array per chain.
#include "store.hpp"

#include "utf8.hpp"

#include <nlohmann/json.hpp>

namespace alimi {

TheaterList Store::theater_list(const std::string &chain) {
    Statement s(*m_db, "SELECT theaters, read_at, tried_at FROM theater_lists WHERE chain = ?1");
    s.bind(chain);
    TheaterList out;
    if (!s.step())
        return out;
    if (auto v = s.optional_integer(1))
        out.read_at = from_unix(*v);
    out.tried_at = from_unix(s.integer(2));
    // Written by save_theater_list only; a damaged copy is no list (the next check reads anew).
    const auto list = nlohmann::json::parse(s.text(0), nullptr, false);
    if (!list.is_array()) {
        out.read_at.reset();
        return out;
    }
    for (const auto &t : list)
        if (t.is_object())
            out.theaters.push_back({t.value("code", ""), t.value("name", ""), t.value("region", ""),
                                    t.value("status", "")});
    return out;
}

void Store::save_theater_list(const std::string &chain, const std::vector<TheaterInfo> &theaters,
                              TimePoint now) {
    auto list = nlohmann::json::array();
    for (const auto &t : theaters)
        list.push_back({{"code", valid_utf8(t.code)},
                        {"name", valid_utf8(t.name)},
                        {"region", valid_utf8(t.region)},
                        {"status", valid_utf8(t.status)}});
    Statement(*m_db, R"(INSERT INTO theater_lists(chain, theaters, read_at, tried_at)
                        VALUES(?1, ?2, ?3, ?3) ON CONFLICT(chain) DO UPDATE SET
                        theaters = excluded.theaters, read_at = excluded.read_at,
                        tried_at = excluded.tried_at)")
        .bind(chain, list.dump(), to_unix(now))
        .run();
}

void Store::note_theater_list_tried(const std::string &chain, TimePoint now) {
    Statement(*m_db, R"(INSERT INTO theater_lists(chain, tried_at) VALUES(?1, ?2)
                        ON CONFLICT(chain) DO UPDATE SET tried_at = excluded.tried_at)")
        .bind(chain, to_unix(now))
        .run();
}

} // namespace alimi
