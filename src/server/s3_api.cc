#include "server/s3_api.h"

#include "base/url.h"
#include "base/uuid.h"
#include "server/handlers.h"
#include "server/s3_error.h"

namespace stocktake::server {
namespace {

using Handler = Result<HttpResponse> (*)(const RequestContext&);

// Splits "/bucket/key" into bucket and key ("" when absent).
std::pair<std::string, std::string> BucketAndKey(const std::string& path) {
  const size_t start = path.empty() ? 0 : 1;
  const size_t slash = path.find('/', start);
  if (slash == std::string::npos) return {path.substr(start), ""};
  return {path.substr(start, slash - start), path.substr(slash + 1)};
}

Result<Handler> RouteS3(const HttpRequest& request) {
  auto [bucket, key] = BucketAndKey(request.path);
  const std::string& method = request.method;
  if (bucket.empty()) {
    if (method == "GET") return &ListBuckets;
  } else if (key.empty()) {
    if (request.HasQuery("inventory")) {
      const bool has_id = request.HasQuery("id");
      if (method == "GET")
        return has_id ? &GetBucketInventoryConfiguration : &ListBucketInventoryConfigurations;
      if (method == "PUT") return &PutBucketInventoryConfiguration;
      if (method == "DELETE") return &DeleteBucketInventoryConfiguration;
    } else if (request.HasQuery("location")) {
      if (method == "GET") return &GetBucketLocation;
    } else if (method == "HEAD" && request.query.empty()) {
      return &HeadBucket;
    }
  }
  return S3Failure("NotImplemented",
                   "A header or query you provided implies functionality "
                   "that is not implemented: " +
                       method + " " + request.path);
}

// STS is a query protocol: Action comes from the form body or the query.
Result<Handler> RouteSts(const HttpRequest& request) {
  std::optional<std::string> action = request.Query("Action");
  const std::string content_type = request.Header("content-type").value_or("");
  if (!action && content_type.rfind("application/x-www-form-urlencoded", 0) == 0) {
    HttpRequest form;
    if (ParseRequestTarget("/?" + request.body, &form).ok()) action = form.Query("Action");
  }
  if (!action) return S3Failure("MissingParameter", "the Action parameter is required");
  if (*action == "GetCallerIdentity" && request.path == "/") return &GetCallerIdentity;
  return S3Failure("NotImplemented", "STS action '" + *action + "' is not implemented");
}

}  // namespace

HttpResponse S3Api::ErrorResponse(const HttpRequest& request, const Status& status) {
  const S3Error error = ToS3Error(status);
  const std::string request_id = NewUuidV4();
  HttpResponse response;
  response.status = error.http_status;
  response.headers.emplace_back("x-amz-request-id", request_id);
  if (request.method == "HEAD") return response;  // HEAD errors carry no body
  response.content_type = "application/xml";
  if (SigV4Verifier::ClaimedService(request) == "sts") {
    response.body = StsErrorXml(error, request_id);
  } else {
    response.body = S3ErrorXml(error, request.path, request_id);
  }
  return response;
}

HttpResponse S3Api::Handle(const HttpRequest& request) const {
  Result<Caller> caller = verifier_.Verify(request);
  if (!caller.ok()) return ErrorResponse(request, caller.status());
  Result<Handler> handler =
      caller->service == "sts" ? RouteSts(request)
      : caller->service == "s3"
          ? RouteS3(request)
          : S3Failure("NotImplemented", "service '" + caller->service + "' is not implemented");
  if (!handler.ok()) return ErrorResponse(request, handler.status());
  const std::string request_id = NewUuidV4();
  RequestContext context{request,    *caller,  BucketAndKey(request.path).first,
                         request_id, *estate_, *configs_};
  Result<HttpResponse> response = (*handler)(context);
  if (!response.ok()) return ErrorResponse(request, response.status());
  response->headers.emplace_back("x-amz-request-id", request_id);
  return std::move(response).value();
}

}  // namespace stocktake::server
