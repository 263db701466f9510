// The SQL of register.db's schema versions (docs/register.md), for
// Catalog::Open: kCatalogSchemaV1 creates version 1, kCatalogMigrationV2
// takes version 1 to 2. A new database runs both, so new and migrated files
// are alike. Append a migration for every change; never edit an old one.
#pragma once

#include <string_view>

namespace stocktake::reg {

// Version 1: a report is (collector, manifest_key).
inline constexpr std::string_view kCatalogSchemaV1 = R"sql(
CREATE TABLE reports (
  collector TEXT NOT NULL,
  manifest_key TEXT NOT NULL,
  checksum TEXT NOT NULL,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  bucket TEXT NOT NULL,
  dt TEXT NOT NULL,
  config_id TEXT NOT NULL,
  creation_ms INTEGER NOT NULL,
  rows INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  part_key TEXT NOT NULL,
  registered_at_ms INTEGER NOT NULL,
  superseded_by TEXT NOT NULL DEFAULT '',
  part_deleted INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (collector, manifest_key)
);
CREATE INDEX reports_partition ON reports (dt, account, region, bucket, superseded_by);
CREATE TABLE quarantine (
  collector TEXT NOT NULL,
  manifest_key TEXT NOT NULL,
  reason TEXT NOT NULL,
  quarantined_at_ms INTEGER NOT NULL,
  PRIMARY KEY (collector, manifest_key)
);
)sql";

// Version 2: a report is (collector, manifest_key, checksum). SQLite cannot
// change a primary key in place: copy into a new table, drop, rename, and
// build the index again. Quarantine entries gain the refused content's
// checksum ('' for v1 entries: retried once, as their content is unknown);
// markers holds each key's last handled completion marker, with an unknown
// stamp (size -1) for v1 keys, filled in by the first reconciliation.
inline constexpr std::string_view kCatalogMigrationV2 = R"sql(
CREATE TABLE reports_v2 (
  collector TEXT NOT NULL,
  manifest_key TEXT NOT NULL,
  checksum TEXT NOT NULL,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  bucket TEXT NOT NULL,
  dt TEXT NOT NULL,
  config_id TEXT NOT NULL,
  creation_ms INTEGER NOT NULL,
  rows INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  part_key TEXT NOT NULL,
  registered_at_ms INTEGER NOT NULL,
  superseded_by TEXT NOT NULL DEFAULT '',
  part_deleted INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (collector, manifest_key, checksum)
);
INSERT INTO reports_v2 (collector, manifest_key, checksum, account, region, bucket, dt,
                        config_id, creation_ms, rows, bytes, part_key, registered_at_ms,
                        superseded_by, part_deleted)
  SELECT collector, manifest_key, checksum, account, region, bucket, dt, config_id, creation_ms,
         rows, bytes, part_key, registered_at_ms, superseded_by, part_deleted FROM reports;
DROP TABLE reports;
ALTER TABLE reports_v2 RENAME TO reports;
CREATE INDEX reports_partition ON reports (dt, account, region, bucket, superseded_by);
ALTER TABLE quarantine ADD COLUMN checksum TEXT NOT NULL DEFAULT '';
CREATE TABLE markers (
  collector TEXT NOT NULL,
  manifest_key TEXT NOT NULL,
  checksum TEXT NOT NULL,
  size INTEGER NOT NULL,
  last_modified_ms INTEGER NOT NULL,
  etag TEXT NOT NULL,
  PRIMARY KEY (collector, manifest_key)
);
INSERT INTO markers (collector, manifest_key, checksum, size, last_modified_ms, etag)
  SELECT collector, manifest_key, checksum, -1, 0, '' FROM reports;
INSERT OR IGNORE INTO markers (collector, manifest_key, checksum, size, last_modified_ms, etag)
  SELECT collector, manifest_key, checksum, -1, 0, '' FROM quarantine;
)sql";

}  // namespace stocktake::reg
