#pragma once
// A fresh, empty directory under the system's temp directory ($TMPDIR or /tmp),
// removed with everything in it when the object goes. Benchmarks that write a
// store get one each, so that no run reads or grows another's database.

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

namespace chorus::bench {

class ScratchDir {
 public:
  explicit ScratchDir(const std::string& prefix) {
    std::error_code unset;
    auto temp = std::filesystem::temp_directory_path(unset);
    if (unset) temp = "/tmp";
    auto pattern = (temp / (prefix + "-XXXXXX")).string();
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    if (::mkdtemp(name.data()) != nullptr) path_ = name.data();
  }
  ~ScratchDir() {
    if (path_.empty()) return;
    std::error_code ignored;  // best effort: a leftover temp dir is not worth a crash
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  // Empty when the directory could not be made.
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace chorus::bench
