#include "store/s3_xml.h"

#include <algorithm>
#include <pugixml.hpp>

#include "base/time_util.h"
#include "base/url.h"

namespace stocktake::store {
namespace {

// Entities only: no end-of-line normalisation (a key may hold "\r\n"), no
// attribute whitespace rules (S3 listings carry no attributes we read).
constexpr unsigned kParseOptions = pugi::parse_escapes;

constexpr char kS3Namespace[] = "http://s3.amazonaws.com/doc/2006-03-01/";

Result<pugi::xml_node> LoadRoot(pugi::xml_document* doc, std::string_view body,
                                const char* expected_root) {
  pugi::xml_parse_result parsed =
      doc->load_buffer(body.data(), body.size(), kParseOptions, pugi::encoding_utf8);
  if (!parsed) {
    return Corruption(std::string("malformed ") + expected_root + " XML: " + parsed.description());
  }
  pugi::xml_node root = doc->document_element();
  if (std::string_view(root.name()) != expected_root) {
    return Corruption(std::string("expected <") + expected_root + "> but got <" + root.name() + ">");
  }
  return root;
}

std::string Text(pugi::xml_node node, const char* child) {
  return node.child(child).text().as_string();
}

// Decodes a field of a url-encoded listing; keeps the raw text if malformed.
std::string Field(pugi::xml_node node, const char* child, bool url_encoded) {
  std::string raw = Text(node, child);
  if (!url_encoded) return raw;
  Result<std::string> decoded = UrlDecode(raw, /*plus_is_space=*/true);
  return decoded.ok() ? *decoded : raw;
}

Result<int64_t> Millis(pugi::xml_node node, const char* child) {
  std::string text = Text(node, child);
  if (text.empty()) return int64_t{0};
  return ParseTimestamp(text);
}

bool IsUrlEncoded(pugi::xml_node root) { return Text(root, "EncodingType") == "url"; }

// Fields shared by <Contents>, <Version> and <DeleteMarker>. One pass over
// the children: looking each field up by name cost more than the parse.
// Fills `*out` in place (no temporaries: moving ObjectInfo around was 10% of
// the parse).
Status ParseEntry(pugi::xml_node node, bool url_encoded, ObjectInfo* out) {
  ObjectInfo& info = *out;
  bool has_size = false;
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    std::string_view name = c.name();
    const char* text = c.child_value();
    if (name == "Key") {
      info.key = text;
      if (url_encoded) {
        Result<std::string> decoded = UrlDecode(info.key, /*plus_is_space=*/true);
        if (decoded.ok()) info.key = std::move(decoded).value();  // else keep the raw text
      }
    } else if (name == "Size") {
      has_size = true;
      info.size = c.text().as_llong(0);
    } else if (name == "LastModified") {
      if (*text != '\0') {
        ASSIGN_OR_RETURN(info.last_modified_ms, ParseTimestamp(text));
      }
    } else if (name == "ETag") {
      info.etag = StripQuotes(text);
    } else if (name == "StorageClass") {
      info.storage_class = text;
    } else if (name == "Owner") {
      info.owner_id = c.child("ID").text().as_string();
    } else if (name == "ChecksumAlgorithm" && info.checksum_algorithm.empty()) {
      info.checksum_algorithm = text;
    }
  }
  if (info.storage_class.empty() && has_size) info.storage_class = "STANDARD";
  return Status::OK();
}

}  // namespace

std::string StripQuotes(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return std::string(etag);
}

std::optional<S3Error> ParseS3Error(std::string_view body) {
  if (body.empty()) return std::nullopt;
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) return std::nullopt;
  pugi::xml_node root = doc.document_element();
  if (std::string_view(root.name()) != "Error") return std::nullopt;
  return S3Error{Text(root, "Code"), Text(root, "Message")};
}

Code S3ErrorToCode(std::string_view c, int http_status) {
  if (c == "NoSuchKey" || c == "NoSuchBucket" || c == "NoSuchUpload" || c == "NotFound" ||
      c == "NoSuchVersion") {
    return Code::kNotFound;
  }
  if (c == "AccessDenied" || c == "InvalidAccessKeyId" || c == "SignatureDoesNotMatch" ||
      c == "AllAccessDisabled" || c == "ExpiredToken" || c == "InvalidToken" ||
      c == "AccountProblem" || c == "RequestTimeTooSkewed") {
    return Code::kPermissionDenied;
  }
  if (c == "SlowDown" || c == "InternalError" || c == "ServiceUnavailable" ||
      c == "RequestTimeout" || c == "Throttling" || c == "ThrottlingException" ||
      c == "RequestLimitExceeded" || c == "OperationAborted") {
    return Code::kUnavailable;
  }
  if (c == "BucketAlreadyExists" || c == "BucketAlreadyOwnedByYou") return Code::kAlreadyExists;
  if (c == "BucketNotEmpty" || c == "PreconditionFailed" || c == "InvalidBucketState") {
    return Code::kFailedPrecondition;
  }
  if (c == "InvalidRange" || c == "InvalidArgument" || c == "InvalidBucketName" ||
      c == "KeyTooLongError" || c == "EntityTooSmall" || c == "EntityTooLarge" ||
      c == "InvalidPart" || c == "InvalidPartOrder" || c == "MalformedXML" ||
      c == "InvalidLocationConstraint" || c == "IllegalLocationConstraintException") {
    return Code::kInvalidArgument;
  }
  if (http_status == 404) return Code::kNotFound;
  if (http_status == 401 || http_status == 403) return Code::kPermissionDenied;
  if (http_status == 408 || http_status == 429 || http_status >= 500) return Code::kUnavailable;
  if (http_status == 409) return Code::kAlreadyExists;
  if (http_status == 412) return Code::kFailedPrecondition;
  if (http_status == 400 || http_status == 416) return Code::kInvalidArgument;
  return Code::kIOError;
}

namespace {
// HEAD responses carry no error body, so the status line is all there is.
std::string_view ReasonPhrase(int http_status) {
  switch (http_status) {
    case 400: return " Bad Request";
    case 401: return " Unauthorized";
    case 403: return " Forbidden";
    case 404: return " Not Found";
    case 405: return " Method Not Allowed";
    case 409: return " Conflict";
    case 412: return " Precondition Failed";
    case 416: return " Range Not Satisfiable";
    case 500: return " Internal Server Error";
    case 503: return " Service Unavailable";
    default: return "";
  }
}
}  // namespace

Status S3ErrorStatus(std::string_view op_target, int http_status, const S3Error& error) {
  std::string msg(op_target);
  msg += ": ";
  if (error.code.empty()) {
    msg += "HTTP " + std::to_string(http_status);
    msg += ReasonPhrase(http_status);
  } else {
    msg += error.code + " (" + std::to_string(http_status) + ')';
  }
  if (!error.message.empty()) {
    msg += ": ";
    msg += error.message;
  }
  return Status(S3ErrorToCode(error.code, http_status), std::move(msg));
}

Result<std::vector<BucketInfo>> ParseListBuckets(std::string_view body) {
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root, LoadRoot(&doc, body, "ListAllMyBucketsResult"));
  std::vector<BucketInfo> out;
  for (pugi::xml_node b : root.child("Buckets").children("Bucket")) {
    BucketInfo info;
    info.name = Text(b, "Name");
    ASSIGN_OR_RETURN(info.creation_ms, Millis(b, "CreationDate"));
    out.push_back(std::move(info));
  }
  return out;
}

Result<ListPage> ParseListObjectsV2(std::string_view body) {
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root, LoadRoot(&doc, body, "ListBucketResult"));
  bool encoded = IsUrlEncoded(root);
  ListPage page;
  size_t entries = 0;
  for ([[maybe_unused]] pugi::xml_node c : root.children("Contents")) ++entries;
  page.objects.reserve(entries);
  for (pugi::xml_node c : root.children("Contents")) {
    RETURN_IF_ERROR(ParseEntry(c, encoded, &page.objects.emplace_back()));
  }
  for (pugi::xml_node p : root.children("CommonPrefixes")) {
    page.common_prefixes.push_back(Field(p, "Prefix", encoded));
  }
  if (root.child("IsTruncated").text().as_bool()) {
    // Quirk (RGW): the token is the raw last key, so control characters come
    // as references XML 1.0 forbids (&#x01;); pugixml accepts them.
    page.next_token = Text(root, "NextContinuationToken");
    if (page.next_token.empty()) return Corruption("truncated listing without NextContinuationToken");
  }
  return page;
}

Result<VersionPage> ParseListObjectVersions(std::string_view body) {
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root, LoadRoot(&doc, body, "ListVersionsResult"));
  bool encoded = IsUrlEncoded(root);
  VersionPage page;
  for (pugi::xml_node n : root.children()) {
    std::string_view name = n.name();
    if (name != "Version" && name != "DeleteMarker") continue;
    ObjectInfo& info = page.versions.emplace_back();
    RETURN_IF_ERROR(ParseEntry(n, encoded, &info));
    info.version_id = Text(n, "VersionId");
    info.is_latest = n.child("IsLatest").text().as_bool();
    info.is_delete_marker = name == "DeleteMarker";
  }
  // Servers may group versions and delete markers; restore key order and
  // newest-first within a key, keeping document order for equal times.
  std::stable_sort(page.versions.begin(), page.versions.end(),
                   [](const ObjectInfo& a, const ObjectInfo& b) {
                     if (a.key != b.key) return a.key < b.key;
                     return a.last_modified_ms > b.last_modified_ms;
                   });
  page.truncated = root.child("IsTruncated").text().as_bool();
  if (page.truncated) {
    page.next_key_marker = Field(root, "NextKeyMarker", encoded);
    page.next_version_id_marker = Text(root, "NextVersionIdMarker");
  }
  return page;
}

Result<ObjectAcl> ParseAccessControlPolicy(std::string_view body) {
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root, LoadRoot(&doc, body, "AccessControlPolicy"));
  ObjectAcl acl;
  acl.owner_id = root.child("Owner").child("ID").text().as_string();
  for (pugi::xml_node grant : root.child("AccessControlList").children("Grant")) {
    pugi::xml_node grantee = grant.child("Grantee");
    AclGrant g;
    // The type is an xsi:type attribute; match any namespace prefix.
    for (pugi::xml_attribute attr : grantee.attributes()) {
      std::string_view name = attr.name();
      if (name == "type" || name.ends_with(":type")) g.type = attr.as_string();
    }
    g.id = Text(grantee, "ID");
    g.uri = Text(grantee, "URI");
    g.email = Text(grantee, "EmailAddress");
    g.permission = Text(grant, "Permission");
    if (g.type.empty() || g.permission.empty()) {
      return Corruption("AccessControlPolicy: a <Grant> without grantee type or permission");
    }
    acl.grants.push_back(std::move(g));
  }
  return acl;
}

Result<std::string> ParseBucketLocation(std::string_view body) {
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root, LoadRoot(&doc, body, "LocationConstraint"));
  std::string region = root.text().as_string();
  return region.empty() ? std::string("us-east-1") : region;
}

Result<std::string> ParseUploadId(std::string_view body) {
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root, LoadRoot(&doc, body, "InitiateMultipartUploadResult"));
  std::string id = Text(root, "UploadId");
  if (id.empty()) return Corruption("InitiateMultipartUploadResult without UploadId");
  return id;
}

namespace {
std::string Render(const pugi::xml_document& doc) {
  struct Writer : pugi::xml_writer {
    std::string out;
    void write(const void* data, size_t size) override {
      out.append(static_cast<const char*>(data), size);
    }
  } writer;
  doc.save(writer, "", pugi::format_raw | pugi::format_no_declaration);
  return writer.out;
}
}  // namespace

std::string CreateBucketBody(std::string_view location_constraint) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("CreateBucketConfiguration");
  root.append_attribute("xmlns") = kS3Namespace;
  root.append_child("LocationConstraint").text() = std::string(location_constraint).c_str();
  return Render(doc);
}

std::string VersioningBody(bool enabled) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("VersioningConfiguration");
  root.append_attribute("xmlns") = kS3Namespace;
  root.append_child("Status").text() = enabled ? "Enabled" : "Suspended";
  return Render(doc);
}

std::string CompleteMultipartBody(const std::vector<std::string>& part_etags) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("CompleteMultipartUpload");
  root.append_attribute("xmlns") = kS3Namespace;
  for (size_t i = 0; i < part_etags.size(); ++i) {
    pugi::xml_node part = root.append_child("Part");
    part.append_child("PartNumber").text() = static_cast<long long>(i + 1);
    part.append_child("ETag").text() = ("\"" + StripQuotes(part_etags[i]) + "\"").c_str();
  }
  return Render(doc);
}

}  // namespace stocktake::store
