// Splitting large elementwise calls over threads (activ::set_num_threads).
#pragma once

#include <cstddef>
#include <functional>

namespace activ::detail {

// Calls body(begin, end) over [0, n) in chunks, on the calling thread and the pool's
// workers when n is large enough to pay for waking them; otherwise body(0, n).
// Chunk boundaries are multiples of 64 elements.
void parallel_for(std::size_t n, const std::function<void(std::size_t, std::size_t)>& body);

}  // namespace activ::detail
