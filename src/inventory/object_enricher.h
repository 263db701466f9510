// EnrichObjects: fills the report fields a listing page does not carry,
// asking the source store per object or version:
//   - the HEAD-only metadata (encryption, replication, object lock, bucket
//     key, tiering, expiry) through Head(bucket, key, version_id), for
//     current and non-current versions alike;
//   - the ObjectAccessControlList and ObjectOwner cells through
//     GetObjectAcl(bucket, key, version_id), whose owner replaces the
//     listed one (UNAVAILABLE with an unavailable ACL, spec §4).
// Delete markers have no metadata or ACL and are left as listed. An object
// deleted between listing and HEAD (NotFound) keeps its listed fields:
// reports are a rolling snapshot, as at AWS. Up to `concurrency` requests
// run at once on short-lived threads; the store must be thread-safe and
// outlive the call.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "store/object_store.h"

namespace stocktake::inventory {

struct EnrichOptions {
  bool head = false;  // fetch the HEAD-only fields
  bool acl = false;   // fetch the ACL (and with it the owner)
  // Fetch the ACL only for objects whose listing gave no owner, to fill the
  // ObjectOwner cell (S3 listings name the owner; local ones cannot).
  bool owner = false;
  // Ask for each object's listed version (versions listing); otherwise the
  // current version is asked without a version id.
  bool by_version = false;
  int concurrency = 16;
};

// True when `options` asks for any per-object request.
bool NeedsEnrichment(const EnrichOptions& options);

// Returns the first failure other than NotFound, naming operation and key.
Status EnrichObjects(store::ObjectStore* source, const std::string& bucket,
                     const EnrichOptions& options, std::vector<store::ObjectInfo>* objects);

}  // namespace stocktake::inventory
