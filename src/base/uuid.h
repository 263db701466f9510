// Random (version 4) UUIDs for report data file names. Thread-safe: each
// thread owns a generator seeded from std::random_device.
#pragma once

#include <string>

namespace stocktake {

// "939c6d46-85a9-4ba8-87bd-9db705a579ce": lowercase, RFC 9562 version 4.
std::string NewUuidV4();

}  // namespace stocktake
