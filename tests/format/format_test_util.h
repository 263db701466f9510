// Helpers shared by the format tests: a zlib gunzip that is independent of
// the code under test, and typical inventory records.
#pragma once

#include <zlib.h>

#include <string>
#include <vector>

#include "base/time_util.h"
#include "store/object_store.h"

namespace stocktake::format {

// Inflates every gzip member of `gz`; "" plus a failed `*ok` on bad input.
inline std::string Gunzip(const std::string& gz, bool* ok) {
  std::string out;
  z_stream s{};
  *ok = inflateInit2(&s, 15 + 16) == Z_OK;
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  s.avail_in = static_cast<uInt>(gz.size());
  char buf[1 << 16];
  int rc = Z_OK;
  while (*ok) {
    s.next_out = reinterpret_cast<Bytef*>(buf);
    s.avail_out = sizeof(buf);
    rc = inflate(&s, Z_NO_FLUSH);
    out.append(buf, sizeof(buf) - s.avail_out);
    if (rc == Z_STREAM_END) {
      if (s.avail_in == 0) break;
      inflateReset(&s);
    } else if (rc != Z_OK) {
      *ok = false;
    }
  }
  inflateEnd(&s);
  return out;
}

inline int64_t Ms(const char* iso) { return ParseTimestamp(iso).value(); }

// A current object with every field set.
inline store::ObjectInfo FullRecord() {
  store::ObjectInfo o;
  o.key = "dir/a b+c%d.txt";
  o.size = 1234;
  o.last_modified_ms = Ms("2024-04-22T01:13:28.123Z");
  o.etag = "d41d8cd98f00b204e9800998ecf8427e-2";
  o.storage_class = "STANDARD";
  o.version_id = "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY";
  o.is_latest = true;
  o.owner_id = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be";
  o.checksum_algorithm = "CRC32";
  o.encryption_status = "SSE-S3";
  o.replication_status = "COMPLETED";
  o.object_lock_mode = "GOVERNANCE";
  o.object_lock_retain_until_ms = Ms("2030-01-01T00:00:00Z");
  o.object_lock_legal_hold = "On";
  o.bucket_key_status = "ENABLED";
  o.intelligent_tiering_access_tier = "FREQUENT";
  o.lifecycle_expiration_ms = Ms("2025-01-01T00:00:00Z");
  return o;
}

}  // namespace stocktake::format
