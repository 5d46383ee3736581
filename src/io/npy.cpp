// .npy reading and writing. The header is a Python dict literal; it is parsed by a
// small recursive-descent reader of the literal subset NumPy writes (strings, ints,
// floats, True/False/None, tuples, lists) so that every malformed header, whatever
// its bytes, ends in an NpyError naming the problem rather than in undefined behaviour.
//
// The dict may be followed by any spaces, tabs and newlines (NumPy pads with spaces
// and ends with '\n' but its reader does not insist on either).
// Byte order: '<' little-endian, '>' big-endian (swapped to the host's order on
// reading), '=' the reader's native order (as in NumPy, whose writer never emits it),
// '|' "not applicable", which NumPy writes for the one-byte types and which is
// accepted only for them (any order is, as a byte has none). The writer emits '<', or
// '|' for one-byte types, as NumPy does on a little-endian machine.
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
  bool big_endian = false;  // the file's byte order
  std::vector<std::size_t> shape;
};

struct DTypeName {
  char kind;  // NumPy's kind character: f, i, u, b
  std::size_t size;
  DType dtype;
};
constexpr DTypeName kDTypes[] = {{'f', 4, DType::f32}, {'f', 8, DType::f64}, {'i', 1, DType::i8},
                                 {'i', 2, DType::i16}, {'i', 4, DType::i32}, {'i', 8, DType::i64},
                                 {'u', 1, DType::u8},  {'u', 2, DType::u16}, {'u', 4, DType::u32},
                                 {'b', 1, DType::b1}};

const DTypeName& dtype_info(DType t) {
  for (const DTypeName& d : kDTypes)
    if (d.dtype == t) return d;
  fail("internal: unknown DType");
}

constexpr const char* kSupported =
    "supported: float32 'f4', float64 'f8', int8/16/32/64 'i1' 'i2' 'i4' 'i8', uint8/16/32 'u1' 'u2' 'u4', bool 'b1'";

Header parse_descr(const Value& v) {
  if (v.kind == Value::Kind::list)
    fail("unsupported dtype: structured arrays (descr " + repr(v) + ") are not supported; " + kSupported);
  if (v.kind != Value::Kind::string) fail("malformed header: 'descr' must be a string, got " + repr(v));
  const std::string_view d = v.text;
  if (d == "<u8" || d == ">u8" || d == "=u8" || d == "|u8")
    fail("unsupported dtype " + quoted(d) + ": uint64 values need not fit int64; convert with arr.astype('<i8')");
  if (d.size() == 3 && std::string_view("<>=|").find(d[0]) != std::string_view::npos)
    for (const DTypeName& t : kDTypes)
      if (d[1] == t.kind && static_cast<std::size_t>(d[2] - '0') == t.size) {
        if (d[0] == '|' && t.size != 1)
          fail("unsupported dtype " + quoted(d) + ": byte order '|' is for one-byte types; a " +
               std::to_string(t.size) + "-byte type needs '<' or '>'");
        const bool native_big = std::endian::native == std::endian::big;
        return {t.dtype, t.size > 1 && (d[0] == '>' || (d[0] == '=' && native_big)), {}};
      }
  fail("unsupported dtype " + quoted(d) + " (" + kSupported + ", each with byte order '<', '>' or '=')");
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

  Header h = parse_descr(*descr_v);
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

// Copies `count` elements of `item` bytes, reversing each one's bytes when the file's
// byte order is not the host's.
void load_elements(const std::uint8_t* src, std::size_t count, std::size_t item, bool swap, void* out) {
  if (count == 0) return;  // memcpy from a null vector data() would be UB
  auto* dst = static_cast<std::uint8_t*>(out);
  std::memcpy(dst, src, count * item);
  if (swap && item > 1)
    for (std::size_t i = 0; i < count * item; i += item) std::reverse(dst + i, dst + i + item);
}

// Appends `count` elements in little-endian order.
void store_little_endian(const void* in, std::size_t count, std::size_t item, std::vector<std::uint8_t>& out) {
  const std::size_t start = out.size();
  out.resize(start + count * item);
  if (count == 0) return;
  std::memcpy(out.data() + start, in, count * item);
  if constexpr (std::endian::native == std::endian::big)
    for (std::size_t i = start; i < out.size(); i += item) std::reverse(out.data() + i, out.data() + i + item);
}

// Integers of `item` bytes in host order, signed or not, widened to int64.
std::int64_t read_integer(const std::uint8_t* p, DType t) {
  switch (t) {
    case DType::i8: return static_cast<std::int8_t>(p[0]);
    case DType::u8:
    case DType::b1: return p[0];
    case DType::i16: { std::int16_t v; std::memcpy(&v, p, 2); return v; }
    case DType::u16: { std::uint16_t v; std::memcpy(&v, p, 2); return v; }
    case DType::i32: { std::int32_t v; std::memcpy(&v, p, 4); return v; }
    case DType::u32: { std::uint32_t v; std::memcpy(&v, p, 4); return v; }
    case DType::i64: { std::int64_t v; std::memcpy(&v, p, 8); return v; }
    case DType::f32:
    case DType::f64: break;
  }
  fail("internal: not an integer dtype");
}

// The range of an integer dtype (bool: 0 and 1).
std::pair<std::int64_t, std::int64_t> integer_range(DType t) {
  switch (t) {
    case DType::i8: return {INT8_MIN, INT8_MAX};
    case DType::i16: return {INT16_MIN, INT16_MAX};
    case DType::i32: return {INT32_MIN, INT32_MAX};
    case DType::i64: return {INT64_MIN, INT64_MAX};
    case DType::u8: return {0, UINT8_MAX};
    case DType::u16: return {0, UINT16_MAX};
    case DType::u32: return {0, UINT32_MAX};
    case DType::b1: return {0, 1};
    case DType::f32:
    case DType::f64: break;
  }
  fail("internal: not an integer dtype");
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

std::size_t dtype_size(DType t) noexcept {
  for (const DTypeName& d : kDTypes)
    if (d.dtype == t) return d.size;
  return 0;
}

bool is_integer(DType t) noexcept { return t != DType::f32 && t != DType::f64; }

std::string dtype_descr(DType t) {
  const DTypeName& d = dtype_info(t);
  return std::string(d.size == 1 ? "|" : "<") + d.kind + std::to_string(d.size);
}

std::size_t NpyArray::size() const noexcept {
  if (dtype == DType::f32) return f32.size();
  if (dtype == DType::f64) return f64.size();
  return integers.size() / dtype_size(dtype);
}

std::int64_t NpyArray::integer(std::size_t i) const {
  if (!is_integer(dtype)) fail("integer(): the array holds " + dtype_descr(dtype) + " data");
  const std::size_t item = dtype_size(dtype);
  if (i >= integers.size() / item) fail("integer(): index " + std::to_string(i) + " out of range");
  return read_integer(&integers[i * item], dtype);
}

NpyArray integer_array(DType dtype, std::vector<std::size_t> shape, const std::vector<std::int64_t>& values) {
  if (!is_integer(dtype)) fail("integer_array: " + dtype_descr(dtype) + " is not an integer dtype");
  const std::optional<std::size_t> count = element_count(shape);
  if (!count || *count != values.size())
    fail("integer_array: shape " + shape_repr(shape) + " does not hold " + std::to_string(values.size()) + " values");
  const auto [lo, hi] = integer_range(dtype);
  const std::size_t item = dtype_size(dtype);
  NpyArray a;
  a.dtype = dtype;
  a.shape = std::move(shape);
  a.integers.resize(values.size() * item);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i] < lo || values[i] > hi)
      fail("integer_array: " + std::to_string(values[i]) + " does not fit " + dtype_descr(dtype));
    // The low `item` bytes of the two's-complement value, in host order.
    const std::int64_t v = values[i];
    if constexpr (std::endian::native == std::endian::little)
      std::memcpy(&a.integers[i * item], &v, item);
    else
      std::memcpy(&a.integers[i * item], reinterpret_cast<const std::uint8_t*>(&v) + 8 - item, item);
  }
  return a;
}

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
  const std::size_t item = dtype_size(h.dtype);
  std::size_t data_bytes = 0;
  if (!count || __builtin_mul_overflow(*count, item, &data_bytes))
    fail("malformed header: shape " + shape_repr(h.shape) + " has too many elements (the byte count overflows size_t)");
  const std::size_t available = bytes.size() - prefix - header_len;
  if (available != data_bytes)
    fail(std::string(available < data_bytes ? "truncated data" : "trailing bytes") + ": shape " + shape_repr(h.shape) +
         " of " + dtype_descr(h.dtype) + " needs " + std::to_string(data_bytes) + " data bytes but " +
         std::to_string(available) + " follow the header");

  NpyArray a;
  a.dtype = h.dtype;
  a.shape = h.shape;
  const std::uint8_t* data = bytes.data() + prefix + header_len;
  const bool swap = h.big_endian != (std::endian::native == std::endian::big);
  if (h.dtype == DType::f32) {
    a.f32.resize(*count);
    load_elements(data, *count, item, swap, a.f32.data());
  } else if (h.dtype == DType::f64) {
    a.f64.resize(*count);
    load_elements(data, *count, item, swap, a.f64.data());
  } else {
    a.integers.resize(data_bytes);
    load_elements(data, *count, item, swap, a.integers.data());
  }
  if (h.dtype == DType::b1)
    for (std::size_t i = 0; i < a.integers.size(); ++i)
      if (a.integers[i] > 1)
        fail("bad bool data: element " + std::to_string(i) + " is the byte " + std::to_string(a.integers[i]) +
             " (NumPy's bools are 0 or 1)");
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
  const std::size_t item = dtype_size(a.dtype);
  const std::size_t held = a.dtype == DType::f32   ? a.f32.size()
                           : a.dtype == DType::f64 ? a.f64.size()
                                                   : a.integers.size() / item;
  const bool whole_items = is_integer(a.dtype) ? a.integers.size() % item == 0 : a.integers.empty();
  if (!count || *count != held || !whole_items)
    fail("cannot serialize: shape " + shape_repr(a.shape) + " does not match the " + std::to_string(held) +
         " elements held");
  std::size_t data_bytes = 0;
  if (__builtin_mul_overflow(*count, item, &data_bytes)) fail("cannot serialize: the array is too large");
  if (a.dtype == DType::b1)
    for (const std::uint8_t b : a.integers)
      if (b > 1) fail("cannot serialize: a bool element is the byte " + std::to_string(b) + ", not 0 or 1");

  const std::string dict = "{'descr': '" + dtype_descr(a.dtype) +
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
  const void* elements = a.dtype == DType::f32   ? static_cast<const void*>(a.f32.data())
                         : a.dtype == DType::f64 ? static_cast<const void*>(a.f64.data())
                                                 : static_cast<const void*>(a.integers.data());
  store_little_endian(elements, *count, item, out);
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
