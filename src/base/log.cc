#include "base/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdio>
#include <memory>

#include "base/clock.h"
#include "base/time_util.h"

namespace stocktake {
namespace {

std::atomic<LogStyle> g_style{LogStyle::kText};
std::atomic<bool> g_enabled{true};

spdlog::logger& Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto made = std::make_shared<spdlog::logger>(
        "stocktake", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    made->set_pattern("%v");
    made->flush_on(spdlog::level::info);
    return made;
  }();
  return *logger;
}

// JSON string escaping; also used for quoted text values.
void AppendEscaped(std::string* out, std::string_view text) {
  for (unsigned char c : text) {
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default:
        if (c < 0x20) {
          char hex[8];
          std::snprintf(hex, sizeof(hex), "\\u%04x", c);
          *out += hex;
        } else {
          *out += static_cast<char>(c);
        }
    }
  }
}

void AppendTextValue(std::string* out, std::string_view value) {
  const bool plain = !value.empty() && value.find_first_of(" \"=\\\t\n\r") == std::string_view::npos;
  if (plain) {
    *out += value;
    return;
  }
  *out += '"';
  AppendEscaped(out, value);
  *out += '"';
}

}  // namespace

void SetLogStyle(LogStyle style) { g_style = style; }
void SetLogEnabled(bool enabled) { g_enabled = enabled; }

std::string FormatLogLine(LogStyle style, int64_t now_ms, std::string_view event,
                          const LogFields& fields) {
  std::string line;
  if (style == LogStyle::kJson) {
    line = "{\"ts\":\"" + FormatIso8601Millis(now_ms) + "\",\"event\":\"";
    AppendEscaped(&line, event);
    line += '"';
    for (const auto& [key, value] : fields) {
      line += ",\"";
      AppendEscaped(&line, key);
      line += "\":\"";
      AppendEscaped(&line, value);
      line += '"';
    }
    line += '}';
    return line;
  }
  line = "ts=" + FormatIso8601Millis(now_ms) + " event=";
  AppendTextValue(&line, event);
  for (const auto& [key, value] : fields) {
    line += ' ';
    line += key;
    line += '=';
    AppendTextValue(&line, value);
  }
  return line;
}

void Log(std::string_view event, const LogFields& fields) {
  if (!g_enabled) return;
  Logger().info(FormatLogLine(g_style, Clock::Real()->NowMillis(), event, fields));
}

}  // namespace stocktake
