#include "register/ingester.h"

#include <memory>

#include "base/hash.h"
#include "base/time_util.h"
#include "format/manifest.h"
#include "format/parquet_writer.h"
#include "register/data_file_reader.h"
#include "register/partition_path.h"
#include "register/row_normalizer.h"

namespace stocktake::reg {
namespace {

// Problems of the report itself: retrying cannot fix them.
bool IsReportFault(const Status& status) {
  return status.code() == Code::kCorruption || status.code() == Code::kInvalidArgument ||
         status.code() == Code::kNotFound;
}

// A failure of the central store is never the report's fault: keep it out
// of quarantine (IOError unless it already is a transient kind).
Status CentralFault(const Status& status) {
  return IsReportFault(status) ? Status(Code::kIOError, status.message()) : status;
}

std::string Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Get that maps NotFound to nullopt.
Result<std::optional<std::string>> GetIfExists(store::ObjectStore* store, std::string_view bucket,
                                               std::string_view key) {
  Result<std::string> data = store->Get(bucket, key);
  if (data.ok()) return std::optional<std::string>(std::move(data).value());
  if (data.status().code() == Code::kNotFound) return std::optional<std::string>();
  return data.status();
}

IngestOutcome Incomplete(std::string reason) {
  IngestOutcome out;
  out.result = IngestResult::kIncomplete;
  out.reason = std::move(reason);
  return out;
}

// What identifies a report's content at its key: manifest.checksum's text
// (trimmed, lower case: the MD5 of manifest.json when the report is sound)
// or, without one (OBS), the MD5 of manifest.json.
std::string MarkerChecksum(const std::optional<std::string>& checksum_file,
                           std::string_view manifest_json) {
  return checksum_file.has_value() ? Trim(*checksum_file) : Md5Hex(manifest_json);
}

// The marker checksum of the report at `ref`, reading only the checksum
// file when there is one; nullopt when neither file exists.
Result<std::optional<std::string>> ReadMarkerChecksum(const Collector& collector,
                                                      const ReportRef& ref) {
  ASSIGN_OR_RETURN(std::optional<std::string> checksum,
                   GetIfExists(collector.store, collector.bucket, ref.checksum_key));
  if (checksum.has_value()) return std::optional<std::string>(MarkerChecksum(checksum, ""));
  ASSIGN_OR_RETURN(std::optional<std::string> json,
                   GetIfExists(collector.store, collector.bucket, ref.manifest_key));
  if (!json.has_value()) return std::optional<std::string>();
  return std::optional<std::string>(MarkerChecksum(std::nullopt, *json));
}

// The stamp of the report's marker object: manifest.checksum, or
// manifest.json when there is no checksum (what a listing shows as the
// marker); nullopt when neither exists.
Result<std::optional<MarkerStamp>> HeadMarker(const Collector& collector, const ReportRef& ref) {
  for (const std::string* key : {&ref.checksum_key, &ref.manifest_key}) {
    Result<store::ObjectInfo> info = collector.store->Head(collector.bucket, *key);
    if (info.ok()) {
      return std::optional<MarkerStamp>(
          MarkerStamp{info->size, info->last_modified_ms, info->etag});
    }
    if (info.status().code() != Code::kNotFound) return info.status();
  }
  return std::optional<MarkerStamp>();
}

IngestOutcome AlreadyKnown() {
  IngestOutcome out;
  out.result = IngestResult::kAlreadyKnown;
  return out;
}

}  // namespace

const char* IngestResultName(IngestResult result) {
  switch (result) {
    case IngestResult::kRegistered:
      return "registered";
    case IngestResult::kSuperseded:
      return "superseded";
    case IngestResult::kAlreadyKnown:
      return "already known";
    case IngestResult::kQuarantined:
      return "quarantined";
    case IngestResult::kIncomplete:
      return "incomplete";
  }
  return "?";
}

// The completion marker as this ingest saw it: what a quarantine or a
// commit records for the key.
struct Ingester::Marker {
  std::string checksum;  // MarkerChecksum()
  MarkerStamp stamp;     // from the Head taken before reading
};

Ingester::Ingester(CentralStore central, Catalog* catalog, IngestOptions options)
    : central_(std::move(central)), catalog_(catalog), options_(options) {}

Result<IngestOutcome> Ingester::Ingest(const Collector& collector, const ReportRef& ref,
                                       const MarkerStamp* listed) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string id = collector.Id();
  ASSIGN_OR_RETURN(KeyState key, catalog_->LookupKey(id, ref.manifest_key));
  if (key.known) {
    // A key seen before: its marker alone tells whether the content is new.
    ASSIGN_OR_RETURN(std::optional<std::string> checksum, ReadMarkerChecksum(collector, ref));
    if (!checksum.has_value()) {
      return Incomplete("no manifest.json at " +
                        collector.store->Url(collector.bucket, ref.manifest_key));
    }
    ASSIGN_OR_RETURN(ReportState state, catalog_->Lookup(id, ref.manifest_key, *checksum));
    if (state != ReportState::kUnknown) {
      if (listed != nullptr) {
        RETURN_IF_ERROR(catalog_->RecordStamp(id, ref.manifest_key, *checksum, *listed));
      }
      return AlreadyKnown();
    }
  }
  Marker marker;
  Result<IngestOutcome> outcome = IngestLocked(collector, ref, &marker);
  if (outcome.ok() || !IsReportFault(outcome.status())) return outcome;
  const std::string reason = outcome.status().message();
  RETURN_IF_ERROR(
      catalog_->Quarantine(id, ref.manifest_key, marker.checksum, reason, marker.stamp));
  IngestOutcome out;
  out.result = IngestResult::kQuarantined;
  out.reason = reason;
  return out;
}

Result<IngestOutcome> Ingester::IngestLocked(const Collector& collector, const ReportRef& ref,
                                             Marker* marker) {
  store::ObjectStore* from = collector.store;
  const std::string manifest_url = from->Url(collector.bucket, ref.manifest_key);
  // The stamp first: a rewrite from here on changes what the next listing
  // shows, so it is checked again rather than missed.
  ASSIGN_OR_RETURN(std::optional<MarkerStamp> stamp, HeadMarker(collector, ref));
  if (!stamp.has_value()) return Incomplete("no manifest.json at " + manifest_url);
  marker->stamp = *stamp;
  ASSIGN_OR_RETURN(std::optional<std::string> json,
                   GetIfExists(from, collector.bucket, ref.manifest_key));
  ASSIGN_OR_RETURN(std::optional<std::string> checksum,
                   GetIfExists(from, collector.bucket, ref.checksum_key));
  if (!json.has_value()) {
    if (!checksum.has_value()) return Incomplete("no manifest.json at " + manifest_url);
    marker->checksum = MarkerChecksum(checksum, "");
    return NotFound("report " + manifest_url + ": manifest.checksum exists, manifest.json does not");
  }
  const std::string actual_md5 = Md5Hex(*json);
  marker->checksum = MarkerChecksum(checksum, *json);
  Result<format::Manifest> parsed = format::ParseManifestJson(*json);
  if (!parsed.ok()) return parsed.status().WithContext("report " + manifest_url);
  const format::Manifest& manifest = *parsed;
  if (checksum.has_value()) {
    if (Trim(*checksum) != actual_md5) {
      return Corruption("report " + manifest_url + ": manifest.checksum '" +
                        Trim(checksum->substr(0, 64)) + "' is not the MD5 of manifest.json (" +
                        actual_md5 + ")");
    }
  } else if (manifest.version != format::kObsManifestVersion) {
    // AWS writes the checksum last: the report is not complete yet.
    return Incomplete("no manifest.checksum yet for " + manifest_url);
  }
  if (manifest.source_bucket != ref.source_bucket) {
    return Corruption("report " + manifest_url + ": sourceBucket '" + manifest.source_bucket +
                      "' is not the layout's source bucket '" + ref.source_bucket + "'");
  }
  int64_t creation_ms = manifest.creation_ms;
  if (creation_ms <= 0) creation_ms = ParseReportFolder(ref.folder).value_or(0);

  RegisteredReport row;
  row.collector = collector.Id();
  row.manifest_key = ref.manifest_key;
  row.checksum = actual_md5;
  row.account = ref.account;
  row.region = collector.region;
  row.bucket = manifest.source_bucket;
  row.dt = FormatIsoDate(creation_ms);
  row.config_id = ref.config_id;
  row.creation_ms = creation_ms;
  const CentralPartition partition{row.dt, row.account, row.region, row.bucket};
  const std::string id =
      Sha256Hex(row.collector + "\n" + row.manifest_key + "\n" + row.checksum).substr(0, 32);
  row.part_key = central_.KeyPrefix() + partition.Path() + "part-" + id + ".parquet";

  // Write the part.
  const std::string part_url = central_.store->Url(central_.bucket, row.part_key);
  Result<std::unique_ptr<store::ObjectWriter>> opened =
      central_.store->NewWriter(central_.bucket, row.part_key);
  if (!opened.ok()) return CentralFault(opened.status());
  std::unique_ptr<store::ObjectWriter> out = std::move(opened).value();
  format::ReportWriterOptions writer_options;
  writer_options.format = format::ReportFormat::kParquet;
  writer_options.source_bucket = row.bucket;
  writer_options.columns = CentralColumns();
  writer_options.parquet_row_group_rows = options_.row_group_rows;
  format::ParquetReportWriter writer(writer_options, out.get());
  DataFileSource source{from,          collector.bucket,       manifest.file_format,
                        manifest.file_schema, manifest.source_bucket, options_.read_chunk_bytes};
  bool sink_failed = false;
  RowSink sink = [&](const std::vector<format::CellValue>& cells) {
    Status st = writer.AppendCells(cells);
    if (!st.ok()) sink_failed = true;
    return st;
  };
  Status st;
  // A report written into the account folder as if it were the bucket
  // (`scan --dest /collectors/eu/<account>` on a local tree) names its data
  // files relative to that folder.
  std::string destination = manifest.destination_bucket;
  if (destination.rfind("arn:aws:s3:::", 0) == 0) destination.erase(0, 13);
  const std::string key_base = destination != collector.bucket && destination == ref.account
                                   ? collector.KeyPrefix() + ref.account + "/"
                                   : "";
  for (format::ManifestFile file : manifest.files) {
    file.key = key_base + file.key;
    Result<int64_t> rows = ReadDataFile(source, file, sink);
    if (!rows.ok()) {
      st = rows.status();
      // The part's own failures are never the report's fault.
      if (sink_failed) st = CentralFault(st.WithContext("write " + part_url));
      break;
    }
    row.rows += *rows;
  }
  if (!st.ok()) {
    writer.Abandon();
    out->Abort();
    return st.WithContext("ingest " + manifest_url);
  }
  Result<format::FileSummary> summary = writer.Finish();
  if (!summary.ok()) {
    out->Abort();
    return CentralFault(summary.status().WithContext("write " + part_url));
  }
  Status closed = out->Close();
  if (!closed.ok()) {
    return CentralFault(closed);
  }
  row.bytes = summary->bytes;

  // Commit, then drop what is no longer current.
  ASSIGN_OR_RETURN(CommitOutcome committed, catalog_->Commit(row, marker->stamp));
  IngestOutcome outcome;
  outcome.part_key = row.part_key;
  outcome.rows = row.rows;
  outcome.result = committed.already_known ? IngestResult::kAlreadyKnown
                   : committed.current     ? IngestResult::kRegistered
                                           : IngestResult::kSuperseded;
  RETURN_IF_ERROR(DeleteParts(committed.stale));
  return outcome;
}

Status Ingester::DeleteParts(const std::vector<RegisteredReport>& stale) {
  for (const RegisteredReport& report : stale) {
    RETURN_IF_ERROR(central_.store->Delete(central_.bucket, report.part_key));
    RETURN_IF_ERROR(catalog_->MarkPartDeleted(report));
  }
  return Status::OK();
}

Status Ingester::DeleteStaleParts() {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(std::vector<RegisteredReport> pending, catalog_->PendingPartDeletes());
  return DeleteParts(pending);
}

}  // namespace stocktake::reg
