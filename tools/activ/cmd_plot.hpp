// activ plot and activ report: registered by main.
#pragma once

#include <CLI/CLI.hpp>

namespace activ::cli {

void add_plot_command(CLI::App& app);
void add_report_command(CLI::App& app);

}  // namespace activ::cli
