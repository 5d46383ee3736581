// .npy reading and writing. The header is a Python dict literal; it is parsed by a
// small recursive-descent reader of the literal subset NumPy writes (strings, ints,
// floats, True/False/None, tuples, lists) so that every malformed header, whatever
// its bytes, ends in an NpyError naming the problem rather than in undefined behaviour.
//
// The dict may be followed by any spaces, tabs and newlines (NumPy pads with spaces
// and ends with '\n' but its reader does not insist on either).
// Byte order: '<f4'/'<f8' are accepted; '>f4'/'>f8' are rejected as big-endian.
// '=' means the reader's native order (as in NumPy, whose writer never emits it), so
// '=f4'/'=f8' are accepted on little-endian hosts and rejected as big-endian elsewhere.
#include "io/npy.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>

namespace activ::io {
namespace {

constexpr std::uint8_t kMagic[] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
constexpr std::size_t kMagicSize = sizeof kMagic;
constexpr std::size_t kAlign = 64;    // NumPy aligns the data to 64 bytes
constexpr std::size_t kMaxDims = 64;  // NumPy 2's NPY_MAXDIMS
constexpr int kMaxNesting = 16;       // deeper literals are certainly not a header
constexpr std::uint64_t kMaxDim = std::numeric_limits<std::int64_t>::max();  // npy_intp

[[noreturn]] void fail(const std::string& message) { throw NpyError(message); }

std::string quoted(std::string_view s) {
  // Headers are arbitrary bytes: show non-printable ones as \xNN so a message stays
  // one printable line.
  std::string out = "'";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) {
      out += c;
    } else {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    }
  }
  return out + "'";
}

// ---- the header's Python literal ------------------------------------------------------

struct Value {
  enum class Kind { string, integer, real, boolean, none, tuple, list, dict } kind;
  std::string text;          // string contents, or the spelling of a number
  bool flag = false;         // boolean
  std::vector<Value> items;  // tuple, list; dict as key, value, key, value, ...
};

class LiteralParser {
 public:
  explicit LiteralParser(std::string_view text) : s_(text) {}

  Value parse_header() {
    skip_space();
    Value v = parse_value(0);
    skip_space();
    if (pos_ != s_.size()) syntax_error("unexpected " + quoted(s_.substr(pos_, 1)) + " after the dict");
    return v;
  }

 private:
  [[noreturn]] void syntax_error(const std::string& what) const {
    fail("malformed header: bad syntax at byte " + std::to_string(pos_) + ": " + what);
  }

  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  bool at_end() const { return pos_ >= s_.size(); }
  char peek() const { return s_[pos_]; }

  Value parse_value(int depth) {
    if (depth > kMaxNesting) syntax_error("nested too deeply");
    if (at_end()) syntax_error("unexpected end of header");
    const char c = peek();
    if (c == '{') return parse_sequence(Value::Kind::dict, '}', depth);
    if (c == '(') return parse_sequence(Value::Kind::tuple, ')', depth);
    if (c == '[') return parse_sequence(Value::Kind::list, ']', depth);
    if (c == '\'' || c == '"') return parse_string();
    if (c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9')) return parse_number();
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_') return parse_name();
    syntax_error("unexpected " + quoted(s_.substr(pos_, 1)));
  }

  // Dicts, tuples and lists, with Python's optional trailing comma; a one-element
  // tuple needs its comma, "(3)" being just 3 in Python.
  Value parse_sequence(Value::Kind kind, char close, int depth) {
    Value v{kind, {}, false, {}};
    ++pos_;
    bool saw_comma = false;
    for (;;) {
      skip_space();
      if (at_end()) syntax_error("missing " + quoted(std::string(1, close)));
      if (peek() == close) break;
      if (!v.items.empty() && !saw_comma) syntax_error("expected ',' or " + quoted(std::string(1, close)));
      v.items.push_back(parse_value(depth + 1));
      skip_space();
      if (kind == Value::Kind::dict) {
        if (at_end() || peek() != ':') syntax_error("expected ':' after a dict key");
        ++pos_;
        skip_space();
        v.items.push_back(parse_value(depth + 1));
        skip_space();
      }
      saw_comma = !at_end() && peek() == ',';
      if (saw_comma) ++pos_;
    }
    ++pos_;
    if (kind == Value::Kind::tuple && v.items.size() == 1 && !saw_comma) return std::move(v.items.front());
    return v;
  }

  Value parse_string() {
    const char quote = s_[pos_++];
    const std::size_t start = pos_;
    while (!at_end() && peek() != quote) {
      if (peek() == '\\') syntax_error("escape sequences in strings are not supported");
      if (peek() == '\n') syntax_error("newline inside a string");
      ++pos_;
    }
    if (at_end()) syntax_error("unterminated string");
    Value v{Value::Kind::string, std::string(s_.substr(start, pos_ - start)), false, {}};
    ++pos_;
    return v;
  }

  // Any run of number characters; an optional sign followed by digits only is an
  // integer, anything std::from_chars reads completely is a float, the rest is an error.
  Value parse_number() {
    const std::size_t start = pos_;
    while (!at_end() &&
           (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '.' || peek() == '_' ||
            ((peek() == '+' || peek() == '-') && (pos_ == start || s_[pos_ - 1] == 'e' || s_[pos_ - 1] == 'E'))))
      ++pos_;
    const std::string_view text = s_.substr(start, pos_ - start);
    std::string_view digits = text;
    if (!digits.empty() && (digits.front() == '+' || digits.front() == '-')) digits.remove_prefix(1);
    if (!digits.empty() && std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return {Value::Kind::integer, std::string(text), false, {}};
    // Python spells infinity and NaN as names, not number literals: require a digit or
    // a point first, which from_chars alone would not.
    double ignored = 0;
    const bool numeric_start =
        !digits.empty() && (std::isdigit(static_cast<unsigned char>(digits.front())) || digits.front() == '.');
    const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), ignored);
    if (numeric_start && r.ptr == digits.data() + digits.size() && r.ec != std::errc::invalid_argument)
      return {Value::Kind::real, std::string(text), false, {}};
    syntax_error("bad number " + quoted(text));
  }

  Value parse_name() {
    const std::size_t start = pos_;
    while (!at_end() && (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '_')) ++pos_;
    const std::string_view name = s_.substr(start, pos_ - start);
    if (name == "True" || name == "False") return {Value::Kind::boolean, {}, name == "True", {}};
    if (name == "None") return {Value::Kind::none, {}, false, {}};
    pos_ = start;
    syntax_error("unexpected name " + quoted(name));
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

// The repr of a literal, for messages ("got (3.5, 2)").
std::string repr(const Value& v) {
  switch (v.kind) {
    case Value::Kind::string:
      return quoted(v.text);
    case Value::Kind::integer:
    case Value::Kind::real:
      return v.text;
    case Value::Kind::boolean:
      return v.flag ? "True" : "False";
    case Value::Kind::none:
      return "None";
    case Value::Kind::tuple:
    case Value::Kind::list:
    case Value::Kind::dict: {
      const bool dict = v.kind == Value::Kind::dict;
      std::string out = v.kind == Value::Kind::tuple ? "(" : dict ? "{" : "[";
      for (std::size_t i = 0; i < v.items.size(); ++i) {
        if (i > 0) out += dict && i % 2 == 1 ? ": " : ", ";
        if (out.size() > 80) {  // enough to recognise it; a message must stay short
          out += "...";
          break;
        }
        out += repr(v.items[i]);
      }
      if (v.kind == Value::Kind::tuple && v.items.size() == 1) out += ",";
      return out + (v.kind == Value::Kind::tuple ? ")" : dict ? "}" : "]");
    }
  }
  return "?";
}

// ---- the header's meaning --------------------------------------------------------------

struct Header {
  DType dtype = DType::f32;
  std::vector<std::size_t> shape;
};

std::size_t item_size(DType t) { return t == DType::f32 ? 4 : 8; }
std::string_view descr(DType t) { return t == DType::f32 ? "<f4" : "<f8"; }

DType parse_descr(const Value& v) {
  if (v.kind == Value::Kind::list)
    fail("unsupported dtype: structured arrays (descr " + repr(v) + ") are not supported; only '<f4' and '<f8' are");
  if (v.kind != Value::Kind::string) fail("malformed header: 'descr' must be a string, got " + repr(v));
  const std::string_view d = v.text;
  if (d.size() == 3 && (d.substr(1) == "f4" || d.substr(1) == "f8")) {
    const DType t = d[2] == '4' ? DType::f32 : DType::f64;
    const bool native_little = std::endian::native == std::endian::little;
    if (d[0] == '<' || (d[0] == '=' && native_little)) return t;
    if (d[0] == '>' || d[0] == '=')
      fail("unsupported dtype " + quoted(d) + ": big-endian data is not supported; convert it with arr.astype('<" +
           std::string(d.substr(1)) + "')");
  }
  fail("unsupported dtype " + quoted(d) + ": only little-endian float32 '<f4' and float64 '<f8' are supported");
}

std::size_t parse_dim(const Value& v, const Value& shape) {
  if (v.kind != Value::Kind::integer)
    fail("malformed header: non-integer dimension " + repr(v) + " in shape " + repr(shape));
  if (v.text.front() == '-' && v.text.find_first_not_of("-0") != std::string::npos)
    fail("malformed header: negative dimension " + v.text + " in shape " + repr(shape));
  const std::string_view digits = std::string_view(v.text).substr(v.text.front() == '-' || v.text.front() == '+');
  std::uint64_t n = 0;
  const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (r.ec != std::errc() || n > kMaxDim || n > std::numeric_limits<std::size_t>::max())
    fail("malformed header: dimension " + v.text + " in shape " + repr(shape) + " is too large");
  return static_cast<std::size_t>(n);
}

Header interpret(const Value& dict) {
  if (dict.kind != Value::Kind::dict) fail("malformed header: expected a dict, got " + repr(dict));
  const Value* descr_v = nullptr;
  const Value* fortran_v = nullptr;
  const Value* shape_v = nullptr;
  for (std::size_t i = 0; i < dict.items.size(); i += 2) {
    const Value& key = dict.items[i];
    if (key.kind != Value::Kind::string) fail("malformed header: dict key " + repr(key) + " is not a string");
    const Value** slot = key.text == "descr"           ? &descr_v
                         : key.text == "fortran_order" ? &fortran_v
                         : key.text == "shape"         ? &shape_v
                                                       : nullptr;
    if (!slot)
      fail("malformed header: unknown key " + quoted(key.text) + " (expected 'descr', 'fortran_order', 'shape')");
    if (*slot) fail("malformed header: key " + quoted(key.text) + " appears twice");
    *slot = &dict.items[i + 1];
  }
  const std::initializer_list<std::pair<const char*, const Value*>> required = {
      {"descr", descr_v}, {"fortran_order", fortran_v}, {"shape", shape_v}};
  for (const auto& [name, v] : required)
    if (!v) fail(std::string("malformed header: missing key '") + name + "'");

  Header h;
  h.dtype = parse_descr(*descr_v);
  if (fortran_v->kind != Value::Kind::boolean)
    fail("malformed header: 'fortran_order' must be True or False, got " + repr(*fortran_v));
  if (fortran_v->flag)
    fail("unsupported layout: fortran_order is True; only C-order arrays are supported (save np.ascontiguousarray(a))");
  if (shape_v->kind != Value::Kind::tuple) fail("malformed header: 'shape' must be a tuple, got " + repr(*shape_v));
  if (shape_v->items.size() > kMaxDims)
    fail("malformed header: shape has " + std::to_string(shape_v->items.size()) + " dimensions (at most " +
         std::to_string(kMaxDims) + ")");
  for (const Value& d : shape_v->items) h.shape.push_back(parse_dim(d, *shape_v));
  return h;
}

std::string shape_repr(const std::vector<std::size_t>& shape) {
  std::string out = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + (shape.size() == 1 ? ",)" : ")");
}

// The element count, or nullopt when it overflows size_t. A zero dimension makes the
// array empty whatever the others are.
std::optional<std::size_t> element_count(const std::vector<std::size_t>& shape) {
  if (std::find(shape.begin(), shape.end(), std::size_t{0}) != shape.end()) return 0;
  std::size_t n = 1;
  for (const std::size_t d : shape)
    if (__builtin_mul_overflow(n, d, &n)) return std::nullopt;
  return n;
}

// The file's bytes are little-endian; a big-endian host swaps each element.
void to_host_order(std::uint8_t* bytes, std::size_t size, std::size_t item) {
  if constexpr (std::endian::native == std::endian::big)
    for (std::size_t i = 0; i < size; i += item) std::reverse(bytes + i, bytes + i + item);
}

template <class T>
void load_little_endian(const std::uint8_t* src, std::size_t count, std::vector<T>& out) {
  out.resize(count);
  if (count == 0) return;  // memcpy from a null vector data() would be UB
  std::memcpy(out.data(), src, count * sizeof(T));
  to_host_order(reinterpret_cast<std::uint8_t*>(out.data()), count * sizeof(T), sizeof(T));
}

template <class T>
void store_little_endian(const std::vector<T>& in, std::vector<std::uint8_t>& out) {
  const std::size_t start = out.size();
  out.resize(start + in.size() * sizeof(T));
  if (in.empty()) return;
  std::memcpy(out.data() + start, in.data(), in.size() * sizeof(T));
  to_host_order(out.data() + start, in.size() * sizeof(T), sizeof(T));
}

// ---- files ---------------------------------------------------------------------------

std::string errno_message(const std::string& what, const std::string& path, int err) {
  return "cannot " + what + " " + quoted(path) + ": " + std::strerror(err);
}

struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

// Writes all of `bytes`, retrying short writes and EINTR; returns errno or 0.
int write_all(int fd, const std::uint8_t* bytes, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, bytes, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    bytes += n;
    size -= static_cast<std::size_t>(n);
  }
  return 0;
}

// A name beside `path` that nobody else is likely to pick; O_EXCL guarantees it.
std::string temp_name(const std::string& path, unsigned attempt) {
  static std::atomic<unsigned> counter{0};
  const auto ticks = static_cast<unsigned long long>(std::chrono::steady_clock::now().time_since_epoch().count());
  char suffix[64];
  std::snprintf(suffix, sizeof suffix, ".tmp.%ld.%u.%llx.%u", static_cast<long>(::getpid()), counter++,
                ticks & 0xffffffu, attempt);
  return path + suffix;
}

}  // namespace

NpyArray parse_npy(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < kMagicSize || !std::equal(kMagic, kMagic + kMagicSize, bytes.begin()))
    fail(bytes.size() < kMagicSize && std::equal(bytes.begin(), bytes.end(), kMagic)
             ? "truncated file: " + std::to_string(bytes.size()) + " bytes, too short for the .npy magic string"
             : "not a .npy file: bad magic string (expected \\x93NUMPY)");
  if (bytes.size() < kMagicSize + 2) fail("truncated header: the file ends inside the version number");
  const unsigned major = bytes[6], minor = bytes[7];
  if ((major < 1 || major > 3) || minor != 0)
    fail("unsupported .npy version " + std::to_string(major) + "." + std::to_string(minor) + " (known: 1.0, 2.0, 3.0)");

  // Version 1.0 has a 2-byte header length, 2.0 and 3.0 a 4-byte one, little-endian.
  const std::size_t length_bytes = major == 1 ? 2 : 4;
  const std::size_t prefix = kMagicSize + 2 + length_bytes;
  if (bytes.size() < prefix) fail("truncated header: the file ends inside the header length");
  std::size_t header_len = 0;
  for (std::size_t i = 0; i < length_bytes; ++i) header_len |= std::size_t{bytes[kMagicSize + 2 + i]} << (8 * i);
  if (header_len > bytes.size() - prefix)
    fail("truncated header: it declares " + std::to_string(header_len) + " bytes but only " +
         std::to_string(bytes.size() - prefix) + " follow");

  // Versions 1.0 and 2.0 are latin-1, 3.0 UTF-8; the keys and values we accept are
  // ASCII either way, and any other byte is a syntax error.
  const std::string_view text(reinterpret_cast<const char*>(bytes.data() + prefix), header_len);
  const Header h = interpret(LiteralParser(text).parse_header());

  const std::optional<std::size_t> count = element_count(h.shape);
  std::size_t data_bytes = 0;
  if (!count || __builtin_mul_overflow(*count, item_size(h.dtype), &data_bytes))
    fail("malformed header: shape " + shape_repr(h.shape) + " has too many elements (the byte count overflows size_t)");
  const std::size_t available = bytes.size() - prefix - header_len;
  if (available != data_bytes)
    fail(std::string(available < data_bytes ? "truncated data" : "trailing bytes") + ": shape " + shape_repr(h.shape) +
         " of " + std::string(descr(h.dtype)) + " needs " + std::to_string(data_bytes) + " data bytes but " +
         std::to_string(available) + " follow the header");

  NpyArray a;
  a.dtype = h.dtype;
  a.shape = h.shape;
  const std::uint8_t* data = bytes.data() + prefix + header_len;
  if (h.dtype == DType::f32)
    load_little_endian(data, *count, a.f32);
  else
    load_little_endian(data, *count, a.f64);
  return a;
}

NpyArray read_npy(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(errno_message("open", path, errno));
  const FdCloser closer{fd};
  // Read to the end rather than trusting st_size, so pipes and /dev/stdin work too.
  std::vector<std::uint8_t> bytes;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
    bytes.reserve(static_cast<std::size_t>(st.st_size));
  std::uint8_t buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(errno_message("read", path, errno));
    }
    bytes.insert(bytes.end(), buf, buf + n);
  }
  try {
    return parse_npy(bytes);
  } catch (const NpyError& e) {
    fail(quoted(path) + ": " + e.what());
  }
}

std::vector<std::uint8_t> serialize_npy(const NpyArray& a) {
  if (a.shape.size() > kMaxDims)
    fail("cannot serialize: " + std::to_string(a.shape.size()) + " dimensions (at most " + std::to_string(kMaxDims) +
         ")");
  const std::optional<std::size_t> count = element_count(a.shape);
  const std::size_t held = a.dtype == DType::f32 ? a.f32.size() : a.f64.size();
  if (!count || *count != held)
    fail("cannot serialize: shape " + shape_repr(a.shape) + " does not match the " + std::to_string(held) +
         " elements held");
  std::size_t data_bytes = 0;
  if (__builtin_mul_overflow(*count, item_size(a.dtype), &data_bytes)) fail("cannot serialize: the array is too large");

  const std::string dict = "{'descr': '" + std::string(descr(a.dtype)) +
                           "', 'fortran_order': False, 'shape': " + shape_repr(a.shape) + ", }";
  // Pad with spaces and a final '\n' so the data starts at a multiple of 64 bytes;
  // version 2.0's 4-byte length only when the padded header exceeds 65535 bytes
  // (which needs far more than kMaxDims dimensions, but costs nothing to handle).
  auto padded_length = [&](std::size_t prefix) {
    const std::size_t unpadded = prefix + dict.size() + 1;
    return dict.size() + 1 + (kAlign - unpadded % kAlign) % kAlign;
  };
  std::uint8_t major = 1;
  std::size_t header_len = padded_length(kMagicSize + 4);
  if (header_len > 0xffff) {
    major = 2;
    header_len = padded_length(kMagicSize + 6);
  }

  std::vector<std::uint8_t> out(kMagic, kMagic + kMagicSize);
  out.push_back(major);
  out.push_back(0);
  for (std::size_t i = 0; i < (major == 1 ? 2u : 4u); ++i)
    out.push_back(static_cast<std::uint8_t>(header_len >> (8 * i)));
  out.insert(out.end(), dict.begin(), dict.end());
  out.resize(out.size() + header_len - dict.size() - 1, ' ');
  out.push_back('\n');
  out.reserve(out.size() + data_bytes);
  if (a.dtype == DType::f32)
    store_little_endian(a.f32, out);
  else
    store_little_endian(a.f64, out);
  return out;
}

void write_npy(const std::string& path, const NpyArray& a) { write_file_atomically(path, serialize_npy(a)); }

void write_file_atomically(const std::string& path, std::span<const std::uint8_t> bytes) {
  // O_CREAT|O_EXCL with mode 0666 (not mkstemp's 0600) so the file gets the usual
  // umask-derived permissions once it is renamed into place.
  std::string tmp;
  int fd = -1;
  for (unsigned attempt = 0; fd < 0; ++attempt) {
    tmp = temp_name(path, attempt);
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && (errno != EEXIST || attempt >= 100)) fail(errno_message("create a temporary file for", path, errno));
  }
  int err = write_all(fd, bytes.data(), bytes.size());
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == 0 && ::rename(tmp.c_str(), path.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    fail(errno_message("write", path, err));
  }
}

}  // namespace activ::io
