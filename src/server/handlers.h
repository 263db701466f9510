// The S3 and STS operations the daemon serves, one function per operation.
// S3Api authenticates a request, picks the operation and calls its handler
// with a RequestContext; a handler returns the response, or a Status that
// S3Api turns into the S3 XML error (s3_error.h). Handlers keep no state of
// their own: they are thread-safe as the Estate and ConfigStore are.
#pragma once

#include <string>

#include "base/status.h"
#include "config/config_store.h"
#include "server/estate.h"
#include "server/http_types.h"
#include "server/sigv4_verifier.h"

namespace stocktake::server {

inline constexpr std::string_view kS3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

// Everything a handler may use; lives for one request.
struct RequestContext {
  const HttpRequest& request;
  const Caller& caller;
  std::string bucket;  // from the path; "" for service-level calls
  std::string request_id;
  const Estate& estate;
  config::ConfigStore& configs;
};

// The request's bucket when the caller's account owns it. NoSuchBucket (404)
// when no store holds it; AccessDenied (403) when another account owns it or
// x-amz-expected-bucket-owner names another account.
Result<BucketRef> OwnedBucket(const RequestContext& context);

// A 200 response with an XML body (a declaration added unless present).
HttpResponse XmlResponse(std::string body);

// PUT /{bucket}?inventory&id=ID → 200, empty body.
Result<HttpResponse> PutBucketInventoryConfiguration(const RequestContext& context);
// GET /{bucket}?inventory&id=ID → 200 InventoryConfiguration.
Result<HttpResponse> GetBucketInventoryConfiguration(const RequestContext& context);
// GET /{bucket}?inventory[&continuation-token=T] → 200, at most 100 per page.
Result<HttpResponse> ListBucketInventoryConfigurations(const RequestContext& context);
// DELETE /{bucket}?inventory&id=ID → 204.
Result<HttpResponse> DeleteBucketInventoryConfiguration(const RequestContext& context);

// GET / → the caller's buckets.
Result<HttpResponse> ListBuckets(const RequestContext& context);
// GET /{bucket}?location → LocationConstraint (empty for us-east-1).
Result<HttpResponse> GetBucketLocation(const RequestContext& context);
// HEAD /{bucket} → 200 with x-amz-bucket-region.
Result<HttpResponse> HeadBucket(const RequestContext& context);

// STS POST / Action=GetCallerIdentity → the caller's account, ARN, user id.
Result<HttpResponse> GetCallerIdentity(const RequestContext& context);

}  // namespace stocktake::server
