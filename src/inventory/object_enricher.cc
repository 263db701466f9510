#include "inventory/object_enricher.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include "format/object_acl_cell.h"

namespace stocktake::inventory {
namespace {

using store::ObjectInfo;

// Replaces the listed fields with the HEAD's, keeping what identifies the
// row (key, version, latest/marker flags) and what only the listing knows.
Status MergeHead(store::ObjectStore* source, const std::string& bucket,
                 std::string_view version, ObjectInfo* obj) {
  Result<ObjectInfo> head = source->Head(bucket, obj->key, version);
  if (!head.ok()) return head.status().code() == Code::kNotFound ? Status::OK() : head.status();
  ObjectInfo listed = std::move(*obj);
  *obj = std::move(head).value();
  obj->key = std::move(listed.key);
  obj->version_id = std::move(listed.version_id);
  obj->is_latest = listed.is_latest;
  obj->is_delete_marker = listed.is_delete_marker;
  obj->owner_id = std::move(listed.owner_id);
  obj->access_control_list = std::move(listed.access_control_list);
  if (obj->checksum_algorithm.empty()) obj->checksum_algorithm = listed.checksum_algorithm;
  return Status::OK();
}

Status MergeAcl(store::ObjectStore* source, const std::string& bucket, std::string_view version,
                bool acl_cell, ObjectInfo* obj) {
  Result<store::ObjectAcl> acl = source->GetObjectAcl(bucket, obj->key, version);
  if (!acl.ok()) return acl.status().code() == Code::kNotFound ? Status::OK() : acl.status();
  if (acl_cell) obj->access_control_list = format::ObjectAclCell(*acl);
  obj->owner_id = format::ObjectOwnerCell(*acl);
  return Status::OK();
}

}  // namespace

bool NeedsEnrichment(const EnrichOptions& options) {
  return options.head || options.acl || options.owner;
}

Status EnrichObjects(store::ObjectStore* source, const std::string& bucket,
                     const EnrichOptions& options, std::vector<ObjectInfo>* objects) {
  auto wants_acl = [&](const ObjectInfo& obj) {
    return options.acl || (options.owner && obj.owner_id.empty());
  };
  std::vector<size_t> todo;
  for (size_t i = 0; i < objects->size(); ++i) {
    const ObjectInfo& obj = (*objects)[i];
    if (!obj.is_delete_marker && (options.head || wants_acl(obj))) todo.push_back(i);
  }
  if (todo.empty()) return Status::OK();

  std::atomic<size_t> next{0};
  const size_t workers = std::clamp<size_t>(static_cast<size_t>(options.concurrency), 1, todo.size());
  std::vector<Status> errors(workers);
  auto work = [&](size_t slot) {
    for (size_t n = next++; n < todo.size(); n = next++) {
      ObjectInfo& obj = (*objects)[todo[n]];
      const std::string version = options.by_version ? obj.version_id : std::string();
      const bool acl = wants_acl(obj);
      Status st;
      if (options.head) st = MergeHead(source, bucket, version, &obj);
      if (st.ok() && acl) st = MergeAcl(source, bucket, version, options.acl, &obj);
      if (!st.ok()) {
        errors[slot] = std::move(st);
        next = todo.size();  // stop the other workers early
        return;
      }
    }
  };
  std::vector<std::thread> threads;
  for (size_t t = 1; t < workers; ++t) threads.emplace_back(work, t);
  work(0);
  for (auto& th : threads) th.join();
  for (const Status& st : errors) RETURN_IF_ERROR(st);
  return Status::OK();
}

}  // namespace stocktake::inventory
