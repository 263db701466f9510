// `stocktake notify status|flush`: the report-event outbox of the state
// folder (<state>/notify.db). `status` lists the deliveries not yet
// acknowledged (pending or failed); `flush` makes every one of them due now,
// delivers them to the targets they were queued for, and exits — non-zero
// (Unavailable) when some are still undelivered after --wait seconds.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "base/time_util.h"
#include "base/url.h"
#include "cli/commands.h"
#include "cli/state.h"
#include "notify/notifier.h"
#include "notify/outbox.h"
#include "notify/target.h"

namespace stocktake::cli {
namespace {

constexpr int kStatusLimit = 10000;

struct NotifyCommandFlags {
  int wait_seconds = 60;
};

// Errors and keys may hold anything; one line per delivery.
std::string OneLineText(const std::string& text) {
  std::string out;
  for (char c : text) out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  return out;
}

Status ShowStatus(const GlobalFlags& globals) {
  ASSIGN_OR_RETURN(std::string state_dir, StateDir(globals));
  ASSIGN_OR_RETURN(std::unique_ptr<notify::Outbox> outbox, notify::Outbox::Open(state_dir));
  ASSIGN_OR_RETURN(std::vector<notify::Delivery> deliveries, outbox->List(kStatusLimit));
  if (deliveries.empty()) {
    std::printf("no pending or failed notifications\n");
    return Status::OK();
  }
  int pending = 0, failed = 0;
  std::printf("EVENT\tSTATE\tATTEMPTS\tCREATED\tTARGET\tOBJECT\tLAST_ERROR\n");
  for (const notify::Delivery& d : deliveries) {
    (d.state == notify::DeliveryState::kFailed ? failed : pending)++;
    std::printf("%s\t%s\t%d\t%s\t%s\ts3://%s/%s\t%s\n", d.event_id.c_str(),
                std::string(notify::DeliveryStateName(d.state)).c_str(), d.attempts,
                FormatIso8601Millis(d.created_ms).c_str(), d.target.c_str(), d.bucket.c_str(),
                InventoryKeyEncode(d.key).c_str(), OneLineText(d.last_error).c_str());
  }
  std::printf("%d pending, %d failed\n", pending, failed);
  return Status::OK();
}

Status Flush(const NotifyCommandFlags& flags, const GlobalFlags& globals) {
  if (flags.wait_seconds < 0) return InvalidArgument("--wait must be >= 0");
  ASSIGN_OR_RETURN(std::string state_dir, StateDir(globals));
  ASSIGN_OR_RETURN(std::unique_ptr<notify::Outbox> outbox, notify::Outbox::Open(state_dir));
  ASSIGN_OR_RETURN(std::vector<std::string> specs, outbox->Targets());
  if (specs.empty()) {
    std::printf("no pending or failed notifications\n");
    return Status::OK();
  }
  std::vector<std::unique_ptr<notify::Target>> targets;
  Status unusable;
  for (const std::string& spec : specs) {
    Result<std::unique_ptr<notify::Target>> target = notify::MakeTarget(spec);
    if (target.ok()) {
      targets.push_back(std::move(target).value());
    } else {
      PrintError("notify flush: " + target.status().message());
      unusable = target.status();
    }
  }
  std::vector<std::string> usable;
  for (const auto& target : targets) usable.push_back(target->spec());
  ASSIGN_OR_RETURN(int64_t before_pending, outbox->Count(notify::DeliveryState::kPending, usable));
  ASSIGN_OR_RETURN(int64_t before_failed, outbox->Count(notify::DeliveryState::kFailed, usable));
  RETURN_IF_ERROR(outbox->Requeue(usable).status());
  notify::NotifierOptions options;
  options.log = [](const std::string& line) { PrintError("notify flush: " + line); };
  std::unique_ptr<notify::Notifier> notifier =
      notify::Notifier::Start(std::move(outbox), std::move(targets), std::move(options));
  ASSIGN_OR_RETURN(int64_t pending, notifier->Drain(int64_t{flags.wait_seconds} * 1000));
  notifier->Shutdown();
  ASSIGN_OR_RETURN(int64_t failed,
                   notifier->outbox()->Count(notify::DeliveryState::kFailed, usable));
  const int64_t delivered = before_pending + before_failed - pending - failed;
  std::printf("delivered %lld, %lld pending, %lld failed\n", static_cast<long long>(delivered),
              static_cast<long long>(pending), static_cast<long long>(failed));
  std::fflush(stdout);
  if (pending + failed > 0) {
    return Unavailable("notify flush: " + std::to_string(pending + failed) +
                       " delivery(ies) not acknowledged; see `stocktake notify status`");
  }
  return unusable;
}

}  // namespace

void RegisterNotify(CLI::App* app, GlobalFlags* globals, Action* action) {
  auto flags = std::make_shared<NotifyCommandFlags>();
  CLI::App* cmd =
      app->add_subcommand("notify", "report event notifications: status | flush (the outbox)");
  cmd->require_subcommand(1);
  CLI::App* status = cmd->add_subcommand("status", "list event deliveries pending or failed");
  status->callback([globals, action] { *action = [globals] { return ShowStatus(*globals); }; });
  CLI::App* flush =
      cmd->add_subcommand("flush", "deliver every pending or failed event now, then exit");
  flush->add_option("--wait", flags->wait_seconds,
                    "seconds to keep trying before giving up (default 60)");
  flush->callback(
      [flags, globals, action] { *action = [flags, globals] { return Flush(*flags, *globals); }; });
}

}  // namespace stocktake::cli
