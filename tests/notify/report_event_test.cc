// ReportEvent -> S3 event JSON: parsed back independently (simdjson) and
// checked member by member against spec §6, for plain and hostile keys;
// the stable id, the sequencer order, and MakeReportEvent's HEAD on a real
// LocalStore.
#include "notify/report_event.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/hash.h"
#include "base/url.h"
#include "store/local_store.h"
#include "testing/s3_event.h"
#include "testing/temp_dir.h"

namespace stocktake::notify {
namespace {

using testing::ParsedS3Event;
using testing::ParseS3Event;

ReportEvent SampleEvent() {
  ReportEvent event;
  event.region = "eu-west-1";
  event.event_time_ms = 1704067200123;  // 2024-01-01T00:00:00.123Z
  event.configuration_id = "inv-cfg";
  event.bucket = "dest";
  event.bucket_owner_id = "123456789012";
  event.principal_id = "123456789012";
  event.source_ip = "127.0.0.1";
  event.key = "inv/src/report1/2024-01-01T01-00Z/manifest.checksum";
  event.size = 33;
  event.etag = "0123456789abcdef0123456789abcdef";
  return event;
}

ParsedS3Event Parse(const ReportEvent& event) {
  const std::string json = ToS3EventJson(event);
  Result<ParsedS3Event> parsed = ParseS3Event(json);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString() << "\n" << json;
  return parsed.ok() ? *parsed : ParsedS3Event{};
}

TEST(ReportEventTest, JsonHasEverySpecFieldWithTheRightValue) {
  const ReportEvent event = SampleEvent();
  const ParsedS3Event ev = Parse(event);
  EXPECT_EQ(ev.record_count, 1u);
  EXPECT_EQ(ev.record_members,
            (std::vector<std::string>{"eventVersion", "eventSource", "awsRegion", "eventTime",
                                      "eventName", "userIdentity", "requestParameters",
                                      "responseElements", "s3"}));
  EXPECT_EQ(ev.event_version, "2.1");
  EXPECT_EQ(ev.event_source, "aws:s3");
  EXPECT_EQ(ev.aws_region, "eu-west-1");
  EXPECT_EQ(ev.event_time, "2024-01-01T00:00:00.123Z");
  EXPECT_EQ(ev.event_name, "ObjectCreated:Put");
  EXPECT_EQ(ev.user_principal_id, "123456789012");
  EXPECT_EQ(ev.source_ip, "127.0.0.1");
  EXPECT_EQ(ev.request_id, EventId(event));
  EXPECT_FALSE(ev.id2.empty());
  EXPECT_EQ(ev.s3_members,
            (std::vector<std::string>{"s3SchemaVersion", "configurationId", "bucket", "object"}));
  EXPECT_EQ(ev.schema_version, "1.0");
  EXPECT_EQ(ev.configuration_id, "inv-cfg");
  EXPECT_EQ(ev.bucket_members, (std::vector<std::string>{"name", "ownerIdentity", "arn"}));
  EXPECT_EQ(ev.bucket_name, "dest");
  EXPECT_EQ(ev.bucket_owner, "123456789012");
  EXPECT_EQ(ev.bucket_arn, "arn:aws:s3:::dest");
  EXPECT_EQ(ev.object_members, (std::vector<std::string>{"key", "size", "eTag", "sequencer"}));
  EXPECT_EQ(ev.key, "inv/src/report1/2024-01-01T01-00Z/manifest.checksum");
  EXPECT_TRUE(ev.size_is_number);
  EXPECT_EQ(ev.size, 33);
  EXPECT_EQ(ev.etag, "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(ev.sequencer, DefaultSequencer(event.event_time_ms));
  EXPECT_FALSE(ev.has_version_id);
}

TEST(ReportEventTest, DefaultsFillRegionAndPrincipals) {
  ReportEvent event = SampleEvent();
  event.region.clear();
  event.bucket_owner_id.clear();
  event.principal_id.clear();
  const ParsedS3Event ev = Parse(event);
  EXPECT_EQ(ev.aws_region, "us-east-1");
  EXPECT_EQ(ev.user_principal_id, "stocktake");
  EXPECT_EQ(ev.bucket_owner, "stocktake");
}

TEST(ReportEventTest, VersionIdOnlyWhenVersioned) {
  ReportEvent event = SampleEvent();
  event.version_id = "null";  // unversioned bucket, as LocalStore/S3 report it
  EXPECT_FALSE(Parse(event).has_version_id);
  event.version_id = "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjVBH40Nr8X8gdRQBpUMLUo";
  const ParsedS3Event ev = Parse(event);
  EXPECT_TRUE(ev.has_version_id);
  EXPECT_EQ(ev.version_id, event.version_id);
  EXPECT_EQ(ev.object_members,
            (std::vector<std::string>{"key", "size", "eTag", "versionId", "sequencer"}));
}

// Keys are form-URL-encoded: '/' kept, space as '+', '+' and '%' and every
// non-ASCII byte %XX; the JSON stays valid for quotes and control bytes.
TEST(ReportEventTest, HostileKeysAreFormUrlEncoded) {
  struct Case {
    std::string key;
    std::string encoded;
  };
  const std::vector<Case> cases = {
      {"red flower.jpg", "red+flower.jpg"},
      {"reports/my inv/2024-01-01T01-00Z/manifest.checksum",
       "reports/my+inv/2024-01-01T01-00Z/manifest.checksum"},
      {"a+b/c", "a%2Bb/c"},
      {"100%/x%20y", "100%25/x%2520y"},
      {"caf\xC3\xA9/\xE6\x97\xA5\xE6\x9C\xAC", "caf%C3%A9/%E6%97%A5%E6%9C%AC"},
      {"emoji \xF0\x9F\x98\x80", "emoji+%F0%9F%98%80"},
      {"quote\"back\\slash", "quote%22back%5Cslash"},
      {"new\nline\ttab", "new%0Aline%09tab"},
      {"dt=2024-01-01/k:v?&#", "dt%3D2024-01-01/k%3Av%3F%26%23"},
  };
  for (const Case& c : cases) {
    ReportEvent event = SampleEvent();
    event.key = c.key;
    const ParsedS3Event ev = Parse(event);
    EXPECT_EQ(ev.key, c.encoded) << c.key;
    Result<std::string> decoded = UrlDecode(ev.key, /*plus_is_space=*/true);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(*decoded, c.key);
  }
}

TEST(ReportEventTest, HostileBucketOwnerAndConfigStayValidJson) {
  ReportEvent event = SampleEvent();
  event.configuration_id = "cfg \"quoted\"\n";
  event.principal_id = "AWS:\\x";
  const ParsedS3Event ev = Parse(event);
  EXPECT_EQ(ev.configuration_id, "cfg \"quoted\"\n");
  EXPECT_EQ(ev.user_principal_id, "AWS:\\x");
}

TEST(ReportEventTest, IdIsStableAndNamesTheObject) {
  ReportEvent a = SampleEvent();
  ReportEvent b = SampleEvent();
  b.event_time_ms += 5000;  // announced again later: same object, same id
  EXPECT_EQ(EventId(a), EventId(b));
  EXPECT_EQ(EventId(a).size(), 16u);
  EXPECT_EQ(EventId(a).find_first_not_of("0123456789ABCDEF"), std::string::npos);
  for (auto change : std::vector<void (*)(ReportEvent*)>{
           [](ReportEvent* e) { e->bucket = "other"; },
           [](ReportEvent* e) { e->key += "x"; },
           [](ReportEvent* e) { e->etag = "ffffffffffffffffffffffffffffffff"; },
           [](ReportEvent* e) { e->size = 34; },
           [](ReportEvent* e) { e->version_id = "v2"; },
       }) {
    ReportEvent c = SampleEvent();
    change(&c);
    EXPECT_NE(EventId(c), EventId(a));
  }
  a.id = "EXPLICIT0000ID00";
  EXPECT_EQ(Parse(a).request_id, "EXPLICIT0000ID00");
}

TEST(ReportEventTest, SequencerIsHexAndGrowsWithTime) {
  const std::string early = DefaultSequencer(1704067200000);
  const std::string late = DefaultSequencer(1704067200001);
  EXPECT_EQ(early.size(), 18u);
  EXPECT_EQ(early.find_first_not_of("0123456789ABCDEF"), std::string::npos);
  EXPECT_LT(early, late);  // same length: string order is numeric order
}

TEST(ReportEventTest, MakeReportEventHeadsTheDestinationObject) {
  testing::TempDir dir;
  const std::string content = "0123456789abcdef0123456789abcdef\n";
  testing::WriteFile(dir.Sub("dest/inv/my src/cfg/2024-01-01T00-00Z/manifest.checksum"), content);
  store::LocalStoreOptions options;
  options.root = dir.path();
  Result<std::unique_ptr<store::LocalStore>> store = store::LocalStore::Open(options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ReportObject object;
  object.destination = store->get();
  object.bucket = "dest";
  object.key = "inv/my src/cfg/2024-01-01T00-00Z/manifest.checksum";
  object.configuration_id = "cfg";
  object.region = "eu-central-1";
  object.owner_id = "210987654321";
  FakeClock clock(1704067200000);
  Result<ReportEvent> event = MakeReportEvent(object, clock);
  ASSERT_TRUE(event.ok()) << event.status().ToString();
  EXPECT_EQ(event->size, static_cast<int64_t>(content.size()));
  EXPECT_EQ(event->etag, Md5Hex(content));
  EXPECT_EQ(event->event_time_ms, 1704067200000);
  EXPECT_TRUE(event->version_id.empty());
  EXPECT_EQ(event->id, EventId(*event));
  const ParsedS3Event ev = Parse(*event);
  EXPECT_EQ(ev.key, "inv/my+src/cfg/2024-01-01T00-00Z/manifest.checksum");
  EXPECT_EQ(ev.aws_region, "eu-central-1");
  EXPECT_EQ(ev.bucket_owner, "210987654321");
  EXPECT_EQ(ev.event_time, "2024-01-01T00:00:00.000Z");

  object.key = "inv/missing/manifest.checksum";
  Result<ReportEvent> missing = MakeReportEvent(object, clock);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_NE(missing.status().message().find("announce "), std::string::npos);
}

}  // namespace
}  // namespace stocktake::notify
