#include "server/http_types.h"

#include "base/url.h"

namespace stocktake::server {
namespace {

std::optional<std::string> Find(const KeyValues& pairs, std::string_view name) {
  for (const auto& [key, value] : pairs) {
    if (key == name) return value;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> HttpRequest::Header(std::string_view name) const {
  return Find(headers, name);
}

std::optional<std::string> HttpRequest::Query(std::string_view name) const {
  return Find(query, name);
}

Status ParseRequestTarget(std::string_view target, HttpRequest* request) {
  if (target.empty() || target.front() != '/') {
    return InvalidArgument("request target must start with '/'");
  }
  const size_t question = target.find('?');
  ASSIGN_OR_RETURN(request->path, UrlDecode(target.substr(0, question), false));
  request->query.clear();
  if (question == std::string_view::npos) return Status::OK();
  std::string_view rest = target.substr(question + 1);
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    std::string_view part = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (part.empty()) continue;
    const size_t eq = part.find('=');
    ASSIGN_OR_RETURN(std::string name, UrlDecode(part.substr(0, eq), false));
    std::string value;
    if (eq != std::string_view::npos) {
      ASSIGN_OR_RETURN(value, UrlDecode(part.substr(eq + 1), false));
    }
    request->query.emplace_back(std::move(name), std::move(value));
  }
  return Status::OK();
}

}  // namespace stocktake::server
