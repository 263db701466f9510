#include "config/validate.h"

#include <algorithm>
#include <cctype>

#include "config/config_error.h"

namespace stocktake::config {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLowerAlnum(char c) { return IsDigit(c) || (c >= 'a' && c <= 'z'); }

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Four dot-separated groups of 1-3 digits.
bool LooksLikeIpv4(std::string_view name) {
  size_t start = 0;
  for (int i = 0; i < 4; ++i) {
    size_t end = i < 3 ? name.find('.', start) : name.size();
    if (end == std::string_view::npos) return false;
    std::string_view group = name.substr(start, end - start);
    if (group.empty() || group.size() > 3 || !std::all_of(group.begin(), group.end(), IsDigit)) {
      return false;
    }
    start = end + 1;
  }
  return true;
}

std::string Quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

Status ValidateBucket(const Destination& d, Profile profile) {
  if (profile == Profile::kS3 && d.bucket_arn.empty()) {
    return BadValue("Destination Bucket " + Quoted(d.bucket) +
                    " must be an ARN such as arn:aws:s3:::" + d.bucket);
  }
  if (!d.bucket_arn.empty() && d.bucket.empty()) {
    return BadValue("Destination Bucket " + Quoted(d.bucket_arn) +
                    " is not an S3 bucket ARN (arn:aws:s3:::<name>)");
  }
  if (!IsValidBucketName(d.bucket)) {
    return BadValue("Destination Bucket " + Quoted(d.bucket) + " is not a valid bucket name");
  }
  return Status::OK();
}

Status ValidateObsOnly(const InventoryConfig& c) {
  const Destination& d = c.destination;
  if (d.format != ReportFormat::kCsv) {
    return BadValue("OBS supports only CSV inventories, not " +
                    std::string(ReportFormatName(d.format)));
  }
  if (d.encryption.kind == EncryptionKind::kSseS3) {
    return BadValue("OBS encrypts inventories only with SSE-KMS, not SSE-S3");
  }
  if (d.account_id) return BadValue("OBS inventory destinations have no AccountId");
  for (InventoryField f : c.optional_fields) {
    if (!IsObsOptionalField(f)) {
      return BadValue("OBS does not support OptionalFields/Field " + Quoted(FieldName(f)));
    }
  }
  return Status::OK();
}

}  // namespace

bool IsValidConfigId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

bool IsValidBucketName(std::string_view name) {
  if (name.size() < 3 || name.size() > 63) return false;
  if (!IsLowerAlnum(name.front()) || !IsLowerAlnum(name.back())) return false;
  for (char c : name) {
    if (!IsLowerAlnum(c) && c != '.' && c != '-') return false;
  }
  if (name.find("..") != std::string_view::npos || LooksLikeIpv4(name)) return false;
  return !StartsWith(name, "xn--") && !StartsWith(name, "sthree-") &&
         !EndsWith(name, "-s3alias") && !EndsWith(name, "--ol-s3");
}

int MaxConfigsPerBucket(Profile profile) { return profile == Profile::kObs ? 10 : 1000; }

Status ValidateConfig(const InventoryConfig& c, Profile profile, std::string_view expected_id) {
  if (!IsValidConfigId(c.id)) {
    return BadValue("Id " + Quoted(c.id) +
                    " must be 1 to 64 characters from letters, digits, '.', '_' and '-'");
  }
  if (!expected_id.empty() && c.id != expected_id) {
    return BadValue("Id " + Quoted(c.id) + " in the body differs from the id " +
                    Quoted(expected_id) + " of the request");
  }
  const Destination& d = c.destination;
  RETURN_IF_ERROR(ValidateBucket(d, profile));
  if (d.account_id &&
      (d.account_id->size() != 12 || !std::all_of(d.account_id->begin(), d.account_id->end(), IsDigit))) {
    return BadValue("Destination AccountId " + Quoted(*d.account_id) + " must be 12 digits");
  }
  if (d.encryption.kind == EncryptionKind::kSseKms && d.encryption.kms_key_id.empty()) {
    return BadValue("SSE-KMS encryption needs a KeyId");
  }
  for (InventoryField f : c.optional_fields) {
    if (!IsOptionalField(f)) {
      return MalformedXml("unknown OptionalFields/Field " + Quoted(FieldName(f)));
    }
  }
  if (profile == Profile::kObs) RETURN_IF_ERROR(ValidateObsOnly(c));
  return Status::OK();
}

ConfigSummary Summarize(const InventoryConfig& config) {
  return ConfigSummary{config.id, config.filter_prefix};
}

Status ValidateAgainstExisting(const ConfigSummary& incoming,
                               const std::vector<ConfigSummary>& existing, Profile profile) {
  std::vector<const ConfigSummary*> others;
  for (const ConfigSummary& e : existing) {
    if (e.id != incoming.id) others.push_back(&e);
  }
  int limit = MaxConfigsPerBucket(profile);
  if (static_cast<int>(others.size()) >= limit) {
    return ConfigError(profile == Profile::kObs ? S3ErrorCode::kInventoryCountOverLimit
                                                : S3ErrorCode::kTooManyConfigurations,
                       "the bucket already holds " + std::to_string(others.size()) +
                           " inventory configurations, the limit is " + std::to_string(limit));
  }
  if (profile != Profile::kObs) return Status::OK();
  std::string mine = incoming.filter_prefix.value_or("");
  for (const ConfigSummary* other : others) {
    std::string theirs = other->filter_prefix.value_or("");
    if (StartsWith(mine, theirs) || StartsWith(theirs, mine)) {
      auto describe = [](const std::string& p) {
        return p.empty() ? std::string("the whole bucket") : "prefix " + Quoted(p);
      };
      return ConfigError(S3ErrorCode::kPrefixExistInclusionRelationship,
                         "filter " + describe(mine) + " of " + Quoted(incoming.id) +
                             " overlaps " + describe(theirs) + " of " + Quoted(other->id));
    }
  }
  return Status::OK();
}

Status ValidateDestination(const InventoryConfig& config, std::string_view source_bucket,
                           const BucketDirectory& directory, Profile profile) {
  const Destination& d = config.destination;
  Result<BucketFacts> source = directory.Describe(source_bucket);
  if (!source.ok()) return source.status().WithContext("describe source bucket");
  Result<BucketFacts> dest = directory.Describe(d.bucket);
  if (!dest.ok() && dest.status().code() == Code::kNotFound) {
    return BadValue("destination bucket " + Quoted(d.bucket) + " does not exist");
  }
  if (!dest.ok()) return dest.status().WithContext("describe destination bucket");
  if (!source->region.empty() && !dest->region.empty() && source->region != dest->region) {
    return BadValue("destination bucket " + Quoted(d.bucket) + " is in region " +
                    Quoted(dest->region) + ", not in the source's region " +
                    Quoted(source->region));
  }
  if (profile == Profile::kS3) {
    if (d.account_id && !dest->owner_account.empty() && *d.account_id != dest->owner_account) {
      return BadValue("destination bucket " + Quoted(d.bucket) + " is not owned by account " +
                      Quoted(*d.account_id));
    }
    return Status::OK();
  }
  if (!source->owner_account.empty() && !dest->owner_account.empty() &&
      source->owner_account != dest->owner_account) {
    return BadValue("OBS needs destination bucket " + Quoted(d.bucket) +
                    " in the source bucket's account");
  }
  if (dest->default_encryption) {
    return BadValue("OBS needs destination bucket " + Quoted(d.bucket) +
                    " without default encryption");
  }
  return Status::OK();
}

}  // namespace stocktake::config
