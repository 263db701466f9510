#include "config/config_error.h"

#include <array>
#include <string>

namespace stocktake::config {
namespace {

constexpr std::array<S3ErrorCode, 5> kAllCodes = {
    S3ErrorCode::kMalformedXML,
    S3ErrorCode::kInvalidArgument,
    S3ErrorCode::kTooManyConfigurations,
    S3ErrorCode::kInventoryCountOverLimit,
    S3ErrorCode::kPrefixExistInclusionRelationship,
};

std::optional<S3ErrorCode> CodeAtStart(std::string_view text) {
  for (S3ErrorCode code : kAllCodes) {
    std::string_view name = S3ErrorCodeName(code);
    if (text.size() >= name.size() + 2 && text.substr(0, name.size()) == name &&
        text.substr(name.size(), 2) == ": ") {
      return code;
    }
  }
  return std::nullopt;
}

}  // namespace

std::string_view S3ErrorCodeName(S3ErrorCode code) {
  switch (code) {
    case S3ErrorCode::kMalformedXML: return "MalformedXML";
    case S3ErrorCode::kInvalidArgument: return "InvalidArgument";
    case S3ErrorCode::kTooManyConfigurations: return "TooManyConfigurations";
    case S3ErrorCode::kInventoryCountOverLimit: return "InventoryCountOverLimit";
    case S3ErrorCode::kPrefixExistInclusionRelationship:
      return "PrefixExistInclusionRelationship";
  }
  return "InternalError";
}

Status ConfigError(S3ErrorCode code, std::string_view message) {
  std::string text(S3ErrorCodeName(code));
  text += ": ";
  text += message;
  return InvalidArgument(std::move(text));
}

Status MalformedXml(std::string_view message) {
  return ConfigError(S3ErrorCode::kMalformedXML, message);
}

Status BadValue(std::string_view message) {
  return ConfigError(S3ErrorCode::kInvalidArgument, message);
}

std::optional<S3ErrorCode> S3ErrorCodeOf(const Status& status) {
  if (status.code() != Code::kInvalidArgument) return std::nullopt;
  // The code sits at the start of the message or right after a "context: "
  // part that WithContext() added; the earliest match wins.
  std::string_view msg = status.message();
  size_t start = 0;
  for (size_t round = 0; round <= msg.size(); ++round) {
    if (auto code = CodeAtStart(msg.substr(start))) return code;
    size_t sep = msg.find(": ", start);
    if (sep == std::string_view::npos) break;
    start = sep + 2;
  }
  return std::nullopt;
}

}  // namespace stocktake::config
