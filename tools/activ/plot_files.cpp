#include "plot_files.hpp"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

#include "plot.hpp"

namespace activ::cli::plot {

TempDir::TempDir(const std::filesystem::path& parent, const std::string& prefix) {
  std::string pattern = (parent / (prefix + "XXXXXX")).string();
  if (mkdtemp(pattern.data()) == nullptr)
    throw PlotError("cannot create a directory in '" + parent.string() + "': " + std::strerror(errno));
  path_ = pattern;
}

TempDir::~TempDir() {
  if (released_) return;
  std::error_code ignored;  // best effort: a destructor must not throw
  std::filesystem::remove_all(path_, ignored);
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw PlotError("cannot write '" + path.string() + "'");
}

std::filesystem::path parent_dir(const std::filesystem::path& path) {
  const std::filesystem::path parent = path.parent_path();
  return parent.empty() ? std::filesystem::path(".") : parent;
}

}  // namespace activ::cli::plot
