// DaemonApi: the daemon's whole HTTP surface. It serves its own routes and
// hands every other request to the S3Api:
//   GET  /healthz                       200 "ok\n", no authentication
//   GET  /metrics                       Prometheus text format 0.0.4, no
//                                       authentication (metrics.h)
//   POST /_stocktake/run?bucket=B&id=ID runs a stored configuration now and
//                                       answers when the run ended (JSON);
//                                       SigV4-signed by the account owning B
// Bucket names cannot start with '_', so /_stocktake never meets an S3 path.
// Admin errors are S3 XML errors (NoSuchBucket, NoSuchConfiguration,
// AccessDenied, the SigV4 codes; ServiceUnavailable while stopping). Each
// request is counted in Metrics and logged as one line (base/log.h).
//
// Handle() is thread-safe. Everything passed in is borrowed and must outlive
// the DaemonApi.
#pragma once

#include <cstdint>
#include <string>

#include "base/clock.h"
#include "schedule/scheduler.h"
#include "server/estate.h"
#include "server/http_types.h"
#include "server/metrics.h"
#include "server/s3_api.h"
#include "server/sigv4_verifier.h"

namespace stocktake::server {

inline constexpr std::string_view kRunRoute = "/_stocktake/run";

class DaemonApi {
 public:
  DaemonApi(const S3Api* s3, const Estate* estate, const AccountRegistry* accounts,
            schedule::Scheduler* scheduler, Metrics* metrics, const Clock* clock)
      : s3_(s3),
        estate_(estate),
        scheduler_(scheduler),
        metrics_(metrics),
        verifier_(accounts, clock) {}

  HttpResponse Handle(const HttpRequest& request) const;

 private:
  Result<HttpResponse> RunNow(const HttpRequest& request) const;

  const S3Api* s3_;
  const Estate* estate_;
  schedule::Scheduler* scheduler_;
  Metrics* metrics_;
  SigV4Verifier verifier_;
};

// The JSON body of a finished run, as POST /_stocktake/run returns it:
// {"run_id":N,"bucket":"..","id":"..","status":"succeeded","objects":N,
//  "bytes":N,"report":"<manifest url>","error":""}
std::string RunRecordJson(const config::RunRecord& run);

}  // namespace stocktake::server
