// Conversions between epoch milliseconds (UTC) and the text forms stocktake
// reads and writes: ISO 8601 with milliseconds (reports, S3 XML), the AWS
// compact form (SigV4 x-amz-date), report folder stamps and HTTP dates.
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace stocktake {

// 2024-04-22T01:13:28.000Z
std::string FormatIso8601Millis(int64_t epoch_ms);
// 20240422T011328Z
std::string FormatAmzDate(int64_t epoch_ms);
// 20240422
std::string FormatDateStamp(int64_t epoch_ms);
// 2024-04-22T01-13Z (AWS report folder)
std::string FormatReportFolder(int64_t epoch_ms);
// 2024-04-22-01-13 (AWS hive dt= value)
std::string FormatHiveDt(int64_t epoch_ms);
// 2024-04-22
std::string FormatIsoDate(int64_t epoch_ms);

// Parses "2024-04-22T01:13:28Z", "...28.123Z", "...28.123456Z", "...+00:00"
// and RFC 1123 HTTP dates ("Mon, 22 Apr 2024 01:13:28 GMT") and the compact
// 20240422T011328Z. InvalidArgument on anything else.
Result<int64_t> ParseTimestamp(std::string_view text);

// days since 1970-01-01 for a civil date (proleptic Gregorian).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);

}  // namespace stocktake
