#include "inventory/report_generator.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <thread>

#include "base/bounded_queue.h"
#include "base/uuid.h"
#include "format/manifest.h"
#include "format/report_layout.h"
#include "inventory/object_enricher.h"
#include "inventory/parallel_lister.h"

namespace stocktake::inventory {
namespace {

using store::ObjectInfo;

constexpr int kCsvGzipLevel = 1;

constexpr InventoryField kHeadFields[] = {
    InventoryField::kReplicationStatus,        InventoryField::kEncryptionStatus,
    InventoryField::kObjectLockRetainUntilDate, InventoryField::kObjectLockMode,
    InventoryField::kObjectLockLegalHoldStatus, InventoryField::kIntelligentTieringAccessTier,
    InventoryField::kBucketKeyStatus,           InventoryField::kLifecycleExpirationDate,
};

bool Has(const std::vector<InventoryField>& fields, InventoryField f) {
  return std::find(fields.begin(), fields.end(), f) != fields.end();
}

// One listing page on its way from the lister to the writer.
struct Batch {
  std::vector<ObjectInfo> objects;
};

Status CheckCancel(const ReportSpec& spec) {
  if (spec.cancel != nullptr && spec.cancel->load()) {
    return Cancelled("cancelled");  // GenerateReport adds "report B/ID: "
  }
  return Status::OK();
}

// Pages through the source into `queue`; returns the listing's status.
Status ListInto(const ReportSpec& spec, bool fetch_etag, const EnrichOptions& enrich,
                BoundedQueue<Batch>* queue) {
  store::ObjectStore* src = spec.source;
  // A local store walks its folders on its own threads and hands over
  // pages in key order: splitting its key space would only add work.
  const int concurrency = !src->capabilities().remote_listing ? 1
                          : spec.list_concurrency > 0       ? spec.list_concurrency
                                                            : DefaultListConcurrency(*src);
  if (concurrency > 1) {
    ParallelListOptions options;
    options.bucket = spec.source_bucket;
    options.prefix = spec.prefix;
    options.versions = spec.all_versions;
    options.page_size = spec.page_size;
    options.fetch_etag = fetch_etag;
    options.fetch_owner = Has(spec.optional_fields, InventoryField::kObjectOwner);
    options.concurrency = concurrency;
    options.throttle_events = spec.throttle_events;
    // Each listing worker enriches its own pages; share the HEAD budget.
    EnrichOptions per_worker = enrich;
    per_worker.concurrency = std::max(1, enrich.concurrency / concurrency);
    if (NeedsEnrichment(enrich)) {
      options.on_page = [&spec, per_worker](std::vector<ObjectInfo>* page) {
        return EnrichObjects(spec.source, spec.source_bucket, per_worker, page);
      };
    }
    Status listed = ParallelList(src, options, [queue, &spec](std::vector<ObjectInfo>&& page) {
      if (spec.cancel != nullptr && spec.cancel->load()) return false;
      return queue->Push(Batch{std::move(page)});
    });
    if (!listed.ok()) RETURN_IF_ERROR(CheckCancel(spec));
    return listed;
  }
  if (spec.all_versions) {
    store::VersionListRequest req;
    req.prefix = spec.prefix;
    req.max_keys = spec.page_size;
    for (;;) {
      RETURN_IF_ERROR(CheckCancel(spec));
      ASSIGN_OR_RETURN(store::VersionPage page, src->ListVersions(spec.source_bucket, req));
      if (NeedsEnrichment(enrich)) {
        RETURN_IF_ERROR(EnrichObjects(src, spec.source_bucket, enrich, &page.versions));
      }
      if (!queue->Push(Batch{std::move(page.versions)})) return Cancelled("listing stopped");
      if (!page.truncated) return Status::OK();
      req.key_marker = page.next_key_marker;
      req.version_id_marker = page.next_version_id_marker;
    }
  }
  store::ListRequest req;
  req.prefix = spec.prefix;
  req.max_keys = spec.page_size;
  req.fetch_etag = fetch_etag;
  req.fetch_owner = Has(spec.optional_fields, InventoryField::kObjectOwner);
  for (;;) {
    RETURN_IF_ERROR(CheckCancel(spec));
    ASSIGN_OR_RETURN(store::ListPage page, src->List(spec.source_bucket, req));
    if (NeedsEnrichment(enrich)) {
      RETURN_IF_ERROR(EnrichObjects(src, spec.source_bucket, enrich, &page.objects));
    }
    bool last = page.next_token.empty();
    if (!queue->Push(Batch{std::move(page.objects)})) return Cancelled("listing stopped");
    if (last) return Status::OK();
    req.continuation_token = std::move(page.next_token);
  }
}

// Writes data files from the queue, splitting past max_file_bytes.
class DataFileSink {
 public:
  DataFileSink(const ReportSpec& spec, format::ReportWriterOptions options, int64_t creation_ms)
      : spec_(spec),
        options_(std::move(options)),
        location_{spec.destination_prefix, spec.source_bucket, spec.config_id},
        creation_ms_(creation_ms) {}

  ~DataFileSink() { AbortOpen(); }

  Status Append(const ObjectInfo& obj) {
    if (!writer_) RETURN_IF_ERROR(OpenNext());
    RETURN_IF_ERROR(writer_->Append(obj));
    if (writer_->BytesWritten() >= spec_.max_file_bytes) return FinishCurrent();
    return Status::OK();
  }

  // Closes the open file. An empty report still gets one (empty) data file,
  // as AWS delivers for an empty bucket.
  Status Finish() {
    if (!writer_ && files_.empty()) RETURN_IF_ERROR(OpenNext());
    if (writer_) return FinishCurrent();
    return Status::OK();
  }

  // Deletes every published data file (after a failure).
  void DeletePublished() {
    AbortOpen();
    for (const auto& f : files_) spec_.destination->Delete(spec_.destination_bucket, f.key).IgnoreError();
    files_.clear();
  }

  const std::vector<format::ManifestFile>& files() const { return files_; }

 private:
  Status OpenNext() {
    current_key_ =
        spec_.layout == ReportLayout::kObs
            ? format::ObsDataKey(location_, creation_ms_, NewUuidV4(),
                                 static_cast<int>(files_.size()) + 1)
            : format::AwsDataKey(location_, NewUuidV4(),
                                 format::ReportFileSuffix(options_.format, options_.gzip));
    ASSIGN_OR_RETURN(out_, spec_.destination->NewWriter(spec_.destination_bucket, current_key_));
    ASSIGN_OR_RETURN(writer_, format::NewReportWriter(options_, out_.get()));
    return Status::OK();
  }

  Status FinishCurrent() {
    Result<format::FileSummary> summary = writer_->Finish();
    writer_.reset();
    if (!summary.ok()) {
      AbortOpen();
      return summary.status();
    }
    Status st = out_->Close();
    out_.reset();
    RETURN_IF_ERROR(st);
    format::ManifestFile file;
    file.key = current_key_;
    file.size = summary->bytes;
    file.md5_hex = summary->md5_hex;
    file.inventoried_record = summary->rows;
    files_.push_back(std::move(file));
    return Status::OK();
  }

  void AbortOpen() {
    if (writer_) writer_->Abandon();
    writer_.reset();
    if (out_) out_->Abort();
    out_.reset();
  }

 private:
  const ReportSpec& spec_;
  format::ReportWriterOptions options_;
  format::ReportLocation location_;
  int64_t creation_ms_;
  std::string current_key_;
  std::unique_ptr<store::ObjectWriter> out_;
  std::unique_ptr<format::ReportWriter> writer_;
  std::vector<format::ManifestFile> files_;
};


// Publishes the report's index files after its data files: symlink.txt,
// then manifest.json, then manifest.checksum (AWS); manifest.json (OBS).
// A partial failure deletes what this function wrote.
Status PublishManifest(const ReportSpec& spec, format::Manifest manifest, ReportResult* result) {
  const format::ReportLocation location{spec.destination_prefix, spec.source_bucket,
                                        spec.config_id};
  store::ObjectStore* dst = spec.destination;
  const std::string& bucket = spec.destination_bucket;
  std::vector<std::string> written;
  auto put = [&](const std::string& key, const std::string& body, const char* type) -> Status {
    store::WriteOptions opts;
    opts.content_type = type;
    RETURN_IF_ERROR(dst->Put(bucket, key, body, opts));
    written.push_back(key);
    return Status::OK();
  };
  Status st;
  if (spec.layout == ReportLayout::kObs) {
    manifest.destination_bucket = bucket;
    manifest.version = std::string(format::kObsManifestVersion);
    result->manifest_key = format::ObsManifestKey(location, result->creation_ms);
    st = put(result->manifest_key, format::WriteObsManifestJson(manifest), "application/json");
  } else {
    manifest.destination_bucket = "arn:aws:s3:::" + bucket;
    manifest.version = std::string(format::kAwsManifestVersion);
    std::vector<std::string> urls;
    for (const auto& f : manifest.files) urls.push_back(dst->Url(bucket, f.key));
    result->symlink_key = format::AwsSymlinkKey(location, result->creation_ms);
    result->manifest_key = format::AwsManifestKey(location, result->creation_ms);
    result->checksum_key = format::AwsChecksumKey(location, result->creation_ms);
    const std::string json = format::WriteAwsManifestJson(manifest);
    st = put(result->symlink_key, format::SymlinkText(urls), "text/plain");
    if (st.ok()) st = put(result->manifest_key, json, "application/json");
    if (st.ok()) st = put(result->checksum_key, format::ManifestChecksum(json), "text/plain");
  }
  if (!st.ok()) {
    for (const std::string& key : written) dst->Delete(bucket, key).IgnoreError();
  }
  return st;
}

// A rerun within the same minute lands in the same manifest folder and
// replaces that report. Returns the data keys of the report being replaced
// (empty when there is none), so they can be removed once the new manifest
// is in place instead of being orphaned. Only keys under this
// configuration's own folder are returned.
std::vector<std::string> ReplacedDataKeys(const ReportSpec& spec, const std::string& manifest_key) {
  Result<std::string> old = spec.destination->Get(spec.destination_bucket, manifest_key);
  if (!old.ok()) return {};
  Result<format::Manifest> manifest = format::ParseManifestJson(*old);
  if (!manifest.ok()) return {};
  const size_t cut = manifest_key.rfind('/', manifest_key.rfind('/') - 1);
  const std::string config_folder = manifest_key.substr(0, cut + 1);
  std::vector<std::string> keys;
  for (const auto& f : manifest->files) {
    if (f.key.rfind(config_folder, 0) == 0) keys.push_back(f.key);
  }
  return keys;
}

}  // namespace

int DefaultListConcurrency(const store::ObjectStore& source) {
  return source.capabilities().remote_listing ? kDefaultRemoteListConcurrency : 1;
}

bool NeedsHead(const std::vector<InventoryField>& fields) {
  for (InventoryField f : kHeadFields) {
    if (Has(fields, f)) return true;
  }
  return false;
}

Result<ReportResult> GenerateReport(const ReportSpec& spec, const ProgressCallback& progress) {
  if (!spec.source || !spec.destination) return InvalidArgument("report: missing store");
  if (spec.format == format::ReportFormat::kOrc) {
    // Checked before anything is listed or written, so a stored ORC
    // configuration fails cleanly on every run.
    return InvalidArgument("report " + spec.source_bucket + "/" + spec.config_id +
                           ": ORC reports are not supported yet (CSV and Parquet are)");
  }
  if (spec.layout == ReportLayout::kObs && spec.format != format::ReportFormat::kCsv) {
    return InvalidArgument("report " + spec.config_id + ": the OBS layout supports CSV only");
  }
  RETURN_IF_ERROR(spec.source->HeadBucket(spec.source_bucket));
  RETURN_IF_ERROR(spec.destination->HeadBucket(spec.destination_bucket));

  ReportResult result;
  result.creation_ms = spec.clock->NowMillis();  // the instant listing begins

  format::ReportWriterOptions options;
  options.format = spec.format;
  options.source_bucket = spec.source_bucket;
  options.columns = ReportColumns(spec.all_versions, spec.optional_fields);
  options.gzip = spec.layout == ReportLayout::kAws;
  // Level 1: about twice as fast as zlib's default 6 on report CSV, for ~5%
  // more bytes (measured in BENCHMARKS.md, P1); any level is valid gzip.
  if (spec.format == format::ReportFormat::kCsv) options.compression_level = kCsvGzipLevel;
  options.flush_bytes = std::clamp<int64_t>(spec.max_file_bytes / 8, 4096, 1 << 20);

  DataFileSink sink(spec, options, result.creation_ms);

  const bool fetch_etag = Has(spec.optional_fields, InventoryField::kETag) ||
                          Has(spec.optional_fields, InventoryField::kIsMultipartUploaded);
  EnrichOptions enrich;
  enrich.head = NeedsHead(spec.optional_fields) && spec.source->capabilities().server_side_metadata;
  enrich.acl = Has(spec.optional_fields, InventoryField::kObjectAccessControlList);
  enrich.owner = Has(spec.optional_fields, InventoryField::kObjectOwner);
  enrich.by_version = spec.all_versions;
  enrich.concurrency = spec.head_concurrency;

  BoundedQueue<Batch> queue(4);
  Status list_status;
  std::thread lister([&] {
    list_status = ListInto(spec, fetch_etag, enrich, &queue);
    queue.Close();
  });

  Status write_status;
  ReportProgress prog;
  while (std::optional<Batch> batch = queue.Pop()) {
    if (!write_status.ok()) continue;  // drain so the lister can finish
    for (const ObjectInfo& obj : batch->objects) {
      write_status = sink.Append(obj);
      if (!write_status.ok()) break;
      ++prog.objects;
      prog.bytes += obj.is_delete_marker ? 0 : obj.size;
    }
    if (!write_status.ok()) {
      queue.Close();
      continue;
    }
    if (progress) progress(prog);
  }
  lister.join();
  Status st = !list_status.ok() && list_status.code() != Code::kCancelled ? list_status
                                                                          : write_status;
  if (st.ok()) st = list_status;
  if (st.ok()) st = CheckCancel(spec);
  if (st.ok()) st = sink.Finish();
  std::vector<std::string> replaced;
  if (st.ok()) {
    format::Manifest manifest;
    manifest.source_bucket = spec.source_bucket;
    manifest.creation_ms = result.creation_ms;
    manifest.file_format = std::string(format::ReportFormatName(spec.format));
    manifest.file_schema =
        format::FileSchema(spec.format, options.columns, spec.layout == ReportLayout::kObs);
    manifest.files = sink.files();
    const format::ReportLocation location{spec.destination_prefix, spec.source_bucket,
                                          spec.config_id};
    replaced = ReplacedDataKeys(spec, spec.layout == ReportLayout::kObs
                                          ? format::ObsManifestKey(location, result.creation_ms)
                                          : format::AwsManifestKey(location, result.creation_ms));
    st = PublishManifest(spec, std::move(manifest), &result);
  }
  if (!st.ok()) {
    sink.DeletePublished();
    return st.WithContext("report " + spec.source_bucket + "/" + spec.config_id);
  }
  for (const std::string& key : replaced) {
    spec.destination->Delete(spec.destination_bucket, key).IgnoreError();
  }
  result.objects = prog.objects;
  result.bytes = prog.bytes;
  for (const auto& f : sink.files()) {
    result.data_keys.push_back(f.key);
    result.data_bytes += f.size;
  }
  return result;
}

}  // namespace stocktake::inventory
