#include "cli/remote_run.h"

#include <simdjson.h>

#include <cstdio>

#include "base/clock.h"
#include "base/url.h"
#include "cli/progress.h"
#include "store/credentials.h"
#include "store/http_client.h"
#include "store/sigv4.h"

namespace stocktake::cli {
namespace {

// The text of <Tag>...</Tag> in an S3 error body, or "".
std::string XmlText(const std::string& body, const std::string& tag) {
  const size_t open = body.find("<" + tag + ">");
  if (open == std::string::npos) return "";
  const size_t start = open + tag.size() + 2;
  const size_t close = body.find("</" + tag + ">", start);
  return close == std::string::npos ? "" : body.substr(start, close - start);
}

Status ErrorFromResponse(const std::string& what, const store::HttpResponse& response) {
  const std::string code = XmlText(response.body, "Code");
  const std::string message = XmlText(response.body, "Message");
  const std::string text = what + ": " + (code.empty() ? "HTTP " + std::to_string(response.status)
                                                       : code) +
                           (message.empty() ? "" : " (" + message + ")");
  if (response.status == 404) return NotFound(text);
  if (response.status == 403) return PermissionDenied(text);
  if (response.status == 400) return InvalidArgument(text);
  if (response.status == 503) return Unavailable(text);
  return Internal(text);
}

Status PrintRun(const std::string& what, const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element run;
  if (parser.parse(body).get(run) != simdjson::SUCCESS) {
    return Internal(what + ": the daemon's answer is not JSON");
  }
  std::string_view status, report, error;
  int64_t objects = 0, bytes = 0;
  if (run["status"].get(status) != simdjson::SUCCESS ||
      run["report"].get(report) != simdjson::SUCCESS ||
      run["error"].get(error) != simdjson::SUCCESS ||
      run["objects"].get(objects) != simdjson::SUCCESS ||
      run["bytes"].get(bytes) != simdjson::SUCCESS) {
    return Internal(what + ": the daemon's answer lacks the run's fields");
  }
  if (status == "cancelled") return Unavailable(what + ": cancelled (" + std::string(error) + ")");
  if (status != "succeeded") return Internal(what + " failed: " + std::string(error));
  std::printf("%s: %lld objects, %s -> %s\n", what.c_str(), static_cast<long long>(objects),
              HumanBytes(bytes).c_str(), std::string(report).c_str());
  std::fflush(stdout);
  return Status::OK();
}

}  // namespace

Status RunRemote(const std::string& url, const std::string& bucket, const std::string& id,
                 const StoreFlags& flags) {
  if (bucket.empty() || id.empty()) return InvalidArgument("run --remote needs --bucket and --id");
  const std::string what = "remote run " + bucket + "/" + id;
  std::string base = url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  const size_t scheme = base.find("://");
  if (scheme == std::string::npos || (base.rfind("http://", 0) != 0 && base.rfind("https://", 0) != 0) ||
      base.find('/', scheme + 3) != std::string::npos || base.size() == scheme + 3) {
    return InvalidArgument("--remote must be http(s)://HOST:PORT, not '" + url + "'");
  }
  const std::string host = base.substr(scheme + 3);

  store::CredentialRequest creq;
  creq.explicit_profile = flags.profile;
  creq.explicit_region = flags.region;
  ASSIGN_OR_RETURN(store::ResolvedCredentials creds, store::ResolveCredentials(creq));
  store::SigV4Signer signer(creds.credentials, creds.region.empty() ? "us-east-1" : creds.region);
  store::SigV4Request sign;
  sign.method = "POST";
  sign.path = "/_stocktake/run";
  sign.query = {{"bucket", bucket}, {"id", id}};
  sign.headers = {{"host", host}};
  signer.Sign(Clock::Real()->NowMillis(), &sign);

  store::HttpRequest request;
  request.method = "POST";
  request.url = base + sign.path + "?bucket=" + UriEncode(bucket, false) +
                "&id=" + UriEncode(id, false);
  for (const auto& [name, value] : sign.headers) {
    if (name != "host") request.headers.emplace_back(name, value);
  }
  store::HttpClientOptions options;
  options.idle_timeout_ms = 0;  // the answer comes when the report is delivered
  options.max_connections = 1;
  store::HttpClient client(options);
  Result<store::HttpResponse> response = client.Send(request, base);
  if (!response.ok()) return response.status().WithContext(what);
  if (response->status != 200) return ErrorFromResponse(what, *response);
  return PrintRun(what, response->body);
}

}  // namespace stocktake::cli
