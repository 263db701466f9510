// ObjectStore: the one interface through which every stocktake module talks
// to storage (S3-compatible endpoints, local folder trees, test fakes).
//
// A store holds buckets; a bucket holds objects addressed by UTF-8 keys.
// Listings come in S3 order: ascending byte order of the full key. Every
// method is thread-safe; a store outlives the writers it creates. Methods
// return NotFound for a missing bucket or key, Unavailable for transient
// failures (only RetryingStore retries them), and name the operation and
// target in every message ("list s3://b/p: SlowDown (503)").
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace stocktake::store {

// One object (or one version) as listed or HEADed. Fields a store cannot
// know stay empty / nullopt; the report writes them as absent.
struct ObjectInfo {
  std::string key;
  int64_t size = 0;
  int64_t last_modified_ms = 0;  // epoch millis UTC
  std::string etag;              // no quotes; "<md5hex>" or "<hex>-<parts>"; "" if not fetched
  std::string storage_class;     // "STANDARD", "GLACIER", ... ("" = unknown)
  // Versions listing only. S3's literal "null" is kept as "null".
  std::string version_id;
  bool is_latest = true;
  bool is_delete_marker = false;
  std::string owner_id;            // canonical owner id when fetched; "UNAVAILABLE" (see ObjectAcl)
  std::string checksum_algorithm;  // "CRC32", ... when the store reports it
  // Filled by Head() where the store knows them.
  std::string encryption_status;   // NOT-SSE, SSE-S3, SSE-KMS, SSE-C, DSSE-KMS
  std::string replication_status;  // PENDING, COMPLETED, FAILED, REPLICA
  std::string object_lock_mode;    // GOVERNANCE, COMPLIANCE
  std::optional<int64_t> object_lock_retain_until_ms;
  std::string object_lock_legal_hold;  // On, Off
  std::string bucket_key_status;       // ENABLED, DISABLED
  std::string intelligent_tiering_access_tier;
  std::optional<int64_t> lifecycle_expiration_ms;
  std::string content_type;
  // The report's ObjectAccessControlList cell: base64 of the ACL JSON of
  // spec §4 (built by the inventory layer from GetObjectAcl); "" = not fetched.
  std::string access_control_list;

  bool IsMultipart() const { return etag.find('-') != std::string::npos; }
};

// One grant of an object ACL, as S3's GetObjectAcl returns it.
struct AclGrant {
  std::string type;        // "CanonicalUser", "Group" or "AmazonCustomerByEmail"
  std::string id;          // canonical user id (CanonicalUser; email grantees when known)
  std::string uri;         // group URI (Group)
  std::string email;       // AmazonCustomerByEmail
  std::string permission;  // FULL_CONTROL, READ, WRITE, READ_ACP, WRITE_ACP
};

// An object's access control list. `available` is false when the store has
// no ACLs to give (LocalStore, endpoints without ACL support): the report
// then says UNAVAILABLE for both the ACL and the owner, as AWS does.
struct ObjectAcl {
  bool available = true;
  std::string owner_id;  // canonical user id of the object's owner
  std::vector<AclGrant> grants;
};

struct BucketInfo {
  std::string name;
  int64_t creation_ms = 0;
};

struct ListRequest {
  std::string prefix;
  std::string delimiter;           // "" = flat listing
  std::string start_after;         // exclusive lower bound on the key
  std::string continuation_token;  // from a previous page; overrides start_after
  int max_keys = 1000;
  bool fetch_etag = true;   // stores that compute ETags lazily (local) skip it when false
  bool fetch_owner = false;
};

struct ListPage {
  std::vector<ObjectInfo> objects;
  std::vector<std::string> common_prefixes;  // with delimiter only
  std::string next_token;                    // "" when this is the last page
};

struct VersionListRequest {
  std::string prefix;
  std::string key_marker;
  std::string version_id_marker;
  int max_keys = 1000;
};

struct VersionPage {
  // Versions and delete markers, key ascending, newest version first per key.
  std::vector<ObjectInfo> versions;
  bool truncated = false;
  std::string next_key_marker;
  std::string next_version_id_marker;
};

struct ByteRange {
  int64_t offset = 0;
  int64_t length = -1;  // -1 = to the end
};

struct WriteOptions {
  std::string content_type = "application/octet-stream";
};

struct Capabilities {
  bool versioning = false;     // ListVersions returns real history
  bool etag_is_content_md5 = true;  // single-part ETag == MD5 of the content
  bool server_side_metadata = false;  // Head knows encryption/replication/lock
  bool object_acls = false;  // GetObjectAcl answers real ACLs (else "unavailable")
  // Any non-empty UTF-8 key is valid ("a//b", "a/", "./x"); LocalStore
  // refuses keys that do not map to a plain relative path.
  bool supports_any_key = true;
  // "a" and "a/b" can both be objects; not on a file system.
  bool key_may_also_be_prefix = true;
  // CreateBucket on a bucket that already exists returns OK (S3 us-east-1
  // BucketAlreadyOwnedByYou behaviour) instead of AlreadyExists.
  bool create_existing_bucket_is_ok = false;
  // Each List/ListVersions call is a network round trip (S3), so several
  // in flight list faster; a local listing is bound by the file system.
  bool remote_listing = false;
};

// Streams one object to its store. Nothing is visible under the key until
// Close() succeeds; Abort() (or destruction without Close) discards it.
// REQUIRES: Close() or Abort() before destruction; not thread-safe.
class ObjectWriter {
 public:
  virtual ~ObjectWriter() = default;
  virtual Status Append(std::string_view data) = 0;
  // Publishes the object atomically. On failure nothing is published.
  virtual Status Close() = 0;
  virtual void Abort() = 0;
  // Bytes appended so far.
  virtual int64_t BytesWritten() const = 0;
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // "local:/data/root" or "s3:http://127.0.0.1:17480"; for messages.
  virtual std::string Name() const = 0;
  // The URL a user (and symlink.txt) would use for an object or prefix:
  // "s3://bucket/key" for S3, the absolute file path for local stores.
  virtual std::string Url(std::string_view bucket, std::string_view key) const = 0;
  virtual Capabilities capabilities() const = 0;

  virtual Result<std::vector<BucketInfo>> ListBuckets() = 0;
  // OK if the bucket exists; NotFound otherwise.
  virtual Status HeadBucket(std::string_view bucket) = 0;
  virtual Status CreateBucket(std::string_view bucket) = 0;
  // The bucket's region ("" for stores without regions).
  virtual Result<std::string> GetBucketLocation(std::string_view bucket) = 0;

  // One page of a listing in S3 key order.
  virtual Result<ListPage> List(std::string_view bucket, const ListRequest& request) = 0;
  virtual Result<VersionPage> ListVersions(std::string_view bucket,
                                           const VersionListRequest& request) = 0;
  // Metadata of the object, or of one version of it when `version_id` is
  // not empty (S3's literal "null" names the null version). NotFound for a
  // missing key or version; a delete marker's version cannot be HEADed.
  virtual Result<ObjectInfo> Head(std::string_view bucket, std::string_view key,
                                  std::string_view version_id = {}) = 0;
  // The object's ACL (of one version when `version_id` is not empty).
  // NotFound for a missing key or version; stores without ACLs return an
  // ObjectAcl with available == false (not an error).
  virtual Result<ObjectAcl> GetObjectAcl(std::string_view bucket, std::string_view key,
                                         std::string_view version_id = {}) = 0;
  virtual Result<std::string> Get(std::string_view bucket, std::string_view key,
                                  ByteRange range = {}) = 0;
  virtual Result<std::unique_ptr<ObjectWriter>> NewWriter(std::string_view bucket,
                                                          std::string_view key,
                                                          const WriteOptions& options = {}) = 0;
  // OK also when the key did not exist (S3 semantics).
  virtual Status Delete(std::string_view bucket, std::string_view key) = 0;

  // Convenience: NewWriter + Append + Close.
  Status Put(std::string_view bucket, std::string_view key, std::string_view data,
             const WriteOptions& options = {});
};

}  // namespace stocktake::store
