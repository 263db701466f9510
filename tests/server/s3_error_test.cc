#include "server/s3_error.h"

#include <gtest/gtest.h>

#include "config/config_error.h"

namespace stocktake::server {
namespace {

TEST(S3ErrorTest, MapsStatusesToS3Errors) {
  struct Case {
    Status status;
    int http;
    const char* code;
    const char* message;
  };
  const Case cases[] = {
      {S3Failure("NoSuchBucket", "gone"), 404, "NoSuchBucket", "gone"},
      {S3Failure("SignatureDoesNotMatch", "bad").WithContext("GET /"), 403, "SignatureDoesNotMatch",
       "bad"},
      {config::MalformedXml("unknown element 'X'"), 400, "MalformedXML", "unknown element 'X'"},
      {config::ConfigError(config::S3ErrorCode::kTooManyConfigurations, "1,000")
           .WithContext("put src/a"),
       400, "TooManyConfigurations", "1,000"},
      {InvalidArgument("odd"), 400, "InvalidArgument", "odd"},
      {PermissionDenied("read /x"), 403, "AccessDenied", "read /x"},
      {Unavailable("busy"), 503, "ServiceUnavailable", "busy"},
      {IOError("disk: NotImplemented: x"), 500, "InternalError", "disk: NotImplemented: x"},
  };
  for (const Case& c : cases) {
    S3Error e = ToS3Error(c.status);
    EXPECT_EQ(e.http_status, c.http) << c.status.ToString();
    EXPECT_EQ(e.code, c.code) << c.status.ToString();
    EXPECT_EQ(e.message, c.message) << c.status.ToString();
  }
}

TEST(S3ErrorTest, WritesEscapedXmlBodies) {
  S3Error e{404, "NoSuchConfiguration", "id <a&b>"};
  EXPECT_EQ(S3ErrorXml(e, "/src", "r1"),
            "<?xml version=\"1.0\" "
            "encoding=\"UTF-8\"?>\n<Error><Code>NoSuchConfiguration</Code>"
            "<Message>id &lt;a&amp;b&gt;</Message><Resource>/src</Resource>"
            "<RequestId>r1</RequestId></Error>");
  EXPECT_EQ(StsErrorXml({403, "InvalidClientTokenId", "no"}, "r2"),
            "<ErrorResponse "
            "xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>"
            "Sender</Type><Code>InvalidClientTokenId</Code><Message>no</"
            "Message></Error>"
            "<RequestId>r2</RequestId></ErrorResponse>");
}

}  // namespace
}  // namespace stocktake::server
