#include "config/config_xml.h"

#include <initializer_list>
#include <sstream>

#include <pugixml.hpp>

#include "config/config_error.h"

namespace stocktake::config {
namespace {

constexpr std::string_view kConfigRoot = "InventoryConfiguration";
constexpr std::string_view kS3ListRoot = "ListInventoryConfigurationsResult";
constexpr std::string_view kObsListRoot = "ListInventoryConfiguration";

std::string Join(std::string_view path, std::string_view name) {
  if (path.empty()) return std::string(name);
  std::string out(path);
  out += '/';
  out += name;
  return out;
}

// The text of a leaf element; elements inside it are an error.
Result<std::string> LeafText(pugi::xml_node n, std::string_view path) {
  std::string text;
  for (pugi::xml_node part : n.children()) {
    if (part.type() == pugi::node_element) {
      return MalformedXml(std::string(path) + " must hold text, not elements");
    }
    if (part.type() == pugi::node_pcdata || part.type() == pugi::node_cdata) {
      text += part.value();
    }
  }
  return text;
}

// The element children of one node, checked against the names allowed there.
class Elements {
 public:
  // Rejects unknown names, repeats (except of `repeatable`) and non-blank text.
  // `path` names `node` in messages ("" for the document root element).
  static Result<Elements> Of(pugi::xml_node node, std::string_view path,
                             std::initializer_list<std::string_view> allowed,
                             std::string_view repeatable = {}) {
    Elements out;
    out.path_ = std::string(path);
    std::string_view where = path.empty() ? std::string_view(node.name()) : path;
    for (pugi::xml_node child : node.children()) {
      if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
        std::string_view text = child.value();
        if (text.find_first_not_of(" \t\r\n") != std::string_view::npos) {
          return MalformedXml("unexpected text in " + std::string(where));
        }
        continue;
      }
      if (child.type() != pugi::node_element) continue;
      std::string_view name = child.name();
      bool known = false;
      for (std::string_view a : allowed) known = known || a == name;
      if (!known) {
        return MalformedXml("unknown element '" + std::string(name) + "' in " +
                            std::string(where));
      }
      if (name != repeatable && out.Find(name)) {
        return MalformedXml("duplicate element '" + std::string(name) + "' in " +
                            std::string(where));
      }
      out.nodes_.push_back(child);
    }
    return out;
  }

  pugi::xml_node Find(std::string_view name) const {
    for (pugi::xml_node n : nodes_) {
      if (name == n.name()) return n;
    }
    return {};
  }
  const std::vector<pugi::xml_node>& nodes() const { return nodes_; }

  Result<pugi::xml_node> Require(std::string_view name) const {
    pugi::xml_node n = Find(name);
    if (!n) return MalformedXml("missing " + Join(path_, name));
    return n;
  }

  // The text of a leaf child; nullopt when the child is absent.
  Result<std::optional<std::string>> OptionalText(std::string_view name) const {
    pugi::xml_node n = Find(name);
    if (!n) return std::optional<std::string>();
    ASSIGN_OR_RETURN(std::string text, LeafText(n, Join(path_, name)));
    return std::optional<std::string>(std::move(text));
  }

  Result<std::string> Text(std::string_view name) const {
    ASSIGN_OR_RETURN(std::optional<std::string> text, OptionalText(name));
    if (!text) return MalformedXml("missing " + Join(path_, name));
    return std::move(*text);
  }

 private:
  std::string path_;
  std::vector<pugi::xml_node> nodes_;
};

template <typename T, typename ParseFn>
Result<T> ParseEnum(const Elements& e, std::string_view path, std::string_view name,
                    ParseFn parse) {
  ASSIGN_OR_RETURN(std::string text, e.Text(name));
  std::optional<T> value = parse(text);
  if (!value) return BadValue("invalid " + Join(path, name) + " '" + text + "'");
  return *value;
}

Status ParseEncryption(pugi::xml_node node, std::string_view path, Encryption* out) {
  ASSIGN_OR_RETURN(Elements e, Elements::Of(node, path, {"SSE-S3", "SSE-KMS"}));
  if (e.nodes().size() != 1) {
    return MalformedXml(std::string(path) + " must hold exactly one of SSE-S3, SSE-KMS");
  }
  if (pugi::xml_node s3 = e.Find("SSE-S3")) {
    RETURN_IF_ERROR(Elements::Of(s3, Join(path, "SSE-S3"), {}).status());
    out->kind = EncryptionKind::kSseS3;
    return Status::OK();
  }
  std::string kms_path = Join(path, "SSE-KMS");
  ASSIGN_OR_RETURN(Elements kms, Elements::Of(e.Find("SSE-KMS"), kms_path, {"KeyId"}));
  out->kind = EncryptionKind::kSseKms;
  ASSIGN_OR_RETURN(out->kms_key_id, kms.Text("KeyId"));
  return Status::OK();
}

Status ParseDestination(pugi::xml_node node, Profile profile, Destination* out) {
  std::string path = "Destination";
  if (profile == Profile::kS3) {
    ASSIGN_OR_RETURN(Elements outer, Elements::Of(node, path, {"S3BucketDestination"}));
    ASSIGN_OR_RETURN(node, outer.Require("S3BucketDestination"));
    path = "Destination/S3BucketDestination";
  }
  Result<Elements> parsed =
      profile == Profile::kS3
          ? Elements::Of(node, path, {"AccountId", "Bucket", "Format", "Prefix", "Encryption"})
          : Elements::Of(node, path, {"Bucket", "Format", "Prefix", "Encryption"});
  RETURN_IF_ERROR(parsed.status());
  const Elements& e = *parsed;
  ASSIGN_OR_RETURN(out->account_id, e.OptionalText("AccountId"));
  ASSIGN_OR_RETURN(std::string bucket, e.Text("Bucket"));
  out->SetBucket(bucket);
  ASSIGN_OR_RETURN(out->format,
                   ParseEnum<ReportFormat>(e, path, "Format", ParseReportFormat));
  ASSIGN_OR_RETURN(out->prefix, e.OptionalText("Prefix"));
  if (pugi::xml_node enc = e.Find("Encryption")) {
    RETURN_IF_ERROR(ParseEncryption(enc, Join(path, "Encryption"), &out->encryption));
  }
  return Status::OK();
}

Status ParseOptionalFields(pugi::xml_node node, InventoryConfig* out) {
  ASSIGN_OR_RETURN(Elements e, Elements::Of(node, "OptionalFields", {"Field"}, "Field"));
  for (pugi::xml_node field : e.nodes()) {
    ASSIGN_OR_RETURN(std::string name, LeafText(field, "OptionalFields/Field"));
    std::optional<InventoryField> f = ParseFieldName(name);
    if (!f || !IsOptionalField(*f)) {
      return MalformedXml("unknown OptionalFields/Field '" + name + "'");
    }
    out->AddOptionalField(*f);
  }
  return Status::OK();
}

Result<InventoryConfig> ParseConfigNode(pugi::xml_node root, Profile profile) {
  InventoryConfig c;
  ASSIGN_OR_RETURN(Elements e, Elements::Of(root, "",
                                            {"Id", "IsEnabled", "Filter", "Destination",
                                             "Schedule", "IncludedObjectVersions",
                                             "OptionalFields"}));
  ASSIGN_OR_RETURN(c.id, e.Text("Id"));
  ASSIGN_OR_RETURN(std::string enabled, e.Text("IsEnabled"));
  if (enabled != "true" && enabled != "false") {
    return MalformedXml("IsEnabled must be true or false, not '" + enabled + "'");
  }
  c.is_enabled = enabled == "true";
  if (pugi::xml_node filter = e.Find("Filter")) {
    ASSIGN_OR_RETURN(Elements f, Elements::Of(filter, "Filter", {"Prefix"}));
    ASSIGN_OR_RETURN(c.filter_prefix, f.Text("Prefix"));
  }
  ASSIGN_OR_RETURN(pugi::xml_node dest, e.Require("Destination"));
  RETURN_IF_ERROR(ParseDestination(dest, profile, &c.destination));
  ASSIGN_OR_RETURN(pugi::xml_node schedule, e.Require("Schedule"));
  ASSIGN_OR_RETURN(Elements s, Elements::Of(schedule, "Schedule", {"Frequency"}));
  ASSIGN_OR_RETURN(c.frequency, ParseEnum<Frequency>(s, "Schedule", "Frequency", ParseFrequency));
  ASSIGN_OR_RETURN(c.included_versions, ParseEnum<ObjectVersions>(e, "", "IncludedObjectVersions",
                                                                  ParseObjectVersions));
  if (pugi::xml_node fields = e.Find("OptionalFields")) {
    RETURN_IF_ERROR(ParseOptionalFields(fields, &c));
  }
  return c;
}

Status LoadDocument(std::string_view xml, std::string_view root_name, pugi::xml_document* doc) {
  pugi::xml_parse_result r =
      doc->load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!r) {
    return MalformedXml(std::string("not well-formed XML at offset ") +
                        std::to_string(r.offset) + ": " + r.description());
  }
  pugi::xml_node root = doc->document_element();
  if (root_name != root.name()) {
    return MalformedXml("root element is '" + std::string(root.name()) + "', expected '" +
                        std::string(root_name) + "'");
  }
  return Status::OK();
}

void AddText(pugi::xml_node parent, std::string_view name, std::string_view text) {
  parent.append_child(std::string(name).c_str()).text().set(std::string(text).c_str());
}

void WriteConfigNode(pugi::xml_node n, const InventoryConfig& c, Profile profile) {
  const Destination& d = c.destination;
  AddText(n, "Id", c.id);
  AddText(n, "IsEnabled", c.is_enabled ? "true" : "false");
  auto write_filter = [&] {
    if (c.filter_prefix) AddText(n.append_child("Filter"), "Prefix", *c.filter_prefix);
  };
  if (profile == Profile::kObs) write_filter();
  pugi::xml_node dest = n.append_child("Destination");
  if (profile == Profile::kS3) dest = dest.append_child("S3BucketDestination");
  AddText(dest, "Format", ReportFormatName(d.format));
  if (profile == Profile::kS3 && d.account_id) AddText(dest, "AccountId", *d.account_id);
  AddText(dest, "Bucket", profile == Profile::kS3 ? d.BucketArn() : d.bucket);
  if (d.prefix) AddText(dest, "Prefix", *d.prefix);
  if (d.encryption.kind == EncryptionKind::kSseS3) {
    dest.append_child("Encryption").append_child("SSE-S3");
  } else if (d.encryption.kind == EncryptionKind::kSseKms) {
    AddText(dest.append_child("Encryption").append_child("SSE-KMS"), "KeyId",
            d.encryption.kms_key_id);
  }
  AddText(n.append_child("Schedule"), "Frequency", FrequencyName(c.frequency));
  if (profile == Profile::kS3) write_filter();
  AddText(n, "IncludedObjectVersions", ObjectVersionsName(c.included_versions));
  if (!c.optional_fields.empty()) {
    pugi::xml_node fields = n.append_child("OptionalFields");
    for (InventoryField f : c.optional_fields) AddText(fields, "Field", FieldName(f));
  }
}

pugi::xml_node StartDocument(pugi::xml_document* doc, std::string_view root_name,
                             const XmlWriteOptions& options) {
  pugi::xml_node decl = doc->append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  pugi::xml_node root = doc->append_child(std::string(root_name).c_str());
  std::string ns = options.profile == Profile::kS3 ? std::string(kS3XmlNamespace)
                   : options.obs_region.empty()    ? std::string()
                                                   : ObsXmlNamespace(options.obs_region);
  if (!ns.empty()) root.append_attribute("xmlns") = ns.c_str();
  return root;
}

std::string Serialize(const pugi::xml_document& doc, const XmlWriteOptions& options) {
  std::ostringstream out;
  unsigned flags = options.indent ? pugi::format_indent : pugi::format_raw;
  doc.save(out, "  ", flags, pugi::encoding_utf8);
  return out.str();
}

}  // namespace

std::string ObsXmlNamespace(std::string_view region) {
  return "http://obs." + std::string(region) + ".myhuaweicloud.com/doc/2015-06-30/";
}

Result<InventoryConfig> ParseInventoryConfigXml(std::string_view xml, Profile profile) {
  pugi::xml_document doc;
  RETURN_IF_ERROR(LoadDocument(xml, kConfigRoot, &doc));
  return ParseConfigNode(doc.document_element(), profile);
}

std::string WriteInventoryConfigXml(const InventoryConfig& config, const XmlWriteOptions& options) {
  pugi::xml_document doc;
  WriteConfigNode(StartDocument(&doc, kConfigRoot, options), config, options.profile);
  return Serialize(doc, options);
}

Result<InventoryConfigList> ParseInventoryListXml(std::string_view xml, Profile profile) {
  bool s3 = profile == Profile::kS3;
  pugi::xml_document doc;
  RETURN_IF_ERROR(LoadDocument(xml, s3 ? kS3ListRoot : kObsListRoot, &doc));
  pugi::xml_node root = doc.document_element();
  Result<Elements> parsed =
      s3 ? Elements::Of(root, "",
                        {"ContinuationToken", "InventoryConfiguration", "IsTruncated",
                         "NextContinuationToken"},
                        "InventoryConfiguration")
         : Elements::Of(root, "", {"InventoryConfiguration"}, "InventoryConfiguration");
  RETURN_IF_ERROR(parsed.status());
  InventoryConfigList list;
  for (pugi::xml_node n : parsed->nodes()) {
    if (kConfigRoot != n.name()) continue;
    ASSIGN_OR_RETURN(InventoryConfig c, ParseConfigNode(n, profile));
    list.configs.push_back(std::move(c));
  }
  if (!s3) return list;
  ASSIGN_OR_RETURN(std::optional<std::string> token, parsed->OptionalText("ContinuationToken"));
  list.continuation_token = token.value_or("");
  ASSIGN_OR_RETURN(std::string truncated, parsed->Text("IsTruncated"));
  if (truncated != "true" && truncated != "false") {
    return MalformedXml("IsTruncated must be true or false, not '" + truncated + "'");
  }
  list.is_truncated = truncated == "true";
  ASSIGN_OR_RETURN(token, parsed->OptionalText("NextContinuationToken"));
  list.next_continuation_token = token.value_or("");
  return list;
}

std::string WriteInventoryListXml(const InventoryConfigList& list,
                                  const XmlWriteOptions& options) {
  bool s3 = options.profile == Profile::kS3;
  pugi::xml_document doc;
  pugi::xml_node root = StartDocument(&doc, s3 ? kS3ListRoot : kObsListRoot, options);
  if (s3 && !list.continuation_token.empty()) {
    AddText(root, "ContinuationToken", list.continuation_token);
  }
  for (const InventoryConfig& c : list.configs) {
    WriteConfigNode(root.append_child(std::string(kConfigRoot).c_str()), c, options.profile);
  }
  if (s3) {
    AddText(root, "IsTruncated", list.is_truncated ? "true" : "false");
    if (list.is_truncated) AddText(root, "NextContinuationToken", list.next_continuation_token);
  }
  return Serialize(doc, options);
}

}  // namespace stocktake::config
