// S3Writer: the ObjectWriter S3Store::NewWriter returns (internal to the
// store layer). Buffers up to the store's part size; Close() with less than
// one part is a single PutObject, otherwise a multipart upload whose parts
// are sent as they fill and whose UploadPart calls are retried through the
// store's RetryPolicy (the writer holds the part's bytes, so only it can).
// Any failure aborts the upload; nothing is visible before Close() succeeds.
// Not thread-safe; the store must outlive it.
#pragma once

#include <string>
#include <vector>

#include "store/object_store.h"

namespace stocktake::store {

class S3Store;

class S3Writer : public ObjectWriter {
 public:
  S3Writer(S3Store* store, std::string bucket, std::string key, WriteOptions options);
  ~S3Writer() override;

  Status Append(std::string_view data) override;
  Status Close() override;
  void Abort() override;
  int64_t BytesWritten() const override { return bytes_written_; }

 private:
  enum class State { kOpen, kClosed, kFailed };
  Status StartUpload();
  // Uploads buffer_[0, n) as the next part and drops it from the buffer.
  Status UploadPart(size_t n);
  Status Complete();
  // Records a failure: aborts the upload and returns `st`.
  Status Fail(Status st);

  S3Store* store_;
  std::string bucket_;
  std::string key_;
  WriteOptions options_;
  std::string buffer_;
  std::string upload_id_;  // "" until a multipart upload starts
  std::vector<std::string> part_etags_;
  int64_t bytes_written_ = 0;
  State state_ = State::kOpen;
};

}  // namespace stocktake::store
