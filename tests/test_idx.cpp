// The gzip IDX reader and the Fashion-MNIST loader: good files read back, and every
// kind of broken file (made here in a temporary directory) is rejected with a
// std::invalid_argument that names the file and the problem.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "io/fashion_mnist.hpp"
#include "io/idx.hpp"

namespace {

using Bytes = std::vector<std::uint8_t>;
namespace fs = std::filesystem;

class IdxFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("activ-idx-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  std::string write_raw(const std::string& name, const Bytes& bytes) const {
    std::ofstream out(path(name), std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    return path(name);
  }

  std::string write_gzip(const std::string& name, const Bytes& bytes) const {
    gzFile f = gzopen(path(name).c_str(), "wb");
    EXPECT_NE(f, nullptr);
    EXPECT_EQ(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())), static_cast<int>(bytes.size()));
    gzclose(f);
    return path(name);
  }

  fs::path dir_;
};

Bytes idx(std::vector<std::uint32_t> dims, std::size_t data_bytes, std::uint8_t type = 0x08) {
  Bytes b{0, 0, type, static_cast<std::uint8_t>(dims.size())};
  for (std::uint32_t d : dims)
    for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<std::uint8_t>(d >> shift));
  for (std::size_t i = 0; i < data_bytes; ++i) b.push_back(static_cast<std::uint8_t>(i % 7));
  return b;
}

// Runs fn, expecting std::invalid_argument whose message contains every fragment.
template <class Fn>
void expect_invalid(Fn fn, const std::vector<std::string>& fragments) {
  try {
    fn();
    ADD_FAILURE() << "no exception";
  } catch (const std::invalid_argument& e) {
    for (const std::string& f : fragments) EXPECT_NE(std::string(e.what()).find(f), std::string::npos) << e.what();
  }
}

TEST_F(IdxFiles, ReadsImagesBack) {
  const std::string p = write_gzip("images.gz", idx({2, 3, 4}, 24));
  const activ::io::IdxArray a = activ::io::read_idx_gz(p);
  EXPECT_EQ(a.shape, (std::vector<std::size_t>{2, 3, 4}));
  ASSERT_EQ(a.data.size(), 24u);
  EXPECT_EQ(a.data[8], 1);
}

TEST_F(IdxFiles, RejectsBadMagic) {
  Bytes b = idx({3}, 3);
  b[0] = 1;
  const std::string p = write_gzip("bad-magic.gz", b);
  expect_invalid([&] { activ::io::read_idx_gz(p); }, {p, "magic"});
}

TEST_F(IdxFiles, RejectsOtherDataTypes) {
  const std::string p = write_gzip("float.gz", idx({3}, 12, 0x0d));
  expect_invalid([&] { activ::io::read_idx_gz(p); }, {p, "data type 0x0d"});
}

TEST_F(IdxFiles, RejectsTruncatedData) {
  const std::string p = write_gzip("short.gz", idx({2, 3, 4}, 23));
  expect_invalid([&] { activ::io::read_idx_gz(p); }, {p, "truncated", "expected 24 bytes, found 23"});
}

TEST_F(IdxFiles, RejectsTruncatedHeader) {
  Bytes b = idx({2, 3, 4}, 0);
  b.resize(9);
  const std::string p = write_gzip("header.gz", b);
  expect_invalid([&] { activ::io::read_idx_gz(p); }, {p, "truncated IDX header"});
}

TEST_F(IdxFiles, RejectsHugeDimensionsWithoutAllocating) {
  const std::string p = write_gzip("huge.gz", idx({0xffffffffu, 0xffffffffu, 0xffffffffu}, 5));
  expect_invalid([&] { activ::io::read_idx_gz(p); }, {p, "truncated IDX data"});
}

TEST_F(IdxFiles, RejectsTrailingBytes) {
  const std::string p = write_gzip("long.gz", idx({4}, 5));
  expect_invalid([&] { activ::io::read_idx_gz(p); }, {p, "trailing"});
}

TEST_F(IdxFiles, RejectsAFileThatIsNotGzip) {
  const std::string p = write_raw("plain.idx", idx({4}, 4));
  expect_invalid([&] { activ::io::read_idx_gz(p); }, {p, "not a gzip file"});
}

TEST_F(IdxFiles, RejectsATruncatedGzipStream) {
  Bytes data = idx({1000}, 1000);
  const std::string whole = write_gzip("whole.gz", data);
  std::ifstream in(whole, std::ios::binary);
  Bytes compressed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  compressed.resize(compressed.size() / 2);
  const std::string p = write_raw("cut.gz", compressed);
  expect_invalid([&] { activ::io::read_idx_gz(p); }, {p, "truncated gzip"});
}

TEST_F(IdxFiles, RejectsACorruptGzipStream) {
  const std::string whole = write_gzip("whole.gz", idx({1000}, 1000));
  std::ifstream in(whole, std::ios::binary);
  Bytes compressed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  compressed[compressed.size() - 6] ^= 0xff;  // inside the CRC-32
  const std::string p = write_raw("crc.gz", compressed);
  expect_invalid([&] { activ::io::read_idx_gz(p); }, {p, "corrupt gzip"});
}

TEST_F(IdxFiles, RejectsAMissingFile) {
  const std::string p = path("absent.gz");
  expect_invalid([&] { activ::io::read_idx_gz(p); }, {p, "cannot open"});
}

TEST_F(IdxFiles, RejectsDecompressionBeyondTheLimit) {
  const std::string p = write_gzip("big.gz", Bytes(100000, 0));
  expect_invalid([&] { activ::io::read_gzip_file(p, 50000); }, {p, "more than 50000 bytes"});
}

TEST_F(IdxFiles, PairsImagesWithLabels) {
  const std::string images = write_gzip("images.gz", idx({3, 2, 2}, 12));
  const std::string labels = write_gzip("labels.gz", idx({3}, 3));
  const activ::io::LabelledImages s = activ::io::read_labelled_images(images, labels, 10);
  EXPECT_EQ(s.count, 3u);
  EXPECT_EQ(s.rows, 2u);
  EXPECT_EQ(s.cols, 2u);
  EXPECT_EQ(s.labels, (Bytes{0, 1, 2}));
}

TEST_F(IdxFiles, RejectsLabelAndImageCountMismatch) {
  const std::string images = write_gzip("images.gz", idx({3, 2, 2}, 12));
  const std::string labels = write_gzip("labels.gz", idx({4}, 4));
  expect_invalid([&] { activ::io::read_labelled_images(images, labels, 10); }, {labels, "4 labels for 3 images"});
}

TEST_F(IdxFiles, RejectsLabelsOutOfRange) {
  const std::string images = write_gzip("images.gz", idx({7, 1, 1}, 7));
  const std::string labels = write_gzip("labels.gz", idx({7}, 7));  // 0..6
  expect_invalid([&] { activ::io::read_labelled_images(images, labels, 5); }, {labels, "label 5 at index 5"});
}

TEST_F(IdxFiles, RejectsSwappedFiles) {
  const std::string images = write_gzip("images.gz", idx({3, 2, 2}, 12));
  const std::string labels = write_gzip("labels.gz", idx({3}, 3));
  expect_invalid([&] { activ::io::read_labelled_images(labels, images, 10); }, {labels, "expected 3 dimensions"});
}

TEST_F(IdxFiles, NamesThePackageForAMissingDataDirectory) {
  expect_invalid([&] { activ::io::load_fashion_mnist(path("nothing-here")); }, {"dataset-fashion-mnist"});
}

// scripts/install-deps installs Debian's dataset-fashion-mnist, so the real files are read.
TEST(FashionMnist, LoadsTheInstalledDataSet) {
  const activ::io::FashionMnist d = activ::io::load_fashion_mnist();
  EXPECT_EQ(d.train.count, 60000u);
  EXPECT_EQ(d.test.count, 10000u);
  EXPECT_EQ(d.train.pixels.size(), 60000u * 28 * 28);
  std::vector<std::size_t> per_class(10);
  for (std::uint8_t l : d.test.labels) ++per_class[l];
  for (std::size_t c : per_class) EXPECT_EQ(c, 1000u);  // the test split is balanced
}

}  // namespace
