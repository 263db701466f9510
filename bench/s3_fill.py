#!/usr/bin/python3
"""Fills an S3 bucket with N small objects fast (process pool x thread pool,
boto3), for the S3 scan measurement in bench/README.md. Not run by ctest.

  bench/s3_fill.py --endpoint-url URL --bucket B --count 100000 [--procs 4 --threads 16]
"""
import argparse
import concurrent.futures as cf
import multiprocessing as mp

import boto3
import botocore.config


def fill(args, start, stop):
    s3 = boto3.client("s3", endpoint_url=args.endpoint_url,
                      config=botocore.config.Config(max_pool_connections=args.threads))

    def put(i):
        key = "d%03d/sub %02d/obj-%07d.dat" % (i % 500, i % 17, i)
        s3.put_object(Bucket=args.bucket, Key=key, Body=b"x" * (i % 1024))

    with cf.ThreadPoolExecutor(args.threads) as pool:
        for f in [pool.submit(put, i) for i in range(start, stop)]:
            f.result()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--endpoint-url", required=True)
    p.add_argument("--bucket", required=True)
    p.add_argument("--count", type=int, default=100000)
    p.add_argument("--procs", type=int, default=4)
    p.add_argument("--threads", type=int, default=16)
    args = p.parse_args()
    boto3.client("s3", endpoint_url=args.endpoint_url).create_bucket(Bucket=args.bucket)
    step = (args.count + args.procs - 1) // args.procs
    procs = [mp.Process(target=fill, args=(args, i, min(i + step, args.count)))
             for i in range(0, args.count, step)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join()
        if proc.exitcode != 0:
            raise SystemExit("a filler process failed")


if __name__ == "__main__":
    main()
