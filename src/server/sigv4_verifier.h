// SigV4Verifier: authenticates incoming requests the way S3 and STS do, with
// AWS Signature Version 4 in the Authorization header or in a presigned
// query (X-Amz-Signature). It rebuilds the canonical request from the
// request as received and re-signs it with the secret of the account that
// owns the access key (store/sigv4.h), then checks the payload hash.
//
// Failures are S3Failure statuses (s3_error.h):
//   no signature at all                          403 AccessDenied
//   unknown access key                           403 InvalidAccessKeyId
//   signature mismatch (wrong secret, tampering) 403 SignatureDoesNotMatch
//   request date more than 15 minutes off        403 RequestTimeTooSkewed
//   presigned URL past X-Amz-Expires             403 AccessDenied
//   malformed Authorization / presign query      400
//   AuthorizationHeaderMalformed /
//                                                    AuthorizationQueryParametersError
//   body not matching x-amz-content-sha256       400 XAmzContentSHA256Mismatch
//   aws-chunked (STREAMING-*) payloads           501 NotImplemented
// The region in the credential scope is not compared with the bucket's: the
// signature already covers it, and clients pointed at a custom endpoint sign
// with whatever region they were configured with.
//
// Immutable; thread-safe. The registry and the clock must outlive it.
#pragma once

#include <cstdint>
#include <string>

#include "base/clock.h"
#include "base/status.h"
#include "server/accounts.h"
#include "server/http_types.h"

namespace stocktake::server {

// Who signed a request, and for which service.
struct Caller {
  const Account* account = nullptr;
  std::string service;  // "s3", "sts"
  std::string region;   // from the credential scope
};

class SigV4Verifier {
 public:
  static constexpr int64_t kMaxSkewMs = 15 * 60 * 1000;

  SigV4Verifier(const AccountRegistry* accounts, const Clock* clock)
      : accounts_(accounts), clock_(clock) {}

  // The caller of `request`, or the S3Failure above. The request's body must
  // be complete (its hash is checked).
  Result<Caller> Verify(const HttpRequest& request) const;

  // Just the service named in the request's credential scope ("s3" when
  // there is none), to pick the error format before verification.
  static std::string ClaimedService(const HttpRequest& request);

 private:
  struct Claim;
  Result<Claim> ParseAuthorizationHeader(const HttpRequest& request,
                                         const std::string& header) const;
  Result<Claim> ParsePresignedQuery(const HttpRequest& request) const;
  Status CheckSignature(const HttpRequest& request, const Claim& claim) const;

  const AccountRegistry* accounts_;
  const Clock* clock_;
};

}  // namespace stocktake::server
