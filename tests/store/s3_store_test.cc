// S3Store against a real Ceph RGW (tests/testing/s3_server.h).
#include "store/s3_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "base/hash.h"
#include "store/s3_xml.h"
#include "testing/s3_oracle.h"
#include "testing/s3_server.h"

namespace stocktake::store {
namespace {

using stocktake::testing::S3TestServer;

ListRequest Listing(std::string prefix, std::string delimiter = "", std::string start_after = "",
                    int max_keys = 1000) {
  ListRequest r;
  r.prefix = std::move(prefix);
  r.delimiter = std::move(delimiter);
  r.start_after = std::move(start_after);
  r.max_keys = max_keys;
  return r;
}

ByteRange Range(int64_t offset, int64_t length) {
  ByteRange r;
  r.offset = offset;
  r.length = length;
  return r;
}


class S3StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<S3TestServer*> server = S3TestServer::Get();
    ASSERT_TRUE(server.ok()) << "no S3 test server: " << server.status().ToString();
    server_ = *server;
    store_ = Open(server_->StoreOptions());
    bucket_ = S3TestServer::UniqueBucket(
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_TRUE(store_->CreateBucket(bucket_).ok()) << bucket_;
  }

  static std::unique_ptr<S3Store> Open(S3StoreOptions options) {
    Result<std::unique_ptr<S3Store>> store = S3Store::Open(std::move(options));
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  // Every key under prefix, paging with max_keys.
  std::vector<std::string> ListAll(const std::string& prefix, int max_keys) {
    std::vector<std::string> keys;
    ListRequest request = Listing(prefix, "", "", max_keys);
    for (int page = 0; page < 1000; ++page) {
      Result<ListPage> got = store_->List(bucket_, request);
      EXPECT_TRUE(got.ok()) << got.status().ToString();
      if (!got.ok()) break;
      EXPECT_LE(got->objects.size(), static_cast<size_t>(max_keys));
      for (const ObjectInfo& o : got->objects) keys.push_back(o.key);
      if (got->next_token.empty()) break;
      request.continuation_token = got->next_token;
    }
    return keys;
  }

  S3TestServer* server_ = nullptr;
  std::unique_ptr<S3Store> store_;
  std::string bucket_;
};

std::vector<std::string> HostileKeys() {
  std::vector<std::string> keys = {
      "plain",       "with space",  "plus+sign",   "percent%20literal", "caf\xC3\xA9",
      "emoji-\xF0\x9F\x98\x80", "a//double",   "trailing/",   "quote\"s'",  "new\nline",
      "tab\there",   "ctl\x01\x1f", "amp&eq=q?",   "./dot/../seg",      "back\\slash",
      "~tilde*star", "#hash",       "<xml>&lt;",
  };
  keys.push_back(std::string(1000, 'k'));
  return keys;
}

TEST_F(S3StoreTest, HostileKeysRoundTripAndListInByteOrder) {
  std::vector<std::string> keys = HostileKeys();
  for (const std::string& key : keys) {
    ASSERT_TRUE(store_->Put(bucket_, key, "body:" + key).ok()) << key;
  }
  std::sort(keys.begin(), keys.end());
  // One key per page: every key, control characters included, becomes a
  // continuation token (RGW echoes it raw as &#x01;-style references).
  EXPECT_EQ(ListAll("", 1), keys);
  for (const std::string& key : keys) {
    Result<std::string> body = store_->Get(bucket_, key);
    ASSERT_TRUE(body.ok()) << body.status().ToString();
    EXPECT_EQ(*body, "body:" + key);
    Result<ObjectInfo> head = store_->Head(bucket_, key);
    ASSERT_TRUE(head.ok()) << head.status().ToString();
    EXPECT_EQ(head->etag, Md5Hex("body:" + key));
  }
}

TEST_F(S3StoreTest, ListingMatchesBoto3) {
  std::vector<std::string> keys = HostileKeys();
  for (const std::string& key : keys) ASSERT_TRUE(store_->Put(bucket_, key, "x").ok()) << key;
  // boto3 asks for encoding-type=url and decodes it itself (only when the
  // caller did not ask); print each key hex-encoded. One
  // page: boto3's XML parser rejects RGW's raw control-character tokens.
  std::string script =
      "import boto3,os\n"
      "s3=boto3.client('s3',endpoint_url='" + server_->endpoint() + "')\n"
      "for p in s3.get_paginator('list_objects_v2').paginate(Bucket='" + bucket_ +
      "',PaginationConfig={'PageSize':1000}):\n"
      "  for o in p.get('Contents',[]): print(o['Key'].encode().hex())\n";
  Result<std::string> out = stocktake::testing::RunCommand(
      server_->ShellEnv() + "/usr/bin/python3 -c \"$(printf %s '" + HexLower(script) +
      "' | xxd -r -p)\"");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  std::vector<std::string> boto_keys;
  size_t pos = 0;
  for (size_t line = 0; line < 1000 && pos < out->size(); ++line) {
    size_t end = out->find('\n', pos);
    std::string hex = out->substr(pos, end - pos);
    std::string key;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) {
      key += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    }
    boto_keys.push_back(key);
    pos = end == std::string::npos ? out->size() : end + 1;
  }
  EXPECT_EQ(ListAll("", 3), boto_keys);
}

TEST_F(S3StoreTest, PagesPrefixStartAfterAndDelimiter) {
  std::vector<std::string> expected;
  for (int i = 0; i < 13; ++i) {
    std::string key = "dir/a/" + std::to_string(100 + i);
    expected.push_back(key);
    ASSERT_TRUE(store_->Put(bucket_, key, "x").ok());
  }
  ASSERT_TRUE(store_->Put(bucket_, "dir/b/x", "x").ok());
  ASSERT_TRUE(store_->Put(bucket_, "dir/top", "x").ok());
  ASSERT_TRUE(store_->Put(bucket_, "other", "x").ok());

  EXPECT_EQ(ListAll("dir/a/", 4), expected);

  Result<ListPage> after = store_->List(bucket_, Listing("dir/a/", "", "dir/a/110", 100));
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  ASSERT_EQ(after->objects.size(), 2u);
  EXPECT_EQ(after->objects[0].key, "dir/a/111");
  EXPECT_TRUE(after->next_token.empty());

  Result<ListPage> delim = store_->List(bucket_, Listing("dir/", "/"));
  ASSERT_TRUE(delim.ok()) << delim.status().ToString();
  EXPECT_EQ(delim->common_prefixes, (std::vector<std::string>{"dir/a/", "dir/b/"}));
  ASSERT_EQ(delim->objects.size(), 1u);
  EXPECT_EQ(delim->objects[0].key, "dir/top");
  EXPECT_EQ(delim->objects[0].size, 1);
  EXPECT_EQ(delim->objects[0].storage_class, "STANDARD");
  EXPECT_GT(delim->objects[0].last_modified_ms, 1600000000000);

  ListRequest with_owner = Listing("other");
  with_owner.fetch_owner = true;
  Result<ListPage> owner = store_->List(bucket_, with_owner);
  ASSERT_TRUE(owner.ok());
  ASSERT_EQ(owner->objects.size(), 1u);
  EXPECT_FALSE(owner->objects[0].owner_id.empty());
}

TEST_F(S3StoreTest, VersionedBucketListsVersionsAndDeleteMarkersNewestFirst) {
  ASSERT_TRUE(store_->SetVersioning(bucket_, true).ok());
  ASSERT_TRUE(store_->Put(bucket_, "k 1", "v1").ok());
  ASSERT_TRUE(store_->Put(bucket_, "k 1", "v22").ok());
  ASSERT_TRUE(store_->Put(bucket_, "k2\n", "v333").ok());
  ASSERT_TRUE(store_->Delete(bucket_, "k 1").ok());

  Result<VersionPage> all = store_->ListVersions(bucket_, {});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->versions.size(), 4u);
  const auto& v = all->versions;
  EXPECT_EQ(v[0].key, "k 1");
  EXPECT_TRUE(v[0].is_delete_marker);
  EXPECT_TRUE(v[0].is_latest);
  EXPECT_EQ(v[1].size, 3);
  EXPECT_FALSE(v[1].is_latest);
  EXPECT_EQ(v[2].size, 2);
  EXPECT_EQ(v[3].key, "k2\n");
  EXPECT_TRUE(v[3].is_latest);
  std::set<std::string> ids;
  for (const ObjectInfo& o : v) ids.insert(o.version_id);
  EXPECT_EQ(ids.size(), 4u);
  EXPECT_FALSE(all->truncated);
  EXPECT_EQ(store_->Head(bucket_, "k 1").status().code(), Code::kNotFound);

  // Paging two at a time with the markers visits the same versions.
  std::vector<std::string> paged;
  VersionListRequest request;
  request.max_keys = 2;
  for (int page = 0; page < 10; ++page) {
    Result<VersionPage> got = store_->ListVersions(bucket_, request);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    for (const ObjectInfo& o : got->versions) paged.push_back(o.version_id);
    if (!got->truncated) break;
    request.key_marker = got->next_key_marker;
    request.version_id_marker = got->next_version_id_marker;
  }
  std::vector<std::string> expected;
  for (const ObjectInfo& o : v) expected.push_back(o.version_id);
  EXPECT_EQ(paged, expected);
}

TEST_F(S3StoreTest, HeadAndAclAnswerForTheVersionAsked) {
  ASSERT_TRUE(store_->SetVersioning(bucket_, true).ok());
  ASSERT_TRUE(stocktake::testing::OraclePut(*server_, bucket_, "k", "one", "kms:testkey-1",
                                            "public-read")
                  .ok());
  ASSERT_TRUE(stocktake::testing::OraclePut(*server_, bucket_, "k", "second", "c", "").ok());
  ASSERT_TRUE(store_->Put(bucket_, "k", "third!!").ok());
  Result<VersionPage> all = store_->ListVersions(bucket_, {});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->versions.size(), 3u);
  struct Want {
    int64_t size;
    std::string encryption;
    size_t grants;
  };
  // Newest first: plain private, SSE-C private, SSE-KMS public-read.
  const std::vector<Want> want = {{7, "NOT-SSE", 1}, {6, "SSE-C", 1}, {3, "SSE-KMS", 2}};
  for (size_t i = 0; i < want.size(); ++i) {
    const ObjectInfo& v = all->versions[i];
    Result<ObjectInfo> head = store_->Head(bucket_, "k", v.version_id);
    ASSERT_TRUE(head.ok()) << head.status().ToString();
    EXPECT_EQ(head->size, want[i].size) << i;
    EXPECT_EQ(head->etag, v.etag) << i;
    EXPECT_EQ(head->encryption_status, want[i].encryption) << i;
    Result<ObjectAcl> acl = store_->GetObjectAcl(bucket_, "k", v.version_id);
    ASSERT_TRUE(acl.ok()) << acl.status().ToString();
    EXPECT_EQ(acl->grants.size(), want[i].grants) << i;
  }
  Result<ObjectAcl> oldest = store_->GetObjectAcl(bucket_, "k", all->versions[2].version_id);
  ASSERT_TRUE(oldest.ok());
  EXPECT_EQ(oldest->grants[0].type, "Group");
  EXPECT_EQ(oldest->grants[0].uri, "http://acs.amazonaws.com/groups/global/AllUsers");
  EXPECT_EQ(oldest->grants[0].permission, "READ");
  EXPECT_EQ(oldest->grants[1].id, oldest->owner_id);
  EXPECT_EQ(store_->Head(bucket_, "k")->size, 7);
}

TEST(S3XmlTest, ParsesAccessControlPolicyAndRejectsBrokenGrants) {
  Result<ObjectAcl> acl = ParseAccessControlPolicy(
      "<?xml version=\"1.0\"?><AccessControlPolicy xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Owner><ID>owner-id</ID></Owner><AccessControlList>"
      "<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CanonicalUser\">"
      "<ID>u1</ID><DisplayName>u</DisplayName></Grantee><Permission>WRITE_ACP</Permission></Grant>"
      "<Grant><Grantee xmlns:x=\"http://www.w3.org/2001/XMLSchema-instance\" x:type=\"AmazonCustomerByEmail\">"
      "<EmailAddress>a@b.c</EmailAddress></Grantee><Permission>READ</Permission></Grant>"
      "</AccessControlList></AccessControlPolicy>");
  ASSERT_TRUE(acl.ok()) << acl.status().ToString();
  EXPECT_TRUE(acl->available);
  EXPECT_EQ(acl->owner_id, "owner-id");
  ASSERT_EQ(acl->grants.size(), 2u);
  EXPECT_EQ(acl->grants[0].type, "CanonicalUser");
  EXPECT_EQ(acl->grants[0].id, "u1");
  EXPECT_EQ(acl->grants[0].permission, "WRITE_ACP");
  EXPECT_EQ(acl->grants[1].type, "AmazonCustomerByEmail");
  EXPECT_EQ(acl->grants[1].email, "a@b.c");

  for (const char* broken :
       {"<AccessControlPolicy><AccessControlList><Grant><Grantee><ID>x</ID></Grantee>"
        "<Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>",
        "<Error><Code>AccessDenied</Code></Error>", "<AccessControlPolicy"}) {
    EXPECT_EQ(ParseAccessControlPolicy(broken).status().code(), Code::kCorruption) << broken;
  }
}

TEST_F(S3StoreTest, HeadReportsMetadataAndGetHonoursRanges) {
  ASSERT_TRUE(store_->Put(bucket_, "obj", "0123456789", WriteOptions{"text/plain"}).ok());
  Result<ObjectInfo> head = store_->Head(bucket_, "obj");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->key, "obj");
  EXPECT_EQ(head->size, 10);
  EXPECT_EQ(head->etag, Md5Hex("0123456789"));
  EXPECT_FALSE(head->IsMultipart());
  EXPECT_EQ(head->storage_class, "STANDARD");
  EXPECT_EQ(head->content_type, "text/plain");
  EXPECT_EQ(head->encryption_status, "NOT-SSE");
  EXPECT_GT(head->last_modified_ms, 1600000000000);

  EXPECT_EQ(*store_->Get(bucket_, "obj", Range(2, 3)), "234");
  EXPECT_EQ(*store_->Get(bucket_, "obj", Range(7, -1)), "789");
  EXPECT_EQ(*store_->Get(bucket_, "obj", Range(0, 0)), "");
  EXPECT_EQ(*store_->Get(bucket_, "obj"), "0123456789");
}

TEST_F(S3StoreTest, HeadNamesKmsAndCustomerKeyEncryption) {
  ASSERT_TRUE(store_->Put(bucket_, "plain", "p").ok());
  ASSERT_TRUE(stocktake::testing::OraclePut(*server_, bucket_, "kms", "kk", "kms:testkey-1").ok());
  ASSERT_TRUE(stocktake::testing::OraclePut(*server_, bucket_, "ssec", "ccc", "c").ok());
  struct Case {
    std::string key, status;
    int64_t size;
  };
  for (const Case& c : std::vector<Case>{{"plain", "NOT-SSE", 1}, {"kms", "SSE-KMS", 2},
                                         {"ssec", "SSE-C", 3}}) {
    Result<ObjectInfo> head = store_->Head(bucket_, c.key);
    ASSERT_TRUE(head.ok()) << head.status().ToString();
    EXPECT_EQ(head->encryption_status, c.status) << c.key;
    EXPECT_EQ(head->size, c.size) << c.key;
    EXPECT_GT(head->last_modified_ms, 1600000000000) << c.key;
  }
  // Without the customer key only the listing's facts are known; a 400
  // for any other reason is still an error.
  Result<ListPage> listed = store_->List(bucket_, Listing("ssec"));
  ASSERT_TRUE(listed.ok() && listed->objects.size() == 1u);
  EXPECT_EQ(store_->Head(bucket_, "ssec")->etag, listed->objects[0].etag);
  EXPECT_EQ(store_->Get(bucket_, "ssec").status().code(), Code::kInvalidArgument);
}

TEST_F(S3StoreTest, MissingThingsAreNotFoundAndBucketCallsWork) {
  Status head = store_->Head(bucket_, "nope").status();
  EXPECT_EQ(head.code(), Code::kNotFound);
  EXPECT_EQ(head.message(), "head s3://" + bucket_ + "/nope: HTTP 404 Not Found");
  Status get = store_->Get(bucket_, "nope").status();
  EXPECT_EQ(get.code(), Code::kNotFound);
  EXPECT_NE(get.message().find("get s3://" + bucket_ + "/nope: NoSuchKey (404)"),
            std::string::npos)
      << get.message();
  EXPECT_TRUE(store_->Delete(bucket_, "nope").ok());
  EXPECT_EQ(store_->List("st-no-such-bucket-x", {}).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->HeadBucket("st-no-such-bucket-x").code(), Code::kNotFound);
  EXPECT_TRUE(store_->HeadBucket(bucket_).ok());

  Result<std::vector<BucketInfo>> buckets = store_->ListBuckets();
  ASSERT_TRUE(buckets.ok()) << buckets.status().ToString();
  EXPECT_TRUE(std::any_of(buckets->begin(), buckets->end(),
                          [&](const BucketInfo& b) { return b.name == bucket_; }));
  Result<std::string> location = store_->GetBucketLocation(bucket_);
  ASSERT_TRUE(location.ok()) << location.status().ToString();
  EXPECT_FALSE(location->empty());

  ASSERT_TRUE(store_->Put(bucket_, "gone", "x").ok());
  ASSERT_TRUE(store_->Delete(bucket_, "gone").ok());
  EXPECT_EQ(store_->Head(bucket_, "gone").status().code(), Code::kNotFound);
}

TEST_F(S3StoreTest, MultipartWriterPublishesOnlyOnClose) {
  S3StoreOptions options = server_->StoreOptions();
  options.part_size = kMinPartSize;
  std::unique_ptr<S3Store> store = Open(options);
  std::string data;
  for (int i = 0; data.size() < (11u << 20); ++i) data += "line " + std::to_string(i) + "\n";
  Result<std::unique_ptr<ObjectWriter>> writer = store->NewWriter(bucket_, "big");
  ASSERT_TRUE(writer.ok());
  for (size_t off = 0; off < data.size(); off += 1 << 20) {
    ASSERT_TRUE((*writer)->Append(std::string_view(data).substr(off, 1 << 20)).ok());
  }
  EXPECT_EQ((*writer)->BytesWritten(), static_cast<int64_t>(data.size()));
  EXPECT_EQ(store->Head(bucket_, "big").status().code(), Code::kNotFound);
  ASSERT_TRUE((*writer)->Close().ok());

  Result<ObjectInfo> head = store->Head(bucket_, "big");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->size, static_cast<int64_t>(data.size()));
  EXPECT_TRUE(head->etag.ends_with("-3")) << head->etag;
  Result<std::string> back = store->Get(bucket_, "big");
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(*back == data);
}

TEST_F(S3StoreTest, AbortLeavesNoObjectAndNoUpload) {
  S3StoreOptions options = server_->StoreOptions();
  options.part_size = kMinPartSize;
  std::unique_ptr<S3Store> store = Open(options);
  Result<std::unique_ptr<ObjectWriter>> writer = store->NewWriter(bucket_, "aborted");
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append(std::string(6 << 20, 'a')).ok());  // starts the upload
  (*writer)->Abort();
  EXPECT_EQ(store->Head(bucket_, "aborted").status().code(), Code::kNotFound);
  Result<std::string> uploads = stocktake::testing::RunCommand(
      server_->ShellEnv() + "/usr/bin/aws --endpoint-url " + server_->endpoint() +
      " s3api list-multipart-uploads --bucket " + bucket_);
  ASSERT_TRUE(uploads.ok()) << uploads.status().ToString();
  EXPECT_EQ(uploads->find("UploadId"), std::string::npos) << *uploads;
}

TEST_F(S3StoreTest, APartFailingInTheBackgroundFailsCloseAndPublishesNothing) {
  S3StoreOptions options = server_->StoreOptions();
  options.part_size = kMinPartSize;
  std::unique_ptr<S3Store> store = Open(options);
  Result<std::unique_ptr<ObjectWriter>> writer = store->NewWriter(bucket_, "doomed");
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append(std::string(6 << 20, 'a')).ok());  // starts the upload
  // Someone else aborts the upload: every later part gets NoSuchUpload.
  const std::string aws = server_->ShellEnv() + "/usr/bin/aws --endpoint-url " +
                          server_->endpoint() + " s3api ";
  Result<std::string> id = stocktake::testing::RunCommand(
      aws + "list-multipart-uploads --bucket " + bucket_ +
      " --query 'Uploads[0].UploadId' --output text");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  std::string upload_id = *id;
  while (!upload_id.empty() && (upload_id.back() == '\n' || upload_id.back() == ' ')) upload_id.pop_back();
  ASSERT_FALSE(upload_id.empty());
  ASSERT_TRUE(stocktake::testing::RunCommand(aws + "abort-multipart-upload --bucket " + bucket_ +
                                             " --key doomed --upload-id " + upload_id)
                  .ok());
  // The failure surfaces from a later Append or from Close, never as success.
  Status st = Status::OK();
  for (int i = 0; i < 4 && st.ok(); ++i) st = (*writer)->Append(std::string(6 << 20, 'b'));
  if (st.ok()) st = (*writer)->Close();
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(store->Head(bucket_, "doomed").status().code(), Code::kNotFound);
}

TEST_F(S3StoreTest, WrongCredentialsArePermissionDenied) {
  S3StoreOptions options = server_->StoreOptions();
  options.credentials.secret_access_key = "wrong-secret";
  std::unique_ptr<S3Store> bad = Open(options);
  Status st = bad->List(bucket_, Listing("p")).status();
  EXPECT_EQ(st.code(), Code::kPermissionDenied) << st.ToString();
  EXPECT_TRUE(st.message().starts_with("list s3://" + bucket_ + "/p: SignatureDoesNotMatch (403)"))
      << st.message();
  options.credentials.access_key_id = "NOSUCHKEY";
  EXPECT_EQ(Open(options)->Head(bucket_, "k").status().code(), Code::kPermissionDenied);
}

TEST(S3StoreOfflineTest, UnreachableEndpointIsUnavailableWithClearMessage) {
  S3StoreOptions options;
  options.endpoint = "http://127.0.0.1:1";
  options.credentials = {"AK", "SK", ""};
  Result<std::unique_ptr<S3Store>> store = S3Store::Open(options);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->Name(), "s3:http://127.0.0.1:1");
  Status st = (*store)->List("bucket", Listing("prefix")).status();
  EXPECT_EQ(st.code(), Code::kUnavailable);
  EXPECT_TRUE(IsRetryable(st));
  EXPECT_EQ(st.message(), "list s3://bucket/prefix: cannot connect to http://127.0.0.1:1: "
                          "Connection refused");
}

TEST(S3StoreOfflineTest, OpenRejectsBadOptions) {
  S3StoreOptions options;
  options.endpoint = "127.0.0.1:9000";
  options.credentials = {"AK", "SK", ""};
  EXPECT_EQ(S3Store::Open(options).status().code(), Code::kInvalidArgument);
  options.endpoint = "http://127.0.0.1:9000";
  options.part_size = 1 << 20;
  EXPECT_EQ(S3Store::Open(options).status().code(), Code::kInvalidArgument);
  options.part_size = kMinPartSize;
  options.credentials = {};
  EXPECT_EQ(S3Store::Open(options).status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace stocktake::store
