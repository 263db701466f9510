#include "format/csv_reader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>

#include "base/time_util.h"
#include "base/url.h"

namespace stocktake::format {
namespace {

constexpr size_t kPullBytes = 64 * 1024;
constexpr size_t kMaxRowBytes = 16 << 20;

Status BadValue(InventoryField field, std::string_view value, std::string_view why) {
  std::string shown(value.substr(0, 64));
  return Corruption(std::string(FieldName(field)) + " \"" + shown + "\": " + std::string(why));
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == y;
         });
}

// Booleans are lowercase in real files, "True" in AWS's docs; accept both.
Status ParseBool(InventoryField field, std::string_view value, bool* out) {
  if (value.empty()) return Status::OK();
  if (EqualsIgnoreCase(value, "true")) {
    *out = true;
  } else if (EqualsIgnoreCase(value, "false")) {
    *out = false;
  } else {
    return BadValue(field, value, "not a boolean");
  }
  return Status::OK();
}

Status ParseInt(InventoryField field, std::string_view value, int64_t* out) {
  if (value.empty()) return Status::OK();
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), *out);
  if (ec != std::errc() || end != value.data() + value.size()) {
    return BadValue(field, value, "not a decimal integer");
  }
  return Status::OK();
}

Status ParseTime(InventoryField field, std::string_view value, std::optional<int64_t>* out) {
  if (value.empty()) return Status::OK();
  Result<int64_t> ms = ParseTimestamp(value);
  if (!ms.ok()) return BadValue(field, value, "not an ISO 8601 timestamp");
  *out = *ms;
  return Status::OK();
}

Status ParseField(InventoryField field, const std::string& value, store::ObjectInfo* o,
                  std::string* bucket) {
  std::optional<int64_t> time;
  switch (field) {
    case InventoryField::kBucket:
      if (bucket != nullptr) *bucket = value;
      return Status::OK();
    case InventoryField::kKey: {
      Result<std::string> key = UrlDecode(value, /*plus_is_space=*/true);
      if (!key.ok()) return BadValue(field, value, key.status().message());
      o->key = std::move(key).value();
      return Status::OK();
    }
    case InventoryField::kVersionId:
      o->version_id = value;
      return Status::OK();
    case InventoryField::kIsLatest:
      return ParseBool(field, value, &o->is_latest);
    case InventoryField::kIsDeleteMarker:
      return ParseBool(field, value, &o->is_delete_marker);
    case InventoryField::kSize:
      return ParseInt(field, value, &o->size);
    case InventoryField::kLastModifiedDate:
      RETURN_IF_ERROR(ParseTime(field, value, &time));
      o->last_modified_ms = time.value_or(0);
      return Status::OK();
    case InventoryField::kETag:
      o->etag = value;
      return Status::OK();
    case InventoryField::kStorageClass:
      o->storage_class = value;
      return Status::OK();
    case InventoryField::kIsMultipartUploaded: {
      // Derived from the ETag in ObjectInfo; only validated here.
      bool multipart = false;
      return ParseBool(field, value, &multipart);
    }
    case InventoryField::kReplicationStatus:
      o->replication_status = value;
      return Status::OK();
    case InventoryField::kEncryptionStatus:
      o->encryption_status = value;
      return Status::OK();
    case InventoryField::kObjectLockRetainUntilDate:
      return ParseTime(field, value, &o->object_lock_retain_until_ms);
    case InventoryField::kObjectLockMode:
      o->object_lock_mode = value;
      return Status::OK();
    case InventoryField::kObjectLockLegalHoldStatus:
      o->object_lock_legal_hold = value;
      return Status::OK();
    case InventoryField::kIntelligentTieringAccessTier:
      o->intelligent_tiering_access_tier = value;
      return Status::OK();
    case InventoryField::kBucketKeyStatus:
      o->bucket_key_status = value;
      return Status::OK();
    case InventoryField::kChecksumAlgorithm:
      o->checksum_algorithm = value;
      return Status::OK();
    case InventoryField::kObjectAccessControlList:
      o->access_control_list = value;
      return Status::OK();
    case InventoryField::kObjectOwner:
      o->owner_id = value;
      return Status::OK();
    case InventoryField::kLifecycleExpirationDate:
      return ParseTime(field, value, &o->lifecycle_expiration_ms);
  }
  return Status::OK();
}

}  // namespace

CsvReader::CsvReader(Pull pull, CsvCompression compression, std::string name)
    : pull_(std::move(pull)), compression_(compression), name_(std::move(name)) {}

CsvReader CsvReader::FromBytes(std::string_view data, CsvCompression compression,
                               std::string name) {
  auto pull = [data, offset = size_t{0}](char* buf, size_t capacity) mutable -> Result<size_t> {
    size_t n = std::min(capacity, data.size() - offset);
    std::memcpy(buf, data.data() + offset, n);
    offset += n;
    return n;
  };
  return CsvReader(std::move(pull), compression, std::move(name));
}

Status CsvReader::Fail(Status status) {
  error_ = status;
  return status;
}

Status CsvReader::Fill() {
  raw_.resize(kPullBytes);
  ASSIGN_OR_RETURN(size_t n, pull_(raw_.data(), raw_.size()));
  raw_.resize(n);
  text_.erase(0, pos_);
  pos_ = 0;
  if (compression_ == CsvCompression::kDetect && n > 0) {
    bool magic = static_cast<unsigned char>(raw_[0]) == 0x1f &&
                 (n < 2 || static_cast<unsigned char>(raw_[1]) == 0x8b);
    compression_ = magic ? CsvCompression::kGzip : CsvCompression::kNone;
  }
  if (compression_ == CsvCompression::kGzip && !gunzip_) gunzip_.emplace();
  if (n == 0) {
    input_done_ = true;
    if (gunzip_) return gunzip_->Finish(name_);
    return Status::OK();
  }
  if (gunzip_) return gunzip_->Write(raw_, &text_, name_);
  text_.append(raw_);
  return Status::OK();
}

Result<bool> CsvReader::Next(std::vector<std::string>* row) {
  RETURN_IF_ERROR(error_);
  while (true) {
    Result<Parse> parsed = ParseRow(row);
    if (!parsed.ok()) return Fail(parsed.status());
    if (*parsed == Parse::kRow) return true;
    if (input_done_) return false;  // ParseRow only asks for more before the end
    if (text_.size() - pos_ > kMaxRowBytes) {
      return Fail(Corruption("read " + name_ + ": line " + std::to_string(line_ + 1) +
                             ": row longer than 16 MiB"));
    }
    if (Status st = Fill(); !st.ok()) return Fail(st);
  }
}

// Parses one row starting at pos_. kNeedMore when the buffered text ends
// inside the row and more input may follow; at the end of input, kNeedMore
// with nothing left means there are no more rows.
Result<CsvReader::Parse> CsvReader::ParseRow(std::vector<std::string>* row) {
  const std::string& t = text_;
  const size_t end = t.size();
  size_t i = pos_;
  // Skip blank lines.
  while (true) {
    if (i == end) {
      pos_ = i;
      return Parse::kNeedMore;
    }
    if (t[i] == '\n') {
      ++i;
      ++line_;
    } else if (t[i] == '\r' && (i + 1 < end || input_done_)) {
      if (i + 1 < end && t[i + 1] != '\n') break;
      i += (i + 1 < end) ? 2 : 1;
      ++line_;
    } else if (t[i] == '\r') {
      pos_ = i;
      return Parse::kNeedMore;
    } else {
      break;
    }
  }
  pos_ = i;
  const int64_t start_line = line_ + 1;
  int64_t newlines = 0;
  size_t count = 0;
  auto bad = [&](std::string_view what) {
    return Corruption("read " + name_ + ": line " + std::to_string(start_line) + ": " +
                      std::string(what));
  };
  while (true) {
    if (row->size() <= count) row->emplace_back();
    std::string& field = (*row)[count++];
    field.clear();
    if (i < end && t[i] == '"') {
      ++i;
      while (true) {
        size_t quote = t.find('"', i);
        if (quote == std::string::npos || quote + 1 == end) {
          if (!input_done_) return Parse::kNeedMore;
          if (quote == std::string::npos) return bad("unterminated quoted field");
        }
        newlines += std::count(t.begin() + i, t.begin() + quote, '\n');
        field.append(t, i, quote - i);
        i = quote + 1;
        if (i < end && t[i] == '"') {
          field.push_back('"');
          ++i;
          continue;
        }
        break;
      }
    } else {
      size_t stop = t.find_first_of(",\n\r\"", i);
      if (stop == std::string::npos) {
        if (!input_done_) return Parse::kNeedMore;
        stop = end;
      }
      if (stop < end && t[stop] == '"') return bad("quote inside an unquoted field");
      field.append(t, i, stop - i);
      i = stop;
    }
    // After a field: ',' continues the row; a line end or the end finishes it.
    if (i == end) {
      if (!input_done_) return Parse::kNeedMore;
      break;
    }
    if (t[i] == ',') {
      ++i;
      continue;
    }
    if (t[i] == '\n') {
      ++i;
      ++newlines;
      break;
    }
    if (t[i] == '\r') {
      if (i + 1 == end && !input_done_) return Parse::kNeedMore;
      if (i + 1 < end && t[i + 1] != '\n') return bad("bare carriage return");
      i += (i + 1 < end) ? 2 : 1;
      ++newlines;
      break;
    }
    return bad("unexpected character after a quoted field");
  }
  row->resize(count);
  pos_ = i;
  line_ += newlines;
  row_line_ = start_line;
  return Parse::kRow;
}

Result<bool> CsvReader::NextObject(const std::vector<InventoryField>& columns,
                                   store::ObjectInfo* object, std::string* bucket) {
  std::vector<std::string> row;
  ASSIGN_OR_RETURN(bool more, Next(&row));
  if (!more) return false;
  *object = store::ObjectInfo();
  Status st = ParseInventoryRow(row, columns, object, bucket);
  if (!st.ok()) {
    return st.WithContext("read " + name_ + ": line " + std::to_string(row_line_));
  }
  return true;
}

Status ParseInventoryRow(const std::vector<std::string>& row,
                         const std::vector<InventoryField>& columns, store::ObjectInfo* object,
                         std::string* bucket) {
  if (row.size() != columns.size()) {
    return Corruption(std::to_string(row.size()) + " fields, expected " +
                      std::to_string(columns.size()));
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    RETURN_IF_ERROR(ParseField(columns[i], row[i], object, bucket));
  }
  return Status::OK();
}

}  // namespace stocktake::format
