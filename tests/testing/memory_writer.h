// StringWriter: an ObjectWriter that appends into a std::string, for tests
// of code that streams into object stores. Close() marks it closed (the
// bytes stay readable); Abort() discards them. Can be told to fail the Nth
// Append. Not thread-safe.
#pragma once

#include <string>

#include "store/object_store.h"

namespace stocktake::testing {

class StringWriter : public store::ObjectWriter {
 public:
  Status Append(std::string_view data) override {
    if (++appends_ == fail_append_) return IOError("append memory://test: injected failure");
    data_.append(data);
    if (data.size() > max_append_) max_append_ = data.size();
    return Status::OK();
  }
  Status Close() override {
    closed_ = true;
    return Status::OK();
  }
  void Abort() override {
    aborted_ = true;
    data_.clear();
  }
  int64_t BytesWritten() const override { return static_cast<int64_t>(data_.size()); }

  // The Nth Append (1-based) returns IOError; 0 never fails.
  void FailAppend(int n) { fail_append_ = n; }
  const std::string& data() const { return data_; }
  int appends() const { return appends_; }
  // The largest single Append, to check that writers stream in chunks.
  size_t max_append() const { return max_append_; }
  bool closed() const { return closed_; }
  bool aborted() const { return aborted_; }

 private:
  std::string data_;
  size_t max_append_ = 0;
  int appends_ = 0;
  int fail_append_ = 0;
  bool closed_ = false;
  bool aborted_ = false;
};

}  // namespace stocktake::testing
