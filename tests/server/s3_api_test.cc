// S3Api in process: requests signed with store/sigv4.h, a LocalStore estate,
// a FakeClock. Covers what real clients cannot easily send.
#include "server/s3_api.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "base/hash.h"
#include "config/config_store.h"
#include "store/local_store.h"
#include "store/sigv4.h"
#include "testing/temp_dir.h"

namespace stocktake::server {
namespace {

constexpr int64_t kNow = 1718000000000;  // 2024-06-10T06:13:20Z

std::string Dest(const std::string& bucket_xml) {
  return "<Destination><S3BucketDestination>" + bucket_xml +
         "<Format>CSV</Format></S3BucketDestination></Destination>";
}

std::string AwsConfig(const std::string& id, const std::string& extra = "") {
  return "<InventoryConfiguration "
         "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Id>" +
         id + "</Id><IsEnabled>true</IsEnabled>" + extra +
         Dest("<Bucket>arn:aws:s3:::dest</Bucket>") +
         "<Schedule><Frequency>Daily</Frequency></Schedule>"
         "<IncludedObjectVersions>Current</IncludedObjectVersions></"
         "InventoryConfiguration>";
}

std::string ObsConfig(const std::string& id, const std::string& format = "CSV",
                      const std::string& filter = "") {
  return "<InventoryConfiguration><Id>" + id + "</Id><IsEnabled>true</IsEnabled>" + filter +
         "<Destination><Format>" + format +
         "</Format><Bucket>dest</Bucket></"
         "Destination><Schedule><Frequency>Daily</Frequency>"
         "</Schedule><IncludedObjectVersions>Current</IncludedObjectVersions>"
         "</InventoryConfiguration>";
}

std::string CodeOf(const HttpResponse& response) {
  const size_t start = response.body.find("<Code>");
  const size_t end = response.body.find("</Code>");
  if (start == std::string::npos || end == std::string::npos) return "";
  return response.body.substr(start + 6, end - start - 6);
}

class S3ApiTest : public ::testing::Test {
 protected:
  void SetUp() override { Build(config::Profile::kS3); }

  void Build(config::Profile profile) {
    std::filesystem::create_directories(dir_.Sub("root/src"));
    std::filesystem::create_directories(dir_.Sub("root/dest"));
    store::LocalStoreOptions options;
    options.root = dir_.Sub("root");
    options.region = "eu-west-1";
    store_ = std::move(store::LocalStore::Open(options)).value();
    configs_ = std::move(config::ConfigStore::Open(dir_.Sub("state"), &clock_)).value();
    accounts_ = std::make_unique<AccountRegistry>(
        AccountRegistry::Create({{"123456789012", "AKMAIN", "secret-main"},
                                 {"210987654321", "AKOTHER", "secret-other"}})
            .value());
    estate_ = std::make_unique<Estate>(std::vector<EstateStore>{
        {store_.get(), "local:test", "eu-west-1", "123456789012", profile, {}}});
    api_ = std::make_unique<S3Api>(estate_.get(), configs_.get(), accounts_.get(), &clock_);
  }

  HttpRequest Signed(const std::string& method, const std::string& target,
                     const std::string& body = "", const std::string& service = "s3",
                     const std::string& key = "AKMAIN", const std::string& secret = "secret-main") {
    HttpRequest request;
    request.method = method;
    EXPECT_TRUE(ParseRequestTarget(target, &request).ok());
    request.body = body;
    store::SigV4Request sig;
    sig.method = method;
    sig.path = request.path;
    sig.query = request.query;
    sig.headers = {{"host", "127.0.0.1:9"}};
    sig.payload_hash = Sha256Hex(body);
    store::SigV4Signer({key, secret, ""}, "eu-west-1", service).Sign(clock_.NowMillis(), &sig);
    for (auto& [name, value] : sig.headers) {
      std::string lower = name;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      request.headers.emplace_back(lower, value);
    }
    return request;
  }

  HttpResponse Call(const std::string& method, const std::string& target,
                    const std::string& body = "") {
    return api_->Handle(Signed(method, target, body));
  }

  testing::TempDir dir_;
  FakeClock clock_{kNow};
  std::unique_ptr<store::LocalStore> store_;
  std::unique_ptr<config::ConfigStore> configs_;
  std::unique_ptr<AccountRegistry> accounts_;
  std::unique_ptr<Estate> estate_;
  std::unique_ptr<S3Api> api_;
};

TEST_F(S3ApiTest, InventoryCallsUseTheSpecStatusCodes) {
  HttpResponse put = Call("PUT", "/src?inventory&id=a", AwsConfig("a"));
  EXPECT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.body, "");
  HttpResponse get = Call("GET", "/src?inventory&id=a");
  EXPECT_EQ(get.status, 200);
  EXPECT_NE(get.body.find("<Id>a</Id>"), std::string::npos) << get.body;
  EXPECT_EQ(Call("DELETE", "/src?inventory&id=a").status, 204);
  HttpResponse gone = Call("GET", "/src?inventory&id=a");
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(CodeOf(gone), "NoSuchConfiguration");
  EXPECT_NE(gone.body.find("<RequestId>"), std::string::npos);
}

TEST_F(S3ApiTest, The1001stConfigurationIsTooManyConfigurations) {
  for (int i = 0; i < 1000; ++i) {
    const std::string id = "c" + std::to_string(1000 + i);
    ASSERT_EQ(Call("PUT", "/src?inventory&id=" + id, AwsConfig(id)).status, 200) << id;
  }
  HttpResponse over = Call("PUT", "/src?inventory&id=extra", AwsConfig("extra"));
  EXPECT_EQ(over.status, 400);
  EXPECT_EQ(CodeOf(over), "TooManyConfigurations");
  EXPECT_EQ(Call("PUT", "/src?inventory&id=c1000", AwsConfig("c1000")).status, 200)
      << "replacing one of the 1,000 is allowed";
  std::string token;
  int pages = 0;
  for (; pages < 20; ++pages) {
    HttpResponse page =
        Call("GET", "/src?inventory" + (token.empty() ? "" : "&continuation-token=" + token));
    ASSERT_EQ(page.status, 200);
    const size_t at = page.body.find("<NextContinuationToken>");
    if (at == std::string::npos) {
      EXPECT_NE(page.body.find("<IsTruncated>false</IsTruncated>"), std::string::npos);
      break;
    }
    token = page.body.substr(at + 23, page.body.find("</NextContinuationToken>") - at - 23);
  }
  EXPECT_EQ(pages, 9);  // ten pages of 100
}

TEST_F(S3ApiTest, ObsProfileRejectsWhatObsRejects) {
  Build(config::Profile::kObs);
  ASSERT_EQ(Call("PUT", "/src?inventory&id=logs",
                 ObsConfig("logs", "CSV", "<Filter><Prefix>logs/</Prefix></Filter>"))
                .status,
            200);
  struct Case {
    std::string body;
    std::string code;
  };
  const Case cases[] = {
      {ObsConfig("p", "Parquet"), "InvalidArgument"},
      {AwsConfig("p"), "MalformedXML"},
      {ObsConfig("p", "CSV", "<Filter><Prefix>logs/2024/</Prefix></Filter>"),
       "PrefixExistInclusionRelationship"},
      {ObsConfig("p", "CSV"), "PrefixExistInclusionRelationship"},
  };
  for (const Case& c : cases) {
    HttpResponse r = Call("PUT", "/src?inventory&id=p", c.body);
    EXPECT_EQ(r.status, 400) << c.body;
    EXPECT_EQ(CodeOf(r), c.code) << c.body << "\n" << r.body;
  }
  for (int i = 1; i < 10; ++i) {
    const std::string id = "k" + std::to_string(i);
    ASSERT_EQ(Call("PUT", "/src?inventory&id=" + id,
                   ObsConfig(id, "CSV", "<Filter><Prefix>" + id + "/</Prefix></Filter>"))
                  .status,
              200);
  }
  HttpResponse eleventh = Call("PUT", "/src?inventory&id=k10",
                               ObsConfig("k10", "CSV", "<Filter><Prefix>k10/</Prefix></Filter>"));
  EXPECT_EQ(CodeOf(eleventh), "InventoryCountOverLimit") << eleventh.body;
  HttpResponse list = Call("GET", "/src?inventory");
  EXPECT_NE(list.body.find("<ListInventoryConfiguration"), std::string::npos) << list.body;
  EXPECT_EQ(list.body.find("IsTruncated"), std::string::npos);
}

TEST_F(S3ApiTest, RequestsOutsideFifteenMinutesAreTooSkewed) {
  HttpRequest request = Signed("GET", "/src?inventory");
  clock_.Advance(14 * 60 * 1000);
  EXPECT_EQ(api_->Handle(request).status, 200);
  clock_.Advance(2 * 60 * 1000);
  HttpResponse late = api_->Handle(request);
  EXPECT_EQ(late.status, 403);
  EXPECT_EQ(CodeOf(late), "RequestTimeTooSkewed");
}

TEST_F(S3ApiTest, PresignedUrlsExpire) {
  HttpRequest request;
  request.method = "GET";
  store::SigV4Request sig;
  sig.method = "GET";
  sig.path = "/src";
  sig.query = {{"inventory", ""}};
  sig.headers = {{"host", "127.0.0.1:9"}};
  const std::string query = store::SigV4Signer({"AKMAIN", "secret-main", ""}, "eu-west-1")
                                .PresignQuery(clock_.NowMillis(), 60, sig);
  ASSERT_TRUE(ParseRequestTarget("/src?" + query, &request).ok());
  request.headers = {{"host", "127.0.0.1:9"}};
  clock_.Advance(59 * 1000);
  EXPECT_EQ(api_->Handle(request).status, 200) << api_->Handle(request).body;
  clock_.Advance(2 * 1000);
  HttpResponse expired = api_->Handle(request);
  EXPECT_EQ(CodeOf(expired), "AccessDenied");
  EXPECT_NE(expired.body.find("Request has expired"), std::string::npos);
  request.headers = {{"host", "127.0.0.1:10"}};
  clock_.Set(kNow);
  EXPECT_EQ(CodeOf(api_->Handle(request)), "SignatureDoesNotMatch");
}

TEST_F(S3ApiTest, AuthenticationFailuresUseS3Codes) {
  HttpRequest unsigned_request;
  unsigned_request.method = "GET";
  unsigned_request.path = "/";
  EXPECT_EQ(CodeOf(api_->Handle(unsigned_request)), "AccessDenied");

  HttpRequest v2 = unsigned_request;
  v2.headers = {{"authorization", "AWS AKMAIN:c2lnbmF0dXJl"}};
  EXPECT_EQ(CodeOf(api_->Handle(v2)), "InvalidRequest");

  HttpRequest no_hash = Signed("GET", "/");
  std::erase_if(no_hash.headers, [](const auto& h) { return h.first == "x-amz-content-sha256"; });
  EXPECT_EQ(CodeOf(api_->Handle(no_hash)), "InvalidRequest");

  HttpRequest malformed = Signed("GET", "/");
  for (auto& [name, value] : malformed.headers) {
    if (name == "authorization") value = "AWS4-HMAC-SHA256 Credential=AKMAIN/x, Signature=00";
  }
  EXPECT_EQ(CodeOf(api_->Handle(malformed)), "AuthorizationHeaderMalformed");

  HttpRequest wrong = Signed("GET", "/", "", "s3", "AKMAIN", "not-it");
  EXPECT_EQ(CodeOf(api_->Handle(wrong)), "SignatureDoesNotMatch");
  HttpRequest unknown = Signed("GET", "/", "", "s3", "AKNOBODY", "x");
  EXPECT_EQ(CodeOf(api_->Handle(unknown)), "InvalidAccessKeyId");
}

TEST_F(S3ApiTest, StreamingPayloadsAreNotImplemented) {
  HttpRequest request = Signed("PUT", "/src?inventory&id=a", AwsConfig("a"));
  // Re-sign with the aws-chunked payload marker.
  HttpRequest chunked;
  chunked.method = "PUT";
  ASSERT_TRUE(ParseRequestTarget("/src?inventory&id=a", &chunked).ok());
  store::SigV4Request sig{
      "PUT", chunked.path, chunked.query, {{"host", "h"}}, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"};
  store::SigV4Signer({"AKMAIN", "secret-main", ""}, "eu-west-1").Sign(kNow, &sig);
  for (auto& [name, value] : sig.headers) {
    chunked.headers.emplace_back(name == "Authorization" ? "authorization" : name, value);
  }
  HttpResponse r = api_->Handle(chunked);
  EXPECT_EQ(r.status, 501);
  EXPECT_EQ(CodeOf(r), "NotImplemented");
  EXPECT_EQ(api_->Handle(request).status, 200);
}

TEST_F(S3ApiTest, UnknownOperationsAreNotImplemented) {
  const std::pair<const char*, const char*> calls[] = {
      {"GET", "/src"},          {"PUT", "/src"},
      {"GET", "/src/key"},      {"DELETE", "/src"},
      {"GET", "/src?acl"},      {"POST", "/src?delete"},
      {"PUT", "/src?location"}, {"OPTIONS", "/"},
      {"HEAD", "/src/key"},     {"PATCH", "/src?inventory&id=a"},
  };
  for (const auto& [method, target] : calls) {
    HttpResponse r = Call(method, target);
    EXPECT_EQ(r.status, 501) << method << " " << target;
    if (std::string(method) != "HEAD") {
      EXPECT_EQ(CodeOf(r), "NotImplemented") << target;
    }
  }
}

TEST_F(S3ApiTest, HeadErrorsHaveNoBody) {
  HttpResponse missing = Call("HEAD", "/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, "");
  HttpResponse ok = Call("HEAD", "/src");
  EXPECT_EQ(ok.status, 200);
}

TEST_F(S3ApiTest, StsErrorsUseTheStsErrorFormat) {
  const std::string form = "Action=GetCallerIdentity&Version=2011-06-15";
  HttpRequest good = Signed("POST", "/", form, "sts");
  good.headers.emplace_back("content-type", "application/x-www-form-urlencoded; charset=utf-8");
  HttpResponse identity = api_->Handle(good);
  EXPECT_EQ(identity.status, 200);
  EXPECT_NE(identity.body.find("<Account>123456789012</Account>"), std::string::npos);
  HttpRequest bad = Signed("POST", "/", form, "sts", "AKMAIN", "wrong");
  bad.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
  HttpResponse denied = api_->Handle(bad);
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(denied.body.rfind("<ErrorResponse", 0), 0u) << denied.body;
  EXPECT_EQ(CodeOf(denied), "SignatureDoesNotMatch");
  HttpRequest other = Signed("POST", "/", "Action=AssumeRole", "sts");
  other.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
  EXPECT_EQ(api_->Handle(other).status, 501);
}

}  // namespace
}  // namespace stocktake::server
