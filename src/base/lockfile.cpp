#include "lockfile.hpp"

#include "paths.hpp"
#include "sqlite.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/file.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace alimi {

// flock, not fcntl locks: it belongs to the open file, so a second open of the same file in
// this process (the store reopening) does not silently release it.
std::optional<FileLock> FileLock::acquire(const std::string &path, double wait_seconds) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        throw StoreError(
            fmt::format("state lock {}: cannot open ({})", path, std::strerror(errno)));
    // A cron run that meets a still-running neighbour waits a little, then gives way with
    // nullopt (the caller's exit code says "busy"); it never queues up behind it.
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::duration<double>(wait_seconds);
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        // Anything but "held by another" or "interrupted" is a real failure (e.g. a filesystem
        // without locks) and must be an error, not an endless wait.
        if (errno != EWOULDBLOCK && errno != EINTR) {
            const int err = errno;
            ::close(fd);
            throw StoreError(fmt::format("state lock {}: {}", path, std::strerror(err)));
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            ::close(fd);
            return std::nullopt;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return FileLock(fd);
}

// The lock is the state file itself, by its resolved path, so two spellings of one file (a
// symlink, "./state.db") still exclude each other and no lock file is left lying around.
std::string FileLock::lock_path(const std::string &state) {
    return real_path(state);
}

// More than one link means the state has other names (hard links); SQLite would keep a journal
// beside each, so the caller refuses such a state before writing anything.
unsigned long long FileLock::links() const {
    struct stat st {};
    return ::fstat(m_fd, &st) == 0 ? static_cast<unsigned long long>(st.st_nlink) : 0;
}

// Device and inode of the locked file: the caller finds its other names by them, and tells a
// bind-mounted copy of the same file from a different file of the same name.
std::pair<unsigned long long, unsigned long long> FileLock::identity() const {
    struct stat st {};
    if (::fstat(m_fd, &st) != 0)
        return {0, 0};
    return {static_cast<unsigned long long>(st.st_dev), static_cast<unsigned long long>(st.st_ino)};
}

// The state's folder is created first: the lock is taken on the state file itself, which on a
// first run does not exist yet (O_CREAT makes it, SQLite then fills it).
std::optional<FileLock> FileLock::for_state(const std::string &state, double wait_seconds) {
    std::error_code ec;
    const auto dir = std::filesystem::path(state).parent_path();
    if (!dir.empty())
        std::filesystem::create_directories(dir, ec);
    if (ec)
        throw StoreError(fmt::format("state {}: cannot create folder {} ({})", state, dir.string(),
                                     ec.message()));
    return acquire(lock_path(state), wait_seconds);
}

FileLock::~FileLock() {
    if (m_fd >= 0)
        ::close(m_fd); // closing releases the flock
}

} // namespace alimi
