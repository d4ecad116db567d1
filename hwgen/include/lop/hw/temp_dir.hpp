// A private scratch directory removed, with everything in it, at scope exit.
// Used by the Yosys driver, lop-hwgen (--lint / --synth) and the synthesis tests.
#pragma once

#include <filesystem>
#include <string>

namespace lop::hw {

class temp_dir {
 public:
  // Creates a fresh directory `<temp>/<prefix>XXXXXX` (mkdtemp: unique name, mode 0700),
  // where <temp> is std::filesystem::temp_directory_path() (TMPDIR or /tmp).
  // Throws std::invalid_argument if `prefix` contains '/', and std::system_error (errno set by
  // mkdtemp) naming the parent directory if the directory cannot be created.
  explicit temp_dir(const std::string& prefix = "lop-");
  // Removes the directory recursively (errors ignored) unless keep() was called.
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  // Leave the directory in place at destruction (e.g. for inspection after a failure).
  void keep(bool k = true) noexcept { keep_ = k; }
  [[nodiscard]] bool kept() const noexcept { return keep_; }

 private:
  std::filesystem::path path_;
  bool keep_ = false;
};

}  // namespace lop::hw
