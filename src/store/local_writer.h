// LocalWriter: the ObjectWriter of LocalStore. Streams into a temp file
// ("<kTempPrefix><random>") in the key's folder and publishes it with
// renameat() on Close, so readers see the old object or the whole new one,
// never a part. Abort() (or destruction without Close) unlinks the temp file
// and removes folders that became empty. With `fsync`, Close flushes the
// file before the rename and the folder after it. Owns its fds; not
// thread-safe (one writer, one thread).
//
// Folder creation and pruning race: a Delete may remove an empty folder
// between our mkdir and our temp file. Within one process, `tree_mu` settles
// it: creation holds it shared until the temp file pins the folder, pruning
// holds it exclusively. Against other processes, creation retries.
#pragma once

#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/local_path.h"
#include "store/object_store.h"

namespace stocktake::store::local {

class LocalWriter : public ObjectWriter {
 public:
  // Creates the key's folders and the temp file below `bucket_fd` (not
  // owned; only used during this call). `key` must be valid (ValidateKey);
  // `what` names the target in messages ("put local:/r/b/k").
  static Result<std::unique_ptr<LocalWriter>> Create(int bucket_fd, std::string_view key,
                                                     bool fsync, std::string what,
                                                     std::shared_ptr<std::shared_mutex> tree_mu);
  ~LocalWriter() override;

  Status Append(std::string_view data) override;
  Status Close() override;
  void Abort() override;
  int64_t BytesWritten() const override { return bytes_; }

 private:
  LocalWriter() = default;
  Status Fail(Status status);  // aborts, then returns status

  std::shared_ptr<std::shared_mutex> tree_mu_;
  UniqueFd bucket_fd_;
  std::vector<std::string> folders_;  // key's folder components
  std::vector<UniqueFd> chain_;       // one fd per folder component
  UniqueFd file_;
  std::string temp_name_;
  std::string final_name_;
  std::string what_;
  bool fsync_ = false;
  bool done_ = false;
  int64_t bytes_ = 0;
};

}  // namespace stocktake::store::local
