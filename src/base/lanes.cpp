#include "lanes.hpp"

#include <utility>

namespace alimi {

Lanes::Lanes(const std::vector<std::size_t> &steps_per_lane, Step step) : m_step(std::move(step)) {
    m_running = steps_per_lane.size();
    m_threads.reserve(steps_per_lane.size());
    for (std::size_t lane = 0; lane < steps_per_lane.size(); ++lane)
        m_threads.emplace_back([this, lane, n = steps_per_lane[lane]] { run(lane, n); });
}

Lanes::~Lanes() {
    for (auto &t : m_threads)
        t.join();
}

void Lanes::run(std::size_t lane, std::size_t steps) {
    for (std::size_t i = 0; i < steps; ++i) {
        try {
            m_step(lane, i);
        } catch (...) {
            // The lane stops at its first failure: its later steps built on this one.
            const std::lock_guard lock(m_mutex);
            if (!m_error)
                m_error = std::current_exception();
            break;
        }
        const std::lock_guard lock(m_mutex);
        m_done.push_back({lane, i});
        m_changed.notify_one();
    }
    const std::lock_guard lock(m_mutex);
    --m_running;
    m_changed.notify_one();
}

std::optional<Lanes::Done> Lanes::next() {
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [&] { return !m_done.empty() || m_error || m_running == 0; });
    // Finished steps first: what they fetched is whole and worth recording before the error.
    if (!m_done.empty()) {
        const auto done = m_done.front();
        m_done.pop_front();
        return done;
    }
    if (m_error)
        std::rethrow_exception(std::exchange(m_error, nullptr));
    return std::nullopt;
}

} // namespace alimi
