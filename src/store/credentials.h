// AWS credentials and region resolution, in the order the AWS CLI uses:
// explicit values > environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// AWS_SESSION_TOKEN) > the shared credentials file (~/.aws/credentials or
// AWS_SHARED_CREDENTIALS_FILE) > the config file (~/.aws/config or
// AWS_CONFIG_FILE, `[profile NAME]` sections). The profile is the explicit
// one, else AWS_PROFILE, else "default". The region is explicit >
// AWS_REGION > AWS_DEFAULT_REGION > the profile's `region` in the config file.
//
// Pure functions over an injected environment lookup so tests need not touch
// the process environment; thread-safe if the lookup is.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "base/status.h"

namespace stocktake::store {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // "" for long-term keys
  bool empty() const { return access_key_id.empty(); }
};

// Returns the variable's value or nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
// The process environment (std::getenv).
EnvLookup ProcessEnv();

struct CredentialRequest {
  std::optional<Credentials> explicit_credentials;
  std::string explicit_profile;  // "" = AWS_PROFILE or "default"
  std::string explicit_region;   // "" = from env / config
  EnvLookup env;                 // nullptr = ProcessEnv()
};

struct ResolvedCredentials {
  Credentials credentials;
  std::string region;  // "" when nothing names one
  std::string source;  // "explicit", "env", "<file> [profile]"; for messages
};

// NotFound when no source has credentials ("resolve credentials: no AWS
// credentials in ..."); InvalidArgument when a source is half-filled (an
// access key without a secret) or a named profile does not exist; IOError
// when a file exists but cannot be read.
Result<ResolvedCredentials> ResolveCredentials(const CredentialRequest& request);

}  // namespace stocktake::store
