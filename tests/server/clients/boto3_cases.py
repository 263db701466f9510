# boto3 / botocore cases against a running `stocktake serve`, one per
# invocation: python3 boto3_cases.py CASE. Exits 0 and prints "ok" when the
# case holds; an AssertionError (exit 1) names what differed.
# Environment: STOCKTAKE_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
# AWS_DEFAULT_REGION (the daemon's first account), OTHER_ACCESS_KEY_ID and
# OTHER_SECRET_ACCESS_KEY (a second account), buckets "src" and "dest".
import datetime
import os
import sys
from unittest import mock

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.credentials
import requests
from botocore.exceptions import ClientError

URL = os.environ["STOCKTAKE_ENDPOINT_URL"]
REGION = os.environ["AWS_DEFAULT_REGION"]
KEY = os.environ["AWS_ACCESS_KEY_ID"]
SECRET = os.environ["AWS_SECRET_ACCESS_KEY"]

FULL_CONFIG = {
    "Id": "report1",
    "IsEnabled": True,
    "Filter": {"Prefix": "photos/"},
    "Destination": {"S3BucketDestination": {
        "AccountId": "123456789012",
        "Bucket": "arn:aws:s3:::dest",
        "Format": "Parquet",
        "Prefix": "inv",
        "Encryption": {"SSEKMS": {"KeyId": "arn:aws:kms:eu-west-1:123456789012:key/1111-2222"}},
    }},
    "IncludedObjectVersions": "All",
    "OptionalFields": ["Size", "LastModifiedDate", "ETag", "StorageClass", "EncryptionStatus"],
    "Schedule": {"Frequency": "Weekly"},
}


def s3(key=KEY, secret=SECRET):
    return boto3.client("s3", endpoint_url=URL, region_name=REGION, aws_access_key_id=key,
                        aws_secret_access_key=secret)


def error_of(call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    raise AssertionError(f"{call.__name__} succeeded, an error was expected")


def small_config(config_id):
    return {"Id": config_id, "IsEnabled": True, "IncludedObjectVersions": "Current",
            "Destination": {"S3BucketDestination": {"Bucket": "arn:aws:s3:::dest",
                                                    "Format": "CSV"}},
            "Schedule": {"Frequency": "Daily"}}


def case_roundtrip():
    c = s3()
    put = c.put_bucket_inventory_configuration(Bucket="src", Id="report1",
                                               InventoryConfiguration=FULL_CONFIG)
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 200, put
    got = c.get_bucket_inventory_configuration(Bucket="src", Id="report1")
    assert got["InventoryConfiguration"] == FULL_CONFIG, got["InventoryConfiguration"]
    listed = c.list_bucket_inventory_configurations(Bucket="src")
    assert listed["InventoryConfigurationList"] == [FULL_CONFIG], listed
    assert listed["IsTruncated"] is False, listed
    deleted = c.delete_bucket_inventory_configuration(Bucket="src", Id="report1")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204, deleted
    assert error_of(c.get_bucket_inventory_configuration, Bucket="src", Id="report1") == \
        ("NoSuchConfiguration", 404)
    assert error_of(c.delete_bucket_inventory_configuration, Bucket="src", Id="report1") == \
        ("NoSuchConfiguration", 404)


def case_paging():
    c = s3()
    ids = [f"cfg{i:03d}" for i in range(250)]
    for config_id in ids:
        c.put_bucket_inventory_configuration(Bucket="src", Id=config_id,
                                             InventoryConfiguration=small_config(config_id))
    seen, sizes, token = [], [], None
    for _ in range(10):
        kwargs = {"ContinuationToken": token} if token else {}
        page = c.list_bucket_inventory_configurations(Bucket="src", **kwargs)
        sizes.append(len(page["InventoryConfigurationList"]))
        seen += [cfg["Id"] for cfg in page["InventoryConfigurationList"]]
        if not page["IsTruncated"]:
            break
        token = page["NextContinuationToken"]
    assert sizes == [100, 100, 50], sizes
    assert seen == ids, seen[:5]


def case_wrong_secret():
    assert error_of(s3(secret="not-the-secret").list_buckets) == ("SignatureDoesNotMatch", 403)


def case_unknown_key():
    assert error_of(s3(key="AKIDUNKNOWN").list_buckets) == ("InvalidAccessKeyId", 403)


def signed_request(method, url, body=b"", at=None, presign_expires=None):
    creds = botocore.credentials.Credentials(KEY, SECRET)
    request = botocore.awsrequest.AWSRequest(method=method, url=url, data=body)
    when = at or datetime.datetime.utcnow()
    with mock.patch("botocore.auth.datetime") as fake:
        fake.datetime.utcnow.return_value = when
        if presign_expires:
            botocore.auth.S3SigV4QueryAuth(creds, "s3", REGION, expires=presign_expires) \
                .add_auth(request)
        else:
            botocore.auth.S3SigV4Auth(creds, "s3", REGION).add_auth(request)
    return request


def send(request):
    prepared = request.prepare()
    return requests.request(prepared.method, prepared.url, headers=dict(prepared.headers),
                            data=prepared.body, timeout=30)


def error_code(response):
    assert "<Code>" in response.text, \
        "expected an S3 error, got HTTP %d: %r" % (response.status_code, response.text[:200])
    return response.text.split("<Code>")[1].split("</Code>")[0], response.status_code


def case_tampered():
    request = signed_request("GET", URL + "/src?inventory")
    assert send(request).status_code == 200
    request = signed_request("GET", URL + "/src?inventory")
    request.url = URL + "/dest?inventory"  # signed for src, sent for dest
    assert error_code(send(request)) == ("SignatureDoesNotMatch", 403)
    request = signed_request("GET", URL + "/src?inventory")
    signed_at = request.headers["X-Amz-Date"]  # e.g. 20261128T154715Z
    # One second later, wrapping 59 to 00: never the signed value (replacing the seconds
    # with a constant left the request intact when it was signed at that second).
    request.headers["X-Amz-Date"] = signed_at[:-3] + "%02dZ" % ((int(signed_at[-3:-1]) + 1) % 60)
    assert error_code(send(request)) == ("SignatureDoesNotMatch", 403)
    body = b"<InventoryConfiguration/>"
    request = signed_request("PUT", URL + "/src?inventory&id=x", body=body)
    request.data = body.replace(b"/>", b" />")  # payload changed after signing
    assert error_code(send(request)) == ("XAmzContentSHA256Mismatch", 400)


def case_skewed_and_expired():
    past = datetime.datetime.utcnow() - datetime.timedelta(hours=2)
    assert error_code(send(signed_request("GET", URL + "/src?inventory", at=past))) == \
        ("RequestTimeTooSkewed", 403)
    fresh = signed_request("GET", URL + "/src?inventory", presign_expires=60)
    assert send(fresh).status_code == 200
    stale = signed_request("GET", URL + "/src?inventory", at=past, presign_expires=3600)
    response = send(stale)
    assert error_code(response) == ("AccessDenied", 403), response.text
    assert "Request has expired" in response.text, response.text


def case_malformed_xml():
    for body in [b"<InventoryConfiguration><Id>x</Id>", b"not xml at all",
                 b"<InventoryConfiguration><Colour>red</Colour></InventoryConfiguration>"]:
        response = send(signed_request("PUT", URL + "/src?inventory&id=x", body=body))
        assert error_code(response) == ("MalformedXML", 400), (body, response.text)


def case_destination_rules():
    c = s3()
    missing = small_config("m")
    missing["Destination"]["S3BucketDestination"]["Bucket"] = "arn:aws:s3:::no-such-bucket"
    assert error_of(c.put_bucket_inventory_configuration, Bucket="src", Id="m",
                    InventoryConfiguration=missing) == ("InvalidArgument", 400)
    other_owner = small_config("o")
    other_owner["Destination"]["S3BucketDestination"]["AccountId"] = "999999999999"
    assert error_of(c.put_bucket_inventory_configuration, Bucket="src", Id="o",
                    InventoryConfiguration=other_owner) == ("InvalidArgument", 400)
    assert error_of(c.put_bucket_inventory_configuration, Bucket="nope", Id="n",
                    InventoryConfiguration=small_config("n")) == ("NoSuchBucket", 404)
    assert error_of(c.put_bucket_inventory_configuration, Bucket="src", Id="other-id",
                    InventoryConfiguration=small_config("n")) == ("InvalidArgument", 400)


def case_other_account():
    other = s3(os.environ["OTHER_ACCESS_KEY_ID"], os.environ["OTHER_SECRET_ACCESS_KEY"])
    assert other.list_buckets()["Buckets"] == []
    assert error_of(other.put_bucket_inventory_configuration, Bucket="src", Id="x",
                    InventoryConfiguration=small_config("x")) == ("AccessDenied", 403)
    assert error_of(other.get_bucket_location, Bucket="src") == ("AccessDenied", 403)
    sts = boto3.client("sts", endpoint_url=URL, region_name=REGION,
                       aws_access_key_id=os.environ["OTHER_ACCESS_KEY_ID"],
                       aws_secret_access_key=os.environ["OTHER_SECRET_ACCESS_KEY"])
    assert sts.get_caller_identity()["Account"] == "210987654321"


def case_buckets_and_identity():
    c = s3()
    names = [b["Name"] for b in c.list_buckets()["Buckets"]]
    assert names == ["dest", "src"], names
    assert c.get_bucket_location(Bucket="src")["LocationConstraint"] == REGION
    head = c.head_bucket(Bucket="src")
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == REGION, head
    assert error_of(c.head_bucket, Bucket="nope") == ("404", 404)
    identity = boto3.client("sts", endpoint_url=URL, region_name=REGION).get_caller_identity()
    assert identity["Account"] == "123456789012", identity
    assert identity["Arn"] == "arn:aws:iam::123456789012:root", identity


def case_not_implemented():
    c = s3()
    assert error_of(c.list_objects_v2, Bucket="src") == ("NotImplemented", 501)
    assert error_of(c.get_bucket_acl, Bucket="src") == ("NotImplemented", 501)


if __name__ == "__main__":
    globals()["case_" + sys.argv[1]]()
    print("ok")
