// AWS Signature Version 4, split into the steps AWS documents so the same
// code signs S3Store's requests and (later) verifies incoming ones: canonical
// URI, canonical query, canonical headers, canonical request, string to sign,
// signing key, signature, Authorization header, presigned-URL query.
//
// Inputs are *decoded* (a path with raw UTF-8 and spaces, query names and
// values as the caller means them); every function encodes exactly once.
// S3 neither normalizes paths nor double-encodes them (PathMode::kS3);
// other services remove dot segments and duplicate slashes first
// (PathMode::kNormalize), which is what the generic AWS test suite expects.
// Reference: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
//
// All functions are pure and thread-safe; SigV4Signer is immutable.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/credentials.h"

namespace stocktake::store {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::string_view kSigV4Algorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
// Hex SHA-256 of the empty string.
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

enum class PathMode { kS3, kNormalize };

// One request as SigV4 sees it. `headers` are exactly the headers to sign
// (any case, duplicates allowed and joined in order); `host` must be one.
struct SigV4Request {
  std::string method;
  std::string path = "/";  // decoded
  KeyValues query;         // decoded, any order
  KeyValues headers;
  std::string payload_hash = std::string(kEmptyPayloadSha256);  // hex, or UNSIGNED-PAYLOAD
};

// The scope "20150830/us-east-1/service/aws4_request".
struct SigV4Scope {
  std::string date;  // YYYYMMDD
  std::string region;
  std::string service;
  std::string ToString() const;
};

std::string CanonicalUri(std::string_view path, PathMode mode);
std::string CanonicalQueryString(const KeyValues& query);
// Lowercased, trimmed, inner whitespace runs collapsed, sorted by name; the
// block ends with a newline as the canonical request requires.
std::string CanonicalHeaders(const KeyValues& headers);
// "host;x-amz-date" for the same headers.
std::string SignedHeaderList(const KeyValues& headers);
std::string CanonicalRequest(const SigV4Request& request, PathMode mode);
std::string StringToSign(std::string_view amz_date, const SigV4Scope& scope,
                         std::string_view canonical_request);
// Raw 32-byte key: HMAC chain over date, region, service, "aws4_request".
std::string SigningKey(std::string_view secret_access_key, const SigV4Scope& scope);
std::string SignatureHex(std::string_view signing_key, std::string_view string_to_sign);
std::string AuthorizationHeader(std::string_view access_key_id, const SigV4Scope& scope,
                                std::string_view signed_headers, std::string_view signature_hex);

// Signs requests for one identity, region and service.
class SigV4Signer {
 public:
  SigV4Signer(Credentials credentials, std::string region, std::string service = "s3",
              PathMode mode = PathMode::kS3);

  // Adds x-amz-date, x-amz-content-sha256 (service "s3" only),
  // x-amz-security-token (with a session token) and finally Authorization
  // to request->headers. REQUIRES: request->headers holds "host" and no
  // Authorization.
  void Sign(int64_t now_ms, SigV4Request* request) const;

  // The full query string of a presigned URL (request->query plus the
  // X-Amz-* parameters and X-Amz-Signature), payload UNSIGNED-PAYLOAD.
  // REQUIRES: request.headers holds "host"; 1 <= expires_seconds <= 604800.
  std::string PresignQuery(int64_t now_ms, int64_t expires_seconds, SigV4Request request) const;

  const Credentials& credentials() const { return credentials_; }
  const std::string& region() const { return region_; }

 private:
  SigV4Scope ScopeAt(int64_t now_ms) const;

  Credentials credentials_;
  std::string region_;
  std::string service_;
  PathMode mode_;
};

}  // namespace stocktake::store
