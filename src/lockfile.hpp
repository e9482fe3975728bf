// One check at a time per state database: overlapping cron runs must never push the same opening
// twice. flock() on "STATE.lock" is released by the kernel even when a run is killed.
#pragma once

#include <optional>
#include <string>

namespace alimi {

class FileLock {
  public:
    // Waits up to wait_seconds for the lock; nullopt when another process still holds it.
    static std::optional<FileLock> acquire(const std::string &path, double wait_seconds);
    // The lock of a state database, taken before the database is opened (migrations included):
    // "REAL.lock" beside the file the path leads to, so a symlink or another spelling of the
    // same path shares it. Creates the state's folder.
    static std::optional<FileLock> for_state(const std::string &state, double wait_seconds);
    // The lock file for_state uses.
    static std::string lock_path(const std::string &state);
    FileLock(FileLock &&other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
    FileLock &operator=(FileLock &&) = delete;
    FileLock(const FileLock &) = delete;
    ~FileLock();

  private:
    explicit FileLock(int fd) : m_fd(fd) {}
    int m_fd;
};

} // namespace alimi
