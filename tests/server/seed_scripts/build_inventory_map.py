# Copyright Amazon.com, Inc. or its affiliates. All Rights Reserved.
# SPDX-License-Identifier: MIT-0
import boto3
import json

session = boto3.Session()
client = session.client('s3')
inventory_buckets = {}


def build_inventory_map():
    global inventory_buckets
    buckets = client.list_buckets()['Buckets']
    for b in buckets:
        if b['Name'].startswith('inventory'):
            region = client.get_bucket_location(Bucket=b['Name'])['LocationConstraint']
            region = 'us-east-1' if not region else region
            inventory_buckets[region] = b['Name']
    with open('aws_inventory_buckets.json', 'w') as f:
        json.dump(inventory_buckets, f)


if __name__ == '__main__':
    try:
        build_inventory_map()
        print('inventory map built and stored locally')
        exit(0)
    except Exception as e:
        print('An error occured')
        print(e)
        exit(1)
