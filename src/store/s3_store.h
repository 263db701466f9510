// S3Store: ObjectStore over any S3-compatible endpoint (AWS, Ceph RGW, ...)
// with our own SigV4 signing and libcurl.
//
// Path-style addressing by default for custom endpoints. Listings always ask
// for `encoding-type=url` (RGW cannot put control characters in XML
// otherwise) and decode keys. Writers buffer up to `part_size` bytes: a
// smaller object is one PutObject, a larger one a multipart upload, and
// nothing is visible until Close() succeeds. S3Store never loops over whole
// operations (RetryingStore does); only a multipart writer retries a failed
// UploadPart through RetryPolicy, since it alone holds the part's bytes.
// Errors: NotFound for missing buckets/keys, PermissionDenied for auth
// failures, Unavailable (retryable) for throttling, 5xx and network trouble,
// messages "<op> s3://bucket/key: <Code> (<status>): <Message>".
// Endpoint quirks each live in one named function in s3_store.cc.
// Thread-safe; a store outlives the writers it creates.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/clock.h"
#include "base/retry.h"
#include "store/credentials.h"
#include "store/http_client.h"
#include "store/object_store.h"
#include "store/sigv4.h"

namespace stocktake::store {

inline constexpr int64_t kMinPartSize = 5 << 20;  // S3's minimum for all but the last part

struct S3StoreOptions {
  // "http://127.0.0.1:17480"; "" = https://s3.<region>.amazonaws.com.
  std::string endpoint;
  std::string region = "us-east-1";  // signing region, also CreateBucket's location
  Credentials credentials;
  std::optional<bool> path_style;  // default: true for custom endpoints, false for AWS
  HttpClientOptions http;
  int64_t part_size = 8 << 20;  // >= kMinPartSize
  RetryOptions part_retry;      // for UploadPart only
  RetryPolicy::Sleeper part_retry_sleeper;  // nullptr = real sleep
  Clock* clock = nullptr;                   // signing time; nullptr = Clock::Real()
};

class S3Store : public ObjectStore {
 public:
  // InvalidArgument for a malformed endpoint, empty credentials or a part
  // size below kMinPartSize.
  static Result<std::unique_ptr<S3Store>> Open(S3StoreOptions options);
  ~S3Store() override;

  std::string Name() const override;
  std::string Url(std::string_view bucket, std::string_view key) const override;
  Capabilities capabilities() const override;

  Result<std::vector<BucketInfo>> ListBuckets() override;
  Status HeadBucket(std::string_view bucket) override;
  // OK also when we already own the bucket (on every endpoint); AlreadyExists
  // when someone else does.
  Status CreateBucket(std::string_view bucket) override;
  Result<std::string> GetBucketLocation(std::string_view bucket) override;
  Result<ListPage> List(std::string_view bucket, const ListRequest& request) override;
  Result<VersionPage> ListVersions(std::string_view bucket,
                                   const VersionListRequest& request) override;
  // An SSE-C object (whose HEAD needs the customer key) comes back with its
  // listed size, ETag and date and encryption_status "SSE-C".
  Result<ObjectInfo> Head(std::string_view bucket, std::string_view key,
                          std::string_view version_id = {}) override;
  Result<ObjectAcl> GetObjectAcl(std::string_view bucket, std::string_view key,
                                 std::string_view version_id = {}) override;
  Result<std::string> Get(std::string_view bucket, std::string_view key,
                          ByteRange range = {}) override;
  Result<std::unique_ptr<ObjectWriter>> NewWriter(std::string_view bucket, std::string_view key,
                                                  const WriteOptions& options = {}) override;
  Status Delete(std::string_view bucket, std::string_view key) override;

  // S3-only extras (tests and future admin commands).
  // PutBucketVersioning: Enabled, or Suspended when !enabled.
  Status SetVersioning(std::string_view bucket, bool enabled);
  // Deletes an empty bucket; FailedPrecondition when it is not empty.
  Status DeleteBucket(std::string_view bucket);

 private:
  friend class S3Writer;
  struct Call {
    Call(std::string m, std::string_view b, std::string_view k = {})
        : method(std::move(m)), bucket(b), key(k) {}
    std::string method;
    std::string bucket;   // "" = service level (ListBuckets)
    std::string key;      // "" = bucket level
    KeyValues query;
    KeyValues headers;
    std::string_view body;  // must outlive Execute()
    std::string shown_key;  // for messages when key is "" (a listing's prefix)
  };

  S3Store(S3StoreOptions options, std::string scheme, std::string host);
  // Signs and sends one request. Transport failures and HTTP >= 300 come
  // back as a Status prefixed with `op` and Url(bucket, key).
  Result<HttpResponse> Execute(const Call& call, std::string_view op);
  std::string Target(std::string_view op, std::string_view bucket, std::string_view key) const;
  Result<ObjectInfo> HeadOfCustomerKeyObject(std::string_view bucket, std::string_view key,
                                             std::string_view version_id,
                                             const Status& head_error);
  Result<ObjectInfo> VersionOfCustomerKeyObject(std::string_view bucket, std::string_view key,
                                                std::string_view version_id,
                                                const Status& head_error);

  S3StoreOptions options_;
  std::string scheme_;  // "http" or "https"
  std::string host_;    // "127.0.0.1:17480"
  bool path_style_;
  SigV4Signer signer_;
  std::unique_ptr<HttpClient> http_;
  RetryPolicy part_retry_;
};

}  // namespace stocktake::store
