#include "store/object_store_conformance.h"

#include <algorithm>

#include "base/hash.h"

namespace stocktake::testing {

using store::ByteRange;
using store::ListRequest;
using store::ObjectInfo;

namespace {

constexpr char kMissingBucket[] = "stocktake-no-such-bucket-7f3a";
constexpr char kCommonPrefixMark[] = "CP:";

// Keys whose S3 order differs from naive path order, plus characters that
// need escaping in URLs. Valid on every store (no "a" that is also "a/").
std::vector<std::string> TrickyKeys() {
  return {"a-b", "a/b", "a/c/d", "a0", "ab", "a+b", "a%20b", "a b", "a/c.txt",
          "\xC3\xA9t\xC3\xA9", "\xE6\x97\xA5\xE6\x9C\xAC/x", "Z", "_u", "z~"};
}

std::vector<std::string> Sorted(std::vector<std::string> keys) {
  std::sort(keys.begin(), keys.end());  // std::string compares bytes as unsigned
  return keys;
}

std::vector<std::string> Filter(const std::vector<std::string>& keys,
                                const std::function<bool(const std::string&)>& keep) {
  std::vector<std::string> out;
  std::copy_if(keys.begin(), keys.end(), std::back_inserter(out), keep);
  return out;
}

}  // namespace

void ObjectStoreConformanceTest::SetUp() {
  sut_ = GetParam().make();
  ASSERT_NE(sut_.store, nullptr);
}

void ObjectStoreConformanceTest::PutOrDie(const std::string& key, const std::string& data) {
  Status st = store().Put(bucket(), key, data);
  ASSERT_TRUE(st.ok()) << st.ToString();
}

std::vector<std::string> ObjectStoreConformanceTest::ListAll(ListRequest request, int* pages) {
  std::vector<std::string> out;
  int page_count = 0;
  for (; page_count < 100000; ++page_count) {
    Result<store::ListPage> page = store().List(bucket(), request);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (!page.ok()) break;
    EXPECT_LE(static_cast<int>(page->objects.size() + page->common_prefixes.size()),
              request.max_keys);
    std::vector<std::pair<std::string, std::string>> merged;
    for (const ObjectInfo& o : page->objects) merged.emplace_back(o.key, o.key);
    for (const std::string& cp : page->common_prefixes) {
      merged.emplace_back(cp, kCommonPrefixMark + cp);
    }
    std::sort(merged.begin(), merged.end());
    for (auto& [sort_key, entry] : merged) out.push_back(entry);
    if (page->next_token.empty()) break;
    request.continuation_token = page->next_token;
  }
  if (pages != nullptr) *pages = page_count + 1;
  return out;
}

TEST_P(ObjectStoreConformanceTest, PutGetHeadDeleteRoundTrip) {
  PutOrDie("dir/obj.txt", "hello world");
  Result<std::string> got = store().Get(bucket(), "dir/obj.txt");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, "hello world");

  Result<ObjectInfo> head = store().Head(bucket(), "dir/obj.txt");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->size, 11);
  EXPECT_GT(head->last_modified_ms, 1577836800000);  // after 2020-01-01
  if (caps().etag_is_content_md5) {
    EXPECT_EQ(head->etag, Md5Hex("hello world"));
  }

  ASSERT_TRUE(store().Delete(bucket(), "dir/obj.txt").ok());
  EXPECT_EQ(store().Head(bucket(), "dir/obj.txt").status().code(), Code::kNotFound);
  EXPECT_EQ(store().Get(bucket(), "dir/obj.txt").status().code(), Code::kNotFound);
  EXPECT_TRUE(ListAll({}).empty());
}

TEST_P(ObjectStoreConformanceTest, OverwriteReplacesContent) {
  PutOrDie("k", "first version");
  PutOrDie("k", "2nd");
  EXPECT_EQ(*store().Get(bucket(), "k"), "2nd");
  EXPECT_EQ(store().Head(bucket(), "k")->size, 3);
}

TEST_P(ObjectStoreConformanceTest, EmptyAndLargerObjects) {
  PutOrDie("empty", "");
  std::string big;
  for (int i = 0; big.size() < (1 << 20) + 17; ++i) big += std::to_string(i) + ",";
  Result<std::unique_ptr<store::ObjectWriter>> w = store().NewWriter(bucket(), "big");
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  for (size_t off = 0; off < big.size(); off += 100000) {
    ASSERT_TRUE((*w)->Append(std::string_view(big).substr(off, 100000)).ok());
  }
  EXPECT_EQ((*w)->BytesWritten(), static_cast<int64_t>(big.size()));
  ASSERT_TRUE((*w)->Close().ok());

  EXPECT_EQ(store().Head(bucket(), "empty")->size, 0);
  EXPECT_EQ(*store().Get(bucket(), "empty"), "");
  EXPECT_EQ(*store().Get(bucket(), "big"), big);
  if (caps().etag_is_content_md5) {
    EXPECT_EQ(store().Head(bucket(), "empty")->etag, "d41d8cd98f00b204e9800998ecf8427e");
    EXPECT_EQ(store().Head(bucket(), "big")->etag, Md5Hex(big));
  }
}

TEST_P(ObjectStoreConformanceTest, MissingKeyAndBucketAreNotFound) {
  EXPECT_EQ(store().Get(bucket(), "nope").status().code(), Code::kNotFound);
  EXPECT_EQ(store().Head(bucket(), "no/such/key").status().code(), Code::kNotFound);
  EXPECT_EQ(store().HeadBucket(kMissingBucket).code(), Code::kNotFound);
  EXPECT_EQ(store().List(kMissingBucket, {}).status().code(), Code::kNotFound);
  EXPECT_EQ(store().Get(kMissingBucket, "k").status().code(), Code::kNotFound);
  EXPECT_EQ(store().Head(kMissingBucket, "k").status().code(), Code::kNotFound);
  EXPECT_TRUE(store().Delete(bucket(), "never/existed").ok());
  EXPECT_TRUE(store().HeadBucket(bucket()).ok());
}

TEST_P(ObjectStoreConformanceTest, RangedGet) {
  PutOrDie("digits", "0123456789");
  struct Case {
    ByteRange range;
    std::string want;
  };
  for (const Case& c : std::vector<Case>{{{0, 1}, "0"},
                                         {{2, 3}, "234"},
                                         {{5, -1}, "56789"},
                                         {{8, 100}, "89"},
                                         {{0, -1}, "0123456789"}}) {
    Result<std::string> got = store().Get(bucket(), "digits", c.range);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, c.want) << c.range.offset << "+" << c.range.length;
  }
}

TEST_P(ObjectStoreConformanceTest, WriterPublishesOnlyOnClose) {
  Result<std::unique_ptr<store::ObjectWriter>> w = store().NewWriter(bucket(), "w/atomic");
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_TRUE((*w)->Append("part one,").ok());
  EXPECT_EQ(store().Head(bucket(), "w/atomic").status().code(), Code::kNotFound);
  EXPECT_TRUE(ListAll({}).empty());
  ASSERT_TRUE((*w)->Append("part two").ok());
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ(*store().Get(bucket(), "w/atomic"), "part one,part two");
  EXPECT_EQ(ListAll({}), std::vector<std::string>{"w/atomic"});
}

TEST_P(ObjectStoreConformanceTest, AbortedWriterLeavesNothing) {
  PutOrDie("keep", "old");
  for (std::string key : {"keep", "w/aborted"}) {
    Result<std::unique_ptr<store::ObjectWriter>> w = store().NewWriter(bucket(), key);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    ASSERT_TRUE((*w)->Append("new data").ok());
    (*w)->Abort();
  }
  EXPECT_EQ(*store().Get(bucket(), "keep"), "old");
  EXPECT_EQ(store().Head(bucket(), "w/aborted").status().code(), Code::kNotFound);
  EXPECT_EQ(ListAll({}), std::vector<std::string>{"keep"});
}

TEST_P(ObjectStoreConformanceTest, ListsInS3ByteOrderWithMetadata) {
  std::vector<std::string> keys = TrickyKeys();
  if (caps().key_may_also_be_prefix) keys.push_back("a/b/c");
  for (const std::string& k : keys) PutOrDie(k, "data:" + k);
  EXPECT_EQ(ListAll({}), Sorted(keys));

  ListRequest req;
  req.fetch_etag = true;
  Result<store::ListPage> page = store().List(bucket(), req);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->objects.size(), keys.size());
  for (const ObjectInfo& o : page->objects) {
    EXPECT_EQ(o.size, static_cast<int64_t>(5 + o.key.size())) << o.key;
    EXPECT_GT(o.last_modified_ms, 1577836800000) << o.key;
    if (caps().etag_is_content_md5) {
      EXPECT_EQ(o.etag, Md5Hex("data:" + o.key)) << o.key;
    }
  }
}

TEST_P(ObjectStoreConformanceTest, PagingGivesTheSameListingForAnyPageSize) {
  std::vector<std::string> keys = TrickyKeys();
  for (const std::string& k : keys) PutOrDie(k, "x");
  for (int max_keys : {1, 2, 1000}) {
    ListRequest req;
    req.max_keys = max_keys;
    int pages = 0;
    EXPECT_EQ(ListAll(req, &pages), Sorted(keys)) << "max_keys=" << max_keys;
    int want_pages = (static_cast<int>(keys.size()) + max_keys - 1) / max_keys;
    // A store may or may not need a final empty page to say "done".
    EXPECT_GE(pages, want_pages);
    EXPECT_LE(pages, want_pages + 1);
  }
}

TEST_P(ObjectStoreConformanceTest, PrefixAndStartAfterNarrowTheListing) {
  std::vector<std::string> keys = Sorted(TrickyKeys());
  for (const std::string& k : keys) PutOrDie(k, "x");
  for (std::string prefix : {"a", "a/", "a/c", "\xE6\x97\xA5", "nothing"}) {
    for (int max_keys : {1, 1000}) {
      ListRequest req;
      req.prefix = prefix;
      req.max_keys = max_keys;
      EXPECT_EQ(ListAll(req), Filter(keys, [&](const std::string& k) {
                  return k.starts_with(prefix);
                })) << "prefix=" << prefix;
    }
  }
  for (std::string after : {"a/b", "a", "a.", "a/c/", "zz", ""}) {
    ListRequest req;
    req.start_after = after;
    req.max_keys = 2;
    EXPECT_EQ(ListAll(req), Filter(keys, [&](const std::string& k) { return k > after; }))
        << "start_after=" << after;
  }
  ListRequest both;
  both.prefix = "a/";
  both.start_after = "a/b";
  EXPECT_EQ(ListAll(both), (std::vector<std::string>{"a/c.txt", "a/c/d"}));
}

TEST_P(ObjectStoreConformanceTest, DelimiterRollsUpCommonPrefixes) {
  for (const std::string& k : TrickyKeys()) PutOrDie(k, "x");
  PutOrDie("a/c/e/f", "x");
  const std::string cp = kCommonPrefixMark;
  struct Case {
    std::string prefix;
    std::vector<std::string> want;
  };
  std::vector<Case> cases = {
      {"", {"Z", "_u", "a b", "a%20b", "a+b", "a-b", cp + "a/", "a0", "ab", "z~", "\xC3\xA9t\xC3\xA9",
            cp + "\xE6\x97\xA5\xE6\x9C\xAC/"}},
      {"a/", {"a/b", "a/c.txt", cp + "a/c/"}},
      {"a/c", {"a/c.txt", cp + "a/c/"}},
      {"a/c/", {"a/c/d", cp + "a/c/e/"}},
  };
  for (const Case& c : cases) {
    for (int max_keys : {1, 2, 1000}) {
      ListRequest req;
      req.prefix = c.prefix;
      req.delimiter = "/";
      req.max_keys = max_keys;
      EXPECT_EQ(ListAll(req), c.want) << "prefix=" << c.prefix << " max_keys=" << max_keys;
    }
  }
}

TEST_P(ObjectStoreConformanceTest, ListBucketsIncludesTheBucketSorted) {
  Result<std::vector<store::BucketInfo>> buckets = store().ListBuckets();
  ASSERT_TRUE(buckets.ok()) << buckets.status().ToString();
  std::vector<std::string> names;
  for (const store::BucketInfo& b : *buckets) names.push_back(b.name);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  auto it = std::find(names.begin(), names.end(), bucket());
  ASSERT_NE(it, names.end());
  EXPECT_GT((*buckets)[static_cast<size_t>(it - names.begin())].creation_ms, 1577836800000);
  EXPECT_EQ(std::find(names.begin(), names.end(), kMissingBucket), names.end());
}

TEST_P(ObjectStoreConformanceTest, CreateExistingBucketFollowsCapability) {
  Status st = store().CreateBucket(bucket());
  if (caps().create_existing_bucket_is_ok) {
    EXPECT_TRUE(st.ok()) << st.ToString();
  } else {
    EXPECT_EQ(st.code(), Code::kAlreadyExists) << st.ToString();
  }
  EXPECT_TRUE(store().GetBucketLocation(bucket()).ok());
}

// The bucket is fresh and versioning was never enabled on it, so even a
// versioning store holds exactly one "null" version per key.
TEST_P(ObjectStoreConformanceTest, ListVersionsShowsEachKeyOnce) {
  for (std::string k : {"v/1", "v/2", "w"}) PutOrDie(k, "x");
  store::VersionListRequest req;
  req.prefix = "v/";
  req.max_keys = 1;
  std::vector<std::string> seen;
  for (int round = 0; round < 10; ++round) {
    Result<store::VersionPage> page = store().ListVersions(bucket(), req);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const ObjectInfo& v : page->versions) {
      seen.push_back(v.key);
      EXPECT_EQ(v.version_id, "null");
      EXPECT_TRUE(v.is_latest);
      EXPECT_FALSE(v.is_delete_marker);
    }
    if (!page->truncated) break;
    req.key_marker = page->next_key_marker;
    req.version_id_marker = page->next_version_id_marker;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"v/1", "v/2"}));
}

TEST_P(ObjectStoreConformanceTest, HeadAndAclOfTheListedVersion) {
  PutOrDie("acl/k", "12345");
  store::VersionListRequest req;
  req.prefix = "acl/";
  Result<store::VersionPage> page = store().ListVersions(bucket(), req);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->versions.size(), 1u);
  const std::string version = page->versions[0].version_id;

  Result<ObjectInfo> head = store().Head(bucket(), "acl/k", version);
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->size, 5);
  Result<store::ObjectAcl> acl = store().GetObjectAcl(bucket(), "acl/k", version);
  ASSERT_TRUE(acl.ok()) << acl.status().ToString();
  Result<store::ObjectAcl> current = store().GetObjectAcl(bucket(), "acl/k");
  ASSERT_TRUE(current.ok()) << current.status().ToString();
  EXPECT_EQ(acl->available, store().capabilities().object_acls);
  EXPECT_EQ(current->available, acl->available);
  if (acl->available) {
    // A fresh private object: its owner holds FULL_CONTROL.
    EXPECT_FALSE(acl->owner_id.empty());
    ASSERT_EQ(acl->grants.size(), 1u);
    EXPECT_EQ(acl->grants[0].type, "CanonicalUser");
    EXPECT_EQ(acl->grants[0].id, acl->owner_id);
    EXPECT_EQ(acl->grants[0].permission, "FULL_CONTROL");
  } else {
    EXPECT_TRUE(acl->owner_id.empty());
    EXPECT_TRUE(acl->grants.empty());
  }
  EXPECT_EQ(store().GetObjectAcl(bucket(), "acl/missing").status().code(), Code::kNotFound);
  EXPECT_EQ(store().GetObjectAcl(kMissingBucket, "acl/k").status().code(), Code::kNotFound);
}

TEST_P(ObjectStoreConformanceTest, UnusualKeysFollowCapability) {
  for (std::string key : {"x//y", "trailing/", "./dot", "up/../x"}) {
    Status st = store().Put(bucket(), key, "v");
    if (caps().supports_any_key) {
      ASSERT_TRUE(st.ok()) << key << ": " << st.ToString();
      EXPECT_EQ(*store().Get(bucket(), key), "v") << key;
    } else {
      EXPECT_EQ(st.code(), Code::kInvalidArgument) << key;
      EXPECT_NE(st.message().find(key), std::string::npos) << st.message();
    }
  }
}

TEST_P(ObjectStoreConformanceTest, KeyThatIsAlsoAPrefixFollowsCapability) {
  PutOrDie("p/q", "child");
  Status st = store().Put(bucket(), "p", "parent");
  if (caps().key_may_also_be_prefix) {
    ASSERT_TRUE(st.ok()) << st.ToString();
    EXPECT_EQ(ListAll({}), (std::vector<std::string>{"p", "p/q"}));
  } else {
    EXPECT_FALSE(st.ok());
    EXPECT_EQ(ListAll({}), std::vector<std::string>{"p/q"});
  }
}

}  // namespace stocktake::testing
