#include "config/config_json.h"

#include <cstdio>
#include <initializer_list>
#include <optional>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "config/config_error.h"
#include "config/config_xml.h"

namespace stocktake::config {
namespace {

using simdjson::dom::element;

std::string Join(std::string_view path, std::string_view name) {
  if (path.empty()) return std::string(name);
  return std::string(path) + "." + std::string(name);
}

// The members of one JSON object, checked against the keys allowed there.
class Members {
 public:
  // `path` names the object in messages ("" for the top level).
  static Result<Members> Of(element value, std::string_view path,
                            std::initializer_list<std::string_view> allowed) {
    std::string where = path.empty() ? "the configuration" : std::string(path);
    simdjson::dom::object object;
    if (value.get_object().get(object) != simdjson::SUCCESS) {
      return MalformedXml(where + " must be a JSON object");
    }
    Members out;
    out.path_ = std::string(path);
    for (simdjson::dom::key_value_pair kv : object) {
      bool known = false;
      for (std::string_view a : allowed) known = known || a == kv.key;
      if (!known) return MalformedXml("unknown key '" + std::string(kv.key) + "' in " + where);
      if (out.Find(kv.key)) {
        return MalformedXml("duplicate key '" + std::string(kv.key) + "' in " + where);
      }
      out.members_.emplace_back(kv.key, kv.value);
    }
    return out;
  }

  std::optional<element> Find(std::string_view key) const {
    for (const auto& [k, v] : members_) {
      if (k == key) return v;
    }
    return std::nullopt;
  }
  size_t size() const { return members_.size(); }

  Result<element> Require(std::string_view key) const {
    std::optional<element> v = Find(key);
    if (!v) return MalformedXml("missing " + Join(path_, key));
    return *v;
  }

  Result<std::optional<std::string>> OptionalString(std::string_view key) const {
    std::optional<element> v = Find(key);
    if (!v) return std::optional<std::string>();
    std::string_view s;
    if (v->get_string().get(s) != simdjson::SUCCESS) {
      return MalformedXml(Join(path_, key) + " must be a string");
    }
    return std::optional<std::string>(std::string(s));
  }

  Result<std::string> String(std::string_view key) const {
    ASSIGN_OR_RETURN(std::optional<std::string> s, OptionalString(key));
    if (!s) return MalformedXml("missing " + Join(path_, key));
    return std::move(*s);
  }

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::vector<std::pair<std::string_view, element>> members_;
};

template <typename T, typename ParseFn>
Result<T> ParseEnum(const Members& m, std::string_view key, ParseFn parse) {
  ASSIGN_OR_RETURN(std::string text, m.String(key));
  std::optional<T> value = parse(text);
  if (!value) return BadValue("invalid " + Join(m.path(), key) + " '" + text + "'");
  return *value;
}

Status ParseEncryption(element value, std::string_view path, Encryption* out) {
  ASSIGN_OR_RETURN(Members m, Members::Of(value, path, {"SSES3", "SSEKMS"}));
  if (m.size() != 1) return MalformedXml(std::string(path) + " must hold one of SSES3, SSEKMS");
  if (std::optional<element> s3 = m.Find("SSES3")) {
    RETURN_IF_ERROR(Members::Of(*s3, Join(path, "SSES3"), {}).status());
    out->kind = EncryptionKind::kSseS3;
    return Status::OK();
  }
  ASSIGN_OR_RETURN(Members kms, Members::Of(*m.Find("SSEKMS"), Join(path, "SSEKMS"), {"KeyId"}));
  out->kind = EncryptionKind::kSseKms;
  ASSIGN_OR_RETURN(out->kms_key_id, kms.String("KeyId"));
  return Status::OK();
}

Status ParseDestination(element value, Destination* out) {
  ASSIGN_OR_RETURN(Members outer, Members::Of(value, "Destination", {"S3BucketDestination"}));
  ASSIGN_OR_RETURN(element inner, outer.Require("S3BucketDestination"));
  ASSIGN_OR_RETURN(Members m, Members::Of(inner, "Destination.S3BucketDestination",
                                          {"AccountId", "Bucket", "Format", "Prefix",
                                           "Encryption"}));
  ASSIGN_OR_RETURN(out->account_id, m.OptionalString("AccountId"));
  ASSIGN_OR_RETURN(std::string bucket, m.String("Bucket"));
  out->SetBucket(bucket);
  ASSIGN_OR_RETURN(out->format, ParseEnum<ReportFormat>(m, "Format", ParseReportFormat));
  ASSIGN_OR_RETURN(out->prefix, m.OptionalString("Prefix"));
  if (std::optional<element> enc = m.Find("Encryption")) {
    RETURN_IF_ERROR(ParseEncryption(*enc, Join(m.path(), "Encryption"), &out->encryption));
  }
  return Status::OK();
}

Status ParseOptionalFields(element value, InventoryConfig* out) {
  simdjson::dom::array fields;
  if (value.get_array().get(fields) != simdjson::SUCCESS) {
    return MalformedXml("OptionalFields must be an array of strings");
  }
  for (element item : fields) {
    std::string_view name;
    if (item.get_string().get(name) != simdjson::SUCCESS) {
      return MalformedXml("OptionalFields must be an array of strings");
    }
    std::optional<InventoryField> f = ParseFieldName(name);
    if (!f || !IsOptionalField(*f)) {
      return MalformedXml("unknown OptionalFields/Field '" + std::string(name) + "'");
    }
    out->AddOptionalField(*f);
  }
  return Status::OK();
}

Result<InventoryConfig> ParseConfigObject(element value) {
  ASSIGN_OR_RETURN(Members m, Members::Of(value, "",
                                          {"Id", "IsEnabled", "Filter", "Destination",
                                           "Schedule", "IncludedObjectVersions",
                                           "OptionalFields"}));
  InventoryConfig c;
  ASSIGN_OR_RETURN(c.id, m.String("Id"));
  ASSIGN_OR_RETURN(element enabled, m.Require("IsEnabled"));
  if (enabled.get_bool().get(c.is_enabled) != simdjson::SUCCESS) {
    return MalformedXml("IsEnabled must be true or false");
  }
  if (std::optional<element> filter = m.Find("Filter")) {
    ASSIGN_OR_RETURN(Members f, Members::Of(*filter, "Filter", {"Prefix"}));
    ASSIGN_OR_RETURN(c.filter_prefix, f.String("Prefix"));
  }
  ASSIGN_OR_RETURN(element dest, m.Require("Destination"));
  RETURN_IF_ERROR(ParseDestination(dest, &c.destination));
  ASSIGN_OR_RETURN(element schedule, m.Require("Schedule"));
  ASSIGN_OR_RETURN(Members s, Members::Of(schedule, "Schedule", {"Frequency"}));
  ASSIGN_OR_RETURN(c.frequency, ParseEnum<Frequency>(s, "Frequency", ParseFrequency));
  ASSIGN_OR_RETURN(c.included_versions,
                   ParseEnum<ObjectVersions>(m, "IncludedObjectVersions", ParseObjectVersions));
  if (std::optional<element> fields = m.Find("OptionalFields")) {
    RETURN_IF_ERROR(ParseOptionalFields(*fields, &c));
  }
  return c;
}

// Pretty JSON output in the AWS CLI's layout (four-space indentation).
class JsonOut {
 public:
  JsonOut() { Open("", '{'); }
  void Open(std::string_view key, char bracket) {
    Item(key);
    out_ += bracket;
    empty_.push_back(true);
  }
  void Close(char bracket) {
    bool empty = empty_.back();
    empty_.pop_back();
    if (!empty) NewLine();
    out_ += bracket;
  }
  void String(std::string_view key, std::string_view value) {
    Item(key);
    Quote(value);
  }
  void Bool(std::string_view key, bool value) {
    Item(key);
    out_ += value ? "true" : "false";
  }
  std::string Finish() {
    Close('}');
    out_ += '\n';
    return std::move(out_);
  }

 private:
  void NewLine() {
    out_ += '\n';
    out_.append(4 * empty_.size(), ' ');
  }
  // Separator and key before a member (or array element when key is empty).
  void Item(std::string_view key) {
    if (empty_.empty()) return;
    if (!empty_.back()) out_ += ',';
    empty_.back() = false;
    NewLine();
    if (!key.empty()) {
      Quote(key);
      out_ += ": ";
    }
  }
  void Quote(std::string_view s) {
    out_ += '"';
    for (char ch : s) {
      unsigned char u = static_cast<unsigned char>(ch);
      if (ch == '"' || ch == '\\') {
        out_ += '\\';
        out_ += ch;
      } else if (u < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", u);
        out_ += buf;
      } else {
        out_ += ch;
      }
    }
    out_ += '"';
  }

  std::string out_;
  std::vector<bool> empty_;  // per open container: nothing written yet
};

}  // namespace

Result<InventoryConfig> ParseInventoryConfigJson(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  element root;
  if (simdjson::error_code err = parser.parse(padded).get(root); err != simdjson::SUCCESS) {
    return MalformedXml(std::string("not valid JSON: ") + simdjson::error_message(err));
  }
  simdjson::dom::object object;
  if (root.get_object().get(object) == simdjson::SUCCESS && object.size() == 1) {
    element wrapped;
    if (object.at_key("InventoryConfiguration").get(wrapped) == simdjson::SUCCESS) {
      return ParseConfigObject(wrapped);
    }
  }
  return ParseConfigObject(root);
}

std::string WriteInventoryConfigJson(const InventoryConfig& c) {
  const Destination& d = c.destination;
  JsonOut out;
  out.String("Id", c.id);
  out.Bool("IsEnabled", c.is_enabled);
  if (c.filter_prefix) {
    out.Open("Filter", '{');
    out.String("Prefix", *c.filter_prefix);
    out.Close('}');
  }
  out.Open("Destination", '{');
  out.Open("S3BucketDestination", '{');
  if (d.account_id) out.String("AccountId", *d.account_id);
  out.String("Bucket", d.BucketArn());
  out.String("Format", ReportFormatName(d.format));
  if (d.prefix) out.String("Prefix", *d.prefix);
  if (d.encryption.kind != EncryptionKind::kNone) {
    out.Open("Encryption", '{');
    if (d.encryption.kind == EncryptionKind::kSseS3) {
      out.Open("SSES3", '{');
    } else {
      out.Open("SSEKMS", '{');
      out.String("KeyId", d.encryption.kms_key_id);
    }
    out.Close('}');
    out.Close('}');
  }
  out.Close('}');
  out.Close('}');
  out.Open("Schedule", '{');
  out.String("Frequency", FrequencyName(c.frequency));
  out.Close('}');
  out.String("IncludedObjectVersions", ObjectVersionsName(c.included_versions));
  if (!c.optional_fields.empty()) {
    out.Open("OptionalFields", '[');
    for (InventoryField f : c.optional_fields) out.String("", FieldName(f));
    out.Close(']');
  }
  return out.Finish();
}

Result<InventoryConfig> ParseInventoryConfigText(std::string_view text, Profile profile) {
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] == '<') {
    return ParseInventoryConfigXml(text, profile);
  }
  if (first != std::string_view::npos && text[first] == '{') {
    return ParseInventoryConfigJson(text);
  }
  return MalformedXml("configuration is neither XML (starting with '<') nor JSON ('{')");
}

}  // namespace stocktake::config
