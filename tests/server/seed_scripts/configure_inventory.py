# Copyright Amazon.com, Inc. or its affiliates. All Rights Reserved.
# SPDX-License-Identifier: MIT-0
import boto3
import json

session = boto3.Session()
s3 = session.resource('s3')
client = session.client('s3')
local_account_id = session.client('sts').get_caller_identity()['Account']
inventory_account_id = '123456789012'  # replace with AWS account ID hosting the inventory buckets
inventory_buckets = {}


def _get_inventory_bucket(x):
    region = client.get_bucket_location(Bucket=x)['LocationConstraint']
    region = 'us-east-1' if not region else region    
    return inventory_buckets[region]


def load_inventory_buckets():
    global inventory_buckets
    with open('aws_inventory_buckets.json', 'r') as f:
        inventory_buckets = json.load(f)


def configure_inventory():
    for bucket in s3.buckets.all():
        if bucket.name.startswith('inventory'):
            print(f'passing {bucket.name}')
            continue
        try:
            client.put_bucket_inventory_configuration(
                Bucket=bucket.name,
                Id='inventory',
                InventoryConfiguration={'Destination': {
                    'S3BucketDestination': {
                        'AccountId': inventory_account_id,
                        'Bucket': f'arn:aws:s3:::{_get_inventory_bucket(bucket.name)}',
                        'Format': 'Parquet',
                        'Prefix': local_account_id,
                        'Encryption': {
                            'SSES3': {}
                        }
                    }
                }, 'IsEnabled': True, 'Id': 'inventory', 'IncludedObjectVersions': 'All', 'OptionalFields': [
                    'Size',
                    'LastModifiedDate',
                    'StorageClass',
                    'ETag',
                    'IsMultipartUploaded',
                    'ReplicationStatus',
                    'EncryptionStatus',
                    'ObjectLockRetainUntilDate',
                    'ObjectLockMode',
                    'ObjectLockLegalHoldStatus',
                    'IntelligentTieringAccessTier'
                ], 'Schedule': {
                    'Frequency': 'Daily'
                }}
            )
        except Exception as e:
            print(f'An error occurred processing {bucket.name}')
            print(e)


if __name__ == '__main__':
    try:
        load_inventory_buckets()
        configure_inventory()
    except Exception as e:
        print(f'An error occurred while configuring buckets for account {local_account_id}')
        print(e)
