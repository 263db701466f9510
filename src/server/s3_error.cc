#include "server/s3_error.h"

#include <cassert>
#include <optional>

#include "config/config_error.h"

namespace stocktake::server {
namespace {

struct KnownCode {
  std::string_view code;
  int http_status;
};

// Every S3 error code the daemon sends, with its HTTP status.
constexpr KnownCode kCodes[] = {
    {"AccessDenied", 403},
    {"InvalidAccessKeyId", 403},
    {"SignatureDoesNotMatch", 403},
    {"RequestTimeTooSkewed", 403},
    {"AuthorizationHeaderMalformed", 400},
    {"AuthorizationQueryParametersError", 400},
    {"InvalidRequest", 400},
    {"InvalidArgument", 400},
    {"MalformedXML", 400},
    {"TooManyConfigurations", 400},
    {"InventoryCountOverLimit", 400},
    {"PrefixExistInclusionRelationship", 400},
    {"XAmzContentSHA256Mismatch", 400},
    {"BadDigest", 400},
    {"InvalidDigest", 400},
    {"MaxMessageLengthExceeded", 400},
    {"IncompleteBody", 400},
    {"InvalidAction", 400},
    {"MissingParameter", 400},
    {"NoSuchBucket", 404},
    {"NoSuchConfiguration", 404},
    {"MethodNotAllowed", 405},
    {"InternalError", 500},
    {"NotImplemented", 501},
    {"ServiceUnavailable", 503},
};

std::optional<int> StatusOfCode(std::string_view code) {
  for (const KnownCode& known : kCodes) {
    if (known.code == code) return known.http_status;
  }
  return std::nullopt;
}

Code StatusCodeFor(int http_status) {
  switch (http_status) {
    case 400:
      return Code::kInvalidArgument;
    case 403:
      return Code::kPermissionDenied;
    case 404:
      return Code::kNotFound;
    case 503:
      return Code::kUnavailable;
    case 500:
      return Code::kInternal;
    default:
      return Code::kFailedPrecondition;
  }
}

// Finds "<Code>: " at the start of the message or after a "context: " prefix
// added by WithContext(), for a status S3Failure could have made.
std::optional<S3Error> FindCode(const Status& status) {
  const std::string& message = status.message();
  size_t start = 0;
  while (start < message.size()) {
    const size_t colon = message.find(": ", start);
    if (colon == std::string::npos) return std::nullopt;
    std::string_view word(message.data() + start, colon - start);
    std::optional<int> http = StatusOfCode(word);
    if (http && StatusCodeFor(*http) == status.code()) {
      return S3Error{*http, std::string(word), message.substr(colon + 2)};
    }
    start = colon + 2;
  }
  return std::nullopt;
}

}  // namespace

Status S3Failure(std::string_view code, std::string_view message) {
  std::optional<int> http = StatusOfCode(code);
  assert(http && "S3 error code missing from kCodes");
  return Status(StatusCodeFor(http.value_or(500)), std::string(code) + ": " + std::string(message));
}

S3Error ToS3Error(const Status& status) {
  if (std::optional<S3Error> known = FindCode(status)) return *known;
  if (std::optional<config::S3ErrorCode> code = config::S3ErrorCodeOf(status)) {
    std::string name(config::S3ErrorCodeName(*code));
    const size_t at = status.message().find(name + ": ");
    std::string message =
        at == std::string::npos ? status.message() : status.message().substr(at + name.size() + 2);
    return S3Error{400, std::move(name), std::move(message)};
  }
  switch (status.code()) {
    case Code::kInvalidArgument:
      return S3Error{400, "InvalidArgument", status.message()};
    case Code::kPermissionDenied:
      return S3Error{403, "AccessDenied", status.message()};
    case Code::kUnavailable:
      return S3Error{503, "ServiceUnavailable", status.message()};
    default:
      return S3Error{500, "InternalError", status.message()};
  }
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string S3ErrorXml(const S3Error& error, std::string_view resource,
                       std::string_view request_id) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + XmlEscape(error.code) +
         "</Code><Message>" + XmlEscape(error.message) + "</Message><Resource>" +
         XmlEscape(resource) + "</Resource><RequestId>" + XmlEscape(request_id) +
         "</RequestId></Error>";
}

std::string StsErrorXml(const S3Error& error, std::string_view request_id) {
  const char* type = error.http_status >= 500 ? "Receiver" : "Sender";
  return std::string(
             "<ErrorResponse "
             "xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
             "<Error><Type>") +
         type + "</Type><Code>" + XmlEscape(error.code) + "</Code><Message>" +
         XmlEscape(error.message) + "</Message></Error><RequestId>" + XmlEscape(request_id) +
         "</RequestId></ErrorResponse>";
}

}  // namespace stocktake::server
