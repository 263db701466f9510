// Report notifications for the commands that produce reports (scan, run)
// and the daemon (serve): the flags
//   --notify-webhook URL                           (repeatable)
//   --notify-nats URL --notify-nats-subject SUBJ
//   --notify-wait SECONDS                          (scan, run: default 10)
// the Notifier they configure (outbox <state>/notify.db, see
// src/notify/notifier.h), and announcing one finished report.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "inventory/report_generator.h"
#include "notify/notifier.h"

namespace CLI {
class App;
}

namespace stocktake::cli {

struct NotifyFlags {
  std::vector<std::string> webhooks;
  std::string nats_url;
  std::string nats_subject;
  int wait_seconds = 10;  // one-off commands: how long to try before exiting
};

// Adds the --notify-* flags; `one_off` adds --notify-wait too.
void AddNotifyFlags(CLI::App* app, NotifyFlags* flags, bool one_off);

// The outbox target specs the flags name, deduplicated, in flag order.
// InvalidArgument for a malformed URL or subject, or --notify-nats without
// --notify-nats-subject (or the reverse).
Result<std::vector<std::string>> NotifyTargetSpecs(const NotifyFlags& flags);

// A started Notifier over the flags' targets, or nullptr when none is
// configured. Gave-up deliveries are reported on stderr. Starting it also
// resumes the pending deliveries an earlier process left for these targets.
Result<std::unique_ptr<notify::Notifier>> StartNotifier(const NotifyFlags& flags,
                                                        const std::string& state_dir);

// Publishes the event for a report just written by `spec` (its
// manifest.checksum; manifest.json for OBS), with size and ETag from a HEAD
// on the destination. No-op when `notifier` is null.
Status AnnounceReport(notify::Notifier* notifier, const inventory::ReportSpec& spec,
                      const inventory::ReportResult& result, const std::string& region);

// For one-off commands: waits up to flags.wait_seconds for the deliveries
// to finish, then stops the notifier; what is still pending stays in the
// outbox and is named on stderr (for `stocktake notify flush`).
void FinishNotifications(notify::Notifier* notifier, const NotifyFlags& flags);

}  // namespace stocktake::cli
