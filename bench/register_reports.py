# Writes REPORTS synthetic AWS-style CSV.gz inventory reports of ROWS rows
# each into ROOT/coll-eu/<account>/<bucket>/inventory/ (the collector layout
# of docs/register.md), with correct MD5s, manifest.json and checksum, for
# the register benchmark in BENCHMARKS.md:
#   python3 bench/register_reports.py ROOT REPORTS ROWS
import gzip, hashlib, json, os, sys
root, reports, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
coll = os.path.join(root, "coll-eu")
for r in range(reports):
    acct = "%012d" % (r % 3 + 1)
    src = "bucket-%04d" % r
    base = f"{acct}/{src}/inventory/"
    lines = []
    for i in range(rows):
        lines.append(f'"{src}","dir/obj+{i}.dat","{i % 100000}","2024-01-01T00:00:00.000Z","d41d8cd98f00b204e9800998ecf8427e","STANDARD"\n')
    data = gzip.compress("".join(lines).encode(), 6)
    key = base + f"data/{r:08d}.csv.gz"
    p = os.path.join(coll, key); os.makedirs(os.path.dirname(p), exist_ok=True)
    open(p, "wb").write(data)
    m = {"sourceBucket": src, "destinationBucket": "arn:aws:s3:::coll-eu", "version": "2016-11-30",
         "creationTimestamp": "1704067200000", "fileFormat": "CSV",
         "fileSchema": "Bucket, Key, Size, LastModifiedDate, ETag, StorageClass",
         "files": [{"key": key, "size": len(data), "MD5checksum": hashlib.md5(data).hexdigest()}]}
    j = json.dumps(m, separators=(",", ":")).encode()
    d = os.path.join(coll, base + "2024-01-01T00-00Z"); os.makedirs(d, exist_ok=True)
    open(os.path.join(d, "manifest.json"), "wb").write(j)
    open(os.path.join(d, "manifest.checksum"), "w").write(hashlib.md5(j).hexdigest() + "\n")
