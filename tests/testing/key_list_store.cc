#include "testing/key_list_store.h"

#include <algorithm>
#include <thread>

namespace stocktake::testing {

KeyListStore::KeyListStore(std::shared_ptr<store::ObjectStore> target, std::vector<std::string> keys,
                           std::chrono::microseconds latency)
    : StoreWrapper(std::move(target)), keys_(std::move(keys)), latency_(latency) {
  std::sort(keys_.begin(), keys_.end());
}

void KeyListStore::Begin(std::string after, int max_keys) {
  {
    std::lock_guard lock(mu_);
    calls_.push_back({std::move(after), max_keys});
    max_in_flight_ = std::max(max_in_flight_, ++in_flight_);
  }
  std::this_thread::sleep_for(latency_);
}

void KeyListStore::End() {
  std::lock_guard lock(mu_);
  --in_flight_;
}

Result<store::ListPage> KeyListStore::List(std::string_view, const store::ListRequest& request) {
  const std::string& after =
      request.continuation_token.empty() ? request.start_after : request.continuation_token;
  Begin(after, request.max_keys);
  store::ListPage page;
  if (!request.delimiter.empty()) {
    page = Grouped(request);
  } else {
    auto it = std::upper_bound(keys_.begin(), keys_.end(), after);
    for (; it != keys_.end() && static_cast<int>(page.objects.size()) < request.max_keys; ++it) {
      page.objects.emplace_back().key = *it;
    }
    if (it != keys_.end()) page.next_token = page.objects.back().key;
  }
  End();
  return page;
}

store::ListPage KeyListStore::Grouped(const store::ListRequest& request) const {
  store::ListPage page;
  int entries = 0;
  for (auto it = std::lower_bound(keys_.begin(), keys_.end(),
                                  std::max(request.prefix, request.continuation_token));
       it != keys_.end() && it->starts_with(request.prefix); ++it) {
    const size_t at = it->find(request.delimiter, request.prefix.size());
    const bool grouped = at != std::string::npos;
    std::string group = grouped ? it->substr(0, at + request.delimiter.size()) : "";
    if (grouped && !page.common_prefixes.empty() && page.common_prefixes.back() == group) continue;
    if (entries == request.max_keys) {
      page.next_token = *it;
      break;
    }
    ++entries;
    if (grouped) {
      page.common_prefixes.push_back(std::move(group));
    } else {
      page.objects.emplace_back().key = *it;
    }
  }
  return page;
}

Result<store::VersionPage> KeyListStore::ListVersions(std::string_view,
                                                      const store::VersionListRequest& request) {
  Begin(request.key_marker, request.max_keys);
  auto key = std::upper_bound(keys_.begin(), keys_.end(), request.key_marker);
  int version = 0;  // the next version of *key to list
  if (!request.version_id_marker.empty()) {
    --key;  // the marker's key: go on after its version
    version = versions_ - std::stoi(request.version_id_marker.substr(1)) + 1;
  }
  store::VersionPage page;
  for (; key != keys_.end() && !page.truncated; ++key, version = 0) {
    for (; version < versions_; ++version) {
      if (static_cast<int>(page.versions.size()) == request.max_keys) {
        page.truncated = true;
        page.next_key_marker = page.versions.back().key;
        page.next_version_id_marker = page.versions.back().version_id;
        break;
      }
      store::ObjectInfo& o = page.versions.emplace_back();
      o.key = *key;
      o.version_id = "v" + std::to_string(versions_ - version);
    }
  }
  End();
  return page;
}

std::vector<KeyListStore::Call> KeyListStore::calls() const {
  std::lock_guard lock(mu_);
  return calls_;
}

int KeyListStore::max_in_flight() const {
  std::lock_guard lock(mu_);
  return max_in_flight_;
}

void KeyListStore::ClearCalls() {
  std::lock_guard lock(mu_);
  calls_.clear();
  max_in_flight_ = in_flight_;
}

}  // namespace stocktake::testing
