#include "cli/notify_options.h"

#include <CLI/CLI.hpp>
#include <algorithm>

#include "cli/commands.h"
#include "notify/report_event.h"
#include "notify/target.h"

namespace stocktake::cli {

void AddNotifyFlags(CLI::App* app, NotifyFlags* flags, bool one_off) {
  app->add_option("--notify-webhook", flags->webhooks,
                  "POST an S3 event (JSON) for each finished report to this URL (repeatable)");
  app->add_option("--notify-nats", flags->nats_url,
                  "publish an S3 event for each finished report to NATS JetStream at this "
                  "nats://HOST:PORT");
  app->add_option("--notify-nats-subject", flags->nats_subject,
                  "JetStream subject for --notify-nats (a stream must capture it)");
  if (one_off) {
    app->add_option("--notify-wait", flags->wait_seconds,
                    "seconds to keep trying deliveries before exiting (default 10; undelivered "
                    "events stay queued for `stocktake notify flush`)");
  }
}

Result<std::vector<std::string>> NotifyTargetSpecs(const NotifyFlags& flags) {
  if (flags.nats_url.empty() != flags.nats_subject.empty()) {
    return InvalidArgument("--notify-nats and --notify-nats-subject go together");
  }
  if (flags.wait_seconds < 0) return InvalidArgument("--notify-wait must be >= 0");
  std::vector<std::string> specs;
  for (const std::string& url : flags.webhooks) specs.push_back(notify::WebhookSpec(url));
  if (!flags.nats_url.empty())
    specs.push_back(notify::NatsSpec(flags.nats_url, flags.nats_subject));
  std::vector<std::string> unique;
  for (const std::string& spec : specs) {
    if (std::find(unique.begin(), unique.end(), spec) == unique.end()) unique.push_back(spec);
  }
  for (const std::string& spec : unique) {
    RETURN_IF_ERROR(notify::MakeTarget(spec).status());  // validates URL and subject
  }
  return unique;
}

Result<std::unique_ptr<notify::Notifier>> StartNotifier(const NotifyFlags& flags,
                                                        const std::string& state_dir) {
  ASSIGN_OR_RETURN(std::vector<std::string> specs, NotifyTargetSpecs(flags));
  if (specs.empty()) return std::unique_ptr<notify::Notifier>();
  std::vector<std::unique_ptr<notify::Target>> targets;
  for (const std::string& spec : specs) {
    ASSIGN_OR_RETURN(std::unique_ptr<notify::Target> target, notify::MakeTarget(spec));
    targets.push_back(std::move(target));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<notify::Outbox> outbox, notify::Outbox::Open(state_dir));
  notify::NotifierOptions options;
  options.log = [](const std::string& line) { PrintError("notify: " + line); };
  return notify::Notifier::Start(std::move(outbox), std::move(targets), std::move(options));
}

Status AnnounceReport(notify::Notifier* notifier, const inventory::ReportSpec& spec,
                      const inventory::ReportResult& result, const std::string& region) {
  if (notifier == nullptr) return Status::OK();
  notify::ReportObject object;
  object.destination = spec.destination;
  object.bucket = spec.destination_bucket;
  object.key = result.checksum_key.empty() ? result.manifest_key : result.checksum_key;
  object.configuration_id = spec.config_id;
  object.region = region;
  object.owner_id = spec.destination_account_id;
  return notifier->Announce(object).WithContext("report written, but");
}

void FinishNotifications(notify::Notifier* notifier, const NotifyFlags& flags) {
  if (notifier == nullptr) return;
  Result<int64_t> pending = notifier->Drain(int64_t{flags.wait_seconds} * 1000);
  notifier->Shutdown();
  if (!pending.ok()) {
    PrintError("notify: " + pending.status().message());
  } else if (*pending > 0) {
    PrintError("notify: " + std::to_string(*pending) +
               " event delivery(ies) still pending, kept in " + notifier->outbox()->path() +
               "; `stocktake notify flush` delivers them");
  }
}

}  // namespace stocktake::cli
