#include "register/data_file_reader.h"

#include <algorithm>

#include "base/hash.h"
#include "format/csv_reader.h"
#include "format/parquet_reader.h"
#include "register/row_normalizer.h"

namespace stocktake::reg {
namespace {

using format::CellValue;

// Reads an object front to back in ranged GETs, hashing every byte.
class HashingStream {
 public:
  HashingStream(const DataFileSource& source, std::string key, int64_t size)
      : source_(source), key_(std::move(key)), size_(size) {}

  // Up to `capacity` bytes into `buf`; 0 at the end.
  Result<size_t> Read(char* buf, size_t capacity) {
    if (pos_ == buffer_.size()) {
      if (offset_ >= size_) return size_t{0};
      const int64_t length = std::min(source_.chunk_bytes, size_ - offset_);
      ASSIGN_OR_RETURN(buffer_, source_.store->Get(source_.bucket, key_,
                                                   store::ByteRange{offset_, length}));
      if (static_cast<int64_t>(buffer_.size()) != length) {
        return Corruption("read " + source_.store->Url(source_.bucket, key_) + ": got " +
                          std::to_string(buffer_.size()) + " bytes at offset " +
                          std::to_string(offset_) + ", expected " + std::to_string(length) +
                          " (object changed while read)");
      }
      md5_.Update(buffer_);
      offset_ += length;
      pos_ = 0;
    }
    const size_t n = std::min(capacity, buffer_.size() - pos_);
    std::copy_n(buffer_.data() + pos_, n, buf);
    pos_ += n;
    return n;
  }

  // Reads whatever is left (for the hash), then returns the MD5.
  Result<std::string> FinishMd5() {
    char sink[1 << 16];
    for (;;) {
      ASSIGN_OR_RETURN(size_t n, Read(sink, sizeof(sink)));
      if (n == 0) break;
    }
    return md5_.FinishHex();
  }

 private:
  const DataFileSource& source_;
  const std::string key_;
  const int64_t size_;
  int64_t offset_ = 0;
  std::string buffer_;
  size_t pos_ = 0;
  Md5Hasher md5_;
};

Status CheckMd5(const DataFileSource& source, const format::ManifestFile& file,
                const std::string& actual) {
  if (file.md5_hex.empty()) return Status::OK();  // OBS lists none
  std::string want = file.md5_hex;
  std::transform(want.begin(), want.end(), want.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (want != actual) {
    return Corruption("data file " + source.store->Url(source.bucket, file.key) + ": MD5 " +
                      actual + " does not match the manifest's " + file.md5_hex);
  }
  return Status::OK();
}

Result<int64_t> ReadCsv(const DataFileSource& source, const format::ManifestFile& file,
                        int64_t size, const RowSink& sink) {
  const std::string url = source.store->Url(source.bucket, file.key);
  ASSIGN_OR_RETURN(RowNormalizer normalizer,
                   RowNormalizer::ForCsv(source.file_schema, source.source_bucket));
  HashingStream stream(source, file.key, size);
  format::CsvReader reader(
      [&stream](char* buf, size_t capacity) { return stream.Read(buf, capacity); },
      format::CsvCompression::kDetect, url);
  std::vector<std::string> fields;
  std::vector<CellValue> row;
  int64_t rows = 0;
  for (;;) {
    ASSIGN_OR_RETURN(bool more, reader.Next(&fields));
    if (!more) break;
    Status st = normalizer.FromCsv(fields, &row);
    if (!st.ok()) {
      return Corruption("read " + url + ": line " + std::to_string(reader.line()) + ": " +
                        st.message());
    }
    RETURN_IF_ERROR(sink(row));
    ++rows;
  }
  ASSIGN_OR_RETURN(std::string md5, stream.FinishMd5());
  RETURN_IF_ERROR(CheckMd5(source, file, md5));
  return rows;
}

Result<int64_t> ReadParquet(const DataFileSource& source, const format::ManifestFile& file,
                            int64_t size, const RowSink& sink) {
  const std::string url = source.store->Url(source.bucket, file.key);
  if (!file.md5_hex.empty()) {
    HashingStream stream(source, file.key, size);
    ASSIGN_OR_RETURN(std::string md5, stream.FinishMd5());
    RETURN_IF_ERROR(CheckMd5(source, file, md5));
  }
  auto read = [&source, &file](int64_t offset, int64_t length) -> Result<std::string> {
    if (length == 0) return std::string();
    return source.store->Get(source.bucket, file.key, store::ByteRange{offset, length});
  };
  ASSIGN_OR_RETURN(std::unique_ptr<format::ParquetReader> reader,
                   format::ParquetReader::Open(read, size, url));
  Result<RowNormalizer> normalizer =
      RowNormalizer::ForParquet(reader->columns(), source.source_bucket);
  if (!normalizer.ok()) return normalizer.status().WithContext("read " + url);
  std::vector<CellValue> cells;
  std::vector<CellValue> row;
  int64_t rows = 0;
  for (;;) {
    ASSIGN_OR_RETURN(bool more, reader->NextRow(&cells));
    if (!more) break;
    Status st = normalizer->FromParquet(cells, &row);
    if (!st.ok()) {
      return Corruption("read " + url + ": row " + std::to_string(rows + 1) + ": " +
                        st.message());
    }
    RETURN_IF_ERROR(sink(row));
    ++rows;
  }
  return rows;
}

}  // namespace

Result<int64_t> ReadDataFile(const DataFileSource& source, const format::ManifestFile& file,
                             const RowSink& sink) {
  const std::string url = source.store->Url(source.bucket, file.key);
  Result<store::ObjectInfo> info = source.store->Head(source.bucket, file.key);
  if (!info.ok()) {
    if (info.status().code() == Code::kNotFound) {
      return NotFound("data file " + url + " listed in the manifest is missing");
    }
    return info.status();
  }
  if (info->size != file.size) {
    return Corruption("data file " + url + " has " + std::to_string(info->size) +
                      " bytes, the manifest says " + std::to_string(file.size));
  }
  Result<int64_t> rows = InvalidArgument("");
  if (source.file_format == "CSV") {
    rows = ReadCsv(source, file, info->size, sink);
  } else if (source.file_format == "Parquet") {
    rows = ReadParquet(source, file, info->size, sink);
  } else {
    return InvalidArgument("data file " + url + ": " + source.file_format +
                           " reports are not supported (CSV and Parquet are)");
  }
  if (rows.ok() && file.inventoried_record > 0 && *rows != file.inventoried_record) {
    return Corruption("data file " + url + " has " + std::to_string(*rows) +
                      " rows, the manifest's inventoriedRecord says " +
                      std::to_string(file.inventoried_record));
  }
  return rows;
}

}  // namespace stocktake::reg
