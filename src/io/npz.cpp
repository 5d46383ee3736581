#include "io/npz.hpp"

#include <zlib.h>

#include <fstream>
#include <iterator>

namespace activ::io {
namespace {

// Zip records are little-endian.
void put16(std::vector<std::uint8_t>& out, unsigned v) {
  out.push_back(static_cast<std::uint8_t>(v));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  put16(out, v & 0xffff);
  put16(out, v >> 16);
}

constexpr std::uint32_t kLocalHeader = 0x04034b50, kCentralHeader = 0x02014b50, kEndOfDirectory = 0x06054b50;
constexpr unsigned kDosDate = (0 << 9) | (1 << 5) | 1;  // 1980-01-01: no clock in the file, so equal runs give equal bytes

struct Reader {
  const std::vector<std::uint8_t>& bytes;
  const std::string& path;
  [[noreturn]] void fail(const std::string& problem) const { throw NpyError(path + ": " + problem); }
  void need(std::size_t offset, std::size_t size) const {
    if (offset > bytes.size() || size > bytes.size() - offset) fail("truncated zip archive");
  }
  unsigned u16(std::size_t at) const {
    need(at, 2);
    return bytes[at] | (bytes[at + 1] << 8);
  }
  std::uint32_t u32(std::size_t at) const { return u16(at) | (static_cast<std::uint32_t>(u16(at + 2)) << 16); }
};

}  // namespace

void write_npz(const std::string& path, const NpzArchive& archive) {
  std::vector<std::uint8_t> out, directory;
  for (const auto& [name, array] : archive.arrays) {
    const std::vector<std::uint8_t> data = serialize_npy(array);
    const std::string member = name + ".npy";
    if (data.size() >= 0xffffffffu || out.size() >= 0xffffffffu) throw NpyError(path + ": too large for a zip archive");
    const auto crc = static_cast<std::uint32_t>(crc32(0, data.data(), static_cast<uInt>(data.size())));
    const auto offset = static_cast<std::uint32_t>(out.size());
    for (auto* record : {&out, &directory}) {
      const bool central = record == &directory;
      put32(*record, central ? kCentralHeader : kLocalHeader);
      if (central) put16(*record, 20);  // version made by
      put16(*record, 20);               // version needed: 2.0
      put16(*record, 0);                // flags
      put16(*record, 0);                // stored
      put16(*record, 0);                // time
      put16(*record, kDosDate);
      put32(*record, crc);
      put32(*record, static_cast<std::uint32_t>(data.size()));
      put32(*record, static_cast<std::uint32_t>(data.size()));
      put16(*record, static_cast<unsigned>(member.size()));
      put16(*record, 0);  // extra field
      if (central) {
        for (int i = 0; i < 4; ++i) put16(*record, 0);  // comment, disk, internal attributes, external (low)
        put16(*record, 0);                              // external attributes (high)
        put32(*record, offset);
      }
      record->insert(record->end(), member.begin(), member.end());
    }
    out.insert(out.end(), data.begin(), data.end());
  }
  const auto directory_offset = static_cast<std::uint32_t>(out.size());
  out.insert(out.end(), directory.begin(), directory.end());
  put32(out, kEndOfDirectory);
  put16(out, 0);
  put16(out, 0);
  put16(out, static_cast<unsigned>(archive.arrays.size()));
  put16(out, static_cast<unsigned>(archive.arrays.size()));
  put32(out, static_cast<std::uint32_t>(directory.size()));
  put32(out, directory_offset);
  if (archive.comment.size() > 0xffff) throw NpyError(path + ": archive comment too long");
  put16(out, static_cast<unsigned>(archive.comment.size()));
  out.insert(out.end(), archive.comment.begin(), archive.comment.end());
  write_file_atomically(path, out);
}

NpzArchive read_npz(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw NpyError(path + ": cannot open the file");
  const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const Reader r{bytes, path};
  // The end-of-directory record is the last 22 bytes plus a comment of up to 64 KiB.
  std::size_t end = bytes.size() < 22 ? bytes.size() + 1 : bytes.size() - 22 + 1;
  bool found = false;
  while (end-- > 0 && bytes.size() - end <= 22 + 0xffff)
    if (r.u32(end) == kEndOfDirectory && end + 22 + r.u16(end + 20) == bytes.size()) {
      found = true;
      break;
    }
  if (!found) r.fail("not a zip (.npz) archive: no end-of-directory record");
  NpzArchive archive;
  const unsigned entries = r.u16(end + 10);
  std::size_t at = r.u32(end + 16);
  r.need(end + 22, r.u16(end + 20));
  archive.comment.assign(bytes.begin() + static_cast<std::ptrdiff_t>(end + 22), bytes.end());
  for (unsigned e = 0; e < entries; ++e) {
    if (r.u32(at) != kCentralHeader) r.fail("corrupt zip central directory");
    if (r.u16(at + 10) != 0) r.fail("compressed members are not supported (write with numpy.savez, not savez_compressed)");
    const std::uint32_t crc = r.u32(at + 16), size = r.u32(at + 24);
    const unsigned name_size = r.u16(at + 28), extra = r.u16(at + 30), comment = r.u16(at + 32);
    const std::size_t local = r.u32(at + 42);
    r.need(at + 46, name_size);
    std::string name(bytes.begin() + static_cast<std::ptrdiff_t>(at + 46),
                     bytes.begin() + static_cast<std::ptrdiff_t>(at + 46 + name_size));
    at += 46 + name_size + extra + comment;
    if (r.u32(local) != kLocalHeader) r.fail("corrupt zip member '" + name + "'");
    const std::size_t data = local + 30 + r.u16(local + 26) + r.u16(local + 28);
    r.need(data, size);
    const std::span<const std::uint8_t> member(bytes.data() + data, size);
    if (crc32(0, member.data(), static_cast<uInt>(member.size())) != crc) r.fail("CRC mismatch in member '" + name + "'");
    if (name.size() < 4 || name.substr(name.size() - 4) != ".npy") r.fail("member '" + name + "' is not a .npy file");
    try {
      archive.arrays.emplace_back(name.substr(0, name.size() - 4), parse_npy(member));
    } catch (const NpyError& err) {
      r.fail("member '" + name + "': " + err.what());
    }
  }
  return archive;
}

}  // namespace activ::io
