// `stocktake cat FILE`: prints a report data file — CSV (gzip or plain) or
// Parquet — as CSV with a header row or as JSON lines. FILE is a local path
// or s3://bucket/key (store flags as everywhere, store_options.h). Parquet
// columns come from the file; CSV columns from --columns or a --manifest's
// fileSchema, else the raw fields are printed as column0, column1, ...
// Known inventory columns print under their Parquet (snake_case) names with
// typed values, so both formats of one report print alike.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <memory>

#include "base/inventory_field.h"
#include "base/time_util.h"
#include "base/url.h"
#include "cli/commands.h"
#include "cli/row_printer.h"
#include "cli/store_options.h"
#include "format/csv_reader.h"
#include "format/manifest.h"
#include "format/parquet_reader.h"

namespace stocktake::cli {
namespace {

constexpr int64_t kCsvReadBytes = 4 << 20;
constexpr int64_t kMaxManifestBytes = 64 << 20;

struct CatFlags {
  std::string file;
  std::string output = "csv";
  int64_t limit = -1;
  std::string manifest;
  std::vector<std::string> columns;
  StoreFlags store;
};

// Random access to a local file or an object.
struct Input {
  std::string name;
  int64_t size = 0;
  format::ParquetRangeReader read;
};

Result<Input> OpenInput(const std::string& file, const StoreFlags& flags) {
  Input input;
  if (file.rfind("s3://", 0) == 0) {
    ASSIGN_OR_RETURN(Location loc, ParseLocation(file));
    if (loc.prefix.empty()) return InvalidArgument("cat: '" + file + "' names no object key");
    ASSIGN_OR_RETURN(OpenedStore opened, OpenLocationStore(loc, flags));
    std::shared_ptr<store::ObjectStore> store(std::move(opened.store));
    ASSIGN_OR_RETURN(store::ObjectInfo info, store->Head(loc.bucket, loc.prefix));
    input.name = file;
    input.size = info.size;
    input.read = [store, bucket = loc.bucket, key = loc.prefix](
                     int64_t offset, int64_t length) -> Result<std::string> {
      if (length == 0) return std::string();
      return store->Get(bucket, key, store::ByteRange{offset, length});
    };
    return input;
  }
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("cat " + file, errno);
  std::shared_ptr<int> owned(new int(fd), [](int* p) {
    ::close(*p);
    delete p;
  });
  struct stat st;
  if (::fstat(fd, &st) != 0) return ErrnoStatus("cat " + file, errno);
  if (!S_ISREG(st.st_mode)) return InvalidArgument("cat " + file + ": not a regular file");
  input.name = file;
  input.size = st.st_size;
  input.read = [owned, file](int64_t offset, int64_t length) -> Result<std::string> {
    std::string data(length, '\0');
    int64_t done = 0;
    while (done < length) {
      const ssize_t n = ::pread(*owned, data.data() + done, length - done, offset + done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return ErrnoStatus("cat " + file, errno);
      if (n == 0) return IOError("cat " + file + ": file shrank while reading");
      done += n;
    }
    return data;
  };
  return input;
}

// The CSV columns from --columns or the manifest; empty = unknown.
Result<std::vector<InventoryField>> CsvColumns(const CatFlags& flags) {
  std::vector<std::string> names = flags.columns;
  if (names.empty() && !flags.manifest.empty()) {
    ASSIGN_OR_RETURN(Input in, OpenInput(flags.manifest, flags.store));
    if (in.size > kMaxManifestBytes)
      return InvalidArgument("cat: manifest " + in.name + " is too large");
    ASSIGN_OR_RETURN(std::string json, in.read(0, in.size));
    Result<format::Manifest> manifest = format::ParseManifestJson(json);
    if (!manifest.ok()) return manifest.status().WithContext("cat: manifest " + in.name);
    if (manifest->file_format != "CSV") {
      return InvalidArgument("cat: manifest " + in.name + " describes a " + manifest->file_format +
                             " report, not CSV");
    }
    std::string schema = manifest->file_schema;
    for (size_t start = 0; start <= schema.size();) {
      size_t comma = std::min(schema.find(',', start), schema.size());
      std::string name = schema.substr(start, comma - start);
      name.erase(0, name.find_first_not_of(' '));
      name.erase(name.find_last_not_of(' ') + 1);
      names.push_back(name);
      start = comma + 1;
    }
  }
  std::vector<InventoryField> columns;
  for (const std::string& name : names) {
    std::optional<InventoryField> field = ParseColumnName(name);
    if (!field) return InvalidArgument("cat: unknown inventory column '" + name + "'");
    columns.push_back(*field);
  }
  return columns;
}

// A CSV report field as a typed cell; "" is a null.
Status CsvCell(InventoryField field, const std::string& text, format::CellValue* cell) {
  *cell = format::CellValue();
  if (text.empty()) return Status::OK();
  auto bad = [&](std::string_view why) {
    return Corruption("column " + std::string(FieldName(field)) + ": " + std::string(why) + " '" +
                      text + "'");
  };
  switch (FieldTypeOf(field)) {
    case FieldType::kString: {
      cell->type = format::CellType::kString;
      if (field != InventoryField::kKey) {
        cell->string_value = text;
        return Status::OK();
      }
      Result<std::string> key = UrlDecode(text, /*plus_is_space=*/true);
      if (!key.ok()) return bad("bad URL encoding");
      cell->string_value = std::move(key).value();
      return Status::OK();
    }
    case FieldType::kBool:
      if (text != "true" && text != "false") return bad("not a boolean");
      cell->type = format::CellType::kBool;
      cell->int_value = text == "true";
      return Status::OK();
    case FieldType::kInt64: {
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), cell->int_value);
      if (ec != std::errc() || end != text.data() + text.size()) return bad("not an integer");
      cell->type = format::CellType::kInt64;
      return Status::OK();
    }
    case FieldType::kTimestampMillis: {
      Result<int64_t> ms = ParseTimestamp(text);
      if (!ms.ok()) return bad("not a timestamp");
      cell->type = format::CellType::kTimestampMillis;
      cell->int_value = *ms;
      return Status::OK();
    }
  }
  return bad("unknown type");
}

Status CatParquet(const Input& in, int64_t limit, RowPrinter* printer) {
  ASSIGN_OR_RETURN(auto reader, format::ParquetReader::Open(in.read, in.size, in.name));
  std::vector<std::string> names;
  for (const auto& c : reader->columns()) names.push_back(c.name);
  RETURN_IF_ERROR(printer->Header(std::move(names)));
  std::vector<format::CellValue> row;
  for (int64_t n = 0; limit < 0 || n < limit; ++n) {
    ASSIGN_OR_RETURN(bool more, reader->NextRow(&row));
    if (!more) break;
    RETURN_IF_ERROR(printer->Row(row));
  }
  return Status::OK();
}

Status CatCsv(const Input& in, const std::vector<InventoryField>& columns, int64_t limit,
              RowPrinter* printer) {
  auto offset = std::make_shared<int64_t>(0);
  auto pull = [&in, offset](char* buf, size_t capacity) -> Result<size_t> {
    const int64_t length =
        std::min<int64_t>({static_cast<int64_t>(capacity), kCsvReadBytes, in.size - *offset});
    if (length <= 0) return size_t{0};
    ASSIGN_OR_RETURN(std::string data, in.read(*offset, length));
    std::copy(data.begin(), data.end(), buf);
    *offset += static_cast<int64_t>(data.size());
    return data.size();
  };
  format::CsvReader reader(pull, format::CsvCompression::kDetect, in.name);
  std::vector<std::string> fields;
  std::vector<format::CellValue> row;
  bool header = false;
  if (!columns.empty()) {
    std::vector<std::string> names;
    for (InventoryField f : columns) names.emplace_back(FieldColumnName(f));
    RETURN_IF_ERROR(printer->Header(std::move(names)));
    header = true;
  }
  for (int64_t n = 0; limit < 0 || n < limit; ++n) {
    ASSIGN_OR_RETURN(bool more, reader.Next(&fields));
    if (!more) break;
    auto context = "cat " + in.name + ": line " + std::to_string(reader.line());
    if (!header) {
      std::vector<std::string> names;
      for (size_t i = 0; i < fields.size(); ++i) names.push_back("column" + std::to_string(i));
      RETURN_IF_ERROR(printer->Header(std::move(names)));
      header = true;
    }
    const size_t width = columns.empty() ? fields.size() : columns.size();
    if (fields.size() != width) {
      return Corruption(context + ": " + std::to_string(fields.size()) + " fields, expected " +
                        std::to_string(width));
    }
    row.resize(width);
    for (size_t i = 0; i < width; ++i) {
      if (columns.empty()) {
        row[i].type = format::CellType::kString;
        row[i].string_value = fields[i];
      } else {
        Status st = CsvCell(columns[i], fields[i], &row[i]);
        if (!st.ok()) return st.WithContext(context);
      }
    }
    RETURN_IF_ERROR(printer->Row(row));
  }
  return Status::OK();
}

Status RunCat(const CatFlags& flags) {
  if (flags.output != "csv" && flags.output != "json") {
    return InvalidArgument("--output must be 'csv' or 'json', not '" + flags.output + "'");
  }
  if (flags.limit < -1) return InvalidArgument("--limit must be >= 0");
  ASSIGN_OR_RETURN(Input in, OpenInput(flags.file, flags.store));
  RowPrinter printer(flags.output == "csv" ? OutputFormat::kCsv : OutputFormat::kJsonLines, stdout);
  std::string magic;
  if (in.size >= 4) {
    ASSIGN_OR_RETURN(magic, in.read(0, 4));
  }
  if (magic == "PAR1") {
    RETURN_IF_ERROR(CatParquet(in, flags.limit, &printer));
  } else {
    ASSIGN_OR_RETURN(std::vector<InventoryField> columns, CsvColumns(flags));
    RETURN_IF_ERROR(CatCsv(in, columns, flags.limit, &printer));
  }
  return printer.Flush();
}

}  // namespace

void RegisterCat(CLI::App* app, GlobalFlags* globals, Action* action) {
  auto flags = std::make_shared<CatFlags>();
  CLI::App* cmd = app->add_subcommand(
      "cat", "print a report data file (CSV, CSV.gz or Parquet) as CSV or JSON lines");
  cmd->add_option("FILE", flags->file, "local path or s3://bucket/key")->required();
  cmd->add_option("--output", flags->output, "csv (with a header row) | json (one object a line)");
  cmd->add_option("--limit", flags->limit, "print at most this many rows");
  cmd->add_option("--manifest", flags->manifest,
                  "CSV: take the columns from this manifest.json (path or s3://)");
  cmd->add_option("--columns", flags->columns, "CSV: the columns, e.g. Bucket,Key,Size")
      ->delimiter(',');
  AddStoreFlags(cmd, &flags->store);
  cmd->callback([flags, action] { *action = [flags] { return RunCat(*flags); }; });
}

}  // namespace stocktake::cli
