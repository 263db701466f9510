// NatsSource and EventPump against a real nats-server (JetStream): events
// published on the subject are registered once and acked; duplicates make
// one registration; a consumer that dies before acking gets the messages
// again after a restart and registers each report exactly once; a message
// that is not an event is dropped with a log line and does not block the
// stream; and the ack follows the commit: a failing central store leaves
// the message unacked (nak'ed) until a later delivery succeeds.
#include "register/nats_source.h"

#include <gtest/gtest.h>

#include <memory>
#include <mutex>

#include "register/event_pump.h"
#include "register_test_util.h"
#include "testing/fault_store.h"
#include "testing/nats_server.h"

namespace stocktake::reg {
namespace {

constexpr char kSubject[] = "inventory.reports";

// An S3 event notification for a key of the collector, as our notifier
// (or S3 itself) sends it.
std::string EventBody(const std::string& key) {
  return R"({"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"eu-west-1",)"
         R"("eventName":"ObjectCreated:Put","s3":{"s3SchemaVersion":"1.0",)"
         R"("bucket":{"name":"collector"},"object":{"key":")" +
         key + R"(","size":33}}}]})";
}

class NatsSourceTest : public RegisterTest {
 protected:
  void SetUp() override {
    RegisterTest::SetUp();
    nats_ = testing::NatsServer::Start();
    ASSERT_NE(nats_, nullptr);
    consolidator_ =
        std::make_unique<Consolidator>(std::vector<Collector>{collector_}, ingester_.get());
  }

  std::unique_ptr<NatsSource> NewSource() {
    NatsSourceOptions options;
    options.url = nats_->url();
    options.ack_wait_ms = 1000;  // redelivery after a "crash" within a second
    Result<std::unique_ptr<NatsSource>> source = NatsSource::Create(options);
    EXPECT_TRUE(source.ok()) << source.status().ToString();
    if (!source.ok()) return nullptr;
    Status connected = (*source)->Connect();
    EXPECT_TRUE(connected.ok()) << connected.ToString();
    return std::move(source).value();
  }

  LogFn Logger() {
    return [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(log_mu_);
      log_ += line + "\n";
    };
  }

  // Handles batches until none arrives for `quiet_ms` (bounded count).
  EventPumpStats Drain(Source* source, Consolidator* consolidator, int quiet_ms = 1500) {
    EventPumpOptions options;
    options.retry_delay_ms = 300;
    EventPump pump(source, consolidator, Logger(), options);
    for (int i = 0; i < 100; ++i) {
      Result<std::optional<SourceBatch>> batch = source->Next(quiet_ms);
      EXPECT_TRUE(batch.ok()) << batch.status().ToString();
      if (!batch.ok() || !batch->has_value()) break;
      Status handled = pump.HandleBatch(**batch);
      (void)handled;  // failures are counted in stats()
    }
    return pump.stats();
  }

  // A report of a new bucket in the collector; its event names
  // ref.checksum_key.
  ReportRef NewReport(const std::string& bucket, int objects) {
    FillBucket(bucket, objects);
    return Generate(bucket, "111111111111", kDay1);
  }

  std::unique_ptr<testing::NatsServer> nats_;
  std::unique_ptr<Consolidator> consolidator_;
  std::mutex log_mu_;
  std::string log_;
};

TEST_F(NatsSourceTest, PublishedEventsAreRegisteredOnceAndAcked) {
  std::unique_ptr<NatsSource> source = NewSource();  // creates the stream
  ASSERT_NE(source, nullptr);
  const ReportRef a = NewReport("photos", 5);
  const ReportRef b = NewReport("logs", 3);
  ASSERT_TRUE(nats_->Publish(kSubject, EventBody(a.checksum_key), "event-a").ok());
  ASSERT_TRUE(nats_->Publish(kSubject, EventBody(b.checksum_key), "event-b").ok());

  EventPumpStats stats = Drain(source.get(), consolidator_.get());
  EXPECT_EQ(stats.batches, 2);
  EXPECT_EQ(stats.committed, 2);
  EXPECT_EQ(stats.registered, 2);
  EXPECT_EQ(CentralFiles().size(), 2u);
  EXPECT_EQ(QueryCentral("count(*)"), std::vector<std::string>{"[\"10\"]"});  // 5+1 and 3+1 rows

  // Acked: a new consumer of the same durable gets nothing, even after the
  // ack wait.
  source.reset();
  std::unique_ptr<NatsSource> again = NewSource();
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(Drain(again.get(), consolidator_.get(), 2500).batches, 0);
}

TEST_F(NatsSourceTest, DuplicateEventsMakeOneRegistration) {
  std::unique_ptr<NatsSource> source = NewSource();
  ASSERT_NE(source, nullptr);
  const std::string key = NewReport("photos", 4).checksum_key;
  // Distinct message ids get past the stream's duplicate window; the same
  // id does not even reach the stream.
  for (const char* id : {"1", "2", "3", "3"}) {
    ASSERT_TRUE(nats_->Publish(kSubject, EventBody(key), id).ok());
  }
  Result<uint64_t> in_stream = nats_->StreamMessageCount(kDefaultNatsStream);
  ASSERT_TRUE(in_stream.ok());
  EXPECT_EQ(*in_stream, 3u);
  const auto before = CentralFiles();

  EventPumpStats stats = Drain(source.get(), consolidator_.get());
  EXPECT_EQ(stats.batches, 3);
  EXPECT_EQ(stats.committed, 3);
  EXPECT_EQ(stats.registered, 1);
  EXPECT_EQ(CentralFiles().size(), before.size() + 1);
  Result<std::vector<RegisteredReport>> reports = catalog_->Reports();
  ASSERT_TRUE(reports.ok());
  EXPECT_EQ(reports->size(), 1u);
}

TEST_F(NatsSourceTest, ConsumerKilledBeforeAckGetsTheMessagesAgainAndRegistersOnce) {
  std::unique_ptr<NatsSource> source = NewSource();
  ASSERT_NE(source, nullptr);
  const ReportRef a = NewReport("photos", 5);
  const ReportRef b = NewReport("logs", 3);
  ASSERT_TRUE(nats_->Publish(kSubject, EventBody(a.checksum_key), "event-a").ok());
  ASSERT_TRUE(nats_->Publish(kSubject, EventBody(b.checksum_key), "event-b").ok());

  // The first consumer registers report a, then dies before its ack.
  Result<std::optional<SourceBatch>> first = source->Next(5000);
  ASSERT_TRUE(first.ok() && first->has_value());
  NotificationResult handled = HandleNotification(consolidator_.get(), (*first)->body, {});
  ASSERT_TRUE(handled.ingest.ok()) << handled.ingest.ToString();
  EXPECT_EQ(handled.registered, 1);
  const auto after_crash = CentralFiles();
  source.reset();  // connection gone, nothing acked

  // The restarted consumer gets a again (already known: acked, nothing
  // rewritten) and b (registered), once each.
  std::unique_ptr<NatsSource> restarted = NewSource();
  ASSERT_NE(restarted, nullptr);
  EventPumpStats stats = Drain(restarted.get(), consolidator_.get(), 3000);
  EXPECT_EQ(stats.batches, 2);
  EXPECT_EQ(stats.committed, 2);
  EXPECT_EQ(stats.registered, 1);
  const auto files = CentralFiles();
  EXPECT_EQ(files.size(), after_crash.size() + 1);
  for (const auto& [path, data] : after_crash) EXPECT_EQ(files.at(path), data) << path;
  Result<std::vector<RegisteredReport>> reports = catalog_->Reports();
  ASSERT_TRUE(reports.ok());
  EXPECT_EQ(reports->size(), 2u);
  EXPECT_EQ(Drain(restarted.get(), consolidator_.get(), 2500).batches, 0);
}

TEST_F(NatsSourceTest, BadMessageIsDroppedWithALogLineAndDoesNotBlockTheStream) {
  std::unique_ptr<NatsSource> source = NewSource();
  ASSERT_NE(source, nullptr);
  const std::string key = NewReport("photos", 2).checksum_key;
  ASSERT_TRUE(nats_->Publish(kSubject, "not json").ok());
  ASSERT_TRUE(nats_->Publish(kSubject, R"({"Records":[{"eventVersion":"1.0"}]})").ok());
  ASSERT_TRUE(nats_->Publish(kSubject, EventBody(key)).ok());

  EventPumpStats stats = Drain(source.get(), consolidator_.get());
  EXPECT_EQ(stats.batches, 3);
  EXPECT_EQ(stats.dropped, 2);
  EXPECT_EQ(stats.committed, 3);
  EXPECT_EQ(stats.registered, 1);
  EXPECT_NE(log_.find("dropped " + nats_->url() + " stream INVENTORY seq 1 (delivery 1): "),
            std::string::npos)
      << log_;
  EXPECT_EQ(QueryCentral("count(*)"), std::vector<std::string>{"[\"3\"]"});
  source.reset();
  std::unique_ptr<NatsSource> again = NewSource();
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(Drain(again.get(), consolidator_.get(), 2500).batches, 0);  // all acked
}

TEST_F(NatsSourceTest, QuarantinedReportIsAcked) {
  std::unique_ptr<NatsSource> source = NewSource();
  ASSERT_NE(source, nullptr);
  const ReportRef ref = NewReport("photos", 2);
  PutCollector(ref.checksum_key, "00000000000000000000000000000000");  // not MD5(manifest)
  ASSERT_TRUE(nats_->Publish(kSubject, EventBody(ref.checksum_key)).ok());

  EventPumpStats stats = Drain(source.get(), consolidator_.get());
  EXPECT_EQ(stats.committed, 1);
  EXPECT_EQ(stats.registered, 0);
  EXPECT_TRUE(CentralFiles().empty());
  Result<KeyState> state = catalog_->LookupKey(collector_.Id(), ref.manifest_key);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->state, ReportState::kQuarantined);
  EXPECT_NE(log_.find(": quarantined ("), std::string::npos) << log_;
  source.reset();
  std::unique_ptr<NatsSource> again = NewSource();
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(Drain(again.get(), consolidator_.get(), 2500).batches, 0);  // acked
}

TEST_F(NatsSourceTest, AckFollowsTheCommitAFailedCommitIsDeliveredAgain) {
  // The central store fails the part's write once.
  store::LocalStoreOptions local;
  local.root = root();
  Result<std::unique_ptr<store::LocalStore>> opened = store::LocalStore::Open(local);
  ASSERT_TRUE(opened.ok());
  auto faulty = std::make_shared<testing::FaultStore>(
      std::shared_ptr<store::ObjectStore>(std::move(opened).value()));
  Ingester ingester(CentralStore{faulty.get(), "central", "inv"}, catalog_.get());
  Consolidator consolidator({collector_}, &ingester);
  faulty->FailNthCall(testing::StoreOp::kNewWriter, 1, Unavailable("central down"));

  std::unique_ptr<NatsSource> source = NewSource();
  ASSERT_NE(source, nullptr);
  const ReportRef ref = NewReport("photos", 6);
  ASSERT_TRUE(nats_->Publish(kSubject, EventBody(ref.checksum_key), "event-1").ok());

  EventPumpOptions options;
  options.retry_delay_ms = 300;
  EventPump pump(source.get(), &consolidator, Logger(), options);
  Result<std::optional<SourceBatch>> first = source->Next(5000);
  ASSERT_TRUE(first.ok() && first->has_value());
  Status failed = pump.HandleBatch(**first);
  EXPECT_EQ(failed.code(), Code::kUnavailable) << failed.ToString();
  EXPECT_TRUE(CentralFiles().empty());
  Result<KeyState> state = catalog_->LookupKey(collector_.Id(), ref.manifest_key);
  ASSERT_TRUE(state.ok());
  EXPECT_FALSE(state->known);

  // Nak'ed: the same message comes again (second delivery) and now commits.
  Result<std::optional<SourceBatch>> second = source->Next(5000);
  ASSERT_TRUE(second.ok() && second->has_value()) << log_;
  EXPECT_NE((*second)->origin.find("seq 1 (delivery 2)"), std::string::npos) << (*second)->origin;
  ASSERT_TRUE(pump.HandleBatch(**second).ok()) << log_;
  EXPECT_EQ(pump.stats().released, 1);
  EXPECT_EQ(pump.stats().committed, 1);
  EXPECT_EQ(pump.stats().registered, 1);
  EXPECT_EQ(QueryCentral("count(*)"), std::vector<std::string>{"[\"7\"]"});
  EXPECT_NE(log_.find("not acknowledged, delivered again in 300 ms"), std::string::npos) << log_;
}

TEST_F(NatsSourceTest, ServerRestartIsSurvivedByReconnecting) {
  std::unique_ptr<NatsSource> source = NewSource();
  ASSERT_NE(source, nullptr);
  const std::string key = NewReport("photos", 3).checksum_key;
  ASSERT_TRUE(nats_->Restart());  // same store: the stream and the consumer stay
  ASSERT_TRUE(nats_->Publish(kSubject, EventBody(key), "after-restart").ok());

  // The old connection is gone: Next() says so (Unavailable) until it has
  // reconnected, then delivers the message (bounded attempts).
  EventPump pump(source.get(), consolidator_.get(), Logger());
  bool registered = false;
  int unavailable = 0;
  for (int attempt = 0; attempt < 20 && !registered; ++attempt) {
    Result<std::optional<SourceBatch>> batch = source->Next(1000);
    if (!batch.ok()) {
      EXPECT_EQ(batch.status().code(), Code::kUnavailable) << batch.status().ToString();
      ++unavailable;
      continue;
    }
    if (!batch->has_value()) continue;
    ASSERT_TRUE(pump.HandleBatch(**batch).ok()) << log_;
    registered = true;
  }
  EXPECT_TRUE(registered) << log_;
  EXPECT_LE(unavailable, 1);  // the first call after the restart, at most
  EXPECT_EQ(QueryCentral("count(*)"), std::vector<std::string>{"[\"4\"]"});
}

TEST_F(NatsSourceTest, BadOptionsAreRejectedAndAMissingServerIsUnavailable) {
  NatsSourceOptions options;
  options.url = "http://127.0.0.1:4222";
  EXPECT_EQ(NatsSource::Create(options).status().code(), Code::kInvalidArgument);
  options.url = nats_->url();
  options.stream = "a.b";
  EXPECT_EQ(NatsSource::Create(options).status().code(), Code::kInvalidArgument);
  options.stream = "S";
  options.durable = "";
  EXPECT_EQ(NatsSource::Create(options).status().code(), Code::kInvalidArgument);
  options.durable = "d";
  options.subject = "a b";
  EXPECT_EQ(NatsSource::Create(options).status().code(), Code::kInvalidArgument);
  options.subject = "s";
  options.ack_wait_ms = 10;
  EXPECT_EQ(NatsSource::Create(options).status().code(), Code::kInvalidArgument);
  options.ack_wait_ms = 1000;
  nats_->Kill();
  Result<std::unique_ptr<NatsSource>> source = NatsSource::Create(options);
  ASSERT_TRUE(source.ok());
  Status connected = (*source)->Connect();
  EXPECT_EQ(connected.code(), Code::kUnavailable) << connected.ToString();
  EXPECT_EQ((*source)->Next(100).status().code(), Code::kUnavailable);
}

}  // namespace
}  // namespace stocktake::reg
