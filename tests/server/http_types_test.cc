#include "server/http_types.h"

#include <gtest/gtest.h>

namespace stocktake::server {
namespace {

TEST(HttpTypesTest, ParsesRequestTargets) {
  struct Case {
    const char* target;
    bool ok;
    const char* path;
    KeyValues query;
  };
  const Case cases[] = {
      {"/", true, "/", {}},
      {"/src?inventory", true, "/src", {{"inventory", ""}}},
      {"/src?inventory&id=a%20b", true, "/src", {{"inventory", ""}, {"id", "a b"}}},
      {"/a%2Fb/k+ey?x=1+2&&y=", true, "/a/b/k+ey", {{"x", "1+2"}, {"y", ""}}},
      {"/src?continuation-token=abc%3D", true, "/src", {{"continuation-token", "abc="}}},
      {"/bad%zz", false, "", {}},
      {"/src?id=%4", false, "", {}},
      {"src", false, "", {}},
      {"", false, "", {}},
  };
  for (const Case& c : cases) {
    HttpRequest request;
    Status st = ParseRequestTarget(c.target, &request);
    ASSERT_EQ(st.ok(), c.ok) << c.target << " " << st.ToString();
    if (!c.ok) continue;
    EXPECT_EQ(request.path, c.path) << c.target;
    EXPECT_EQ(request.query, c.query) << c.target;
  }
}

TEST(HttpTypesTest, LooksUpFirstHeaderAndQueryValue) {
  HttpRequest request;
  request.headers = {{"host", "a"}, {"x-amz-date", "1"}, {"host", "b"}};
  request.query = {{"inventory", ""}};
  EXPECT_EQ(request.Header("host"), "a");
  EXPECT_EQ(request.Header("missing"), std::nullopt);
  EXPECT_TRUE(request.HasQuery("inventory"));
  EXPECT_FALSE(request.HasQuery("id"));
}

}  // namespace
}  // namespace stocktake::server
