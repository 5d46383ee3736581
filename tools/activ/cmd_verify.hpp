// activ verify: registered by main; a missed accuracy bar ends the run with exit 1.
#pragma once

#include <CLI/CLI.hpp>
#include <stdexcept>

namespace activ::cli {

void add_verify_command(CLI::App& app);

// Thrown after the report is printed when a bar is missed; main exits with 1.
struct BarMissed : std::runtime_error {
  BarMissed() : std::runtime_error("an accuracy bar was missed") {}
};

}  // namespace activ::cli
