#pragma once

#define ACTIV_VERSION_MAJOR 0
#define ACTIV_VERSION_MINOR 1
#define ACTIV_VERSION_PATCH 0

namespace activ {
inline constexpr const char* kVersion = "0.1.0";
}
