// The report's static assets (tools/activ/report/), compiled in by CMake.
#pragma once

namespace activ::cli::report {

extern const char* const kStyleCss;
extern const char* const kReportJs;

}  // namespace activ::cli::report
