#include "inventory/spec_from_config.h"

namespace stocktake::inventory {

ReportSpec SpecFromConfig(const config::InventoryConfig& config, config::Profile profile,
                          store::ObjectStore* source, const std::string& source_bucket,
                          store::ObjectStore* destination) {
  ReportSpec spec;
  spec.source = source;
  spec.source_bucket = source_bucket;
  spec.prefix = config.filter_prefix.value_or("");
  spec.all_versions = config.included_versions == config::ObjectVersions::kAll;
  spec.optional_fields = config.optional_fields;
  spec.destination = destination;
  spec.destination_bucket = config.destination.bucket;
  spec.destination_prefix = config.destination.prefix.value_or("");
  spec.destination_account_id = config.destination.account_id.value_or("");
  spec.config_id = config.id;
  switch (config.destination.format) {
    case config::ReportFormat::kCsv: spec.format = format::ReportFormat::kCsv; break;
    case config::ReportFormat::kParquet: spec.format = format::ReportFormat::kParquet; break;
    case config::ReportFormat::kOrc: spec.format = format::ReportFormat::kOrc; break;
  }
  spec.layout = profile == config::Profile::kObs ? ReportLayout::kObs : ReportLayout::kAws;
  return spec;
}

}  // namespace stocktake::inventory
