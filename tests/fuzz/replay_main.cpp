// The replay driver of the normal (gcc) build: runs every file of the given folders (or single
// files) through the fuzz target's LLVMFuzzerTestOneInput once, so that CI checks the seed corpus
// and every crash ever found (tests/fuzz/regressions/TARGET/) without a clang build.
//
//   fuzz_TARGET [--prefix-byte=N | --no-prefix] PATH... [--min-inputs=K]
//
// --prefix-byte=N puts the byte N before the contents of the files named after it, up to --no-prefix (the targets
// that pick a decoder or adapter by the first byte use it to replay plain sample payloads).
// Fails (exit 1) when fewer than K inputs ran (default 1), so a moved seed folder cannot make the
// test pass by running nothing. A crash or a broken FUZZ_CHECK aborts the process.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  int prefix = -1;  // the byte to put before each file's contents, -1 for none
  std::size_t min_inputs = 1, ran = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--prefix-byte=", 0) == 0) {
      prefix = std::stoi(arg.substr(14)) & 0xFF;
      continue;
    }
    if (arg == "--no-prefix") {
      prefix = -1;
      continue;
    }
    if (arg.rfind("--min-inputs=", 0) == 0) {
      min_inputs = std::stoul(arg.substr(13));
      continue;
    }
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    if (std::filesystem::is_directory(arg, ec)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(arg))
        if (e.is_regular_file() && e.path().filename().string()[0] != '.') files.push_back(e.path());
      std::sort(files.begin(), files.end());
    } else if (std::filesystem::is_regular_file(arg, ec)) {
      files.push_back(arg);
    } else {
      std::fprintf(stderr, "replay: no such file or folder: %s\n", arg.c_str());
      return 1;
    }
    for (const auto& f : files) {
      std::string input = ReadFile(f);
      if (prefix >= 0) input.insert(input.begin(), static_cast<char>(prefix));
      std::fprintf(stderr, "replay: %s (%zu bytes)\n", f.c_str(), input.size());
      LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
      ++ran;
    }
  }
  std::printf("replay: %zu inputs ran, no crash\n", ran);
  if (ran < min_inputs) {
    std::fprintf(stderr, "replay: expected at least %zu inputs\n", min_inputs);
    return 1;
  }
  return 0;
}
