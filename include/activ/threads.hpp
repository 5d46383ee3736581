// How many threads forward() and backward() may use on large inputs.
#pragma once

namespace activ {

// Default: the hardware concurrency. Inputs below a measured size (about 2^17
// elements) run on the calling thread. Results are bit-identical for any count.
// Throws std::invalid_argument for n < 1.
void set_num_threads(int n);
int num_threads() noexcept;

}  // namespace activ
