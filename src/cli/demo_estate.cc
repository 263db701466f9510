#include "cli/demo_estate.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>
#include <tuple>

namespace stocktake::cli {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kDay = 86400;
constexpr int64_t kBaseEpoch = 1700000000;  // 2023-11-14

enum class Kind { kPhotos, kAppLogs, kDataLake, kAwkwardNames };

// One bucket of the estate and its share of the objects. Shares sum to 1.
struct BucketPlan {
  const char* account;
  const char* region;
  const char* name;
  Kind kind;
  double share;
  bool big_files;  // a few large sparse files (database snapshots)
};

constexpr BucketPlan kBuckets[] = {
    {"111122223333", "eu-west-1", "media-photos-eu", Kind::kPhotos, 0.25, false},
    {"111122223333", "us-east-1", "media-photos-us", Kind::kPhotos, 0.15, false},
    {"111122223333", "ap-southeast-2", "media-awkward-names", Kind::kAwkwardNames, 0.10, false},
    {"444455556666", "eu-west-1", "platform-logs-eu", Kind::kAppLogs, 0.12, false},
    {"444455556666", "us-east-1", "platform-logs-us", Kind::kAppLogs, 0.10, false},
    {"444455556666", "ap-southeast-2", "platform-logs-ap", Kind::kAppLogs, 0.08, false},
    {"777788889999", "us-east-1", "analytics-data-lake", Kind::kDataLake, 0.12, true},
    {"777788889999", "eu-west-1", "analytics-archive", Kind::kDataLake, 0.08, false},
};

struct FileSpec {
  std::string key;
  int64_t size;
  int64_t mtime;
};

const char* const kAwkward[] = {
    "with space.txt", "plus+sign.txt", "percent%20literal.txt", "quote\"double.txt",
    "single'quote.txt", "caf\xc3\xa9.txt", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e.txt",
    "emoji-\xf0\x9f\x93\xa6.txt", "a-b", "a0", "a/b", "tab\there.txt", "comma,name.csv",
    "semi;colon", "amp&ersand", "hash#tag", "question?mark", "back\\slash", "tilde~",
    "brackets[1]", "equals=sign", "at@sign", "dollar$", "star*name", "(parens)",
};

// Builds the deterministic list of objects for one bucket.
// `big_bytes`: the size of the smallest big file (the others double it).
std::vector<FileSpec> PlanBucket(const BucketPlan& bucket, int64_t count, int64_t big_bytes,
                                 std::mt19937_64& rng) {
  std::vector<FileSpec> files;
  files.reserve(static_cast<size_t>(count) + 64);
  std::uniform_int_distribution<int64_t> age(0, 3 * 365 * kDay);
  std::lognormal_distribution<double> size_dist(7.0, 1.6);  // median ~1 KiB, long tail
  auto small_size = [&] {
    return std::min<int64_t>(static_cast<int64_t>(size_dist(rng)), 64 << 10);
  };
  char buf[256];
  for (int64_t i = 0; i < count; ++i) {
    if (bucket.kind == Kind::kPhotos) {
      int64_t t = kBaseEpoch + age(rng);
      std::snprintf(buf, sizeof(buf), "%lld/%02lld/IMG %06lld%s.jpg",
                    static_cast<long long>(2023 + (t - kBaseEpoch) / (365 * kDay)),
                    static_cast<long long>(1 + (t / (30 * kDay)) % 12),
                    static_cast<long long>(i), i % 7 == 0 ? " (copy)" : "");
      files.push_back({buf, small_size(), t});
    } else if (bucket.kind == Kind::kAppLogs) {
      int64_t day = i / 500;
      std::snprintf(buf, sizeof(buf), "service-%lld/dt=2026-%02lld-%02lld/part-%05lld.log.gz",
                    static_cast<long long>(i % 5), static_cast<long long>(1 + day / 28 % 12),
                    static_cast<long long>(1 + day % 28), static_cast<long long>(i));
      files.push_back({buf, small_size(), kBaseEpoch + 2 * 365 * kDay + day * kDay + i % 86400});
    } else if (bucket.kind == Kind::kDataLake) {
      std::snprintf(buf, sizeof(buf), "warehouse/table_%02lld/year=%lld/month=%02lld/%08lld.parquet",
                    static_cast<long long>(i % 12), static_cast<long long>(2024 + i % 3),
                    static_cast<long long>(1 + i % 12), static_cast<long long>(i));
      files.push_back({buf, small_size(), kBaseEpoch + age(rng)});
    } else {  // "awkward-names": hostile names at several depths
      const char* base = kAwkward[i % (sizeof(kAwkward) / sizeof(kAwkward[0]))];
      std::snprintf(buf, sizeof(buf), "level-%lld/%s-%lld", static_cast<long long>(i % 3), base,
                    static_cast<long long>(i));
      files.push_back({buf, small_size(), kBaseEpoch + age(rng)});
    }
  }
  if (bucket.big_files) {  // a few big (sparse) files
    for (int64_t i = 0; i < 6; ++i) {
      std::snprintf(buf, sizeof(buf), "backups/db-snapshot-%02lld.tar", static_cast<long long>(i));
      files.push_back({buf, big_bytes << i, kBaseEpoch + i * 30 * kDay});
    }
  }
  if (bucket.kind == Kind::kAwkwardNames) {
    for (const char* name : kAwkward) files.push_back({name, 3, kBaseEpoch});
  }
  return files;
}

Status WriteSpec(const std::string& bucket_dir, const FileSpec& f) {
  std::string path = bucket_dir + "/" + f.key;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 && errno == ENOENT) {
    std::error_code ec;
    fs::create_directories(fs::path(path).parent_path(), ec);
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  }
  if (fd < 0) return ErrnoStatus("demo: create " + path, errno);
  Status st;
  if (f.size <= (64 << 10)) {
    // Small files get real content (so ETags differ); big ones are sparse.
    std::string content(static_cast<size_t>(f.size), '\0');
    for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>('a' + (i * 7 + f.key.size()) % 26);
    if (!content.empty()) {
      std::memcpy(content.data(), f.key.data(), std::min(content.size(), f.key.size()));
    }
    if (::write(fd, content.data(), content.size()) != static_cast<ssize_t>(content.size())) {
      st = ErrnoStatus("demo: write " + path, errno);
    }
  } else if (::ftruncate(fd, f.size) != 0) {
    st = ErrnoStatus("demo: truncate " + path, errno);
  }
  struct timespec times[2] = {{f.mtime, 0}, {f.mtime, 0}};
  if (st.ok() && ::futimens(fd, times) != 0) st = ErrnoStatus("demo: set time " + path, errno);
  ::close(fd);
  return st;
}

}  // namespace

const std::vector<std::string>& DemoRegions() {
  static const std::vector<std::string> kRegions = {"eu-west-1", "us-east-1", "ap-southeast-2"};
  return kRegions;
}

std::string DemoCollectorBucket(const std::string& region) { return "inventory-" + region; }

std::string DemoSourceRoot(const std::string& root, const std::string& region,
                           const std::string& account) {
  return root + "/" + region + "/" + account;
}

Result<std::vector<DemoBucket>> BuildDemoEstate(const DemoEstateOptions& options) {
  std::mt19937_64 rng(options.seed);
  // 8 MiB at the default size, less for small estates (tests), which then
  // hash less.
  const int64_t big_bytes = (8LL << 20) * std::min<int64_t>(options.objects, 100000) / 100000;
  std::vector<std::pair<std::string, std::vector<FileSpec>>> plan;  // bucket folder, files
  std::vector<DemoBucket> buckets;
  for (const BucketPlan& b : kBuckets) {
    auto files = PlanBucket(
        b, static_cast<int64_t>(static_cast<double>(options.objects) * b.share), big_bytes, rng);
    DemoBucket bucket{b.account, b.region, b.name, static_cast<int64_t>(files.size()), 0};
    for (const auto& f : files) bucket.bytes += f.size;
    buckets.push_back(bucket);
    plan.emplace_back(DemoSourceRoot(options.root, b.region, b.account) + "/" + b.name,
                      std::move(files));
  }
  std::sort(buckets.begin(), buckets.end(), [](const DemoBucket& a, const DemoBucket& b) {
    return std::tie(a.account, a.region, a.name) < std::tie(b.account, b.region, b.name);
  });

  std::ostringstream marker_text;
  marker_text << "stocktake demo estate v3 seed=" << options.seed << " objects=" << options.objects
              << "\n";
  const std::string marker = options.root + "/.stocktake-demo";
  {
    std::ifstream in(marker);
    std::stringstream existing;
    existing << in.rdbuf();
    if (in && existing.str() == marker_text.str()) return buckets;  // already built
    // The marker proves the folder is a demo estate (maybe of an older
    // layout): it is replaced whole. Without one, only our buckets are.
    std::error_code ec;
    if (in && existing.str().rfind("stocktake demo estate ", 0) == 0) {
      for (const auto& entry : fs::directory_iterator(options.root, ec)) {
        fs::remove_all(entry.path(), ec);
        if (ec) return ErrnoStatus("demo: remove " + entry.path().string(), ec.value());
      }
    }
  }

  std::error_code ec;
  fs::create_directories(options.root, ec);
  if (ec) return ErrnoStatus("demo: create " + options.root, ec.value());
  for (const auto& [dir, files] : plan) {
    fs::remove_all(dir, ec);
    fs::create_directories(dir, ec);
    if (ec) return ErrnoStatus("demo: create bucket folder " + dir, ec.value());
  }

  std::atomic<int64_t> done{0};
  std::mutex err_mu;
  Status first_error;
  std::vector<std::thread> workers;
  const int threads = std::max(1, options.threads);
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (const auto& [dir, files] : plan) {
        for (size_t i = static_cast<size_t>(t); i < files.size(); i += static_cast<size_t>(threads)) {
          Status st = WriteSpec(dir, files[i]);
          if (!st.ok()) {
            std::lock_guard lock(err_mu);
            if (first_error.ok()) first_error = st;
            return;
          }
          int64_t n = ++done;
          if (t == 0 && options.progress && n % 1024 == 0) options.progress(n);
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  RETURN_IF_ERROR(first_error);
  std::ofstream out(marker, std::ios::trunc);
  out << marker_text.str();
  if (!out) return IOError("demo: write " + marker);
  return buckets;
}

}  // namespace stocktake::cli
