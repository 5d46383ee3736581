// gnuplot scripts for figures, and running gnuplot without a shell.
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "plot.hpp"
#include "plot_files.hpp"
#include "plot_samples.hpp"

extern char** environ;

namespace activ::cli::plot {

std::string quote(const std::string& text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'')
      out += "''";
    else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      out += ' ';
    else
      out += c;
  }
  return out + "'";
}

namespace {

std::string number(double v) {
  if (!std::isfinite(v)) return "NaN";  // gnuplot leaves the point out
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);  // far finer than a pixel
  return buf;
}

// An inline data block: "x y" lines, with a blank line (a break in the curve) after
// each sample where the curve jumps.
std::string data_block(const std::string& name, const Activation& f, bool derivative, Range range,
                       std::size_t samples) {
  const std::vector<double> x = linspace(range, samples);
  const std::vector<double> y = evaluate(f, x, derivative);
  const std::vector<bool> jump = find_jumps(f, derivative, x, y);
  std::string out = name + " << EOD\n";
  for (std::size_t i = 0; i < x.size(); ++i) {
    out += number(x[i]) + " " + number(y[i]) + "\n";
    if (jump[i]) out += "\n";
  }
  return out + "EOD\n";
}

std::string block_name(std::size_t id, std::size_t curve, bool derivative) {
  return "$fig" + std::to_string(id) + "_" + std::to_string(curve) + (derivative ? "_d" : "_f");
}

std::string plot_command(const Figure& figure, std::size_t id, bool derivative) {
  std::string cmd = "plot ";
  for (std::size_t i = 0; i < figure.curves.size(); ++i) {
    if (i) cmd += ", ";
    cmd += block_name(id, i, derivative) + " using 1:2 with lines lw 2 title " + quote(figure.curves[i].label);
  }
  return cmd + "\n";
}

std::string terminal(const Figure& figure, bool png) {
  const std::string size = " size " + std::to_string(figure.width) + "," + std::to_string(figure.height);
  // noenhanced: spec strings such as relu(max_value=6) must print as typed, not as markup.
  return std::string("set terminal ") + (png ? "pngcairo" : "svg") + size +
         " font 'DejaVu Sans,11' noenhanced background '#ffffff'\n";
}

}  // namespace

std::string gnuplot_script(const Figure& figure, const std::string& output, bool png, std::size_t id) {
  const Range range = figure_range(figure);
  const bool f = figure.panels != Panels::derivative, d = figure.panels != Panels::function;
  std::string s = "reset\n" + terminal(figure, png) + "set output " + quote(output) + "\n";
  for (std::size_t i = 0; i < figure.curves.size(); ++i) {
    if (f) s += data_block(block_name(id, i, false), figure.curves[i].f, false, range, figure.samples);
    if (d) s += data_block(block_name(id, i, true), figure.curves[i].f, true, range, figure.samples);
  }
  s += "set grid lc rgb '#d0d0d0'\n";
  s += "set xzeroaxis lt 1 lc rgb '#909090' lw 1\nset yzeroaxis lt 1 lc rgb '#909090' lw 1\n";
  s += figure.curves.size() > 1 || figure.panels != Panels::both ? "set key top left opaque box\n" : "unset key\n";
  s += "set xrange [" + number(range.lo) + ":" + number(range.hi) + "]\n";
  s += "set offsets 0, 0, graph 0.05, graph 0.05\nset xlabel 'x'\n";
  if (figure.panels == Panels::both) {
    s += "set multiplot layout 1,2" + (figure.title.empty() ? "" : " title " + quote(figure.title)) + "\n";
    s += "set title 'f(x)'\n" + plot_command(figure, id, false);
    s += "set title \"f'(x)\"\n" + plot_command(figure, id, true);
    s += "unset multiplot\n";
  } else {
    if (!figure.title.empty()) s += "set title " + quote(figure.title) + "\n";
    s += std::string("set ylabel ") + (d ? "\"f'(x)\"" : "'f(x)'") + "\n" + plot_command(figure, id, d);
  }
  return s + "unset output\n";  // closes the file, so it is complete before the next figure
}

namespace {

struct Job {
  std::filesystem::path script, errors;
  pid_t pid = -1;
};

// The first non-blank line gnuplot printed, for the error message.
std::string first_error_line(const std::filesystem::path& errors) {
  std::ifstream in(errors);
  std::string line;
  while (std::getline(in, line))
    if (line.find_first_not_of(" \t^") != std::string::npos) return line;
  return "no message";
}

pid_t spawn(const std::string& program, Job& job) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, job.errors.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::string script = job.script.string();
  char* argv[] = {const_cast<char*>(program.c_str()), script.data(), nullptr};
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0)
    throw PlotError("cannot run " + program + ": " + std::strerror(rc) +
                    (rc == ENOENT ? " (install gnuplot-nox: scripts/install-deps)" : ""));
  return pid;
}

}  // namespace

void run_gnuplot(const std::vector<std::string>& scripts, std::size_t jobs) {
  const char* env = std::getenv("ACTIV_GNUPLOT");
  const std::string program = env && *env ? env : "gnuplot";
  TempDir work(std::filesystem::temp_directory_path(), "activ-gnuplot-");
  std::vector<Job> all(scripts.size());
  for (std::size_t i = 0; i < scripts.size(); ++i) {
    all[i].script = work.path() / ("figure" + std::to_string(i) + ".gp");
    all[i].errors = work.path() / ("figure" + std::to_string(i) + ".err");
    write_file(all[i].script, scripts[i]);
  }
  // Start up to `jobs` processes, then wait for the oldest before starting the next.
  std::string failure;
  std::size_t started = 0, finished = 0;
  while (finished < all.size()) {
    while (failure.empty() && started < all.size() && started - finished < std::max<std::size_t>(jobs, 1)) {
      try {
        all[started].pid = spawn(program, all[started]);
      } catch (const PlotError& e) {
        failure = e.what();
        break;
      }
      ++started;
    }
    if (finished == started) break;
    Job& job = all[finished++];
    int status = 0;
    while (waitpid(job.pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (failure.empty() && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
      failure = program + " failed: " + first_error_line(job.errors);
  }
  if (!failure.empty()) throw PlotError(failure);
}

void draw(const Figure& figure, const std::string& path) {
  const auto ends_with = [&](const char* ext) { return path.size() > 4 && path.ends_with(ext); };
  const bool png = ends_with(".png");
  if (!png && !ends_with(".svg")) throw PlotError("output '" + path + "' must end in .svg or .png");
  if (figure.curves.empty()) throw PlotError("nothing to plot");
  const std::filesystem::path target(path);
  std::string temp = (parent_dir(target) / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  const int fd = mkstemp(temp.data());
  if (fd < 0) throw PlotError("cannot write '" + path + "': " + std::strerror(errno));
  // mkstemp makes the file private; give it the mode a plainly created file would have.
  const mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  close(fd);
  try {
    run_gnuplot({gnuplot_script(figure, temp, png)});
    std::error_code ec;
    if (std::filesystem::file_size(temp, ec) == 0 || ec) throw PlotError("gnuplot wrote nothing to '" + path + "'");
    std::filesystem::rename(temp, target, ec);
    if (ec) throw PlotError("cannot write '" + path + "': " + ec.message());
  } catch (...) {
    unlink(temp.c_str());
    throw;
  }
}

}  // namespace activ::cli::plot
