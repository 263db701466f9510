#include "server/sigv4_verifier.h"

#include <openssl/crypto.h>

#include <charconv>
#include <vector>

#include "base/hash.h"
#include "base/time_util.h"
#include "server/s3_error.h"
#include "store/sigv4.h"

namespace stocktake::server {

struct SigV4Verifier::Claim {
  const Account* account = nullptr;
  store::SigV4Scope scope;
  std::string amz_date;  // 20150830T123600Z
  int64_t date_ms = 0;
  std::vector<std::string> signed_headers;  // lower-case, as listed
  std::string signature;
  std::string payload_hash;
  bool presigned = false;
  int64_t expires_s = 0;
};

namespace {

std::vector<std::string> Split(std::string_view text, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    const size_t at = text.find(sep, start);
    parts.emplace_back(text.substr(start, at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "AKID/20150830/us-east-1/s3/aws4_request" into the claim.
Status ParseCredential(std::string_view credential, const AccountRegistry& accounts,
                       std::string_view malformed_code, const Account** account,
                       store::SigV4Scope* scope) {
  std::vector<std::string> parts = Split(credential, '/');
  if (parts.size() != 5 || parts[4] != "aws4_request" || parts[1].size() != 8) {
    return S3Failure(malformed_code, "the credential '" + std::string(credential) +
                                         "' is not KEY/YYYYMMDD/REGION/SERVICE/aws4_request");
  }
  *account = accounts.FindByAccessKey(parts[0]);
  if (*account == nullptr) {
    return S3Failure("InvalidAccessKeyId",
                     "The AWS Access Key Id you provided does not exist in our records.");
  }
  *scope = store::SigV4Scope{parts[1], parts[2], parts[3]};
  return Status::OK();
}

Result<int64_t> ParseAmzDate(std::string_view text, std::string_view malformed_code) {
  Result<int64_t> ms = ParseTimestamp(text);
  if (!ms.ok()) return S3Failure(malformed_code, "bad request date '" + std::string(text) + "'");
  return *ms;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::string SigV4Verifier::ClaimedService(const HttpRequest& request) {
  std::string credential;
  if (std::optional<std::string> auth = request.Header("authorization")) {
    const size_t at = auth->find("Credential=");
    if (at != std::string::npos) credential = auth->substr(at + 11, auth->find(',', at) - at - 11);
  } else if (std::optional<std::string> q = request.Query("X-Amz-Credential")) {
    credential = *q;
  }
  std::vector<std::string> parts = Split(credential, '/');
  return parts.size() == 5 ? parts[3] : "s3";
}

Result<SigV4Verifier::Claim> SigV4Verifier::ParseAuthorizationHeader(
    const HttpRequest& request, const std::string& header) const {
  constexpr std::string_view kMalformed = "AuthorizationHeaderMalformed";
  const std::string prefix = std::string(store::kSigV4Algorithm) + " ";
  if (header.rfind(prefix, 0) != 0) {
    return S3Failure("InvalidRequest", "only AWS4-HMAC-SHA256 (SigV4) signatures are supported");
  }
  Claim claim;
  std::string credential, signed_headers;
  for (const std::string& part : Split(std::string_view(header).substr(prefix.size()), ',')) {
    std::string_view item = Trim(part);
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view name = item.substr(0, eq), value = item.substr(eq + 1);
    if (name == "Credential") credential = value;
    if (name == "SignedHeaders") signed_headers = value;
    if (name == "Signature") claim.signature = value;
  }
  if (credential.empty() || signed_headers.empty() || claim.signature.empty()) {
    return S3Failure(kMalformed,
                     "the authorization header needs Credential, SignedHeaders and "
                     "Signature");
  }
  RETURN_IF_ERROR(
      ParseCredential(credential, *accounts_, kMalformed, &claim.account, &claim.scope));
  claim.signed_headers = Split(signed_headers, ';');
  // The string to sign holds x-amz-date verbatim, or the Date header in ISO
  // 8601 basic form.
  std::optional<std::string> amz_date = request.Header("x-amz-date");
  std::optional<std::string> date = amz_date ? amz_date : request.Header("date");
  if (!date) {
    return S3Failure("AccessDenied",
                     "AWS authentication requires a valid Date or x-amz-date "
                     "header");
  }
  ASSIGN_OR_RETURN(claim.date_ms, ParseAmzDate(*date, kMalformed));
  claim.amz_date = amz_date ? *amz_date : FormatAmzDate(claim.date_ms);
  if (claim.scope.service == "s3") {
    std::optional<std::string> hash = request.Header("x-amz-content-sha256");
    if (!hash) {
      return S3Failure("InvalidRequest",
                       "Missing required header for this request: x-amz-content-sha256");
    }
    claim.payload_hash = *hash;
  } else {
    claim.payload_hash = Sha256Hex(request.body);
  }
  return claim;
}

Result<SigV4Verifier::Claim> SigV4Verifier::ParsePresignedQuery(const HttpRequest& request) const {
  constexpr std::string_view kMalformed = "AuthorizationQueryParametersError";
  Claim claim;
  claim.presigned = true;
  std::optional<std::string> algorithm = request.Query("X-Amz-Algorithm");
  std::optional<std::string> credential = request.Query("X-Amz-Credential");
  std::optional<std::string> date = request.Query("X-Amz-Date");
  std::optional<std::string> expires = request.Query("X-Amz-Expires");
  std::optional<std::string> signed_headers = request.Query("X-Amz-SignedHeaders");
  std::optional<std::string> signature = request.Query("X-Amz-Signature");
  if (!algorithm || !credential || !date || !expires || !signed_headers || !signature) {
    return S3Failure(kMalformed,
                     "Query-string authentication version 4 requires the "
                     "X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, "
                     "X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
  }
  if (*algorithm != store::kSigV4Algorithm) {
    return S3Failure(kMalformed, "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
  }
  RETURN_IF_ERROR(
      ParseCredential(*credential, *accounts_, kMalformed, &claim.account, &claim.scope));
  const auto [end, ec] =
      std::from_chars(expires->data(), expires->data() + expires->size(), claim.expires_s);
  if (ec != std::errc() || end != expires->data() + expires->size() || claim.expires_s < 1 ||
      claim.expires_s > 604800) {
    return S3Failure(kMalformed, "X-Amz-Expires must be between 1 and 604800 seconds");
  }
  claim.amz_date = *date;
  ASSIGN_OR_RETURN(claim.date_ms, ParseAmzDate(*date, kMalformed));
  claim.signed_headers = Split(*signed_headers, ';');
  claim.signature = *signature;
  claim.payload_hash =
      request.Header("x-amz-content-sha256").value_or(std::string(store::kUnsignedPayload));
  return claim;
}

Status SigV4Verifier::CheckSignature(const HttpRequest& request, const Claim& claim) const {
  if (claim.amz_date.substr(0, 8) != claim.scope.date) {
    return S3Failure("SignatureDoesNotMatch", "the credential scope date " + claim.scope.date +
                                                  " does not match the request date " +
                                                  claim.amz_date);
  }
  store::SigV4Request canonical;
  canonical.method = request.method;
  canonical.path = request.path;
  for (const auto& [name, value] : request.query) {
    if (claim.presigned && name == "X-Amz-Signature") continue;
    canonical.query.emplace_back(name, value);
  }
  for (const std::string& name : claim.signed_headers) {
    bool found = false;
    for (const auto& [header, value] : request.headers) {
      if (header != name) continue;
      canonical.headers.emplace_back(name, value);
      found = true;
    }
    if (!found) canonical.headers.emplace_back(name, "");
  }
  canonical.payload_hash = claim.payload_hash;
  const store::PathMode mode =
      claim.scope.service == "s3" ? store::PathMode::kS3 : store::PathMode::kNormalize;
  const std::string string_to_sign =
      store::StringToSign(claim.amz_date, claim.scope, store::CanonicalRequest(canonical, mode));
  const std::string expected = store::SignatureHex(
      store::SigningKey(claim.account->secret_access_key, claim.scope), string_to_sign);
  if (!ConstantTimeEquals(expected, claim.signature)) {
    return S3Failure("SignatureDoesNotMatch",
                     "The request signature we calculated does not match the signature you "
                     "provided. Check your key and signing method.");
  }
  return Status::OK();
}

Result<Caller> SigV4Verifier::Verify(const HttpRequest& request) const {
  std::optional<std::string> header = request.Header("authorization");
  const bool presigned = !header && request.HasQuery("X-Amz-Signature");
  if (!header && !presigned) return S3Failure("AccessDenied", "Access Denied");
  Claim claim;
  if (header) {
    ASSIGN_OR_RETURN(claim, ParseAuthorizationHeader(request, *header));
  } else {
    ASSIGN_OR_RETURN(claim, ParsePresignedQuery(request));
  }
  const int64_t now = clock_->NowMillis();
  if (claim.presigned && now > claim.date_ms + claim.expires_s * 1000) {
    return S3Failure("AccessDenied", "Request has expired");
  }
  if (claim.date_ms - now > kMaxSkewMs || (!claim.presigned && now - claim.date_ms > kMaxSkewMs)) {
    return S3Failure("RequestTimeTooSkewed",
                     "The difference between the request time and the current time is too "
                     "large.");
  }
  RETURN_IF_ERROR(CheckSignature(request, claim));
  if (claim.payload_hash.rfind("STREAMING-", 0) == 0) {
    return S3Failure("NotImplemented",
                     "aws-chunked (" + claim.payload_hash + ") uploads are not supported");
  }
  if (claim.payload_hash != store::kUnsignedPayload &&
      claim.payload_hash != Sha256Hex(request.body)) {
    return S3Failure("XAmzContentSHA256Mismatch",
                     "The provided 'x-amz-content-sha256' header does not match what was "
                     "computed.");
  }
  return Caller{claim.account, claim.scope.service, claim.scope.region};
}

}  // namespace stocktake::server
