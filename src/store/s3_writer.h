// S3Writer: the ObjectWriter S3Store::NewWriter returns (internal to the
// store layer). Buffers up to the store's part size; Close() with less than
// one part is a single PutObject, otherwise a multipart upload whose parts
// are sent as they fill and whose UploadPart calls are retried through the
// store's RetryPolicy (the writer holds the part's bytes, so only it can).
// Parts upload on a background thread, at most kMaxQueuedParts queued behind
// the one in flight, so the report encoder keeps working during uploads and
// memory stays bounded (buffer + queued parts + the one uploading).
// Any failure aborts the upload; nothing is visible before Close() succeeds.
// Not thread-safe (one caller thread); the store must outlive it.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
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
  static constexpr size_t kMaxQueuedParts = 1;
  struct Part {
    int number;
    std::string bytes;
  };
  enum class State { kOpen, kClosed, kFailed };
  Status StartUpload();
  // Queues buffer_[0, n) as the next part (waiting while the queue is full)
  // and drops it from the buffer; returns the first upload failure so far.
  Status QueuePart(size_t n);
  // Waits until every queued part is uploaded; the first failure, if any.
  Status Drain();
  // Stops the uploader thread (after the part in flight) and joins it.
  void StopUploader();
  void UploaderLoop();
  Status UploadPart(const Part& part, std::string* etag);
  Status Complete();
  // Records a failure: aborts the upload and returns `st`.
  Status Fail(Status st);

  S3Store* store_;
  std::string bucket_;
  std::string key_;
  WriteOptions options_;
  std::string buffer_;
  std::string upload_id_;  // "" until a multipart upload starts
  int parts_queued_ = 0;

  std::thread uploader_;
  std::mutex mu_;  // guards the fields below
  std::condition_variable cv_;
  std::deque<Part> queue_;
  bool busy_ = false;  // a part is uploading
  bool stop_ = false;
  Status upload_status_;
  std::vector<std::string> part_etags_;  // [number - 1]

  int64_t bytes_written_ = 0;
  State state_ = State::kOpen;
};

}  // namespace stocktake::store
