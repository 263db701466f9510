// The ReportSpec that runs a stored inventory configuration: shared by the
// CLI (`stocktake run`, `demo`) and the daemon's scheduler, so a configuration
// produces the same report whoever runs it.
#pragma once

#include <string>

#include "config/inventory_config.h"
#include "inventory/report_generator.h"
#include "store/object_store.h"

namespace stocktake::inventory {

// The report for configuration `config` of `source_bucket`, written to
// `destination` (the store holding the configuration's destination bucket;
// usually `source` itself). OBS-profile configurations use the OBS layout.
// REQUIRES: the stores outlive the spec.
ReportSpec SpecFromConfig(const config::InventoryConfig& config, config::Profile profile,
                          store::ObjectStore* source, const std::string& source_bucket,
                          store::ObjectStore* destination);

}  // namespace stocktake::inventory
