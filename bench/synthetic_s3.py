#!/usr/bin/python3
"""A synthetic, read-only S3 endpoint serving one bucket of N generated keys,
for the memory (P4) and client-CPU (P3) benchmarks: no real server can hold
10 million objects on a 2-core test box, and a generated listing costs the
server almost nothing, so what is measured is the client.

  bench/synthetic_s3.py --port 0 --count 10000000 [--bucket synth | --any-bucket]

Prints "PORT <n>" on stdout once listening. Answers, without checking
signatures: HeadBucket, GetBucketLocation, ListObjectsV2 (prefix-free
paging with continuation-token / start-after / max-keys), ListObjectVersions
(one version per key, key-marker paging) and HeadObject. Everything else is
501. Keys are "d<NNN>/obj-<NNNNNNNNN>.dat" in S3 order; size, date and ETag
derive from the index, so every run lists the same bucket. Not run by ctest.
"""
import argparse
import hashlib
import http.server
import socketserver
import sys
import urllib.parse

FOLDERS = 1000


def key_of(i, count):
    # Folder-major order equals index order when every folder holds the same
    # number of keys: d000/obj-000000000 ... d999/obj-(count-1).
    per = max(1, (count + FOLDERS - 1) // FOLDERS)
    return "d%03d/obj-%09d.dat" % (i // per, i)


def index_of(key, count):
    """Index of the first key strictly after `key`, for any `key` (a parallel
    lister's start-after split points are not keys of the bucket)."""
    low, high = 0, count  # key_of is increasing in the index: binary search
    while low < high:
        mid = (low + high) // 2
        if key_of(mid, count) > key:
            high = mid
        else:
            low = mid + 1
    return low


ETAGS = [hashlib.md5(str(i).encode()).hexdigest() for i in range(4096)]


def entry(i, count):
    return ("<Contents><Key>%s</Key><LastModified>2026-%02d-%02dT%02d:%02d:%02d.000Z</LastModified>"
            "<ETag>&quot;%s&quot;</ETag><Size>%d</Size><StorageClass>STANDARD</StorageClass></Contents>"
            % (key_of(i, count), 1 + i % 12, 1 + i % 28, i % 24, i % 60, (i // 60) % 60,
               ETAGS[i % 4096], (i * 7919) % 1048576))


def version(i, count):
    return ("<Version><Key>%s</Key><VersionId>v%09d</VersionId><IsLatest>true</IsLatest>"
            "<LastModified>2026-%02d-%02dT%02d:%02d:%02d.000Z</LastModified>"
            "<ETag>&quot;%s&quot;</ETag><Size>%d</Size><StorageClass>STANDARD</StorageClass></Version>"
            % (key_of(i, count), i, 1 + i % 12, 1 + i % 28, i % 24, i % 60, (i // 60) % 60,
               ETAGS[i % 4096], (i * 7919) % 1048576))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    count = 0
    bucket = "synth"
    any_bucket = False

    def bucket_of(self, name):
        """The bucket a request names, if this server answers for it."""
        return name if (self.any_bucket and name) or name == self.bucket else None

    def log_message(self, *args):
        pass

    def send(self, status, body=b"", ctype="application/xml"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        path, _, _ = self.path.partition("?")
        parts = path.lstrip("/").split("/", 1)
        if self.bucket_of(parts[0]) is None:
            return self.send(404)
        if len(parts) == 1 or not parts[1]:
            return self.send(200)
        i = index_of(urllib.parse.unquote(parts[1]), self.count) - 1
        if i < 0 or i >= self.count or key_of(i, self.count) != urllib.parse.unquote(parts[1]):
            return self.send(404)
        self.send_response(200)
        self.send_header("Content-Length", str((i * 7919) % 1048576))
        self.send_header("ETag", '"%s"' % ETAGS[i % 4096])
        self.send_header("Last-Modified", "Thu, 01 Jan 2026 00:00:00 GMT")
        self.end_headers()

    def do_GET(self):
        path, _, query = self.path.partition("?")
        q = urllib.parse.parse_qs(query, keep_blank_values=True)
        bucket = self.bucket_of(path.strip("/"))
        if bucket is None or "/" in bucket:
            return self.send(501, b"<Error><Code>NotImplemented</Code></Error>")
        if "location" in q:
            return self.send(200, b'<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
                                  b'us-east-1</LocationConstraint>')
        max_keys = min(1000, int(q.get("max-keys", ["1000"])[0]))
        if "versions" in q:
            start = index_of(q.get("key-marker", [""])[0], self.count)
            stop = min(self.count, start + max_keys)
            truncated = stop < self.count
            body = ['<?xml version="1.0" encoding="UTF-8"?><ListVersionsResult>'
                    "<Name>%s</Name><Prefix></Prefix><MaxKeys>%d</MaxKeys><IsTruncated>%s</IsTruncated>"
                    % (bucket, max_keys, "true" if truncated else "false")]
            if truncated:
                body.append("<NextKeyMarker>%s</NextKeyMarker><NextVersionIdMarker>v%09d"
                            "</NextVersionIdMarker>" % (key_of(stop - 1, self.count), stop - 1))
            body.extend(version(i, self.count) for i in range(start, stop))
            body.append("</ListVersionsResult>")
            return self.send(200, "".join(body).encode())
        if q.get("list-type", [""])[0] != "2":
            return self.send(501, b"<Error><Code>NotImplemented</Code></Error>")
        token = q.get("continuation-token", [""])[0]
        start = index_of(token or q.get("start-after", [""])[0], self.count)
        stop = min(self.count, start + max_keys)
        truncated = stop < self.count
        body = ['<?xml version="1.0" encoding="UTF-8"?><ListBucketResult>'
                "<Name>%s</Name><Prefix></Prefix><KeyCount>%d</KeyCount><MaxKeys>%d</MaxKeys>"
                "<IsTruncated>%s</IsTruncated>"
                % (bucket, stop - start, max_keys, "true" if truncated else "false")]
        if truncated:
            body.append("<NextContinuationToken>%s</NextContinuationToken>" % key_of(stop - 1, self.count))
        body.extend(entry(i, self.count) for i in range(start, stop))
        body.append("</ListBucketResult>")
        self.send(200, "".join(body).encode())

    def do_PUT(self):
        self.send(501, b"<Error><Code>NotImplemented</Code></Error>")

    do_POST = do_PUT
    do_DELETE = do_PUT


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--bucket", default="synth")
    p.add_argument("--any-bucket", action="store_true",
                   help="answer for every bucket name (each holds the same N keys)")
    args = p.parse_args()
    Handler.count = args.count
    Handler.bucket = args.bucket
    Handler.any_bucket = args.any_bucket
    srv = Server(("127.0.0.1", args.port), Handler)
    print("PORT %d" % srv.server_address[1], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
