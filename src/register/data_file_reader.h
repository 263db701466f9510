// ReadDataFile: streams one data file of a report out of its collector and
// hands each row, normalised to the central schema (row_normalizer.h), to a
// sink — checking on the way that the object has the manifest's size and
// MD5 (AWS; OBS lists no MD5, and its inventoriedRecord row count is
// checked instead when present).
//
// CSV (gzip or plain, by magic) is read in one pass of ranged GETs of
// `chunk_bytes`, hashed as it is parsed; Parquet is hashed in one pass and
// then read through its footer. Memory: one chunk, plus one row group of
// the Parquet file. Errors: NotFound when the file is missing, Corruption
// for a size/MD5/row-count mismatch or damaged content, InvalidArgument for
// an unsupported format or schema — all naming the file; the store's and
// the sink's errors unchanged. Stateless; thread-safe for distinct sinks.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "format/cell_value.h"
#include "format/manifest.h"
#include "store/object_store.h"

namespace stocktake::reg {

using RowSink = std::function<Status(const std::vector<format::CellValue>&)>;

struct DataFileSource {
  store::ObjectStore* store = nullptr;
  std::string bucket;         // the collector bucket holding the file
  std::string file_format;    // manifest fileFormat: CSV, Parquet (ORC: InvalidArgument)
  std::string file_schema;    // manifest fileSchema (CSV column list)
  std::string source_bucket;  // the report's source bucket
  int64_t chunk_bytes = 8 << 20;
};

// Returns the number of rows read from `file`.
Result<int64_t> ReadDataFile(const DataFileSource& source, const format::ManifestFile& file,
                             const RowSink& sink);

}  // namespace stocktake::reg
