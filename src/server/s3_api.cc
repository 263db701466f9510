#include "server/s3_api.h"

#include "base/url.h"
#include "base/uuid.h"
#include "server/handlers.h"
#include "server/s3_error.h"

namespace stocktake::server {
namespace {

using HandlerFn = Result<HttpResponse> (*)(const RequestContext&);

// An operation: its S3/STS name (for metrics and logs) and its handler.
struct Handler {
  const char* name;
  HandlerFn fn;
};

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
    if (method == "GET") return Handler{"ListBuckets", &ListBuckets};
  } else if (key.empty()) {
    if (request.HasQuery("inventory")) {
      const bool has_id = request.HasQuery("id");
      if (method == "GET")
        return has_id ? Handler{"GetBucketInventoryConfiguration", &GetBucketInventoryConfiguration}
                      : Handler{"ListBucketInventoryConfigurations",
                                &ListBucketInventoryConfigurations};
      if (method == "PUT") {
        return Handler{"PutBucketInventoryConfiguration", &PutBucketInventoryConfiguration};
      }
      if (method == "DELETE") {
        return Handler{"DeleteBucketInventoryConfiguration", &DeleteBucketInventoryConfiguration};
      }
    } else if (request.HasQuery("location")) {
      if (method == "GET") return Handler{"GetBucketLocation", &GetBucketLocation};
    } else if (method == "HEAD" && request.query.empty()) {
      return Handler{"HeadBucket", &HeadBucket};
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
  if (*action == "GetCallerIdentity" && request.path == "/") return Handler{"GetCallerIdentity", &GetCallerIdentity};
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

HttpResponse S3Api::Handle(const HttpRequest& request, std::string* operation) const {
  Result<Caller> caller = verifier_.Verify(request);
  if (!caller.ok()) return ErrorResponse(request, caller.status());
  Result<Handler> handler =
      caller->service == "sts" ? RouteSts(request)
      : caller->service == "s3"
          ? RouteS3(request)
          : S3Failure("NotImplemented", "service '" + caller->service + "' is not implemented");
  if (!handler.ok()) return ErrorResponse(request, handler.status());
  if (operation != nullptr) *operation = handler->name;
  const std::string request_id = NewUuidV4();
  RequestContext context{request,    *caller,  BucketAndKey(request.path).first,
                         request_id, *estate_, *configs_};
  Result<HttpResponse> response = handler->fn(context);
  if (!response.ok()) return ErrorResponse(request, response.status());
  response->headers.emplace_back("x-amz-request-id", request_id);
  return std::move(response).value();
}

}  // namespace stocktake::server
