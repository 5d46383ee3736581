#include "common.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>

namespace activ::cli {

void fail(const std::string& message) { throw InputError(message); }

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? separator : "") + items[i];
  return out;
}

void write_text_file(const std::string& path, const std::string& text) {
  const std::filesystem::path target(path);
  const std::filesystem::path dir = target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path();
  std::string temp = (dir / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  const int fd = mkstemp(temp.data());
  if (fd < 0) fail("cannot write '" + path + "': " + std::strerror(errno));
  const mode_t mask = umask(0);  // mkstemp makes the file private; give it a plain file's mode
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  std::size_t done = 0;
  int saved = EIO;  // a write that returns 0 sets no errno
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n < 0) saved = errno;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  if (close(fd) != 0 || done != text.size()) {
    unlink(temp.c_str());
    fail("cannot write '" + path + "': " + std::strerror(done != text.size() ? saved : errno));
  }
  std::error_code ec;
  std::filesystem::rename(temp, target, ec);
  if (ec) {
    unlink(temp.c_str());
    fail("cannot write '" + path + "': " + ec.message());
  }
}

// ---- catalogue text -----------------------------------------------------------------

std::string format_number(double v) {
  std::array<char, 64> buf;
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return std::string(buf.data(), r.ptr);
}

std::string framework_label(Framework f) {
  const std::string_view prefix = framework_prefix(f);
  return prefix.empty() ? "activ" : std::string(prefix);
}

std::string format_value(const ParamInfo& p, double v) {
  switch (p.kind) {
    case ParamKind::boolean:
      return v != 0 ? "true" : "false";
    case ParamKind::choice: {
      const auto i = static_cast<std::size_t>(v);
      return i < p.choices.size() ? std::string(p.choices[i]) : format_number(v);
    }
    case ParamKind::real:
    case ParamKind::integer:
      break;
  }
  return p.none_allowed && v == p.none_value ? "None" : format_number(v);
}

std::string format_default(const ParamInfo& p) {
  if (p.required) return std::string(p.name) + " (required)";
  return std::string(p.name) + "=" + format_value(p, p.default_value);
}

std::string format_defaults(const FunctionInfo& f) {
  std::vector<std::string> parts;
  for (const ParamInfo& p : f.params) parts.push_back(format_default(p));
  return parts.empty() ? "-" : join(parts, ", ");
}

std::string describe_range(const ParamInfo& p) {
  if (p.kind == ParamKind::boolean) return "true or false";
  if (p.kind == ParamKind::choice) {
    std::vector<std::string> names(p.choices.begin(), p.choices.end());
    return "one of " + join(names, ", ");
  }
  // The registry spells "unbounded" as +-DBL_MAX (or +inf behind a None).
  const double big = std::numeric_limits<double>::max();
  const bool has_lo = p.min > -big, has_hi = p.max < big;
  const std::string what = p.kind == ParamKind::integer ? "an integer" : "a finite number";
  std::string range;
  if (has_lo && has_hi)
    range = what + " in " + (p.min_open ? "(" : "[") + format_number(p.min) + ", " + format_number(p.max) +
            (p.max_open ? ")" : "]");
  else if (has_lo)
    range = what + (p.min_open ? " > " : " >= ") + format_number(p.min);
  else if (has_hi)
    range = what + (p.max_open ? " < " : " <= ") + format_number(p.max);
  else
    range = what;
  return p.none_allowed ? range + ", or None" : range;
}

// ---- eval and grad --------------------------------------------------------------------

namespace {

std::string dtype_name(io::DType t) {
  return t == io::DType::f32 ? "f32" : t == io::DType::f64 ? "f64" : io::dtype_descr(t);
}

// eval and grad compute in float32 or float64; an integer file is named, not converted.
io::NpyArray read_float_npy(const std::string& path) {
  io::NpyArray a = io::read_npy(path);
  if (io::is_integer(a.dtype))
    fail("'" + path + "' holds " + io::dtype_descr(a.dtype) +
         " data; activations take float32 or float64 (convert with arr.astype('<f4'))");
  return a;
}

std::string shape_text(const std::vector<std::size_t>& shape) {
  std::vector<std::string> dims;
  for (const std::size_t d : shape) dims.push_back(std::to_string(d));
  return "(" + join(dims, ", ") + (shape.size() == 1 ? ",)" : ")");
}

std::string describe_array(const io::NpyArray& a) {
  return "shape " + shape_text(a.shape) + " and dtype " + dtype_name(a.dtype);
}

// strtof/strtod rather than from_chars: they accept inf, nan and hex floats, and round
// an out-of-range decimal to +-inf or a subnormal/zero as NumPy's float() does.
// Leading whitespace is accepted (main protects "-inf" from option parsing with it).
template <class T>
T parse_number(const std::string& text) {
  const char* begin = text.c_str();
  char* end = nullptr;
  errno = 0;
  T v;
  if constexpr (std::is_same_v<T, float>)
    v = std::strtof(begin, &end);
  else
    v = std::strtod(begin, &end);
  if (end == begin || *end != '\0')
    fail("bad number '" + text + "' (expected a decimal or hex floating-point number, inf or nan)");
  return v;
}

}  // namespace

void add_array_options(CLI::App& cmd, ArrayOptions& options, const std::string& input_name) {
  cmd.add_option("SPEC", options.spec, "activation spec, e.g. relu, jax:gelu, leaky_relu(negative_slope=0.2)")
      ->required();
  cmd.add_option("VALUES", options.values, "numbers for " + input_name + " (inf, -inf and nan accepted)");
  cmd.add_option("-i,--input", options.input, input_name + " as a .npy file (float32 or float64, either byte order, any shape)");
  cmd.add_option("-o,--output", options.output,
                 "write the result to this .npy file (same shape and dtype as the input) instead of printing it");
  cmd.add_option("--dtype", options.dtype, "f32 (default) or f64: precision of VALUES; with -i it must match the file")
      ->check(CLI::IsMember({"f32", "f64"}));
  cmd.add_option("--mask", options.mask,
                 "boolean .npy ('|b1') broadcast to " + input_name +
                     " by NumPy's rules: false entries are masked out (softmax, log_softmax, softmin, softmax2d, "
                     "sparsemax)");
}

LoadedMask load_mask(const std::string& path) {
  const io::NpyArray a = io::read_npy(path);
  if (a.dtype != io::DType::b1)
    fail("--mask '" + path + "' holds " + io::dtype_descr(a.dtype) + " data; a mask is boolean ('|b1')");
  LoadedMask m;
  m.shape = a.shape;
  m.data = std::make_unique<bool[]>(std::max<std::size_t>(a.size(), 1));
  for (std::size_t i = 0; i < a.size(); ++i) m.data[i] = a.integer(i) != 0;
  return m;
}

io::NpyArray load_input(const ArrayOptions& options) {
  if (!options.values.empty() && !options.input.empty()) fail("give VALUES or -i FILE, not both");
  if (options.values.empty() && options.input.empty()) fail("nothing to compute: give VALUES or -i FILE");
  if (!options.input.empty()) {
    io::NpyArray a = read_float_npy(options.input);
    if (!options.dtype.empty() && options.dtype != dtype_name(a.dtype))
      fail("--dtype " + options.dtype + " does not match '" + options.input + "', which holds " + dtype_name(a.dtype) +
           " data");
    return a;
  }
  io::NpyArray a;
  a.dtype = options.dtype == "f64" ? io::DType::f64 : io::DType::f32;
  a.shape = {options.values.size()};
  with_element_type(a.dtype, [&](auto tag) {
    using T = decltype(tag);
    for (const std::string& text : options.values) elements<T>(a).push_back(parse_number<T>(text));
  });
  return a;
}

io::NpyArray load_matching(const std::string& path, const io::NpyArray& like, const std::string& what) {
  io::NpyArray a = read_float_npy(path);
  if (a.shape != like.shape || a.dtype != like.dtype)
    fail(what + " '" + path + "' has " + describe_array(a) + " but x has " + describe_array(like));
  return a;
}

io::NpyArray filled_like(const io::NpyArray& like, double value) {
  io::NpyArray a;
  a.dtype = like.dtype;
  a.shape = like.shape;
  with_element_type(a.dtype, [&](auto tag) {
    using T = decltype(tag);
    elements<T>(a).assign(like.size(), static_cast<T>(value));
  });
  return a;
}

void emit(const io::NpyArray& result, const ArrayOptions& options) {
  if (!options.output.empty()) {
    io::write_npy(options.output, result);
    return;
  }
  with_element_type(result.dtype, [&](auto tag) {
    using T = decltype(tag);
    // 9 and 17 significant digits: enough to round-trip float and double exactly.
    const char* format = std::is_same_v<T, float> ? "%.9g\n" : "%.17g\n";
    for (const T v : elements<T>(result)) std::printf(format, static_cast<double>(v));
  });
}

}  // namespace activ::cli
