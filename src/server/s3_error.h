// S3 errors as the daemon sends them: an HTTP status, an S3 error code and a
// message, written as the S3 XML <Error> body (or, for STS, <ErrorResponse>).
//
// Inside the daemon an S3 error travels as an ordinary Status whose message
// starts with the code ("SignatureDoesNotMatch: ..."), the same convention the
// config layer uses (config/config_error.h). ToS3Error() is the one table that
// turns any Status into what the client sees: S3 codes keep their status,
// config errors are 400s, anything else maps by Status code (an unexpected
// failure is a 500 InternalError, never a hang). Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace stocktake::server {

struct S3Error {
  int http_status = 500;
  std::string code;  // "NoSuchBucket"
  std::string message;
};

// A Status carrying S3 error `code` (one of the codes in s3_error.cc's table;
// its Status code follows the HTTP status: 403 PermissionDenied, 404
// NotFound, 400 InvalidArgument, ...). REQUIRES: `code` is in the table.
Status S3Failure(std::string_view code, std::string_view message);

// The error to send for a failed request.
S3Error ToS3Error(const Status& status);

// <Error><Code/><Message/><Resource/><RequestId/></Error>
std::string S3ErrorXml(const S3Error& error, std::string_view resource,
                       std::string_view request_id);
// <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>
std::string StsErrorXml(const S3Error& error, std::string_view request_id);

// Escapes &, <, >, " and ' for XML text and attributes.
std::string XmlEscape(std::string_view text);

}  // namespace stocktake::server
