#include "store/s3_writer.h"

#include <utility>

#include "store/s3_store.h"
#include "store/s3_xml.h"

namespace stocktake::store {

S3Writer::S3Writer(S3Store* store, std::string bucket, std::string key, WriteOptions options)
    : store_(store), bucket_(std::move(bucket)), key_(std::move(key)), options_(std::move(options)) {}

S3Writer::~S3Writer() {
  if (state_ == State::kOpen) Abort();
  StopUploader();
}

Status S3Writer::Append(std::string_view data) {
  if (state_ != State::kOpen) {
    return FailedPrecondition("put " + store_->Url(bucket_, key_) + ": writer is closed");
  }
  buffer_.append(data);
  bytes_written_ += static_cast<int64_t>(data.size());
  const auto part_size = static_cast<size_t>(store_->options_.part_size);
  // Keep the last full part buffered: Close() decides single PUT vs multipart.
  while (buffer_.size() > part_size) {
    if (upload_id_.empty()) RETURN_IF_ERROR(Fail(StartUpload()));
    RETURN_IF_ERROR(Fail(QueuePart(part_size)));
  }
  return Status::OK();
}

Status S3Writer::Close() {
  if (state_ != State::kOpen) {
    return FailedPrecondition("put " + store_->Url(bucket_, key_) + ": writer is closed");
  }
  if (upload_id_.empty()) {
    S3Store::Call call("PUT", bucket_, key_);
    call.headers = {{"Content-Type", options_.content_type}};
    call.body = buffer_;
    Status st = store_->Execute(call, "put").status();
    state_ = st.ok() ? State::kClosed : State::kFailed;
    buffer_.clear();
    return st;
  }
  RETURN_IF_ERROR(Fail(QueuePart(buffer_.size())));
  RETURN_IF_ERROR(Fail(Drain()));
  StopUploader();
  RETURN_IF_ERROR(Fail(Complete()));
  state_ = State::kClosed;
  return Status::OK();
}

void S3Writer::Abort() {
  if (state_ == State::kClosed) return;
  state_ = State::kFailed;
  buffer_.clear();
  StopUploader();
  if (upload_id_.empty()) return;
  S3Store::Call call("DELETE", bucket_, key_);
  call.query = {{"uploadId", upload_id_}};
  // Best effort: an upload we fail to abort is reaped by lifecycle rules.
  store_->Execute(call, "abort-upload").status().IgnoreError();
  upload_id_.clear();
}

Status S3Writer::Fail(Status st) {
  if (!st.ok()) Abort();
  return st;
}

Status S3Writer::StartUpload() {
  S3Store::Call call("POST", bucket_, key_);
  call.query = {{"uploads", ""}};
  call.headers = {{"Content-Type", options_.content_type}};
  ASSIGN_OR_RETURN(HttpResponse r, store_->Execute(call, "put"));
  Result<std::string> id = ParseUploadId(r.body);
  if (!id.ok()) return id.status().WithContext("put " + store_->Url(bucket_, key_));
  upload_id_ = *id;
  return Status::OK();
}

Status S3Writer::QueuePart(size_t n) {
  Part part{++parts_queued_, buffer_.substr(0, n)};
  buffer_.erase(0, n);
  if (!uploader_.joinable()) uploader_ = std::thread([this] { UploaderLoop(); });
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return queue_.size() < kMaxQueuedParts || !upload_status_.ok(); });
  if (!upload_status_.ok()) return upload_status_;
  queue_.push_back(std::move(part));
  cv_.notify_all();
  return Status::OK();
}

Status S3Writer::Drain() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return (queue_.empty() && !busy_) || !upload_status_.ok(); });
  return upload_status_;
}

void S3Writer::StopUploader() {
  if (!uploader_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    queue_.clear();
  }
  cv_.notify_all();
  uploader_.join();
}

void S3Writer::UploaderLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  // Bounded: each round uploads one queued part or ends the loop.
  for (;;) {
    cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    Part part = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    cv_.notify_all();  // a queue slot is free
    lock.unlock();
    std::string etag;
    Status st = UploadPart(part, &etag);
    lock.lock();
    busy_ = false;
    if (st.ok()) {
      if (part_etags_.size() < static_cast<size_t>(part.number)) part_etags_.resize(part.number);
      part_etags_[part.number - 1] = std::move(etag);
    } else if (upload_status_.ok()) {
      upload_status_ = st;
      queue_.clear();
    }
    cv_.notify_all();
    if (!st.ok()) return;
  }
}

Status S3Writer::UploadPart(const Part& part, std::string* etag) {
  std::string number = std::to_string(part.number);
  S3Store::Call call("PUT", bucket_, key_);
  call.query = {{"partNumber", number}, {"uploadId", upload_id_}};
  call.body = part.bytes;
  return store_->part_retry_.Run([&]() -> Status {
    ASSIGN_OR_RETURN(HttpResponse r, store_->Execute(call, "put"));
    *etag = r.Header("etag");
    if (etag->empty()) {
      return Corruption("put " + store_->Url(bucket_, key_) + ": part " + number + " without ETag");
    }
    return Status::OK();
  });
}

Status S3Writer::Complete() {
  std::string body = CompleteMultipartBody(part_etags_);
  S3Store::Call call("POST", bucket_, key_);
  call.query = {{"uploadId", upload_id_}};
  call.body = body;
  ASSIGN_OR_RETURN(HttpResponse r, store_->Execute(call, "put"));
  // CompleteMultipartUpload can fail after a 200 status, with an <Error> body.
  if (std::optional<S3Error> error = ParseS3Error(r.body)) {
    return S3ErrorStatus("put " + store_->Url(bucket_, key_), r.status, *error);
  }
  upload_id_.clear();
  return Status::OK();
}

}  // namespace stocktake::store
