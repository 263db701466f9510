// Shared fixtures for the encoding micro-benchmarks: typical inventory
// records and an ObjectWriter that only counts bytes, so a benchmark
// measures encoding alone. Header-only; for bench/ only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/hash.h"
#include "store/object_store.h"

namespace stocktake::bench {

// Counts and drops the bytes.
class NullWriter : public store::ObjectWriter {
 public:
  Status Append(std::string_view data) override {
    bytes_ += static_cast<int64_t>(data.size());
    return Status::OK();
  }
  Status Close() override { return Status::OK(); }
  void Abort() override {}
  int64_t BytesWritten() const override { return bytes_; }

 private:
  int64_t bytes_ = 0;
};

// `rows` records shaped like a real bucket: dated prefixes, spaces in keys,
// sizes up to 50 MB, a tenth multipart ETags, STANDARD storage.
inline std::vector<store::ObjectInfo> TypicalRecords(int rows) {
  std::vector<store::ObjectInfo> records(static_cast<size_t>(rows));
  for (int i = 0; i < rows; ++i) {
    store::ObjectInfo& o = records[static_cast<size_t>(i)];
    o.key =
        "data/2024/04/" + std::to_string(i % 31) + "/events-" + std::to_string(i) + " part.json.gz";
    o.size = int64_t{i} * 7919 % 50'000'000;
    o.last_modified_ms = 1'713'748'408'000 + int64_t{i} * 1234;
    o.etag = Md5Hex(o.key);
    if (i % 10 == 0) o.etag += "-3";
    o.storage_class = "STANDARD";
  }
  return records;
}

}  // namespace stocktake::bench
