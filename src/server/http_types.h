// HttpRequest / HttpResponse: the transport-neutral view of one HTTP exchange
// that the S3 API works on. HttpServer fills an HttpRequest from the wire
// (cpp-httplib) and writes the HttpResponse back; tests build them directly.
//
// Paths and query parameters are kept both raw (as sent) and decoded, because
// SigV4 verification re-encodes the decoded forms exactly once. Header names
// are lower-cased on the way in. Plain values; not synchronised.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace stocktake::server {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // "GET", "PUT", ...
  std::string path;    // decoded, starts with '/'
  KeyValues query;     // decoded, in request order; "?inventory" gives {"inventory", ""}
  KeyValues headers;   // names lower-case, in request order, duplicates kept
  std::string body;

  // The first value of header `name` (lower-case), or nullopt.
  std::optional<std::string> Header(std::string_view name) const;
  // The first value of query parameter `name`, or nullopt.
  std::optional<std::string> Query(std::string_view name) const;
  bool HasQuery(std::string_view name) const { return Query(name).has_value(); }
};

struct HttpResponse {
  int status = 200;
  KeyValues headers;
  std::string body;
  std::string content_type;  // "" = none (no body)
};

// Splits a request target "/a%20b?x=1&y" into a decoded path and decoded
// query pairs ('+' stays '+': SigV4 clients encode spaces as %20).
// InvalidArgument on a malformed %-escape or a target not starting with '/'.
Status ParseRequestTarget(std::string_view target, HttpRequest* request);

}  // namespace stocktake::server
