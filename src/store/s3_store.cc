#include "store/s3_store.h"

#include "base/hash.h"
#include "base/time_util.h"
#include "base/url.h"
#include "store/s3_writer.h"
#include "store/s3_xml.h"

namespace stocktake::store {
namespace {

// Quirk: AWS us-east-1 rejects an explicit LocationConstraint, everyone else
// (RGW zonegroups included) wants the region named in the body.
bool NeedsLocationConstraint(std::string_view region) {
  return !region.empty() && region != "us-east-1";
}

// Quirk: custom endpoints (RGW, MinIO) rarely have wildcard DNS for
// virtual-hosted buckets, so they default to path-style.
bool DefaultPathStyle(std::string_view endpoint) { return !endpoint.empty(); }

// Quirk: re-creating a bucket you already own answers 200 on AWS us-east-1
// and on RGW, but 409 BucketAlreadyOwnedByYou on other AWS regions and on
// MinIO. S3Store reports OK everywhere, so callers need one code path;
// BucketAlreadyExists (someone else's bucket) stays AlreadyExists.
Status OwnBucketIsOk(Status created) {
  if (created.code() == Code::kAlreadyExists &&
      created.message().find("BucketAlreadyOwnedByYou") != std::string::npos) {
    return Status::OK();
  }
  return created;
}

// Quirk: some S3-compatible stores (Garage, SeaweedFS) have no object ACLs
// and answer GetObjectAcl with 501 NotImplemented; the inventory reports
// such ACLs as UNAVAILABLE rather than failing the report.
bool AclsNotImplemented(const Status& status) {
  return status.message().find("NotImplemented (501)") != std::string::npos;
}

std::string EncryptionStatus(const HttpResponse& r) {
  if (!r.Header("x-amz-server-side-encryption-customer-algorithm").empty()) return "SSE-C";
  std::string sse = r.Header("x-amz-server-side-encryption");
  if (sse.empty()) return "NOT-SSE";
  if (sse == "AES256") return "SSE-S3";
  if (sse == "aws:kms") return "SSE-KMS";
  if (sse == "aws:kms:dsse") return "DSSE-KMS";
  return sse;
}

// x-amz-expiration: expiry-date="Fri, 23 Dec 2012 00:00:00 GMT", rule-id="r"
std::optional<int64_t> ExpiryDate(std::string_view header) {
  constexpr std::string_view kField = "expiry-date=\"";
  size_t start = header.find(kField);
  if (start == std::string_view::npos) return std::nullopt;
  start += kField.size();
  size_t end = header.find('"', start);
  if (end == std::string_view::npos) return std::nullopt;
  Result<int64_t> ms = ParseTimestamp(header.substr(start, end - start));
  if (!ms.ok()) return std::nullopt;
  return *ms;
}

Result<ObjectInfo> ObjectFromHead(std::string_view key, const HttpResponse& r) {
  ObjectInfo info;
  info.key = std::string(key);
  info.size = std::stoll("0" + r.Header("content-length"));
  std::string modified = r.Header("last-modified");
  if (!modified.empty()) {
    ASSIGN_OR_RETURN(info.last_modified_ms, ParseTimestamp(modified));
  }
  info.etag = StripQuotes(r.Header("etag"));
  info.storage_class = r.Header("x-amz-storage-class");
  if (info.storage_class.empty()) info.storage_class = "STANDARD";
  info.content_type = r.Header("content-type");
  info.encryption_status = EncryptionStatus(r);
  info.replication_status = r.Header("x-amz-replication-status");
  info.object_lock_mode = r.Header("x-amz-object-lock-mode");
  std::string retain = r.Header("x-amz-object-lock-retain-until-date");
  if (!retain.empty()) {
    Result<int64_t> ms = ParseTimestamp(retain);
    if (ms.ok()) info.object_lock_retain_until_ms = *ms;
  }
  info.object_lock_legal_hold = r.Header("x-amz-object-lock-legal-hold");
  std::string bucket_key = r.Header("x-amz-server-side-encryption-bucket-key-enabled");
  if (!bucket_key.empty()) info.bucket_key_status = bucket_key == "true" ? "ENABLED" : "DISABLED";
  if (info.storage_class == "INTELLIGENT_TIERING") {
    std::string archive = r.Header("x-amz-archive-status");
    info.intelligent_tiering_access_tier = archive.empty() ? "FREQUENT" : archive;
  }
  info.lifecycle_expiration_ms = ExpiryDate(r.Header("x-amz-expiration"));
  return info;
}

}  // namespace

Result<std::unique_ptr<S3Store>> S3Store::Open(S3StoreOptions options) {
  if (options.region.empty()) options.region = "us-east-1";
  std::string endpoint = options.endpoint;
  if (endpoint.empty()) endpoint = "https://s3." + options.region + ".amazonaws.com";
  while (endpoint.ends_with('/')) endpoint.pop_back();
  size_t sep = endpoint.find("://");
  std::string scheme = sep == std::string::npos ? "" : endpoint.substr(0, sep);
  std::string host = sep == std::string::npos ? "" : endpoint.substr(sep + 3);
  if ((scheme != "http" && scheme != "https") || host.empty() ||
      host.find('/') != std::string::npos) {
    return InvalidArgument("open s3:" + options.endpoint +
                           ": endpoint must look like http(s)://host[:port]");
  }
  if (options.credentials.empty() || options.credentials.secret_access_key.empty()) {
    return InvalidArgument("open s3:" + endpoint + ": no credentials");
  }
  if (options.part_size < kMinPartSize) {
    return InvalidArgument("open s3:" + endpoint + ": part size " +
                           std::to_string(options.part_size) + " is below S3's minimum " +
                           std::to_string(kMinPartSize));
  }
  if (!options.path_style) options.path_style = DefaultPathStyle(options.endpoint);
  options.endpoint = endpoint;
  return std::unique_ptr<S3Store>(new S3Store(std::move(options), scheme, host));
}

S3Store::S3Store(S3StoreOptions options, std::string scheme, std::string host)
    : options_(std::move(options)),
      scheme_(std::move(scheme)),
      host_(std::move(host)),
      path_style_(*options_.path_style),
      signer_(options_.credentials, options_.region),
      http_(std::make_unique<HttpClient>(options_.http)),
      part_retry_(options_.part_retry, options_.part_retry_sleeper) {
  if (options_.clock == nullptr) options_.clock = Clock::Real();
}

S3Store::~S3Store() = default;

std::string S3Store::Name() const { return "s3:" + options_.endpoint; }

std::string S3Store::Url(std::string_view bucket, std::string_view key) const {
  return "s3://" + std::string(bucket) + "/" + std::string(key);
}

Capabilities S3Store::capabilities() const {
  return Capabilities{.versioning = true,
                      .etag_is_content_md5 = true,
                      .server_side_metadata = true,
                      .object_acls = true,
                      .supports_any_key = true,
                      .key_may_also_be_prefix = true,
                      .create_existing_bucket_is_ok = true,
                      .remote_listing = true};
}

std::string S3Store::Target(std::string_view op, std::string_view bucket,
                            std::string_view key) const {
  std::string out(op);
  out += ' ';
  if (bucket.empty()) {
    out += Name();
  } else if (key.empty()) {
    out += "s3://" + std::string(bucket);  // a bucket-level call
  } else {
    out += Url(bucket, key);
  }
  return out;
}

Result<HttpResponse> S3Store::Execute(const Call& call, std::string_view op) {
  std::string host = host_;
  std::string path;
  if (call.bucket.empty()) {
    path = "/";
  } else if (path_style_) {
    path = "/" + call.bucket + (call.key.empty() ? "" : "/" + call.key);
  } else {
    host = call.bucket + "." + host_;
    path = "/" + call.key;
  }
  SigV4Request request{call.method, path, call.query, call.headers, Sha256Hex(call.body)};
  request.headers.emplace_back("host", host);
  signer_.Sign(options_.clock->NowMillis(), &request);

  HttpRequest http{call.method, scheme_ + "://" + host + CanonicalUri(path, PathMode::kS3),
                   std::move(request.headers), call.body};
  std::string query = CanonicalQueryString(call.query);
  if (!query.empty()) http.url += "?" + query;
  Result<HttpResponse> response = http_->Send(http, options_.endpoint);
  std::string target = Target(op, call.bucket, call.key.empty() ? call.shown_key : call.key);
  if (!response.ok()) return response.status().WithContext(target);
  if (response->status >= 300) {
    std::optional<S3Error> error = ParseS3Error(response->body);
    return S3ErrorStatus(target, response->status, error.value_or(S3Error{}));
  }
  return response;
}

Result<std::vector<BucketInfo>> S3Store::ListBuckets() {
  ASSIGN_OR_RETURN(HttpResponse r, Execute(Call("GET", ""), "list-buckets"));
  Result<std::vector<BucketInfo>> buckets = ParseListBuckets(r.body);
  if (!buckets.ok()) return buckets.status().WithContext(Target("list-buckets", "", ""));
  return buckets;
}

Status S3Store::HeadBucket(std::string_view bucket) {
  return Execute(Call("HEAD", bucket), "head-bucket").status();
}

Status S3Store::CreateBucket(std::string_view bucket) {
  std::string body;
  if (NeedsLocationConstraint(options_.region)) body = CreateBucketBody(options_.region);
  Call call("PUT", bucket);
  call.body = body;
  return OwnBucketIsOk(Execute(call, "create-bucket").status());
}

Status S3Store::DeleteBucket(std::string_view bucket) {
  return Execute(Call("DELETE", bucket), "delete-bucket").status();
}

Result<std::string> S3Store::GetBucketLocation(std::string_view bucket) {
  Call call("GET", bucket);
  call.query = {{"location", ""}};
  ASSIGN_OR_RETURN(HttpResponse r, Execute(call, "get-bucket-location"));
  Result<std::string> region = ParseBucketLocation(r.body);
  if (!region.ok()) return region.status().WithContext(Target("get-bucket-location", bucket, ""));
  return region;
}

Status S3Store::SetVersioning(std::string_view bucket, bool enabled) {
  std::string body = VersioningBody(enabled);
  Call call("PUT", bucket);
  call.query = {{"versioning", ""}};
  call.body = body;
  return Execute(call, "set-versioning").status();
}

Result<ListPage> S3Store::List(std::string_view bucket, const ListRequest& request) {
  Call call("GET", bucket);
  call.query = {{"list-type", "2"}, {"encoding-type", "url"},
                {"max-keys", std::to_string(request.max_keys)}};
  if (!request.prefix.empty()) call.query.emplace_back("prefix", request.prefix);
  if (!request.delimiter.empty()) call.query.emplace_back("delimiter", request.delimiter);
  if (!request.continuation_token.empty()) {
    call.query.emplace_back("continuation-token", request.continuation_token);
  } else if (!request.start_after.empty()) {
    call.query.emplace_back("start-after", request.start_after);
  }
  if (request.fetch_owner) call.query.emplace_back("fetch-owner", "true");
  call.shown_key = request.prefix;
  ASSIGN_OR_RETURN(HttpResponse r, Execute(call, "list"));
  Result<ListPage> page = ParseListObjectsV2(r.body);
  if (!page.ok()) return page.status().WithContext(Target("list", bucket, request.prefix));
  return page;
}

Result<VersionPage> S3Store::ListVersions(std::string_view bucket,
                                          const VersionListRequest& request) {
  Call call("GET", bucket);
  call.query = {{"versions", ""}, {"encoding-type", "url"},
                {"max-keys", std::to_string(request.max_keys)}};
  if (!request.prefix.empty()) call.query.emplace_back("prefix", request.prefix);
  if (!request.key_marker.empty()) call.query.emplace_back("key-marker", request.key_marker);
  if (!request.version_id_marker.empty()) {
    call.query.emplace_back("version-id-marker", request.version_id_marker);
  }
  call.shown_key = request.prefix;
  ASSIGN_OR_RETURN(HttpResponse r, Execute(call, "list-versions"));
  Result<VersionPage> page = ParseListObjectVersions(r.body);
  if (!page.ok()) return page.status().WithContext(Target("list-versions", bucket, request.prefix));
  return page;
}

Result<ObjectInfo> S3Store::Head(std::string_view bucket, std::string_view key,
                                 std::string_view version_id) {
  Call call("HEAD", bucket, key);
  if (!version_id.empty()) call.query = {{"versionId", std::string(version_id)}};
  Result<HttpResponse> r = Execute(call, "head");
  if (!r.ok()) {
    if (r.status().code() != Code::kInvalidArgument) return r.status();
    return HeadOfCustomerKeyObject(bucket, key, version_id, r.status());
  }
  Result<ObjectInfo> info = ObjectFromHead(key, *r);
  if (!info.ok()) return info.status().WithContext(Target("head", bucket, key));
  return info;
}

// Quirk (AWS and RGW): HEAD of an SSE-C object without its customer key is
// a bare 400. A one-byte GET then names the reason ("... Server Side
// Encryption ..."), and the listing still knows size, ETag and date; an
// inventory reports such objects as SSE-C. Any other 400 stays `head_error`.
Result<ObjectInfo> S3Store::HeadOfCustomerKeyObject(std::string_view bucket, std::string_view key,
                                                    std::string_view version_id,
                                                    const Status& head_error) {
  Call probe("GET", bucket, key);
  if (!version_id.empty()) probe.query = {{"versionId", std::string(version_id)}};
  probe.headers.emplace_back("Range", "bytes=0-0");
  Status get = Execute(probe, "get").status();
  if (get.code() != Code::kInvalidArgument ||
      get.message().find("ncryption") == std::string::npos) {
    return head_error;
  }
  if (!version_id.empty()) return VersionOfCustomerKeyObject(bucket, key, version_id, head_error);
  ListRequest request;
  request.prefix = std::string(key);
  request.max_keys = 1;
  ASSIGN_OR_RETURN(ListPage page, List(bucket, request));
  if (page.objects.empty() || page.objects.front().key != key) return head_error;
  ObjectInfo info = std::move(page.objects.front());
  info.encryption_status = "SSE-C";
  return info;
}

// The listed fields of one version of an SSE-C object: its key's versions
// are scanned (one page per call, bounded by the key's version count).
Result<ObjectInfo> S3Store::VersionOfCustomerKeyObject(std::string_view bucket,
                                                       std::string_view key,
                                                       std::string_view version_id,
                                                       const Status& head_error) {
  VersionListRequest request;
  request.prefix = std::string(key);
  for (;;) {
    ASSIGN_OR_RETURN(VersionPage page, ListVersions(bucket, request));
    for (ObjectInfo& info : page.versions) {
      if (info.key > key) return head_error;
      if (info.key == key && info.version_id == version_id && !info.is_delete_marker) {
        info.encryption_status = "SSE-C";
        return std::move(info);
      }
    }
    if (!page.truncated) return head_error;
    request.key_marker = page.next_key_marker;
    request.version_id_marker = page.next_version_id_marker;
  }
}

Result<ObjectAcl> S3Store::GetObjectAcl(std::string_view bucket, std::string_view key,
                                        std::string_view version_id) {
  Call call("GET", bucket, key);
  call.query = {{"acl", ""}};
  if (!version_id.empty()) call.query.emplace_back("versionId", std::string(version_id));
  Result<HttpResponse> r = Execute(call, "get-acl");
  if (!r.ok()) {
    if (AclsNotImplemented(r.status())) {
      ObjectAcl unavailable;
      unavailable.available = false;
      return unavailable;
    }
    return r.status();
  }
  Result<ObjectAcl> acl = ParseAccessControlPolicy(r->body);
  if (!acl.ok()) return acl.status().WithContext(Target("get-acl", bucket, key));
  return acl;
}

Result<std::string> S3Store::Get(std::string_view bucket, std::string_view key, ByteRange range) {
  if (range.length == 0) {
    RETURN_IF_ERROR(Head(bucket, key).status());
    return std::string();
  }
  Call call("GET", bucket, key);
  if (range.offset > 0 || range.length > 0) {
    std::string spec = "bytes=" + std::to_string(range.offset) + "-";
    if (range.length > 0) spec += std::to_string(range.offset + range.length - 1);
    call.headers.emplace_back("Range", spec);
  }
  ASSIGN_OR_RETURN(HttpResponse r, Execute(call, "get"));
  return std::move(r.body);
}

Result<std::unique_ptr<ObjectWriter>> S3Store::NewWriter(std::string_view bucket,
                                                         std::string_view key,
                                                         const WriteOptions& options) {
  return std::unique_ptr<ObjectWriter>(
      new S3Writer(this, std::string(bucket), std::string(key), options));
}

Status S3Store::Delete(std::string_view bucket, std::string_view key) {
  Call call("DELETE", bucket, key);
  return Execute(call, "delete").status();
}

}  // namespace stocktake::store
