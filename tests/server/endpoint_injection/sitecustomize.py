# Points every boto3 client and resource at $STOCKTAKE_ENDPOINT_URL, so that
# the seed's scripts run unchanged against a test daemon. Debian 12's boto3
# (1.26) predates the AWS_ENDPOINT_URL variable that would do this natively.
# Python imports this module at start-up when its folder is on PYTHONPATH.
import os

_url = os.environ.get("STOCKTAKE_ENDPOINT_URL")
if _url:
    import boto3.session

    _client = boto3.session.Session.client
    _resource = boto3.session.Session.resource

    def _with_endpoint(kwargs):
        if kwargs.get("endpoint_url") is None:
            kwargs["endpoint_url"] = _url
        return kwargs

    def client(self, *args, **kwargs):
        return _client(self, *args, **_with_endpoint(kwargs))

    def resource(self, *args, **kwargs):
        return _resource(self, *args, **_with_endpoint(kwargs))

    boto3.session.Session.client = client
    boto3.session.Session.resource = resource
