// STS GetCallerIdentity: the one STS call the seed's scripts make
// (`session.client('sts').get_caller_identity()['Account']`).
#include "server/handlers.h"
#include "server/s3_error.h"

namespace stocktake::server {

Result<HttpResponse> GetCallerIdentity(const RequestContext& context) {
  const Account& account = *context.caller.account;
  HttpResponse response;
  response.content_type = "text/xml";
  // Long-term keys of an account's root user: UserId is the account id.
  response.body =
      "<GetCallerIdentityResponse "
      "xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
      "<GetCallerIdentityResult><Arn>" +
      XmlEscape(account.Arn()) + "</Arn><UserId>" + account.account_id + "</UserId><Account>" +
      account.account_id + "</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>" +
      context.request_id + "</RequestId></ResponseMetadata></GetCallerIdentityResponse>";
  return response;
}

}  // namespace stocktake::server
