// Structured logs: one line per event (an HTTP request, a report run) on
// stderr, as key=value pairs (text, the default) or one JSON object per line
// (json). Written through spdlog, so lines from different threads never
// interleave. Thread-safe; the format is process-wide.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stocktake {

enum class LogStyle { kText, kJson };

using LogFields = std::vector<std::pair<std::string, std::string>>;

// Selects the line format for every later Log(). Default text.
void SetLogStyle(LogStyle style);
// Silences (or re-enables) every later Log(); for CLI commands that embed
// logging components but print their own output.
void SetLogEnabled(bool enabled);

// Logs `event` with `fields` in order, prefixed by ts (UTC, ISO 8601) and
// event. Text values with spaces, quotes or '=' are double-quoted with
// escapes; JSON values are strings.
void Log(std::string_view event, const LogFields& fields);

// The line Log() would write, without writing it (for tests).
std::string FormatLogLine(LogStyle style, int64_t now_ms, std::string_view event,
                          const LogFields& fields);

}  // namespace stocktake
