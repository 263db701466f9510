// S3Api: one S3/STS request in, one response out. It authenticates the
// request (SigV4Verifier), picks the operation from method, path and query
// (path-style addressing: /{bucket}?subresource), runs its handler
// (handlers.h) and turns any failure into the S3 XML error body, or the STS
// <ErrorResponse> when the request was signed for STS. Operations it does
// not know get 501 NotImplemented.
//
// Transport-free: HttpServer feeds it, tests may call it directly. Handle()
// is thread-safe; the estate, config store, accounts and clock are borrowed
// and must outlive the S3Api.
#pragma once

#include <string>

#include "base/clock.h"
#include "config/config_store.h"
#include "server/accounts.h"
#include "server/estate.h"
#include "server/http_types.h"
#include "server/sigv4_verifier.h"

namespace stocktake::server {

class S3Api {
 public:
  S3Api(const Estate* estate, config::ConfigStore* configs, const AccountRegistry* accounts,
        const Clock* clock)
      : estate_(estate), configs_(configs), verifier_(accounts, clock) {}

  // The response to `request`. `operation` (may be null) receives the S3 or
  // STS operation name ("ListBuckets") once the request is authenticated and
  // routed; it is left alone otherwise.
  HttpResponse Handle(const HttpRequest& request, std::string* operation = nullptr) const;

  // The error response for a request that failed before reaching Handle()
  // (e.g. a body over the size limit), in the format of its service.
  static HttpResponse ErrorResponse(const HttpRequest& request, const Status& status);

 private:
  const Estate* estate_;
  config::ConfigStore* configs_;
  SigV4Verifier verifier_;
};

}  // namespace stocktake::server
