#include "error_text.hpp"
#include "text.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace alimi {

std::string join_choices(const std::vector<std::string_view> &choices) {
    std::string out;
    for (std::size_t i = 0; i < choices.size(); ++i) {
        out += i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ";
        out += choices[i];
    }
    return out;
}

namespace {

// Edits (insert, delete, replace, swap two neighbours) from a to b: "chekc" is one from "check".
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i)
        d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j)
        d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i)
        for (std::size_t j = 1; j <= b.size(); ++j) {
            d[i][j] = std::min(
                {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[a.size()][b.size()];
}

} // namespace

bool same_cause(std::string_view a, std::string_view b) {
    const auto letters = [](std::string_view s) {
        std::string out;
        for (const char c : s)
            if (c < '0' || c > '9')
                out += c;
        return out;
    };
    return letters(a) == letters(b);
}

std::string nearest(std::string_view word, const std::vector<std::string> &choices) {
    const auto limit = std::min<std::size_t>(3, std::max<std::size_t>(1, word.size() / 3));
    std::string best;
    auto best_distance = limit + 1;
    for (const auto &c : choices)
        if (const auto d = edit_distance(lower_ascii(std::string(word)), lower_ascii(c));
            d < best_distance) {
            best = c;
            best_distance = d;
        }
    return best;
}

} // namespace alimi
