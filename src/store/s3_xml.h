// S3 XML bodies: parsing the responses S3Store reads (ListAllMyBuckets,
// ListObjectsV2, ListObjectVersions, AccessControlPolicy, LocationConstraint, InitiateMultipart,
// Error) and building the bodies it sends, plus the one table that maps S3
// error codes and HTTP statuses to stocktake Codes.
//
// Listing parsers undo `encoding-type=url` (form encoding, '+' = space) when
// the response says it used it. Parse failures are Corruption with a bare
// message; the caller adds "<op> s3://bucket/key: ". Pure functions
// (pugixml inside), thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/object_store.h"

namespace stocktake::store {

struct S3Error {
  std::string code;     // "NoSuchKey"; "" when the body had none
  std::string message;  // "" when the body had none
};

// The <Error> document in `body`, or nullopt when the body is not one.
std::optional<S3Error> ParseS3Error(std::string_view body);

// The stocktake code for an S3 error code and HTTP status (the code wins
// when known). Throttling, 5xx and timeouts are Unavailable (retryable).
Code S3ErrorToCode(std::string_view s3_code, int http_status);

// "<op_target>: <S3Code> (<status>): <Message>"; without a message the
// ": <Message>" part is left out, without a code (HEAD responses carry no
// body) it reads "<op_target>: HTTP <status>".
Status S3ErrorStatus(std::string_view op_target, int http_status, const S3Error& error);

Result<std::vector<BucketInfo>> ParseListBuckets(std::string_view body);
Result<ListPage> ParseListObjectsV2(std::string_view body);
Result<VersionPage> ParseListObjectVersions(std::string_view body);
// GetObjectAcl's <AccessControlPolicy>: owner and grants in document order.
Result<ObjectAcl> ParseAccessControlPolicy(std::string_view body);
// "" (us-east-1's empty constraint) is returned as "us-east-1".
Result<std::string> ParseBucketLocation(std::string_view body);
Result<std::string> ParseUploadId(std::string_view body);

std::string CreateBucketBody(std::string_view location_constraint);
std::string VersioningBody(bool enabled);
// Parts numbered from 1 in order; ETags as S3 returned them (quotes optional).
std::string CompleteMultipartBody(const std::vector<std::string>& part_etags);

// Removes one pair of surrounding double quotes.
std::string StripQuotes(std::string_view etag);

}  // namespace stocktake::store
