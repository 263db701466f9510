#include "notify/target.h"

#include "notify/nats_target.h"
#include "notify/webhook_target.h"

namespace stocktake::notify {

std::string WebhookSpec(std::string_view url) { return "webhook " + std::string(url); }

std::string NatsSpec(std::string_view url, std::string_view subject) {
  return "nats " + std::string(url) + " " + std::string(subject);
}

Result<std::unique_ptr<Target>> MakeTarget(const std::string& spec, const TargetOptions& options) {
  const size_t space = spec.find(' ');
  const std::string kind = spec.substr(0, space);
  const std::string rest = space == std::string::npos ? "" : spec.substr(space + 1);
  if (kind == "webhook") {
    ASSIGN_OR_RETURN(std::unique_ptr<WebhookTarget> target, WebhookTarget::Create(rest, options));
    return std::unique_ptr<Target>(std::move(target));
  }
  if (kind == "nats") {
    const size_t split = rest.find(' ');
    if (split == std::string::npos) {
      return InvalidArgument("notification target '" + spec + "' lacks a NATS subject");
    }
    ASSIGN_OR_RETURN(std::unique_ptr<NatsTarget> target,
                     NatsTarget::Create(rest.substr(0, split), rest.substr(split + 1), options));
    return std::unique_ptr<Target>(std::move(target));
  }
  return InvalidArgument("unknown notification target '" + spec +
                         "' (expected 'webhook URL' or 'nats URL SUBJECT')");
}

}  // namespace stocktake::notify
