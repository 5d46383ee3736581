#include "nn/model_file.hpp"

#include <charconv>
#include <map>
#include <stdexcept>

#include "io/npz.hpp"
#include "nn/model_spec.hpp"

namespace activ::nn {
namespace {

// (rows, cols) unless the parameter names another shape (Bilinear's 3-d weight).
std::vector<std::size_t> file_shape(const Parameter<float>& p) {
  if (!p.file_shape.empty()) return p.file_shape;
  return {p.value.rows, p.value.cols};
}

std::string shape_text(const std::vector<std::size_t>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + ")";
}

std::string header(Sequential<float>& model) {
  return "activ-model-format " + std::to_string(kModelFormatVersion) + "\nmodel: " + model.spec() +
         "\ninputs: " + std::to_string(model.in_features()) + "\n";
}

}  // namespace

void save_model(const std::string& path, Sequential<float>& model) {
  io::NpzArchive archive;
  archive.comment = header(model);
  for (const Parameter<float>* p : model.parameters()) {
    io::NpyArray a;
    a.dtype = io::DType::f32;
    a.shape = file_shape(*p);
    a.f32 = p->value.data;
    archive.arrays.emplace_back(p->name, std::move(a));
  }
  io::write_npz(path, archive);
}

namespace {

io::NpzArchive read_archive(const std::string& path) {
  io::NpzArchive archive;
  try {
    archive = io::read_npz(path);
  } catch (const io::NpyError& e) {
    throw std::invalid_argument(e.what());
  }
  const std::string first_line = archive.comment.substr(0, archive.comment.find('\n'));
  if (first_line.rfind("activ-model-format ", 0) != 0)
    throw std::invalid_argument(path + ": not an activ model file (no activ-model-format header)");
  if (first_line != "activ-model-format " + std::to_string(kModelFormatVersion))
    throw std::invalid_argument(path + ": unsupported " + first_line + " (this activ reads version " +
                                std::to_string(kModelFormatVersion) + ")");
  return archive;
}

// The spec and input width of the comment, which must be exactly the three lines
// save_model writes.
ModelFileHeader parse_header(const std::string& path, const std::string& comment) {
  const auto fail = [&](const std::string& problem) {
    throw std::invalid_argument(path + ": malformed model header: " + problem);
  };
  std::vector<std::string> lines;
  for (std::size_t start = 0; start < comment.size();) {
    const std::size_t end = comment.find('\n', start);
    if (end == std::string::npos) fail("the last line does not end with a newline");
    lines.push_back(comment.substr(start, end - start));
    start = end + 1;
  }
  if (lines.size() != 3 || lines[1].rfind("model: ", 0) != 0 || lines[2].rfind("inputs: ", 0) != 0)
    fail("expected the lines 'activ-model-format N', 'model: SPEC', 'inputs: N'");
  ModelFileHeader h{lines[1].substr(7), 0};
  const std::string inputs = lines[2].substr(8);
  const auto r = std::from_chars(inputs.data(), inputs.data() + inputs.size(), h.inputs);
  if (inputs.empty() || r.ec != std::errc() || r.ptr != inputs.data() + inputs.size() || h.inputs == 0 ||
      h.inputs > (std::size_t{1} << 24))
    fail("inputs '" + inputs + "' is not a whole number in [1, 16777216]");
  return h;
}

// Checks every array against the model's parameters, then copies them in.
void load_arrays(const std::string& path, const io::NpzArchive& archive, Sequential<float>& model) {
  const auto fail = [&](const std::string& problem) { throw std::invalid_argument(path + ": " + problem); };
  if (archive.comment != header(model))
    fail("saved for another model or input width: file says [" + archive.comment + "], expected [" + header(model) +
         "]");
  std::map<std::string, const io::NpyArray*> arrays;
  for (const auto& [name, array] : archive.arrays)
    if (!arrays.emplace(name, &array).second) fail("array '" + name + "' appears twice");
  const std::vector<Parameter<float>*> params = model.parameters();
  if (arrays.size() != params.size())
    fail(std::to_string(arrays.size()) + " arrays for " + std::to_string(params.size()) + " parameters");
  for (const Parameter<float>* p : params) {
    const auto it = arrays.find(p->name);
    if (it == arrays.end()) fail("no array '" + p->name + "'");
    const io::NpyArray& a = *it->second;
    if (a.dtype != io::DType::f32 || a.shape != file_shape(*p))
      fail("array '" + p->name + "' is not float32 of shape " + shape_text(file_shape(*p)));
  }
  for (Parameter<float>* p : params) p->value.data = arrays.at(p->name)->f32;
}

}  // namespace

void load_model(const std::string& path, Sequential<float>& model) {
  load_arrays(path, read_archive(path), model);
}

Sequential<float> load_model(const std::string& path, std::uint64_t seed, ModelFileHeader* info) {
  const io::NpzArchive archive = read_archive(path);
  const ModelFileHeader h = parse_header(path, archive.comment);
  Sequential<float> model;
  try {
    model = parse_model<float>(h.spec);
    model.build(h.inputs, seed);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(path + ": the file's model: " + e.what());
  }
  load_arrays(path, archive, model);
  if (info) *info = h;
  return model;
}

}  // namespace activ::nn
