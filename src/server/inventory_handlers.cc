// The four inventory-configuration operations (spec §1, "REST operations").
// Each store's profile picks the XML dialect and the rules; configurations
// live in the ConfigStore under the store's id.
#include "config/config_xml.h"
#include "config/validate.h"
#include "server/handlers.h"
#include "server/s3_error.h"

namespace stocktake::server {
namespace {

config::XmlWriteOptions WriteOptions(const BucketRef& ref, config::Profile profile) {
  config::XmlWriteOptions options;
  options.profile = profile;
  if (profile == config::Profile::kObs) options.obs_region = ref.region;
  return options;
}

// The ?id= of a single-configuration call; InvalidArgument when absent.
Result<std::string> RequiredId(const RequestContext& context) {
  std::optional<std::string> id = context.request.Query("id");
  if (!id || id->empty()) {
    return S3Failure("InvalidArgument", "the inventory configuration id (?id=) is required");
  }
  return *id;
}

Status AsNoSuchConfiguration(const Status& status) {
  if (status.code() != Code::kNotFound) return status;
  return S3Failure("NoSuchConfiguration", "The specified configuration does not exist.");
}

}  // namespace

Result<HttpResponse> PutBucketInventoryConfiguration(const RequestContext& context) {
  ASSIGN_OR_RETURN(BucketRef ref, OwnedBucket(context));
  ASSIGN_OR_RETURN(std::string id, RequiredId(context));
  const config::Profile profile = ref.store->profile;
  ASSIGN_OR_RETURN(config::InventoryConfig cfg,
                   config::ParseInventoryConfigXml(context.request.body, profile));
  RETURN_IF_ERROR(config::ValidateConfig(cfg, profile, id));
  RETURN_IF_ERROR(config::ValidateDestination(cfg, ref.name, context.estate, profile));
  RETURN_IF_ERROR(context.configs.Put(ref.store->store_id, ref.name, cfg, profile));
  return HttpResponse{};
}

Result<HttpResponse> GetBucketInventoryConfiguration(const RequestContext& context) {
  ASSIGN_OR_RETURN(BucketRef ref, OwnedBucket(context));
  ASSIGN_OR_RETURN(std::string id, RequiredId(context));
  Result<config::StoredConfig> stored = context.configs.Get(ref.store->store_id, ref.name, id);
  if (!stored.ok()) return AsNoSuchConfiguration(stored.status());
  return XmlResponse(
      config::WriteInventoryConfigXml(stored->config, WriteOptions(ref, stored->profile)));
}

Result<HttpResponse> ListBucketInventoryConfigurations(const RequestContext& context) {
  ASSIGN_OR_RETURN(BucketRef ref, OwnedBucket(context));
  const config::Profile profile = ref.store->profile;
  config::InventoryConfigList list;
  if (profile == config::Profile::kObs) {
    // OBS answers with every configuration at once, without tokens.
    std::string after;
    for (;;) {
      ASSIGN_OR_RETURN(config::ConfigPage page,
                       context.configs.List(ref.store->store_id, ref.name, after));
      for (config::StoredConfig& stored : page.configs) list.configs.push_back(stored.config);
      if (page.next_token.empty()) break;
      after = page.next_token;
    }
  } else {
    list.continuation_token = context.request.Query("continuation-token").value_or("");
    ASSIGN_OR_RETURN(config::ConfigPage page,
                     context.configs.List(ref.store->store_id, ref.name, list.continuation_token));
    for (config::StoredConfig& stored : page.configs) list.configs.push_back(stored.config);
    list.is_truncated = !page.next_token.empty();
    list.next_continuation_token = page.next_token;
  }
  return XmlResponse(config::WriteInventoryListXml(list, WriteOptions(ref, profile)));
}

Result<HttpResponse> DeleteBucketInventoryConfiguration(const RequestContext& context) {
  ASSIGN_OR_RETURN(BucketRef ref, OwnedBucket(context));
  ASSIGN_OR_RETURN(std::string id, RequiredId(context));
  RETURN_IF_ERROR(AsNoSuchConfiguration(context.configs.Delete(ref.store->store_id, ref.name, id)));
  HttpResponse response;
  response.status = 204;
  return response;
}

}  // namespace stocktake::server
