// Watches folders (recursively) with inotify and calls back once an edit has settled. Editors
// save in different ways (write in place, truncate and write, write a temporary file and rename
// it over, delete and create); all of them end in an event here, and a burst of events becomes
// one call after `quiet` without further events.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"

namespace siaga {

class FileWatcher {
 public:
  using Callback = std::function<void(const std::vector<std::string>& changed)>;

  FileWatcher(std::vector<std::string> roots, Callback on_change, std::chrono::milliseconds quiet = std::chrono::milliseconds(20));
  ~FileWatcher();
  Status Start();
  void Stop();

 private:
  void Run();
  void WatchTree(const std::string& dir);

  std::vector<std::string> roots_;
  Callback on_change_;
  std::chrono::milliseconds quiet_;
  int fd_ = -1;
  int stop_pipe_[2] = {-1, -1};
  std::map<int, std::string> dirs_;  // watch descriptor -> folder
  std::thread thread_;
};

}  // namespace siaga
