#include "nn/model_file.hpp"

#include <map>
#include <stdexcept>

#include "io/npz.hpp"

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

void load_model(const std::string& path, Sequential<float>& model) {
  io::NpzArchive archive;
  try {
    archive = io::read_npz(path);
  } catch (const io::NpyError& e) {
    throw std::invalid_argument(e.what());
  }
  const auto fail = [&](const std::string& problem) { throw std::invalid_argument(path + ": " + problem); };
  const std::string first_line = archive.comment.substr(0, archive.comment.find('\n'));
  if (first_line.rfind("activ-model-format ", 0) != 0) fail("not an activ model file (no activ-model-format header)");
  if (first_line != "activ-model-format " + std::to_string(kModelFormatVersion))
    fail("unsupported " + first_line + " (this activ reads version " + std::to_string(kModelFormatVersion) + ")");
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

}  // namespace activ::nn
