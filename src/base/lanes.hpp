// Lanes of work that must not wait for each other: one thread per lane runs its steps in order,
// and the thread that made the lanes takes each finished step as it comes. `check` runs one lane
// per host, so a hung site holds back only its own targets, while the state (one SQLite
// connection) stays with the one thread that records and pushes.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace alimi {

class Lanes {
  public:
    struct Done {
        std::size_t lane;
        std::size_t step;
    };
    // step(lane, i) runs on lane's own thread, after step(lane, i - 1) and before step(lane, i +
    // 1).
    using Step = std::function<void(std::size_t lane, std::size_t step)>;

    Lanes(const std::vector<std::size_t> &steps_per_lane, Step step);
    ~Lanes(); // waits for every lane: a step in flight still owns what it works on
    Lanes(const Lanes &) = delete;
    Lanes &operator=(const Lanes &) = delete;

    // The next finished step, in the order they finish; nullopt once every lane is done.
    // What a step threw is thrown here, after the steps finished before it.
    std::optional<Done> next();

  private:
    void run(std::size_t lane, std::size_t steps);

    Step m_step;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<Done> m_done;
    std::size_t m_running = 0; // lanes not yet finished
    std::exception_ptr m_error;
    std::vector<std::thread> m_threads;
};

} // namespace alimi
