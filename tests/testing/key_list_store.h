// KeyListStore: a StoreWrapper that serves listings of a bucket of given
// keys (sorted here) from memory, for the parallel lister's tests and
// micro-benchmark; every other call goes to the wrapped store.
//   List          ListObjectsV2 after the continuation token, else
//                 start-after; with a delimiter, the keys under the prefix
//                 without one after it and the common prefixes of the rest
//                 (the token is then the first key of the entry to go on
//                 from). Keys carry no metadata.
//   ListVersions  `versions` versions of each key ("v<N>", newest first),
//                 paged by key-marker and version-id-marker as S3 does.
// Each listing call can take a while (`latency`), as a server's would. It
// records each call's start (token, else start-after / key-marker) and
// max-keys, and how many calls were in flight at most. Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/store_wrapper.h"

namespace stocktake::testing {

class KeyListStore : public store::StoreWrapper {
 public:
  struct Call {
    std::string after;
    int max_keys;
  };
  KeyListStore(std::shared_ptr<store::ObjectStore> target, std::vector<std::string> keys,
               std::chrono::microseconds latency = {});

  Result<store::ListPage> List(std::string_view bucket, const store::ListRequest& request) override;
  Result<store::VersionPage> ListVersions(std::string_view bucket,
                                          const store::VersionListRequest& request) override;

  void set_versions(int versions) { versions_ = versions; }
  std::vector<Call> calls() const;
  int max_in_flight() const;
  void ClearCalls();  // calls() and max_in_flight() start again

 private:
  void Begin(std::string after, int max_keys);
  void End();
  store::ListPage Grouped(const store::ListRequest& request) const;

  std::vector<std::string> keys_;
  const std::chrono::microseconds latency_;
  int versions_ = 1;
  mutable std::mutex mu_;
  std::vector<Call> calls_;
  int in_flight_ = 0;
  int max_in_flight_ = 0;
};

}  // namespace stocktake::testing
