#include "format/manifest.h"

#include <simdjson.h>

#include <charconv>

#include "base/hash.h"

namespace stocktake::format {
namespace {

enum class Dialect { kAws, kObs };

std::string WriteManifest(const Manifest& m, Dialect dialect) {
  std::string out = "{\"sourceBucket\":";
  AppendJsonString(m.source_bucket, &out);
  out += ",\"destinationBucket\":";
  AppendJsonString(m.destination_bucket, &out);
  out += ",\"version\":";
  AppendJsonString(m.version, &out);
  if (dialect == Dialect::kAws) {
    out += ",\"creationTimestamp\":\"" + std::to_string(m.creation_ms) + "\"";
  }
  out += ",\"fileFormat\":";
  AppendJsonString(m.file_format, &out);
  out += ",\"fileSchema\":";
  AppendJsonString(m.file_schema, &out);
  out += ",\"files\":[";
  for (size_t i = 0; i < m.files.size(); ++i) {
    const ManifestFile& f = m.files[i];
    if (i > 0) out += ',';
    out += "{\"key\":";
    AppendJsonString(f.key, &out);
    out += ",\"size\":" + std::to_string(f.size);
    if (dialect == Dialect::kAws) {
      out += ",\"MD5checksum\":";
      AppendJsonString(f.md5_hex, &out);
    } else {
      out += ",\"inventoriedRecord\":" + std::to_string(f.inventoried_record);
    }
    out += '}';
  }
  out += "]}";
  return out;
}

// Drops commas that directly precede '}' or ']' (whitespace between allowed)
// outside string literals.
std::string StripTrailingCommas(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < json.size()) {
        out += json[++i];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') in_string = true;
    if (c == ',') {
      size_t next = json.find_first_not_of(" \t\r\n", i + 1);
      if (next != std::string_view::npos && (json[next] == '}' || json[next] == ']')) continue;
    }
    out += c;
  }
  return out;
}

Status Bad(std::string_view what) { return Corruption("manifest.json: " + std::string(what)); }

Result<std::string> RequiredString(simdjson::dom::object obj, const char* name) {
  std::string_view value;
  if (obj[name].get_string().get(value) != simdjson::SUCCESS) {
    return Bad(std::string("missing or non-string \"") + name + "\"");
  }
  return std::string(value);
}

std::string OptionalString(simdjson::dom::object obj, const char* name) {
  std::string_view value;
  if (obj[name].get_string().get(value) != simdjson::SUCCESS) return "";
  return std::string(value);
}

// A number, or a string of decimal digits (AWS writes creationTimestamp so).
Result<int64_t> Integer(simdjson::dom::element element, std::string_view name) {
  int64_t value = 0;
  if (element.get_int64().get(value) == simdjson::SUCCESS) return value;
  std::string_view text;
  if (element.get_string().get(text) == simdjson::SUCCESS) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) return value;
  }
  return Bad("\"" + std::string(name) + "\" is not an integer");
}

Result<ManifestFile> ParseFile(simdjson::dom::element element) {
  simdjson::dom::object obj;
  if (element.get_object().get(obj) != simdjson::SUCCESS) return Bad("files[] entry not an object");
  ManifestFile file;
  ASSIGN_OR_RETURN(file.key, RequiredString(obj, "key"));
  simdjson::dom::element size;
  if (obj["size"].get(size) != simdjson::SUCCESS) return Bad("files[] entry without \"size\"");
  ASSIGN_OR_RETURN(file.size, Integer(size, "size"));
  file.md5_hex = OptionalString(obj, "MD5checksum");
  simdjson::dom::element records;
  if (obj["inventoriedRecord"].get(records) == simdjson::SUCCESS) {
    ASSIGN_OR_RETURN(file.inventoried_record, Integer(records, "inventoriedRecord"));
  }
  return file;
}

}  // namespace

void AppendJsonString(std::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      default:
        if (c < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('"');
}

std::string WriteAwsManifestJson(const Manifest& manifest) {
  return WriteManifest(manifest, Dialect::kAws);
}

std::string WriteObsManifestJson(const Manifest& manifest) {
  return WriteManifest(manifest, Dialect::kObs);
}

Result<Manifest> ParseManifestJson(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(StripTrailingCommas(json));
  simdjson::dom::element root;
  if (auto error = parser.parse(padded).get(root); error != simdjson::SUCCESS) {
    return Bad(std::string("invalid JSON: ") + simdjson::error_message(error));
  }
  simdjson::dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) return Bad("top level is not an object");
  Manifest m;
  ASSIGN_OR_RETURN(m.source_bucket, RequiredString(obj, "sourceBucket"));
  ASSIGN_OR_RETURN(m.destination_bucket, RequiredString(obj, "destinationBucket"));
  m.version = OptionalString(obj, "version");
  simdjson::dom::element created;
  if (obj["creationTimestamp"].get(created) == simdjson::SUCCESS) {
    ASSIGN_OR_RETURN(m.creation_ms, Integer(created, "creationTimestamp"));
  }
  ASSIGN_OR_RETURN(m.file_format, RequiredString(obj, "fileFormat"));
  ASSIGN_OR_RETURN(m.file_schema, RequiredString(obj, "fileSchema"));
  simdjson::dom::array files;
  if (obj["files"].get_array().get(files) != simdjson::SUCCESS) {
    return Bad("missing or non-array \"files\"");
  }
  for (simdjson::dom::element element : files) {
    ASSIGN_OR_RETURN(ManifestFile file, ParseFile(element));
    m.files.push_back(std::move(file));
  }
  return m;
}

std::string ManifestChecksum(std::string_view manifest_json) {
  return Md5Hex(manifest_json) + "\n";
}

}  // namespace stocktake::format
