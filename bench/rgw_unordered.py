#!/usr/bin/python3
"""Lists a whole bucket with ListObjectsV2, one page of 1,000 keys at a time,
in S3 order or with Ceph RGW's non-standard `allow-unordered=true`, and
prints the wall time, the Ceph daemons' CPU seconds (from their pid files)
and how the keys came back (sorted pages, global order, keys missing after a
StartAfter). The measurement behind bench/README.md's "allow-unordered".

  bench/rgw_unordered.py ENDPOINT BUCKET PIDDIR ordered|unordered [StartAfter=KEY]
"""
import glob
import os
import sys
import time

import boto3

endpoint, bucket, piddir, mode = sys.argv[1:5]
hz = os.sysconf("SC_CLK_TCK")


def server_ticks():
    ticks = 0
    for path in glob.glob(os.path.join(piddir, "*.pid")):
        try:
            pid = open(path).read().strip()
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime + stime
        except OSError:
            pass
    return ticks


s3 = boto3.client("s3", endpoint_url=endpoint)
if mode == "unordered":
    def add_parameter(request, **_):
        request.url += ("&" if "?" in request.url else "?") + "allow-unordered=true"
    s3.meta.events.register("before-sign.s3.ListObjectsV2", add_parameter)

args = {"Bucket": bucket, "MaxKeys": 1000}
for extra in sys.argv[5:]:
    name, value = extra.split("=", 1)
    args[name] = value
keys, pages, sorted_pages = [], 0, 0
ticks0, t0 = server_ticks(), time.time()
while True:
    page = s3.list_objects_v2(**args)
    names = [o["Key"] for o in page.get("Contents", [])]
    pages += 1
    sorted_pages += names == sorted(names)
    keys += names
    if not page.get("IsTruncated"):
        break
    args["ContinuationToken"] = page["NextContinuationToken"]
wall, server = time.time() - t0, (server_ticks() - ticks0) / hz
print(f"{mode} {' '.join(sys.argv[5:])}: {len(keys)} keys ({len(set(keys))} distinct), "
      f"{pages} pages, {sorted_pages} sorted, globally sorted: {keys == sorted(keys)}, "
      f"wall {wall:.2f} s, server CPU {server:.2f} s")
if "StartAfter" in args:
    after = sum(1 for k in keys if k > args["StartAfter"])
    print(f"  after StartAfter: {after} keys; at or before it: {len(keys) - after}")
