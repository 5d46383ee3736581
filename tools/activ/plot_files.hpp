// File-system helpers for plot and report: a scratch directory that cleans up after
// itself, and whole-file writes that report failures as PlotError.
#pragma once

#include <filesystem>
#include <string>

namespace activ::cli::plot {

// mkdtemp(parent/prefixXXXXXX); removed with its contents on destruction unless released.
class TempDir {
 public:
  TempDir(const std::filesystem::path& parent, const std::string& prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const noexcept { return path_; }
  void release() noexcept { released_ = true; }  // keep it (it was renamed into place)

 private:
  std::filesystem::path path_;
  bool released_ = false;
};

// Writes `text` to `path` (replacing it); throws PlotError on failure.
void write_file(const std::filesystem::path& path, const std::string& text);

// The directory holding `path` ("." for a bare file name).
std::filesystem::path parent_dir(const std::filesystem::path& path);

}  // namespace activ::cli::plot
