#include "store/credentials.h"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

namespace stocktake::store {
namespace {

using Section = std::map<std::string, std::string>;
using IniFile = std::map<std::string, Section>;

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

// Parses the AWS INI dialect: [section], key = value, # and ; comments.
// Indented lines (nested s3 = ... blocks) are skipped: nothing here needs them.
IniFile ParseIni(const std::string& text) {
  IniFile out;
  std::string section;
  bool in_section = false;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) continue;
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[' && t.back() == ']') {
      section = Trim(std::string_view(t).substr(1, t.size() - 2));
      in_section = true;
      out[section];
      continue;
    }
    size_t eq = t.find('=');
    if (!in_section || eq == std::string::npos) continue;
    out[section][Trim(std::string_view(t).substr(0, eq))] = Trim(std::string_view(t).substr(eq + 1));
  }
  return out;
}

// Reads an INI file; a missing file is an empty result, not an error.
Result<std::optional<IniFile>> ReadIni(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT || errno == ENOTDIR) return std::optional<IniFile>();
    return ErrnoStatus("resolve credentials: read " + path, errno);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return IOError("resolve credentials: read " + path + ": read error");
  return std::optional<IniFile>(ParseIni(ss.str()));
}

std::string Get(const EnvLookup& env, const std::string& name) {
  std::optional<std::string> v = env(name);
  return v ? *v : std::string();
}

const Section* FindSection(const std::optional<IniFile>& ini, const std::string& name) {
  if (!ini) return nullptr;
  auto it = ini->find(name);
  return it == ini->end() ? nullptr : &it->second;
}

std::string Value(const Section* section, const std::string& key) {
  if (section == nullptr) return "";
  auto it = section->find(key);
  return it == section->end() ? "" : it->second;
}

// Credentials from one INI section, or nullopt when it names none.
Result<std::optional<Credentials>> FromSection(const Section* section, const std::string& where) {
  Credentials c{Value(section, "aws_access_key_id"), Value(section, "aws_secret_access_key"),
                Value(section, "aws_session_token")};
  if (c.access_key_id.empty() && c.secret_access_key.empty()) return std::optional<Credentials>();
  if (c.access_key_id.empty() || c.secret_access_key.empty()) {
    return InvalidArgument("resolve credentials: " + where +
                           " needs both aws_access_key_id and aws_secret_access_key");
  }
  return std::optional<Credentials>(c);
}

}  // namespace

EnvLookup ProcessEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

Result<ResolvedCredentials> ResolveCredentials(const CredentialRequest& request) {
  EnvLookup env = request.env ? request.env : ProcessEnv();
  std::string home = Get(env, "HOME");
  std::string creds_path = Get(env, "AWS_SHARED_CREDENTIALS_FILE");
  if (creds_path.empty()) creds_path = home + "/.aws/credentials";
  std::string config_path = Get(env, "AWS_CONFIG_FILE");
  if (config_path.empty()) config_path = home + "/.aws/config";
  std::string profile = request.explicit_profile;
  bool profile_named = !profile.empty();
  if (profile.empty()) {
    profile = Get(env, "AWS_PROFILE");
    profile_named = !profile.empty();
  }
  if (profile.empty()) profile = "default";

  ASSIGN_OR_RETURN(std::optional<IniFile> creds_file, ReadIni(creds_path));
  ASSIGN_OR_RETURN(std::optional<IniFile> config_file, ReadIni(config_path));
  const Section* creds_section = FindSection(creds_file, profile);
  const Section* config_section =
      FindSection(config_file, profile == "default" ? "default" : "profile " + profile);
  if (config_section == nullptr && profile == "default") {
    config_section = FindSection(config_file, "profile default");
  }

  ResolvedCredentials out;
  out.region = request.explicit_region;
  if (out.region.empty()) out.region = Get(env, "AWS_REGION");
  if (out.region.empty()) out.region = Get(env, "AWS_DEFAULT_REGION");
  if (out.region.empty()) out.region = Value(config_section, "region");

  if (request.explicit_credentials && !request.explicit_credentials->empty()) {
    out.credentials = *request.explicit_credentials;
    out.source = "explicit";
    return out;
  }
  std::string env_key = Get(env, "AWS_ACCESS_KEY_ID");
  std::string env_secret = Get(env, "AWS_SECRET_ACCESS_KEY");
  if (!env_key.empty() || !env_secret.empty()) {
    if (env_key.empty() || env_secret.empty()) {
      return InvalidArgument(
          "resolve credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together");
    }
    out.credentials = Credentials{env_key, env_secret, Get(env, "AWS_SESSION_TOKEN")};
    out.source = "env";
    return out;
  }
  if (profile_named && creds_section == nullptr && config_section == nullptr) {
    return InvalidArgument("resolve credentials: profile '" + profile + "' not found in " +
                           creds_path + " or " + config_path);
  }
  struct Candidate {
    const Section* section;
    const std::string* path;
  };
  for (const Candidate& c : {Candidate{creds_section, &creds_path},
                             Candidate{config_section, &config_path}}) {
    std::string where = *c.path + " [" + profile + "]";
    ASSIGN_OR_RETURN(std::optional<Credentials> found, FromSection(c.section, where));
    if (found) {
      out.credentials = *found;
      out.source = where;
      return out;
    }
  }
  return NotFound("resolve credentials: no AWS credentials in explicit options, environment, " +
                  creds_path + " or " + config_path + " (profile '" + profile + "')");
}

}  // namespace stocktake::store
