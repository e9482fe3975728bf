// One check at a time per state database: overlapping cron runs must never push the same opening
// twice. flock() on the database file itself, so the lock belongs to the file (device and inode),
// whatever name reached it: a hard link, a bind mount or a symlinked folder share it. The kernel
// releases it even when a run is killed. (SQLite's own locks are fcntl() locks, which flock()
// does not touch.)
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace alimi {

class FileLock {
  public:
    // Waits up to wait_seconds for the lock; nullopt when another process still holds it.
    static std::optional<FileLock> acquire(const std::string &path, double wait_seconds);
    // The lock of a state database, taken before the database is opened (migrations included):
    // on the file itself, created empty when missing (SQLite takes an empty file as a new
    // database). Creates the state's folder.
    static std::optional<FileLock> for_state(const std::string &state, double wait_seconds);
    // The file for_state locks, as messages name it.
    static std::string lock_path(const std::string &state);
    // The locked file's identity (device, inode).
    std::pair<unsigned long long, unsigned long long> identity() const;
    // How many names (hard links) the locked file has.
    unsigned long long links() const;
    FileLock(FileLock &&other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
    FileLock &operator=(FileLock &&) = delete;
    FileLock(const FileLock &) = delete;
    ~FileLock();

  private:
    explicit FileLock(int fd) : m_fd(fd) {}
    int m_fd;
};

} // namespace alimi
