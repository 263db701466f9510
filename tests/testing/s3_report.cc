#include "testing/s3_report.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <regex>

#include "base/hash.h"
#include "base/time_util.h"
#include "format/csv_reader.h"
#include "format/parquet_reader.h"
#include "testing/temp_dir.h"

namespace stocktake::testing {
namespace {

struct ManifestView {
  std::string source_bucket, destination_bucket, version, creation, format, schema;
  std::vector<std::string> keys, md5s;
  std::vector<int64_t> sizes;
};

Result<ManifestView> ParseManifest(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json).get(doc) != simdjson::SUCCESS) {
    return Corruption("manifest.json is not JSON: " + json);
  }
  ManifestView m;
  auto text = [&](const char* field, std::string* out) -> Status {
    std::string_view v;
    if (doc[field].get_string().get(v) != simdjson::SUCCESS) {
      return Corruption(std::string("manifest.json: no string ") + field);
    }
    *out = std::string(v);
    return Status::OK();
  };
  RETURN_IF_ERROR(text("sourceBucket", &m.source_bucket));
  RETURN_IF_ERROR(text("destinationBucket", &m.destination_bucket));
  RETURN_IF_ERROR(text("version", &m.version));
  RETURN_IF_ERROR(text("creationTimestamp", &m.creation));
  RETURN_IF_ERROR(text("fileFormat", &m.format));
  RETURN_IF_ERROR(text("fileSchema", &m.schema));
  simdjson::dom::array files;
  if (doc["files"].get_array().get(files) != simdjson::SUCCESS) {
    return Corruption("manifest.json: no files array");
  }
  for (simdjson::dom::element f : files) {
    std::string_view key, md5;
    int64_t size = 0;
    if (f["key"].get_string().get(key) || f["MD5checksum"].get_string().get(md5) ||
        f["size"].get_int64().get(size)) {
      return Corruption("manifest.json: file entry without key/size/MD5checksum");
    }
    m.keys.emplace_back(key);
    m.md5s.emplace_back(md5);
    m.sizes.push_back(size);
  }
  return m;
}

Result<std::vector<InventoryField>> SchemaColumns(const std::string& schema) {
  std::vector<InventoryField> columns;
  size_t pos = 0;
  while (pos <= schema.size()) {
    size_t comma = std::min(schema.find(", ", pos), schema.size());
    std::string name = schema.substr(pos, comma - pos);
    std::optional<InventoryField> f = ParseFieldName(name);
    if (!f) return Corruption("fileSchema names unknown field '" + name + "'");
    columns.push_back(*f);
    pos = comma + 2;
  }
  return columns;
}

// "message s3.inventory { required binary bucket (UTF8); ...; }": every
// declaration must have the spec's repetition, physical and logical type.
Result<std::vector<InventoryField>> ParquetSchemaColumns(const std::string& schema) {
  const std::string head = "message s3.inventory { ";
  if (schema.rfind(head, 0) != 0 || !schema.ends_with("; }")) {
    return Corruption("Parquet fileSchema is not a parquet-mr message: " + schema);
  }
  const std::regex decl("(required|optional) (binary|boolean|int64) ([a-z_]+)( \\((UTF8|TIMESTAMP_MILLIS)\\))?");
  std::vector<InventoryField> columns;
  std::string body = schema.substr(head.size(), schema.size() - head.size() - 2);
  size_t pos = 0;
  while (pos < body.size()) {
    size_t end = body.find("; ", pos);
    if (end == std::string::npos) end = body.size() - 1;  // the last ends in ";"
    std::string text = body.substr(pos, end - pos);
    pos = end + 2;
    std::smatch m;
    if (!std::regex_match(text, m, decl)) return Corruption("bad Parquet column: " + text);
    std::optional<InventoryField> f = ParseColumnName(m[3].str());
    if (!f) return Corruption("unknown Parquet column " + m[3].str());
    const bool required = *f == InventoryField::kBucket || *f == InventoryField::kKey;
    EXPECT_EQ(m[1].str(), required ? "required" : "optional") << text;
    const char* physical = "binary";
    std::string logical = "UTF8";
    switch (FieldTypeOf(*f)) {
      case FieldType::kBool: physical = "boolean"; logical = ""; break;
      case FieldType::kInt64: physical = "int64"; logical = ""; break;
      case FieldType::kTimestampMillis: physical = "int64"; logical = "TIMESTAMP_MILLIS"; break;
      case FieldType::kString: break;
    }
    EXPECT_EQ(m[2].str(), physical) << text;
    EXPECT_EQ(m[5].str(), logical) << text;
    columns.push_back(*f);
  }
  return columns;
}

Status ReadRows(const FetchedReport& report, const std::string& bytes, const std::string& name,
                const std::string& source_bucket, std::vector<store::ObjectInfo>* rows) {
  std::unique_ptr<format::ParquetReader> parquet;
  if (report.format == "Parquet") {
    auto read = [&bytes](int64_t offset, int64_t length) -> Result<std::string> {
      return bytes.substr(static_cast<size_t>(offset), static_cast<size_t>(length));
    };
    ASSIGN_OR_RETURN(parquet, format::ParquetReader::Open(read, static_cast<int64_t>(bytes.size()),
                                                          name));
  }
  format::CsvReader csv = format::CsvReader::FromBytes(
      parquet ? std::string_view() : std::string_view(bytes), format::CsvCompression::kGzip, name);
  for (size_t row = 0; row < 10000000; ++row) {
    store::ObjectInfo object;
    std::string bucket;
    ASSIGN_OR_RETURN(bool more, parquet ? parquet->NextObject(&object, &bucket)
                                        : csv.NextObject(report.columns, &object, &bucket));
    if (!more) break;
    EXPECT_EQ(bucket, source_bucket);
    rows->push_back(std::move(object));
  }
  return Status::OK();
}

}  // namespace

Result<std::vector<std::string>> ListKeys(store::ObjectStore& store, const std::string& bucket,
                                          const std::string& prefix) {
  std::vector<std::string> keys;
  store::ListRequest request;
  request.prefix = prefix;
  for (int page = 0; page < 10000; ++page) {
    ASSIGN_OR_RETURN(store::ListPage got, store.List(bucket, request));
    for (const store::ObjectInfo& o : got.objects) keys.push_back(o.key);
    if (got.next_token.empty()) break;
    request.continuation_token = got.next_token;
  }
  return keys;
}

Result<FetchedReport> FetchReport(store::ObjectStore& store, const std::string& dest_bucket,
                                  const std::string& prefix, const std::string& source_bucket,
                                  const std::string& config_id, const std::string& download_dir) {
  FetchedReport report;
  report.base = (prefix.empty() ? "" : prefix + "/") + source_bucket + "/" + config_id + "/";
  ASSIGN_OR_RETURN(std::vector<std::string> keys, ListKeys(store, dest_bucket, report.base));
  const std::regex data_re("data/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                           "[0-9a-f]{12}\\.(csv\\.gz|parquet)");
  const std::regex checksum_re("\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\dZ/manifest\\.checksum");
  std::vector<std::string> data, checksums, others;
  for (const std::string& key : keys) {
    std::string rel = key.substr(report.base.size());
    if (std::regex_match(rel, data_re)) {
      data.push_back(key);
    } else if (std::regex_match(rel, checksum_re)) {
      checksums.push_back(key);
    } else {
      others.push_back(rel);
    }
  }
  if (checksums.empty()) return NotFound("no manifest.checksum under " + report.base);
  EXPECT_EQ(checksums.size(), 1u) << "more than one report under " << report.base;
  const std::string folder = checksums[0].substr(0, checksums[0].rfind('/') + 1);
  report.manifest_key = folder + "manifest.json";

  ASSIGN_OR_RETURN(std::string json, store.Get(dest_bucket, report.manifest_key));
  ASSIGN_OR_RETURN(std::string checksum, store.Get(dest_bucket, checksums[0]));
  EXPECT_EQ(checksum, Md5Hex(json) + "\n") << "manifest.checksum != MD5(manifest.json)";
  ASSIGN_OR_RETURN(ManifestView m, ParseManifest(json));
  EXPECT_EQ(m.source_bucket, source_bucket);
  EXPECT_EQ(m.destination_bucket, "arn:aws:s3:::" + dest_bucket);
  EXPECT_EQ(m.version, "2016-11-30");
  report.format = m.format;
  EXPECT_TRUE(m.format == "CSV" || m.format == "Parquet") << m.format;
  report.creation_ms = std::stoll("0" + m.creation);
  EXPECT_EQ(folder, report.base + FormatReportFolder(report.creation_ms) + "/");
  const std::string symlink_key =
      report.base + "hive/dt=" + FormatHiveDt(report.creation_ms) + "/symlink.txt";
  EXPECT_EQ(others, (std::vector<std::string>{
                        folder.substr(report.base.size()) + "manifest.json",
                        symlink_key.substr(report.base.size())}));
  if (m.format == "Parquet") {
    ASSIGN_OR_RETURN(report.columns, ParquetSchemaColumns(m.schema));
  } else {
    ASSIGN_OR_RETURN(report.columns, SchemaColumns(m.schema));
  }
  const std::string suffix = m.format == "Parquet" ? ".parquet" : ".csv.gz";

  std::vector<std::string> sorted_manifest_keys = m.keys;
  std::sort(sorted_manifest_keys.begin(), sorted_manifest_keys.end());
  EXPECT_EQ(sorted_manifest_keys, data) << "data files != manifest files";
  std::string symlink_want;
  for (size_t i = 0; i < m.keys.size(); ++i) {
    symlink_want += store.Url(dest_bucket, m.keys[i]) + "\n";
    ASSIGN_OR_RETURN(std::string bytes, store.Get(dest_bucket, m.keys[i]));
    EXPECT_EQ(static_cast<int64_t>(bytes.size()), m.sizes[i]) << m.keys[i];
    EXPECT_EQ(Md5Hex(bytes), m.md5s[i]) << m.keys[i];
    EXPECT_TRUE(m.keys[i].ends_with(suffix)) << m.keys[i] << " in a " << m.format << " report";
    std::string local = download_dir + "/part-" + std::to_string(i) + suffix;
    WriteFile(local, bytes);
    report.local_files.push_back(local);
    report.data_keys.push_back(m.keys[i]);
    RETURN_IF_ERROR(ReadRows(report, bytes, "s3://" + dest_bucket + "/" + m.keys[i],
                             source_bucket, &report.rows));
  }
  ASSIGN_OR_RETURN(std::string symlink, store.Get(dest_bucket, symlink_key));
  EXPECT_EQ(symlink, symlink_want);
  return report;
}

}  // namespace stocktake::testing
