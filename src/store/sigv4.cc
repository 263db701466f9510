#include "store/sigv4.h"

#include <algorithm>
#include <cassert>
#include <map>

#include "base/hash.h"
#include "base/time_util.h"
#include "base/url.h"

namespace stocktake::store {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Trims and collapses runs of spaces and tabs to one space.
std::string TrimAll(std::string_view v) {
  std::string out;
  bool pending_space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

// Name -> comma-joined values, sorted by lowercase name.
std::map<std::string, std::string> HeaderMap(const KeyValues& headers) {
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : headers) {
    auto [it, inserted] = out.emplace(Lower(name), TrimAll(value));
    if (!inserted) {
      it->second += ',';
      it->second += TrimAll(value);
    }
  }
  return out;
}

// Removes "." and empty segments and resolves ".."; keeps a trailing slash.
std::string NormalizePath(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t next = path.find('/', pos);
    if (next == std::string_view::npos) next = path.size();
    std::string_view seg = path.substr(pos, next - pos);
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segments.push_back(seg);
    }
    pos = next + 1;
  }
  std::string out = "/";
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out += '/';
    out += segments[i];
  }
  if (!segments.empty() && !path.empty() && path.back() == '/') out += '/';
  return out;
}

}  // namespace

std::string SigV4Scope::ToString() const {
  return date + "/" + region + "/" + service + "/aws4_request";
}

std::string CanonicalUri(std::string_view path, PathMode mode) {
  if (path.empty()) return "/";
  if (mode == PathMode::kNormalize) return UriEncode(NormalizePath(path), /*keep_slash=*/true);
  return UriEncode(path, /*keep_slash=*/true);
}

std::string CanonicalQueryString(const KeyValues& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) {
    encoded.emplace_back(UriEncode(name, false), UriEncode(value, false));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out += '&';
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

std::string CanonicalHeaders(const KeyValues& headers) {
  std::string out;
  for (const auto& [name, value] : HeaderMap(headers)) {
    out += name;
    out += ':';
    out += value;
    out += '\n';
  }
  return out;
}

std::string SignedHeaderList(const KeyValues& headers) {
  std::string out;
  for (const auto& entry : HeaderMap(headers)) {
    if (!out.empty()) out += ';';
    out += entry.first;
  }
  return out;
}

std::string CanonicalRequest(const SigV4Request& request, PathMode mode) {
  std::string out = request.method;
  out += '\n';
  out += CanonicalUri(request.path, mode);
  out += '\n';
  out += CanonicalQueryString(request.query);
  out += '\n';
  out += CanonicalHeaders(request.headers);
  out += '\n';
  out += SignedHeaderList(request.headers);
  out += '\n';
  out += request.payload_hash;
  return out;
}

std::string StringToSign(std::string_view amz_date, const SigV4Scope& scope,
                         std::string_view canonical_request) {
  std::string out(kSigV4Algorithm);
  out += '\n';
  out += amz_date;
  out += '\n';
  out += scope.ToString();
  out += '\n';
  out += Sha256Hex(canonical_request);
  return out;
}

std::string SigningKey(std::string_view secret_access_key, const SigV4Scope& scope) {
  std::string k = HmacSha256("AWS4" + std::string(secret_access_key), scope.date);
  k = HmacSha256(k, scope.region);
  k = HmacSha256(k, scope.service);
  return HmacSha256(k, "aws4_request");
}

std::string SignatureHex(std::string_view signing_key, std::string_view string_to_sign) {
  return HexLower(HmacSha256(signing_key, string_to_sign));
}

std::string AuthorizationHeader(std::string_view access_key_id, const SigV4Scope& scope,
                                std::string_view signed_headers, std::string_view signature_hex) {
  std::string out(kSigV4Algorithm);
  out += " Credential=";
  out += access_key_id;
  out += '/';
  out += scope.ToString();
  out += ", SignedHeaders=";
  out += signed_headers;
  out += ", Signature=";
  out += signature_hex;
  return out;
}

SigV4Signer::SigV4Signer(Credentials credentials, std::string region, std::string service,
                         PathMode mode)
    : credentials_(std::move(credentials)),
      region_(std::move(region)),
      service_(std::move(service)),
      mode_(mode) {}

SigV4Scope SigV4Signer::ScopeAt(int64_t now_ms) const {
  return SigV4Scope{FormatDateStamp(now_ms), region_, service_};
}

void SigV4Signer::Sign(int64_t now_ms, SigV4Request* request) const {
  SigV4Scope scope = ScopeAt(now_ms);
  std::string amz_date = FormatAmzDate(now_ms);
  request->headers.emplace_back("x-amz-date", amz_date);
  if (service_ == "s3") request->headers.emplace_back("x-amz-content-sha256", request->payload_hash);
  if (!credentials_.session_token.empty()) {
    request->headers.emplace_back("x-amz-security-token", credentials_.session_token);
  }
  std::string sts = StringToSign(amz_date, scope, CanonicalRequest(*request, mode_));
  std::string signature = SignatureHex(SigningKey(credentials_.secret_access_key, scope), sts);
  request->headers.emplace_back(
      "Authorization", AuthorizationHeader(credentials_.access_key_id, scope,
                                           SignedHeaderList(request->headers), signature));
}

std::string SigV4Signer::PresignQuery(int64_t now_ms, int64_t expires_seconds,
                                      SigV4Request request) const {
  assert(expires_seconds >= 1 && expires_seconds <= 604800);
  SigV4Scope scope = ScopeAt(now_ms);
  std::string amz_date = FormatAmzDate(now_ms);
  request.payload_hash = std::string(kUnsignedPayload);
  request.query.emplace_back("X-Amz-Algorithm", std::string(kSigV4Algorithm));
  request.query.emplace_back("X-Amz-Credential", credentials_.access_key_id + "/" + scope.ToString());
  request.query.emplace_back("X-Amz-Date", amz_date);
  request.query.emplace_back("X-Amz-Expires", std::to_string(expires_seconds));
  request.query.emplace_back("X-Amz-SignedHeaders", SignedHeaderList(request.headers));
  if (!credentials_.session_token.empty()) {
    request.query.emplace_back("X-Amz-Security-Token", credentials_.session_token);
  }
  std::string sts = StringToSign(amz_date, scope, CanonicalRequest(request, mode_));
  std::string signature = SignatureHex(SigningKey(credentials_.secret_access_key, scope), sts);
  return CanonicalQueryString(request.query) + "&X-Amz-Signature=" + signature;
}

}  // namespace stocktake::store
