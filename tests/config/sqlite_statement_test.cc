#include "config/sqlite_statement.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <optional>
#include <string>

namespace stocktake::config {
namespace {

class SqliteStatementTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK); }
  void TearDown() override { sqlite3_close(db_); }
  sqlite3* db_ = nullptr;
};

TEST_F(SqliteStatementTest, BindTakesEachValueInOrderByType) {
  auto s = SqliteStatement::Prepare(
      db_, "SELECT ?1, typeof(?2), ?2, ?3, typeof(?4), ?5, ?6, typeof(?7)", "test select");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  const std::string text = "key with 'quote'";
  const std::optional<std::string> present = "opt";
  const std::optional<std::string> absent;
  const int64_t big = int64_t{1} << 40;
  ASSERT_TRUE(s->Bind(text, big, std::string_view("view"), absent, present, true, 7).ok());
  auto row = s->Step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ(s->Text(0), text);
  EXPECT_EQ(s->Text(1), "integer");
  EXPECT_EQ(s->Int64(2), big);
  EXPECT_EQ(s->Text(3), "view");
  EXPECT_EQ(s->Text(4), "null");
  EXPECT_EQ(s->OptionalText(5), present);
  EXPECT_EQ(s->Int64(6), 1);
  EXPECT_EQ(s->Text(7), "integer");
}

TEST_F(SqliteStatementTest, BindPastTheLastParameterFailsNamingTheOperation) {
  auto s = SqliteStatement::Prepare(db_, "SELECT ?1", "select one in test.db");
  ASSERT_TRUE(s.ok());
  Status st = s->Bind(std::string("a"), int64_t{2});
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("select one in test.db"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace stocktake::config
