#include "store/s3_writer.h"

#include "store/s3_store.h"
#include "store/s3_xml.h"

namespace stocktake::store {

S3Writer::S3Writer(S3Store* store, std::string bucket, std::string key, WriteOptions options)
    : store_(store), bucket_(std::move(bucket)), key_(std::move(key)), options_(std::move(options)) {}

S3Writer::~S3Writer() {
  if (state_ == State::kOpen) Abort();
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
    RETURN_IF_ERROR(Fail(UploadPart(part_size)));
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
  RETURN_IF_ERROR(Fail(UploadPart(buffer_.size())));
  RETURN_IF_ERROR(Fail(Complete()));
  state_ = State::kClosed;
  return Status::OK();
}

void S3Writer::Abort() {
  if (state_ == State::kClosed) return;
  state_ = State::kFailed;
  buffer_.clear();
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

Status S3Writer::UploadPart(size_t n) {
  std::string_view part(buffer_.data(), n);
  std::string number = std::to_string(part_etags_.size() + 1);
  S3Store::Call call("PUT", bucket_, key_);
  call.query = {{"partNumber", number}, {"uploadId", upload_id_}};
  call.body = part;
  std::string etag;
  RETURN_IF_ERROR(store_->part_retry_.Run([&]() -> Status {
    ASSIGN_OR_RETURN(HttpResponse r, store_->Execute(call, "put"));
    etag = r.Header("etag");
    if (etag.empty()) {
      return Corruption("put " + store_->Url(bucket_, key_) + ": part " + number + " without ETag");
    }
    return Status::OK();
  }));
  part_etags_.push_back(etag);
  buffer_.erase(0, n);
  return Status::OK();
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
