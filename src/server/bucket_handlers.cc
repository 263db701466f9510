// ListBuckets, GetBucketLocation, HeadBucket and the ownership check they
// share with the inventory handlers.
#include "base/time_util.h"
#include "server/handlers.h"
#include "server/s3_error.h"

namespace stocktake::server {

Result<BucketRef> OwnedBucket(const RequestContext& context) {
  Result<BucketRef> ref = context.estate.Find(context.bucket);
  if (!ref.ok() && ref.status().code() == Code::kNotFound) {
    return S3Failure("NoSuchBucket", "The specified bucket does not exist");
  }
  if (!ref.ok()) return ref.status().WithContext("find bucket " + context.bucket);
  if (ref->owner != context.caller.account->account_id) {
    return S3Failure("AccessDenied", "Access Denied");
  }
  std::optional<std::string> expected = context.request.Header("x-amz-expected-bucket-owner");
  if (expected && *expected != ref->owner) {
    return S3Failure("AccessDenied", "Access Denied");
  }
  return ref;
}

HttpResponse XmlResponse(std::string body) {
  HttpResponse response;
  response.content_type = "application/xml";
  if (body.rfind("<?xml", 0) != 0) {
    response.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  }
  response.body += body;
  return response;
}

Result<HttpResponse> ListBuckets(const RequestContext& context) {
  const Account& account = *context.caller.account;
  ASSIGN_OR_RETURN(auto buckets, context.estate.ListOwned(account.account_id));
  std::string xml = "<ListAllMyBucketsResult xmlns=\"" + std::string(kS3Namespace) +
                    "\"><Owner><ID>" + account.account_id + "</ID><DisplayName>" +
                    account.account_id + "</DisplayName></Owner><Buckets>";
  for (const auto& [info, ref] : buckets) {
    xml += "<Bucket><Name>" + XmlEscape(info.name) + "</Name><CreationDate>" +
           FormatIso8601Millis(info.creation_ms) + "</CreationDate></Bucket>";
  }
  xml += "</Buckets></ListAllMyBucketsResult>";
  return XmlResponse(std::move(xml));
}

Result<HttpResponse> GetBucketLocation(const RequestContext& context) {
  ASSIGN_OR_RETURN(BucketRef ref, OwnedBucket(context));
  const std::string open = "<LocationConstraint xmlns=\"" + std::string(kS3Namespace) + "\"";
  // S3 answers an empty constraint for us-east-1 (and stores without regions).
  if (ref.region.empty() || ref.region == "us-east-1") return XmlResponse(open + "/>");
  return XmlResponse(open + ">" + XmlEscape(ref.region) + "</LocationConstraint>");
}

Result<HttpResponse> HeadBucket(const RequestContext& context) {
  ASSIGN_OR_RETURN(BucketRef ref, OwnedBucket(context));
  HttpResponse response;
  response.headers.emplace_back("x-amz-bucket-region",
                                ref.region.empty() ? "us-east-1" : ref.region);
  return response;
}

}  // namespace stocktake::server
