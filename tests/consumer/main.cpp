#include <activ/activ.hpp>

#include <cstdio>
#include <vector>

int main() {
  const activ::Activation gelu = activ::parse("jax:gelu");
  std::vector<float> x = {-10.0f, 0.0f, 1.0f}, y(x.size());
  gelu.forward(x, y);
  std::printf("%s %zu entries: %.9g %.9g %.9g\n", gelu.to_string().c_str(), activ::catalog().size(), y[0], y[1], y[2]);
  return y[1] == 0.0f && y[2] > 0.84f && y[2] < 0.85f && y[0] < 0.0f ? 0 : 1;
}
