#!/usr/bin/python3
"""Independent S3 oracle for stocktake's end-to-end tests, built on boto3.

  s3_oracle.py --endpoint-url URL list BUCKET            # current objects
  s3_oracle.py --endpoint-url URL list-versions BUCKET   # versions + delete markers
  s3_oracle.py --endpoint-url URL put BUCKET KEY BODY [--sse kms:KEYID | --sse c] [--acl CANNED]
  s3_oracle.py --endpoint-url URL acls BUCKET [--versions]   # get_object_acl of each object
  s3_oracle.py --endpoint-url URL deny-writes BUCKET     # bucket policy: Deny s3:PutObject

`list` and `list-versions` print one JSON object per line (ASCII-escaped):
key, size, etag (no quotes), last_modified (ISO 8601 UTC with milliseconds,
as inventory reports write it), storage_class; versions add version_id,
is_latest and is_delete_marker (delete markers carry no size/etag/class).
`acls` prints, per object (or version; delete markers have no ACL): key,
version_id (with --versions), owner (canonical id) and acl, the inventory
ACL JSON of the spec (version, status, grants in the server's order,
compact separators) built from get_object_acl's answer.
Credentials and region come from the usual AWS environment variables.
"""
import argparse
import json
import sys

import boto3


def iso_millis(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (dt.microsecond // 1000)


def object_line(o):
    return {
        "key": o["Key"],
        "size": o["Size"],
        "etag": o["ETag"].strip('"'),
        "last_modified": iso_millis(o["LastModified"]),
        "storage_class": o.get("StorageClass", "STANDARD"),
    }


def list_current(s3, bucket):
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for o in page.get("Contents", []):
            yield object_line(o)


def list_versions(s3, bucket):
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        for v in page.get("Versions", []):
            line = object_line(v)
            line.update(version_id=v["VersionId"], is_latest=v["IsLatest"],
                        is_delete_marker=False)
            yield line
        for m in page.get("DeleteMarkers", []):
            yield {"key": m["Key"], "last_modified": iso_millis(m["LastModified"]),
                   "version_id": m["VersionId"], "is_latest": m["IsLatest"],
                   "is_delete_marker": True}


def acl_json(response):
    grants = []
    for g in response.get("Grants", []):
        grantee = g["Grantee"]
        if grantee["Type"] == "Group":
            grants.append({"uri": grantee["URI"], "permission": g["Permission"], "type": "Group"})
        else:
            grants.append({"canonicalId": grantee["ID"], "permission": g["Permission"],
                           "type": "CanonicalUser"})
    return json.dumps({"version": "2022-11-10", "status": "AVAILABLE", "grants": grants},
                      separators=(",", ":"))


def acls(s3, bucket, versions):
    entries = list_versions(s3, bucket) if versions else list_current(s3, bucket)
    for e in entries:
        if e.get("is_delete_marker"):
            continue
        extra = {"VersionId": e["version_id"]} if versions else {}
        r = s3.get_object_acl(Bucket=bucket, Key=e["key"], **extra)
        line = {"key": e["key"], "owner": r["Owner"]["ID"], "acl": acl_json(r)}
        if versions:
            line["version_id"] = e["version_id"]
        print(json.dumps(line, ensure_ascii=True))


def put(s3, args):
    extra = {}
    if args.sse and args.sse.startswith("kms:"):
        extra = {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": args.sse[4:]}
    elif args.sse == "c":
        extra = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": "k" * 32}
    elif args.sse:
        sys.exit("unknown --sse " + args.sse)
    if args.acl:
        extra["ACL"] = args.acl
    s3.put_object(Bucket=args.bucket, Key=args.key, Body=args.body.encode(), **extra)


def deny_writes(s3, bucket):
    statement = {"Effect": "Deny", "Principal": "*", "Action": ["s3:PutObject"],
                 "Resource": ["arn:aws:s3:::%s/*" % bucket]}
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(
        {"Version": "2012-10-17", "Statement": [statement]}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint-url", required=True)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("list", "list-versions", "deny-writes"):
        sub.add_parser(name).add_argument("bucket")
    p = sub.add_parser("put")
    p.add_argument("bucket")
    p.add_argument("key")
    p.add_argument("body")
    p.add_argument("--sse")
    p.add_argument("--acl")
    sub.add_parser("acls").add_argument("bucket")
    sub.choices["acls"].add_argument("--versions", action="store_true")
    args = parser.parse_args()
    s3 = boto3.client("s3", endpoint_url=args.endpoint_url)
    if args.command == "put":
        put(s3, args)
        return
    if args.command == "acls":
        acls(s3, args.bucket, args.versions)
        return
    if args.command == "deny-writes":
        deny_writes(s3, args.bucket)
        return
    lines = list_current if args.command == "list" else list_versions
    for line in lines(s3, args.bucket):
        print(json.dumps(line, ensure_ascii=True))


if __name__ == "__main__":
    main()
