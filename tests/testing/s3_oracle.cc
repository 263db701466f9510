#include "testing/s3_oracle.h"

#include <simdjson.h>

#include "base/time_util.h"
#include "testing/subprocess.h"

namespace stocktake::testing {
namespace {

constexpr int kOracleTimeoutSeconds = 120;

std::vector<std::string> OracleArgv(const S3TestServer& server) {
  return {"/usr/bin/python3", std::string(STOCKTAKE_SOURCE_DIR) + "/tests/tools/s3_oracle.py",
          "--endpoint-url", server.endpoint()};
}

Result<std::string> RunOracle(const S3TestServer& server, const std::vector<std::string>& args) {
  std::vector<std::string> argv = OracleArgv(server);
  argv.insert(argv.end(), args.begin(), args.end());
  RunOptions options;
  options.env = S3ChildEnv(server);
  options.timeout_seconds = kOracleTimeoutSeconds;
  RunResult run = RunProgram(argv, options);
  if (run.exit_code != 0) {
    return IOError("s3_oracle.py " + args.front() + ": exit " + std::to_string(run.exit_code) +
                   (run.timed_out ? " (timed out)" : "") + ": " + run.err);
  }
  return std::move(run.out);
}

Result<store::ObjectInfo> ParseLine(simdjson::ondemand::parser* parser, std::string_view line) {
  simdjson::padded_string padded(line);
  simdjson::ondemand::document doc;
  if (parser->iterate(padded).get(doc) != simdjson::SUCCESS) {
    return Corruption("s3_oracle.py: not JSON: " + std::string(line));
  }
  store::ObjectInfo info;
  simdjson::ondemand::object object;
  if (doc.get_object().get(object) != simdjson::SUCCESS) {
    return Corruption("s3_oracle.py: not an object: " + std::string(line));
  }
  for (auto field : object) {
    std::string_view name;
    if (field.unescaped_key().get(name) != simdjson::SUCCESS) return Corruption("bad key");
    simdjson::ondemand::value value = field.value();
    std::string_view text;
    if (name == "size") {
      info.size = value.get_int64().value_unsafe();
    } else if (name == "is_latest") {
      info.is_latest = value.get_bool().value_unsafe();
    } else if (name == "is_delete_marker") {
      info.is_delete_marker = value.get_bool().value_unsafe();
    } else if (value.get_string().get(text) == simdjson::SUCCESS) {
      if (name == "key") info.key = std::string(text);
      if (name == "etag") info.etag = std::string(text);
      if (name == "storage_class") info.storage_class = std::string(text);
      if (name == "version_id") info.version_id = std::string(text);
      if (name == "last_modified") {
        ASSIGN_OR_RETURN(info.last_modified_ms, ParseTimestamp(text));
      }
    }
  }
  return info;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> S3ChildEnv(const S3TestServer& server) {
  return {{"AWS_ACCESS_KEY_ID", server.credentials().access_key_id},
          {"AWS_SECRET_ACCESS_KEY", server.credentials().secret_access_key},
          {"AWS_DEFAULT_REGION", server.region()},
          {"AWS_REGION", server.region()},
          {"AWS_EC2_METADATA_DISABLED", "true"}};
}

Result<std::vector<store::ObjectInfo>> OracleList(const S3TestServer& server,
                                                  const std::string& bucket, bool versions) {
  ASSIGN_OR_RETURN(std::string out,
                   RunOracle(server, {versions ? "list-versions" : "list", bucket}));
  std::vector<store::ObjectInfo> objects;
  simdjson::ondemand::parser parser;
  size_t pos = 0;
  while (pos < out.size()) {
    size_t end = out.find('\n', pos);
    if (end == std::string::npos) end = out.size();
    ASSIGN_OR_RETURN(store::ObjectInfo info, ParseLine(&parser, std::string_view(out).substr(pos, end - pos)));
    objects.push_back(std::move(info));
    pos = end + 1;
  }
  return objects;
}

Status OraclePut(const S3TestServer& server, const std::string& bucket, const std::string& key,
                 const std::string& body, const std::string& sse, const std::string& canned_acl) {
  std::vector<std::string> args = {"put", bucket, key, body};
  if (!sse.empty()) {
    args.push_back("--sse");
    args.push_back(sse);
  }
  if (!canned_acl.empty()) {
    args.push_back("--acl");
    args.push_back(canned_acl);
  }
  return RunOracle(server, args).status();
}

Result<std::vector<OracleAcl>> OracleAcls(const S3TestServer& server, const std::string& bucket,
                                          bool versions) {
  std::vector<std::string> args = {"acls", bucket};
  if (versions) args.push_back("--versions");
  ASSIGN_OR_RETURN(std::string out, RunOracle(server, args));
  std::vector<OracleAcl> acls;
  simdjson::dom::parser parser;
  size_t pos = 0;
  while (pos < out.size()) {
    size_t end = out.find('\n', pos);
    if (end == std::string::npos) end = out.size();
    std::string_view line = std::string_view(out).substr(pos, end - pos);
    pos = end + 1;
    simdjson::dom::element doc;
    if (parser.parse(line).get(doc) != simdjson::SUCCESS) {
      return Corruption("s3_oracle.py acls: not JSON: " + std::string(line));
    }
    OracleAcl acl;
    std::string_view text;
    for (auto [name, field] : {std::pair{"key", &acl.key}, std::pair{"owner", &acl.owner},
                               std::pair{"acl", &acl.acl_json},
                               std::pair{"version_id", &acl.version_id}}) {
      if (doc[name].get_string().get(text) == simdjson::SUCCESS) *field = std::string(text);
    }
    acls.push_back(std::move(acl));
  }
  return acls;
}

Status OracleDenyWrites(const S3TestServer& server, const std::string& bucket) {
  return RunOracle(server, {"deny-writes", bucket}).status();
}

}  // namespace stocktake::testing
