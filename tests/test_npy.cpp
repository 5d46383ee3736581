// io::parse_npy, serialize_npy, read_npy and write_npy: round trips, NumPy's layout,
// and every rejection with a message that names the problem.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "io/npy.hpp"

namespace {

using activ::io::DType;
using activ::io::NpyArray;
using activ::io::NpyError;
using Bytes = std::vector<std::uint8_t>;

// A .npy file by hand: `dict` padded NumPy's way, then `data` verbatim.
Bytes npy_bytes(const std::string& dict, const Bytes& data, int major = 1) {
  const std::size_t prefix = major == 1 ? 10 : 12;
  std::string header = dict;
  while ((prefix + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  Bytes out = {0x93, 'N', 'U', 'M', 'P', 'Y', static_cast<std::uint8_t>(major), 0};
  for (std::size_t i = 0; i < prefix - 8; ++i) out.push_back(static_cast<std::uint8_t>(header.size() >> (8 * i)));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

std::string dict(const std::string& descr, const std::string& shape, const std::string& fortran = "False") {
  return "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': " + shape + ", }";
}

template <class T>
Bytes raw(const std::vector<T>& values) {
  Bytes out(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(out.data(), values.data(), out.size());
  return out;
}

// Parses `bytes` expecting an NpyError whose message contains every one of `parts`.
void expect_rejected(const Bytes& bytes, std::initializer_list<std::string> parts) {
  try {
    activ::io::parse_npy(bytes);
    ADD_FAILURE() << "accepted, expected an error mentioning " << *parts.begin();
  } catch (const NpyError& e) {
    for (const std::string& part : parts)
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos)
          << "message: " << e.what() << "\nexpected: " << part;
  }
}

NpyArray make_f32(std::vector<std::size_t> shape, std::vector<float> data) {
  NpyArray a;
  a.dtype = DType::f32;
  a.shape = std::move(shape);
  a.f32 = std::move(data);
  return a;
}

NpyArray make_f64(std::vector<std::size_t> shape, std::vector<double> data) {
  NpyArray a;
  a.dtype = DType::f64;
  a.shape = std::move(shape);
  a.f64 = std::move(data);
  return a;
}

void expect_same(const NpyArray& a, const NpyArray& b) {
  EXPECT_EQ(a.dtype, b.dtype);
  EXPECT_EQ(a.shape, b.shape);
  ASSERT_EQ(a.f32.size(), b.f32.size());
  ASSERT_EQ(a.f64.size(), b.f64.size());
  // Bitwise, so NaN and -0.0 count.
  EXPECT_EQ(raw(a.f32), raw(b.f32));
  EXPECT_EQ(raw(a.f64), raw(b.f64));
  EXPECT_EQ(a.integers, b.integers);
}

// The elements of an integer or bool array, widened.
std::vector<std::int64_t> integers_of(const NpyArray& a) {
  std::vector<std::int64_t> out;
  for (std::size_t i = 0; i < a.size(); ++i) out.push_back(a.integer(i));
  return out;
}

// `values` as `size`-byte two's-complement integers, little- or big-endian.
Bytes integer_bytes(const std::vector<std::int64_t>& values, std::size_t size, bool big_endian) {
  Bytes out;
  for (const std::int64_t v : values)
    for (std::size_t k = 0; k < size; ++k) {
      const std::size_t byte = big_endian ? size - 1 - k : k;
      out.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(v) >> (8 * byte)));
    }
  return out;
}

// A scratch directory removed at the end of each test.
class NpyFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "test_npy.XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::vector<std::string> files() const {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) names.push_back(e.path().filename().string());
    return names;
  }
  std::filesystem::path dir_;
};

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// ---- round trips -------------------------------------------------------------------

TEST(Npy, RoundTripsFloat32OfSeveralShapes) {
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  for (const NpyArray& a :
       {make_f32({}, {42.5f}), make_f32({0}, {}), make_f32({3}, {1, -0.0f, nan}),
        make_f32({2, 3}, {1, 2, 3, 4, 5, inf}), make_f32({2, 0, 5}, {}), make_f32({1, 1, 1, 2}, {-inf, 1e-45f})}) {
    SCOPED_TRACE(a.shape.size());
    expect_same(activ::io::parse_npy(activ::io::serialize_npy(a)), a);
  }
}

TEST(Npy, RoundTripsFloat64OfSeveralShapes) {
  for (const NpyArray& a : {make_f64({}, {-1.5}), make_f64({0, 3}, {}), make_f64({4}, {1, 2, 3, 4e300}),
                            make_f64({3, 1}, {std::numeric_limits<double>::denorm_min(), -0.0, 0.1})}) {
    SCOPED_TRACE(a.shape.size());
    expect_same(activ::io::parse_npy(activ::io::serialize_npy(a)), a);
  }
}

TEST(Npy, SerializesAsNumPyDoes) {
  const Bytes bytes = activ::io::serialize_npy(make_f32({2, 3}, {1, 2, 3, 4, 5, 6}));
  // Version 1.0, data aligned to 64 bytes, the dict NumPy writes, padded, '\n'-terminated.
  ASSERT_EQ(bytes.size(), 128u + 24u);
  EXPECT_EQ(bytes[6], 1);
  EXPECT_EQ(bytes[7], 0);
  EXPECT_EQ(bytes[8] | bytes[9] << 8, 118);
  const std::string header(bytes.begin() + 10, bytes.begin() + 128);
  EXPECT_EQ(header.rfind("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 0), 0u) << header;
  EXPECT_EQ(header.back(), '\n');
  EXPECT_EQ(bytes, npy_bytes(dict("<f4", "(2, 3)"), raw(std::vector<float>{1, 2, 3, 4, 5, 6})));

  const std::string one_d(reinterpret_cast<const char*>(activ::io::serialize_npy(make_f64({3}, {1, 2, 3})).data()),
                          128);
  EXPECT_NE(one_d.find("'descr': '<f8'"), std::string::npos);
  EXPECT_NE(one_d.find("'shape': (3,)"), std::string::npos);
  const std::string zero_d(reinterpret_cast<const char*>(activ::io::serialize_npy(make_f64({}, {1})).data()), 64);
  EXPECT_NE(zero_d.find("'shape': ()"), std::string::npos);
}

TEST(Npy, ReadsVersions2And3) {
  // The writer never needs them (64 dimensions fit a 1.0 header), so write them by hand.
  const std::vector<float> data = {1, 2, 3, 4};
  for (const int major : {2, 3}) {
    const NpyArray a = activ::io::parse_npy(npy_bytes(dict("<f4", "(2, 2)"), raw(data), major));
    expect_same(a, make_f32({2, 2}, data));
  }
}

TEST(Npy, AcceptsTheLiteralVariantsPythonWrites) {
  const Bytes data = raw(std::vector<double>{1, 2, 3});
  for (const std::string& d : {
           std::string("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }"),
           std::string("{\"shape\": (3,), \"descr\": \"<f8\", \"fortran_order\": False}"),
           std::string("{'descr':'<f8','fortran_order':False,'shape':(3,)}"),
           std::string("  { 'descr' : '<f8' ,\n 'fortran_order' : False , 'shape' : ( 3 , ) , }  "),
       }) {
    SCOPED_TRACE(d);
    expect_same(activ::io::parse_npy(npy_bytes(d, data)), make_f64({3}, {1, 2, 3}));
  }
  // No trailing '\n' at all: NumPy's reader does not insist on it either.
  Bytes bytes = npy_bytes(dict("<f8", "(3,)"), data);
  bytes[127] = ' ';
  expect_same(activ::io::parse_npy(bytes), make_f64({3}, {1, 2, 3}));
}

TEST(Npy, NativeByteOrderMeansLittleEndianOnThisHost) {
  if (std::endian::native != std::endian::little) GTEST_SKIP() << "big-endian host";
  expect_same(activ::io::parse_npy(npy_bytes(dict("=f4", "(2,)"), raw(std::vector<float>{1, 2}))),
              make_f32({2}, {1, 2}));
}

// ---- rejections ---------------------------------------------------------------------

TEST(Npy, RejectsABadMagicString) {
  expect_rejected({}, {"truncated"});
  expect_rejected({0x93, 'N', 'U'}, {"truncated"});
  expect_rejected({'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0, 0, 0}, {"bad magic"});
  Bytes bytes = npy_bytes(dict("<f4", "()"), raw(std::vector<float>{1}));
  bytes[1] = 'n';
  expect_rejected(bytes, {"bad magic"});
}

TEST(Npy, RejectsUnknownVersions) {
  for (const auto& [major, minor] : {std::pair{0, 0}, {4, 0}, {1, 1}, {255, 255}}) {
    Bytes bytes = npy_bytes(dict("<f4", "()"), raw(std::vector<float>{1}));
    bytes[6] = static_cast<std::uint8_t>(major);
    bytes[7] = static_cast<std::uint8_t>(minor);
    expect_rejected(bytes, {"version " + std::to_string(major) + "." + std::to_string(minor)});
  }
}

TEST(Npy, RejectsATruncatedHeader) {
  const Bytes full = npy_bytes(dict("<f4", "(2,)"), raw(std::vector<float>{1, 2}));
  for (const std::size_t size : {7u, 8u, 9u, 10u, 60u, 127u}) {
    SCOPED_TRACE(size);
    expect_rejected(Bytes(full.begin(), full.begin() + size), {"truncated header"});
  }
  // Version 2.0's 4-byte length, cut short.
  const Bytes v2 = npy_bytes(dict("<f4", "(2,)"), {}, 2);
  expect_rejected(Bytes(v2.begin(), v2.begin() + 11), {"truncated header"});
  // A length that claims more than the file holds.
  Bytes huge = full;
  huge[8] = huge[9] = 0xff;
  expect_rejected(huge, {"truncated header", "65535"});
}

TEST(Npy, RejectsMalformedDicts) {
  const Bytes four = raw(std::vector<float>{1, 2, 3, 4});
  struct Case {
    std::string header, problem;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"", "end of header"},
           {"{'descr': '<f4', 'fortran_order': False}", "missing key 'shape'"},
           {"{'fortran_order': False, 'shape': (4,)}", "missing key 'descr'"},
           {"{'descr': '<f4', 'shape': (4,)}", "missing key 'fortran_order'"},
           {"{'descr': '<f4', 'fortran_order': False, 'shape': (4,), 'extra': 1}", "unknown key 'extra'"},
           {"{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (4,)}", "'descr' appears twice"},
           {"{'descr': '<f4', 'fortran_order': False, 'shape': (4,)", "missing '}'"},
           {"{'descr': '<f4' 'fortran_order': False, 'shape': (4,)}", "expected ','"},
           {"{'descr': '<f4', 'fortran_order' False, 'shape': (4,)}", "expected ':'"},
           {"{'descr': '<f4', 'fortran_order': false, 'shape': (4,)}", "unexpected name 'false'"},
           {"{'descr': '<f4, 'fortran_order': False, 'shape': (4,)}", "bad syntax"},
           {"{'descr': '<f4', 'fortran_order': False, 'shape': (4,)} x", "after the dict"},
           {"['descr', '<f4']", "expected a dict"},
           {"{1: 2}", "not a string"},
           {"{'descr': '<f4', 'fortran_order': 0, 'shape': (4,)}", "'fortran_order' must be True or False"},
           {"{'descr': 4, 'fortran_order': False, 'shape': (4,)}", "'descr' must be a string"},
           {"{'descr': '<f4', 'fortran_order': False, 'shape': [4]}", "'shape' must be a tuple"},
           {"{'descr': '<f4', 'fortran_order': False, 'shape': (4)}", "'shape' must be a tuple"},
           {"{'descr': '<f4', 'fortran_order': False, 'shape': 4}", "'shape' must be a tuple"},
           {"{'descr': '<f4', 'fortran_order': False, 'shape': (4,,)}", "unexpected ','"},
           {"{'descr': '<f\\x34', 'fortran_order': False, 'shape': (4,)}", "escape"},
           {"{'descr': '<f4', 'fortran_order': False, 'shape': (1e,)}", "bad number"},
           {"{'descr': '<f4', 'fortran_order': False, 'shape': "
            "((((((((((((((((((((4,),),),),),),),),),),),),),),),),),),),)}",
            "nested too deeply"},
       }) {
    SCOPED_TRACE(c.header);
    expect_rejected(npy_bytes(c.header, four), {"malformed header", c.problem});
  }
}

TEST(Npy, MessagesStayShortWhateverTheHeaderHolds) {
  std::string list = "[";
  for (int i = 0; i < 5000; ++i) list += "12345, ";
  try {
    activ::io::parse_npy(npy_bytes(dict("<f4", list + "]"), Bytes(4)));
    ADD_FAILURE() << "accepted";
  } catch (const NpyError& e) {
    EXPECT_LT(std::string(e.what()).size(), 300u) << e.what();
    EXPECT_NE(std::string(e.what()).find("'shape' must be a tuple"), std::string::npos) << e.what();
  }
  // Control bytes are shown escaped, so a message is one printable line.
  expect_rejected(npy_bytes(dict("<f4\x01\x7f", "(1,)"), Bytes(4)), {"unsupported dtype '<f4\\x01\\x7f'"});
}

TEST(Npy, RejectsUnsupportedDtypesByName) {
  for (const std::string descr : {"<c8", "<f2", "<f16", "f4", "i4", "<U3", "|O", "<i3", "<b2", "<u16", "!i4", "<x4"}) {
    SCOPED_TRACE(descr);
    expect_rejected(npy_bytes(dict(descr, "(1,)"), Bytes(4)), {"unsupported dtype '" + descr + "'"});
  }
  expect_rejected(npy_bytes("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}", Bytes(4)),
                  {"unsupported dtype", "structured"});
}

TEST(Npy, RejectsUint64AndMultiByteTypesWithoutByteOrder) {
  for (const std::string descr : {"<u8", ">u8", "|u8"}) {
    SCOPED_TRACE(descr);
    expect_rejected(npy_bytes(dict(descr, "(1,)"), Bytes(8)), {"unsupported dtype '" + descr + "'", "uint64"});
  }
  for (const std::string descr : {"|i4", "|f8", "|u2"}) {
    SCOPED_TRACE(descr);
    expect_rejected(npy_bytes(dict(descr, "(1,)"), Bytes(8)), {"unsupported dtype '" + descr + "'", "one-byte"});
  }
}

TEST(Npy, ReadsBigEndianFloats) {
  const Bytes f4 = {0x3f, 0x80, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00};  // 1.0f, -2.0f
  expect_same(activ::io::parse_npy(npy_bytes(dict(">f4", "(2,)"), f4)), make_f32({2}, {1, -2}));
  const Bytes f8 = {0x3f, 0xf8, 0, 0, 0, 0, 0, 0};  // 1.5
  expect_same(activ::io::parse_npy(npy_bytes(dict(">f8", "()"), f8)), make_f64({}, {1.5}));
}

// Every integer dtype in both byte orders (and the one-byte ones under every order
// mark), with each type's extremes.
TEST(Npy, ReadsIntegerDtypes) {
  struct Case {
    std::string code;
    DType dtype;
    std::size_t size;
    std::vector<std::int64_t> values;
  };
  const std::vector<Case> cases = {
      {"i1", DType::i8, 1, {-128, -1, 0, 1, 127, 5}},
      {"u1", DType::u8, 1, {0, 1, 128, 254, 255, 7}},
      {"i2", DType::i16, 2, {-32768, -1, 0, 300, 32767, -300}},
      {"u2", DType::u16, 2, {0, 1, 256, 65535, 40000, 2}},
      {"i4", DType::i32, 4, {INT32_MIN, -1, 0, 70000, INT32_MAX, -70000}},
      {"u4", DType::u32, 4, {0, 1, 65536, UINT32_MAX, 3000000000, 9}},
      {"i8", DType::i64, 8, {INT64_MIN, -1, 0, 1LL << 40, INT64_MAX, -(1LL << 40)}},
  };
  for (const Case& c : cases)
    for (const bool big : {false, true}) {
      const std::vector<std::string> orders =
          c.size == 1 ? std::vector<std::string>{"|", "<", ">", "="} : std::vector<std::string>{big ? ">" : "<"};
      for (const std::string& order : orders) {
        SCOPED_TRACE(order + c.code);
        const NpyArray a = activ::io::parse_npy(npy_bytes(dict(order + c.code, "(2, 3)"), integer_bytes(c.values, c.size, big)));
        EXPECT_EQ(a.dtype, c.dtype);
        EXPECT_EQ(a.shape, (std::vector<std::size_t>{2, 3}));
        EXPECT_EQ(a.size(), 6u);
        EXPECT_EQ(integers_of(a), c.values);
        EXPECT_TRUE(a.f32.empty() && a.f64.empty());
        // Written back little-endian ('|' for one byte), as NumPy writes them.
        const Bytes out = activ::io::serialize_npy(a);
        const std::size_t data_start = out.size() - c.values.size() * c.size;
        EXPECT_EQ(data_start % 64, 0u);
        const std::string header(out.begin() + 10, out.begin() + static_cast<std::ptrdiff_t>(data_start));
        EXPECT_NE(header.find("'descr': '" + std::string(c.size == 1 ? "|" : "<") + c.code + "'"), std::string::npos)
            << header;
        EXPECT_EQ(Bytes(out.begin() + static_cast<std::ptrdiff_t>(data_start), out.end()),
                  integer_bytes(c.values, c.size, false));
        expect_same(activ::io::parse_npy(out), a);
      }
    }
}

TEST(Npy, ReadsBoolAndRejectsOtherBytes) {
  const NpyArray a = activ::io::parse_npy(npy_bytes(dict("|b1", "(4,)"), {0, 1, 1, 0}));
  EXPECT_EQ(a.dtype, DType::b1);
  EXPECT_EQ(integers_of(a), (std::vector<std::int64_t>{0, 1, 1, 0}));
  expect_same(activ::io::parse_npy(activ::io::serialize_npy(a)), a);
  expect_rejected(npy_bytes(dict("|b1", "(3,)"), {0, 2, 1}), {"bad bool data", "element 1", "byte 2"});
  expect_rejected(npy_bytes(dict("|b1", "(2,)"), {1, 255}), {"element 1", "byte 255"});
}

TEST(Npy, RejectsTruncatedOrOverlongIntegerData) {
  expect_rejected(npy_bytes(dict("<i4", "(2, 3)"), Bytes(23)), {"truncated data", "of <i4", "24", "23"});
  expect_rejected(npy_bytes(dict(">i8", "(2,)"), Bytes(17)), {"trailing bytes", "16", "17"});
  expect_rejected(npy_bytes(dict("|u1", "(28, 28)"), Bytes(783)), {"truncated data", "784"});
  expect_rejected(npy_bytes(dict("|b1", "()"), {}), {"truncated data", "1"});
  // A truncated header of an integer file is a header error like any other.
  Bytes cut = npy_bytes(dict("<i8", "(3,)"), Bytes(24));
  cut.resize(40);
  expect_rejected(cut, {"truncated header"});
}

TEST(Npy, IntegerArraysCheckTheirValues) {
  const NpyArray a = activ::io::integer_array(DType::i16, {3}, {-5, 0, 32767});
  EXPECT_EQ(integers_of(a), (std::vector<std::int64_t>{-5, 0, 32767}));
  EXPECT_THROW(activ::io::integer_array(DType::u8, {1}, {256}), NpyError);
  EXPECT_THROW(activ::io::integer_array(DType::u8, {1}, {-1}), NpyError);
  EXPECT_THROW(activ::io::integer_array(DType::b1, {1}, {2}), NpyError);
  EXPECT_THROW(activ::io::integer_array(DType::i32, {2}, {1}), NpyError);
  EXPECT_THROW(activ::io::integer_array(DType::f32, {1}, {1}), NpyError);
  EXPECT_THROW((void)make_f32({1}, {1}).integer(0), NpyError);
  EXPECT_THROW((void)a.integer(3), NpyError);
  NpyArray bad_bool = activ::io::integer_array(DType::b1, {1}, {1});
  bad_bool.integers[0] = 3;
  EXPECT_THROW(activ::io::serialize_npy(bad_bool), NpyError);
  NpyArray ragged = a;
  ragged.integers.pop_back();  // 5 bytes of int16
  EXPECT_THROW(activ::io::serialize_npy(ragged), NpyError);
}

TEST(Npy, RejectsFortranOrder) {
  expect_rejected(npy_bytes(dict("<f4", "(2, 2)", "True"), Bytes(16)), {"fortran_order is True"});
}

TEST(Npy, RejectsBadDimensions) {
  expect_rejected(npy_bytes(dict("<f4", "(-1,)"), Bytes(4)), {"malformed header", "negative dimension -1"});
  expect_rejected(npy_bytes(dict("<f4", "(2, -3)"), Bytes(24)), {"negative dimension -3"});
  expect_rejected(npy_bytes(dict("<f4", "(2.0,)"), Bytes(8)), {"non-integer dimension 2.0"});
  expect_rejected(npy_bytes(dict("<f4", "('2',)"), Bytes(8)), {"non-integer dimension '2'"});
  expect_rejected(npy_bytes(dict("<f4", "(None,)"), Bytes(8)), {"non-integer dimension None"});
  expect_rejected(npy_bytes(dict("<f4", "(True,)"), Bytes(4)), {"non-integer dimension True"});
  expect_rejected(npy_bytes(dict("<f4", "(99999999999999999999999,)"), Bytes(4)), {"too large"});
  expect_rejected(npy_bytes(dict("<f4", "(" + std::string(65, '1') + ",)"), Bytes(4)), {"too large"});
  std::string many = "(";
  for (int i = 0; i < 65; ++i) many += "1, ";
  expect_rejected(npy_bytes(dict("<f4", many + ")"), Bytes(4)), {"65 dimensions"});
}

TEST(Npy, RejectsElementCountsThatOverflow) {
  // Each dimension fits in int64 but the product (or the byte count) does not fit size_t.
  expect_rejected(npy_bytes(dict("<f4", "(4294967296, 4294967296)"), Bytes(4)), {"too many elements"});
  expect_rejected(npy_bytes(dict("<f8", "(2305843009213693952,)"), Bytes(4)), {"too many elements"});
  expect_rejected(npy_bytes(dict("<f4", "(9223372036854775807, 3)"), Bytes(4)), {"too many elements"});
  // A zero dimension makes it empty, whatever the others say.
  const NpyArray empty = activ::io::parse_npy(npy_bytes(dict("<f4", "(4294967296, 4294967296, 0)"), {}));
  EXPECT_EQ(empty.size(), 0u);
}

TEST(Npy, RejectsDataOfTheWrongSize) {
  expect_rejected(npy_bytes(dict("<f4", "(2, 3)"), Bytes(20)), {"truncated data", "24", "20"});
  expect_rejected(npy_bytes(dict("<f8", "()"), Bytes(4)), {"truncated data", "8"});
  expect_rejected(npy_bytes(dict("<f4", "(2, 3)"), Bytes(25)), {"trailing bytes", "24", "25"});
  expect_rejected(npy_bytes(dict("<f4", "(0,)"), Bytes(1)), {"trailing bytes"});
  // A huge shape with a tiny file: rejected before anything is allocated.
  expect_rejected(npy_bytes(dict("<f8", "(1000000000000,)"), Bytes(8)), {"truncated data"});
}

TEST(Npy, SerializeRejectsWhatParseWouldReject) {
  EXPECT_THROW(activ::io::serialize_npy(make_f32({2, 2}, {1, 2, 3})), NpyError);
  EXPECT_THROW(activ::io::serialize_npy(make_f64({}, {})), NpyError);
  NpyArray wrong_vector = make_f32({2}, {1, 2});
  wrong_vector.dtype = DType::f64;  // the data is in f32, not f64
  EXPECT_THROW(activ::io::serialize_npy(wrong_vector), NpyError);
  EXPECT_THROW(activ::io::serialize_npy(make_f32(std::vector<std::size_t>(65, 1), {1})), NpyError);
}

// ---- files ---------------------------------------------------------------------------

TEST_F(NpyFiles, WriteThenReadRoundTrips) {
  const NpyArray a = make_f64({2, 2}, {1, 2, 3, 4});
  activ::io::write_npy(path("a.npy"), a);
  expect_same(activ::io::read_npy(path("a.npy")), a);
  EXPECT_EQ(files(), std::vector<std::string>{"a.npy"});  // no temporary left behind
  // Replacing an existing file.
  const NpyArray b = make_f32({}, {7});
  activ::io::write_npy(path("a.npy"), b);
  expect_same(activ::io::read_npy(path("a.npy")), b);
  EXPECT_EQ(files(), std::vector<std::string>{"a.npy"});
}

TEST_F(NpyFiles, ReadNamesThePathAndTheReason) {
  try {
    activ::io::read_npy(path("missing.npy"));
    ADD_FAILURE() << "no error";
  } catch (const NpyError& e) {
    EXPECT_NE(std::string(e.what()).find("missing.npy"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(std::strerror(ENOENT)), std::string::npos) << e.what();
  }
  try {
    activ::io::read_npy(dir_.string());
    ADD_FAILURE() << "no error";
  } catch (const NpyError& e) {
    EXPECT_NE(std::string(e.what()).find(std::strerror(EISDIR)), std::string::npos) << e.what();
  }
  std::ofstream(path("bad.npy")) << "not numpy";
  try {
    activ::io::read_npy(path("bad.npy"));
    ADD_FAILURE() << "no error";
  } catch (const NpyError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.npy"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("bad magic"), std::string::npos) << e.what();
  }
}

TEST_F(NpyFiles, FailedWritesLeaveNothingBehind) {
  const NpyArray a = make_f32({1}, {1});
  // Into a directory that does not exist.
  try {
    activ::io::write_npy(path("no/such/dir/a.npy"), a);
    ADD_FAILURE() << "no error";
  } catch (const NpyError& e) {
    EXPECT_NE(std::string(e.what()).find("no/such/dir/a.npy"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(files().empty());
  // Onto a directory: the temporary file is written, the rename fails, it is removed.
  std::filesystem::create_directory(path("sub"));
  EXPECT_THROW(activ::io::write_npy(path("sub"), a), NpyError);
  EXPECT_EQ(files(), std::vector<std::string>{"sub"});
  EXPECT_TRUE(std::filesystem::is_empty(path("sub")));
  // An invalid array: nothing is created and an existing file is untouched.
  std::ofstream(path("keep.npy")) << "original";
  EXPECT_THROW(activ::io::write_npy(path("keep.npy"), make_f32({3}, {1})), NpyError);
  EXPECT_EQ(read_text(path("keep.npy")), "original");
  EXPECT_EQ(files().size(), 2u);
}

TEST_F(NpyFiles, WrittenFilesGetTheUmaskPermissions) {
  const mode_t old = ::umask(022);
  activ::io::write_npy(path("a.npy"), make_f32({}, {1}));
  ::umask(old);
  struct stat st {};
  ASSERT_EQ(::stat(path("a.npy").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

}  // namespace
