#include "reload/file_watcher.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>

#include <spdlog/spdlog.h>

namespace siaga {

namespace {

// IN_MODIFY too: a truncate-and-write by a program that keeps the file open still counts.
constexpr std::uint32_t kEvents = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE | IN_MODIFY;

bool Relevant(const std::string& name) {
  return name.size() > 4 && name.compare(name.size() - 4, 4, ".lua") == 0;
}

}  // namespace

FileWatcher::FileWatcher(std::vector<std::string> roots, Callback on_change, std::chrono::milliseconds quiet)
    : roots_(std::move(roots)), on_change_(std::move(on_change)), quiet_(quiet) {}

FileWatcher::~FileWatcher() { Stop(); }

Status FileWatcher::Start() {
  fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd_ < 0) return Internal(std::string("inotify: ") + std::strerror(errno));
  if (pipe2(stop_pipe_, O_CLOEXEC) != 0) return Internal(std::string("pipe: ") + std::strerror(errno));
  for (const auto& root : roots_) WatchTree(root);
  thread_ = std::thread([this] { Run(); });
  return Status::Ok();
}

void FileWatcher::Stop() {
  if (thread_.joinable()) {
    const char byte = 1;
    (void)!write(stop_pipe_[1], &byte, 1);
    thread_.join();
  }
  for (int fd : {fd_, stop_pipe_[0], stop_pipe_[1]})
    if (fd >= 0) close(fd);
  fd_ = stop_pipe_[0] = stop_pipe_[1] = -1;
}

void FileWatcher::WatchTree(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return;
  const int wd = inotify_add_watch(fd_, dir.c_str(), kEvents);
  if (wd >= 0) dirs_[wd] = dir;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec); !ec && it != std::filesystem::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_directory(ec)) continue;
    const int sub = inotify_add_watch(fd_, it->path().c_str(), kEvents);
    if (sub >= 0) dirs_[sub] = it->path().string();
  }
}

void FileWatcher::Run() {
  std::vector<char> buffer(64 * 1024);
  std::vector<std::string> changed;
  bool pending = false;
  while (true) {
    pollfd fds[2] = {{fd_, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
    const int wait = pending ? static_cast<int>(quiet_.count()) : -1;
    const int ready = poll(fds, 2, wait);
    if (ready < 0 && errno == EINTR) continue;
    if (fds[1].revents != 0) return;
    if (ready == 0) {  // quiet long enough: the edit has settled
      std::sort(changed.begin(), changed.end());
      changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
      try {
        on_change_(changed);
      } catch (const std::exception& e) {
        spdlog::error("reload: {}", e.what());
      }
      changed.clear();
      pending = false;
      continue;
    }
    const ssize_t n = read(fd_, buffer.data(), buffer.size());
    if (n <= 0) continue;
    for (ssize_t at = 0; at < n;) {
      const auto* ev = reinterpret_cast<const inotify_event*>(buffer.data() + at);
      at += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
      const std::string name = ev->len > 0 ? std::string(ev->name) : "";
      auto dir = dirs_.find(ev->wd);
      const std::string path = (dir != dirs_.end() ? dir->second + "/" : "") + name;
      if ((ev->mask & IN_ISDIR) && (ev->mask & (IN_CREATE | IN_MOVED_TO))) {
        WatchTree(path);  // a new folder: watch it and take what it already holds
        changed.push_back(path);
        pending = true;
      } else if (Relevant(name) || (ev->mask & IN_ISDIR)) {
        changed.push_back(path);
        pending = true;
      }
    }
  }
}

}  // namespace siaga
