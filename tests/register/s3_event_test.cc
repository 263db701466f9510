#include "register/s3_event.h"

#include <gtest/gtest.h>

#include "format/manifest.h"

namespace stocktake::reg {
namespace {

std::string Record(const std::string& bucket, const std::string& key,
                   const std::string& version = "2.1",
                   const std::string& name = "ObjectCreated:Put") {
  return R"({"eventVersion":")" + version +
         R"(","eventSource":"aws:s3","awsRegion":"eu-west-1","eventTime":"2024-01-01T00:00:00.000Z","eventName":")" +
         name +
         R"(","userIdentity":{"principalId":"AWS:AIDA"},"s3":{"s3SchemaVersion":"1.0","configurationId":"inv","bucket":{"name":")" +
         bucket + R"(","arn":"arn:aws:s3:::)" + bucket + R"("},"object":{"key":")" + key +
         R"(","size":33,"eTag":"abc","sequencer":"0055AED6DCD90281E5","unknownField":1}}})";
}

TEST(S3EventTest, ParsesDirectRecordsAndDecodesKeys) {
  const std::string body = "{\"Records\":[" +
                           Record("coll", "111/red+flower%2B1/inventory/2024-01-01T01-00Z/"
                                          "manifest.checksum") +
                           "," + Record("coll", "a%20b") + "]}";
  Result<std::vector<ObjectEvent>> events = ParseEventBody(body);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].bucket, "coll");
  EXPECT_EQ((*events)[0].key, "111/red flower+1/inventory/2024-01-01T01-00Z/manifest.checksum");
  EXPECT_EQ((*events)[0].event_name, "ObjectCreated:Put");
  EXPECT_EQ((*events)[0].region, "eu-west-1");
  EXPECT_EQ((*events)[0].sequencer, "0055AED6DCD90281E5");
  EXPECT_EQ((*events)[1].key, "a b");
  EXPECT_TRUE(IsObjectCreated((*events)[0]));
}

TEST(S3EventTest, UnwrapsAnSnsEnvelope) {
  const std::string inner = "{\"Records\":[" + Record("coll", "k+1") + "]}";
  std::string message;
  format::AppendJsonString(inner, &message);
  const std::string body =
      R"({"Type":"Notification","MessageId":"m1","TopicArn":"arn:aws:sns:eu-west-1:1:t","Subject":"Amazon S3 Notification","Message":)" +
      message +
      R"(,"Timestamp":"2024-01-01T00:00:00.000Z","SignatureVersion":"1","Signature":"x","SigningCertURL":"https://x","UnsubscribeURL":"https://y"})";
  Result<std::vector<ObjectEvent>> events = ParseEventBody(body);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].key, "k 1");
}

TEST(S3EventTest, TestEventsAndOtherSnsTypesCarryNoRecords) {
  for (const char* body :
       {R"({"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2024-01-01T00:00:00.000Z","Bucket":"coll","RequestId":"r","HostId":"h"})",
        R"({"Type":"SubscriptionConfirmation","Message":"confirm","SubscribeURL":"https://x"})"}) {
    Result<std::vector<ObjectEvent>> events = ParseEventBody(body);
    ASSERT_TRUE(events.ok()) << body;
    EXPECT_TRUE(events->empty()) << body;
  }
  std::string message;
  format::AppendJsonString(R"({"Service":"Amazon S3","Event":"s3:TestEvent"})", &message);
  Result<std::vector<ObjectEvent>> wrapped =
      ParseEventBody(R"({"Type":"Notification","Message":)" + message + "}");
  ASSERT_TRUE(wrapped.ok());
  EXPECT_TRUE(wrapped->empty());
}

TEST(S3EventTest, RejectsWhatIsNotAnEvent) {
  for (const std::string& body :
       {std::string("not json"), std::string("[1]"), std::string(R"({"hello":1})"),
        "{\"Records\":[" + Record("coll", "k", "3.0") + "]}",
        std::string(R"({"Records":[{"eventVersion":"2.1","s3":{"bucket":{"name":"b"}}}]})"),
        std::string(R"({"Records":[{"eventVersion":"2.1","s3":{"bucket":{"name":"b"},"object":{"key":"%zz"}}}]})"),
        std::string(R"({"Type":"Notification","Message":42})")}) {
    Result<std::vector<ObjectEvent>> events = ParseEventBody(body);
    EXPECT_FALSE(events.ok()) << body;
    if (!events.ok()) {
      EXPECT_EQ(events.status().code(), Code::kInvalidArgument);
    }
  }
}

TEST(S3EventTest, OnlyCreationsCount) {
  Result<std::vector<ObjectEvent>> events = ParseEventBody(
      "{\"Records\":[" + Record("coll", "k", "2.1", "ObjectRemoved:Delete") + "]}");
  ASSERT_TRUE(events.ok());
  EXPECT_FALSE(IsObjectCreated((*events)[0]));
}

}  // namespace
}  // namespace stocktake::reg
