// lop::hw::temp_dir (see lop/hw/temp_dir.hpp).
#include "lop/hw/temp_dir.hpp"

#include <stdlib.h>  // mkdtemp (POSIX)

#include <cerrno>
#include <stdexcept>
#include <system_error>

namespace lop::hw {

temp_dir::temp_dir(const std::string& prefix) {
  if (prefix.find('/') != std::string::npos)
    throw std::invalid_argument("lop::hw::temp_dir: the prefix '" + prefix +
                                "' contains '/'; pass a plain file name prefix");
  const std::filesystem::path parent = std::filesystem::temp_directory_path();
  std::string tmpl = (parent / (prefix + "XXXXXX")).string();
  if (mkdtemp(tmpl.data()) == nullptr)
    throw std::system_error(errno, std::generic_category(),
                            "cannot create a temporary directory under " + parent.string() +
                                " (set TMPDIR to a writable directory)");
  path_ = tmpl;
}

temp_dir::~temp_dir() {
  if (keep_ || path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace lop::hw
