// `stocktake inventory put|get|list|delete --bucket B [--id ID]`: manage
// stored inventory configurations, in the S3 XML or the AWS CLI JSON.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "cli/commands.h"
#include "cli/state.h"
#include "cli/store_options.h"
#include "config/config_json.h"
#include "config/config_xml.h"
#include "config/validate.h"

namespace stocktake::cli {
namespace {

struct InventoryFlags {
  std::string bucket;
  std::string id;
  std::string file = "-";
  std::string output = "xml";
  std::string validation = "s3";
  StoreFlags store;
};

Result<std::string> ReadInput(const std::string& file) {
  std::stringstream buf;
  if (file == "-") {
    buf << std::cin.rdbuf();
  } else {
    std::ifstream in(file, std::ios::binary);
    if (!in) return ErrnoStatus("read " + file, errno);
    buf << in.rdbuf();
  }
  return buf.str();
}

Result<config::Profile> ProfileFlag(const std::string& text) {
  std::optional<config::Profile> p = config::ParseProfile(text);
  if (!p) return InvalidArgument("--validation must be 's3' or 'obs', not '" + text + "'");
  return *p;
}

// Bucket facts for the destination rules, from the store itself. Owners
// are unknown to a plain store, so AccountId is not compared here.
class StoreDirectory : public config::BucketDirectory {
 public:
  explicit StoreDirectory(store::ObjectStore* store) : store_(store) {}
  Result<config::BucketFacts> Describe(std::string_view bucket) const override {
    RETURN_IF_ERROR(store_->HeadBucket(bucket));
    config::BucketFacts facts;
    ASSIGN_OR_RETURN(facts.region, store_->GetBucketLocation(bucket));
    return facts;
  }

 private:
  store::ObjectStore* store_;
};

Status Put(const InventoryFlags& flags, const GlobalFlags& globals) {
  ASSIGN_OR_RETURN(config::Profile profile, ProfileFlag(flags.validation));
  Result<std::string> input = ReadInput(flags.file);
  RETURN_IF_ERROR(input.status().WithContext("inventory put"));
  const std::string body = std::move(input).value();
  const std::string source = flags.file == "-" ? "stdin" : flags.file;
  Result<config::InventoryConfig> parsed = config::ParseInventoryConfigText(body, profile);
  if (!parsed.ok()) return parsed.status().WithContext("inventory put: " + source);
  config::InventoryConfig cfg = std::move(parsed).value();
  const std::string id = flags.id.empty() ? cfg.id : flags.id;
  RETURN_IF_ERROR(config::ValidateConfig(cfg, profile, id).WithContext("inventory put: " + source));
  ASSIGN_OR_RETURN(OpenedStore store, OpenStore(flags.store));
  RETURN_IF_ERROR(store.store->HeadBucket(flags.bucket).WithContext("inventory put"));
  RETURN_IF_ERROR(config::ValidateDestination(cfg, flags.bucket, StoreDirectory(store.store.get()),
                                              profile)
                      .WithContext("inventory put " + flags.bucket + "/" + id));
  ASSIGN_OR_RETURN(std::unique_ptr<config::ConfigStore> configs, OpenConfigStore(globals));
  RETURN_IF_ERROR(configs->Put(store.id, flags.bucket, cfg, profile));
  std::printf("stored inventory configuration '%s' on bucket '%s'\n", id.c_str(),
              flags.bucket.c_str());
  return Status::OK();
}

std::string Render(const config::StoredConfig& stored, const std::string& output) {
  if (output == "json") return config::WriteInventoryConfigJson(stored.config) + "\n";
  config::XmlWriteOptions options;
  options.profile = stored.profile;
  options.indent = true;
  return config::WriteInventoryConfigXml(stored.config, options) + "\n";
}

// One ListInventoryConfigurationsResult document (as GET ?inventory
// returns), in the OBS dialect only when every configuration is OBS's.
std::string RenderListXml(const std::vector<config::StoredConfig>& all) {
  config::InventoryConfigList list;
  config::XmlWriteOptions options;
  options.indent = true;
  options.profile = all.empty() ? config::Profile::kS3 : config::Profile::kObs;
  for (const config::StoredConfig& stored : all) {
    list.configs.push_back(stored.config);
    if (stored.profile != config::Profile::kObs) options.profile = config::Profile::kS3;
  }
  return config::WriteInventoryListXml(list, options) + "\n";
}

// One JSON document shaped like `aws s3api list-bucket-inventory-configurations`
// output: {"InventoryConfigurationList": [...], "IsTruncated": false}.
std::string RenderListJson(const std::vector<config::StoredConfig>& all) {
  std::string out = "{\n    \"InventoryConfigurationList\": [";
  for (size_t i = 0; i < all.size(); ++i) {
    out += i == 0 ? "\n" : ",\n";
    // Re-indent the document by two levels to nest it in the array.
    std::istringstream lines(config::WriteInventoryConfigJson(all[i].config));
    std::string line;
    for (bool first = true; std::getline(lines, line); first = false) {
      out += (first ? "        " : "\n        ") + line;
    }
  }
  out += all.empty() ? "],\n" : "\n    ],\n";
  out += "    \"IsTruncated\": false\n}\n";
  return out;
}

Status Get(const InventoryFlags& flags, const GlobalFlags& globals) {
  if (flags.id.empty()) return InvalidArgument("inventory get: --id is required");
  if (flags.output != "xml" && flags.output != "json") {
    return InvalidArgument("--output must be 'xml' or 'json'");
  }
  ASSIGN_OR_RETURN(OpenedStore store, OpenStore(flags.store));
  ASSIGN_OR_RETURN(std::unique_ptr<config::ConfigStore> configs, OpenConfigStore(globals));
  ASSIGN_OR_RETURN(config::StoredConfig stored, configs->Get(store.id, flags.bucket, flags.id));
  std::fputs(Render(stored, flags.output).c_str(), stdout);
  return Status::OK();
}

Status List(const InventoryFlags& flags, const GlobalFlags& globals) {
  if (flags.output != "xml" && flags.output != "json" && flags.output != "text") {
    return InvalidArgument("--output must be 'text', 'xml' or 'json'");
  }
  ASSIGN_OR_RETURN(OpenedStore store, OpenStore(flags.store));
  ASSIGN_OR_RETURN(std::unique_ptr<config::ConfigStore> configs, OpenConfigStore(globals));
  ASSIGN_OR_RETURN(std::vector<config::StoredConfig> all,
                   ListBucketConfigs(*configs, store.id, flags.bucket));
  if (flags.output == "xml") {
    std::fputs(RenderListXml(all).c_str(), stdout);
    return Status::OK();
  }
  if (flags.output == "json") {
    std::fputs(RenderListJson(all).c_str(), stdout);
    return Status::OK();
  }
  for (const config::StoredConfig& stored : all) {
    const config::InventoryConfig& c = stored.config;
    std::printf("%s\t%s\t%s\t%s\t%s\ts3://%s/%s\n", c.id.c_str(),
                c.is_enabled ? "enabled" : "disabled",
                std::string(config::ReportFormatName(c.destination.format)).c_str(),
                std::string(config::FrequencyName(c.frequency)).c_str(),
                std::string(config::ObjectVersionsName(c.included_versions)).c_str(),
                c.destination.bucket.c_str(), c.destination.prefix.value_or("").c_str());
  }
  return Status::OK();
}

Status Delete(const InventoryFlags& flags, const GlobalFlags& globals) {
  if (flags.id.empty()) return InvalidArgument("inventory delete: --id is required");
  ASSIGN_OR_RETURN(OpenedStore store, OpenStore(flags.store));
  ASSIGN_OR_RETURN(std::unique_ptr<config::ConfigStore> configs, OpenConfigStore(globals));
  RETURN_IF_ERROR(configs->Delete(store.id, flags.bucket, flags.id));
  std::printf("deleted inventory configuration '%s' from bucket '%s'\n", flags.id.c_str(),
              flags.bucket.c_str());
  return Status::OK();
}

}  // namespace

void RegisterInventory(CLI::App* app, GlobalFlags* globals, Action* action) {
  CLI::App* inv = app->add_subcommand("inventory", "manage stored inventory configurations");
  inv->require_subcommand(1);
  struct Verb {
    const char* name;
    const char* help;
    Status (*fn)(const InventoryFlags&, const GlobalFlags&);
  };
  const Verb verbs[] = {
      {"put", "store a configuration (S3 XML or AWS CLI JSON) from --file or stdin", &Put},
      {"get", "print a configuration", &Get},
      {"list", "list a bucket's configurations", &List},
      {"delete", "delete a configuration", &Delete},
  };
  for (const Verb& verb : verbs) {
    auto flags = std::make_shared<InventoryFlags>();
    CLI::App* cmd = inv->add_subcommand(verb.name, verb.help);
    cmd->add_option("--bucket", flags->bucket, "source bucket")->required();
    cmd->add_option("--id", flags->id, "configuration id");
    if (std::string(verb.name) == "put") {
      cmd->add_option("--file", flags->file, "XML or JSON file, '-' for stdin (default)");
      cmd->add_option("--validation", flags->validation, "rules to apply: s3 (default) | obs");
    }
    if (std::string(verb.name) == "get") {
      cmd->add_option("--output", flags->output, "xml (default) | json");
    }
    if (std::string(verb.name) == "list") {
      flags->output = "text";
      cmd->add_option("--output", flags->output, "text (default) | xml | json");
    }
    AddStoreFlags(cmd, &flags->store);
    auto fn = verb.fn;
    cmd->callback([flags, globals, action, fn] {
      *action = [flags, globals, fn] { return fn(*flags, *globals); };
    });
  }
}

}  // namespace stocktake::cli
