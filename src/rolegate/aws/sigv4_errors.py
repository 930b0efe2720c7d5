"""The errors SigV4 checking answers with, worded as the service in the credential scope words them.

S3 and the Query services (IAM, STS) answer the same failure differently. Texts marked
[seen] were checked against AWS responses quoted in public issue threads (URL given); the rest
are [unconfirmed]: written from memory of AWS answers or, where marked, rolegate's own wording.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rolegate.aws.errors import AwsError

# [unconfirmed] S3's AuthorizationQueryParametersError texts, except the one marked [seen].
QUERY_ALGORITHM = 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"'
QUERY_DATE = "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\""
QUERY_EXPIRES_NAN = "X-Amz-Expires should be a number"
QUERY_EXPIRES_NEGATIVE = "X-Amz-Expires must be non-negative"
# [seen] https://github.com/aws/aws-cli/issues/5464
QUERY_EXPIRES_TOO_LONG = (
    "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires "
    "must be less than 604800 seconds"
)
_EXPECTING = 'expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".'
_MALFORMED = "The authorization header is malformed; "


def service_hint(credential_or_header: str, default_service: str | None) -> str | None:
    """The service named by a credential too malformed to parse, for the error's wording."""
    text = credential_or_header
    start = text.find("Credential=")
    if start >= 0:
        text = text[start + 11 :].replace(",", " ").split(" ", 1)[0]
    parts = text.split("/")
    if "aws4_request" in parts[1:]:
        return parts[len(parts) - 2 - parts[::-1].index("aws4_request")]
    return default_service


def format_amz_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _s3(service: str | None) -> bool:
    return service == "s3"


def _incomplete(message: str) -> AwsError:
    return AwsError("IncompleteSignature", message, 400)


def _query_error(message: str) -> AwsError:
    return AwsError("AuthorizationQueryParametersError", message, 400)


def two_mechanisms(service: str | None) -> AwsError:
    # [unconfirmed] S3's text; the IAM/STS one is rolegate's own.
    if _s3(service):
        return AwsError(
            "InvalidArgument",
            "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, "
            "Signature query string parameter or the Authorization header should be specified",
            400,
        )
    return _incomplete("Sign with either the Authorization header or the query string, not both.")


def unsupported_mechanism(service: str | None) -> AwsError:
    """Signature Version 2 and other schemes. S3: [seen] https://github.com/aws/aws-cli/issues/2432

    S3 refuses SigV2 for every bucket created after June 24, 2020 (AWS's announcement of the
    revised SigV2 plan; AmazonS3/latest/API/Appendix-Sigv2.html), and every bucket here is new.
    Clients that presign with SigV2 by default (botocore for S3 in us-east-1) need
    `signature_version="s3v4"`, as they do against a new bucket on AWS.
    """
    if _s3(service):
        return AwsError(
            "InvalidRequest",
            "The authorization mechanism you have provided is not supported. "
            "Please use AWS4-HMAC-SHA256.",
            400,
        )
    return _incomplete("Only AWS Signature Version 4 (AWS4-HMAC-SHA256) is supported.")  # ours


def bad_algorithm(service: str | None, header: str, algorithm: str, has_date: bool) -> AwsError:
    if _s3(service):
        if algorithm == "AWS":  # Signature Version 2
            return unsupported_mechanism(service)
        # [seen] https://github.com/versity/versitygw/issues/1512 (S3's answer quoted there)
        return AwsError("InvalidArgument", "Unsupported Authorization Type", 400)
    return incomplete_header(
        service, header, ["Credential", "Signature", "SignedHeaders"], has_date
    )


def missing_equal_sign(service: str | None, token: str, header: str) -> AwsError:
    if _s3(service):
        return _three_components()
    # [seen] https://github.com/aws/aws-sdk-go/issues/289
    return _incomplete(
        f"'{token}' not a valid key=value pair (missing equal-sign) in Authorization header: "
        f"'{header}'."
    )


def _three_components() -> AwsError:
    # [seen] https://github.com/ex-aws/ex_aws/issues/537
    return AwsError(
        "AuthorizationHeaderMalformed",
        _MALFORMED + "the authorization header requires three components: Credential, "
        "SignedHeaders, and Signature.",
        400,
    )


def incomplete_header(
    service: str | None, header: str, missing: list[str], has_date: bool
) -> AwsError:
    if _s3(service):
        return _three_components()
    # [seen] https://github.com/brendanhay/amazonka/issues/316 and
    # https://github.com/aws/chalice/issues/828: one sentence per gap, then the header echoed.
    parts = [f"Authorization header requires '{name}' parameter." for name in missing]
    if not has_date:
        parts.append(_DATE_REQUIRED)
    return _incomplete(" ".join([*parts, f"Authorization={header}"]))


_DATE_REQUIRED = (
    "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
)


def missing_date(service: str | None, header: str) -> AwsError:
    """No usable X-Amz-Date or Date. The IAM/STS text is [seen] for a missing date and reused,
    [unconfirmed], for an unreadable one."""
    if _s3(service):
        # [seen] https://github.com/hubrick/vertx-s3-client/issues/5
        return AwsError(
            "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header", 403
        )
    return _incomplete(f"{_DATE_REQUIRED} Authorization={header}")


def incomplete_query(service: str | None, missing: list[str]) -> AwsError:
    if _s3(service):  # [unconfirmed]
        return _query_error(
            "Query-string authentication version 4 requires the X-Amz-Algorithm, "
            "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and "
            "X-Amz-Expires parameters."
        )
    parts = [f"AWS query-string parameters must include '{name}'." for name in missing]
    return _incomplete(" ".join([*parts, "Re-examine the query-string parameters."]))  # [unconf.]


def query_parameter(service: str | None, message: str) -> AwsError:
    return _query_error(message) if _s3(service) else _incomplete(message)


def credential_parts(service: str | None, credential: str, presigned: bool) -> AwsError:
    if _s3(service):
        if presigned:  # [unconfirmed] by analogy with the [seen] region text below
            return _query_error(
                f"Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; "
                f"{_EXPECTING}"
            )
        # [seen] https://github.com/krobertson/deb-s3/issues/157
        return AwsError(
            "AuthorizationHeaderMalformed",
            f"{_MALFORMED}the Credential is mal-formed; {_EXPECTING}",
            400,
        )
    # [seen] https://github.com/kubernetes-sigs/aws-iam-authenticator/issues/374
    return _incomplete(
        "Credential must have exactly 5 slash-delimited elements, e.g. "
        f"keyid/date/region/service/term, got '{credential}'"
    )


def credential_terminator(
    service: str, credential: str, terminator: str, presigned: bool
) -> AwsError:
    if _s3(service):
        return credential_parts(service, credential, presigned)
    # [unconfirmed]
    return _incomplete(
        f"Credential should be scoped with a valid terminator: 'aws4_request', not '{terminator}'. "
    )


def wrong_region(service: str, region: str, expected: str, presigned: bool) -> AwsError:
    if _s3(service):
        from rolegate.aws.s3.errors import S3Error  # noqa: PLC0415 - s3.errors imports us

        # [seen] https://github.com/aws/aws-sdk-js/issues/986 and
        # https://github.com/ai-dock/comfyui/issues/34 (query form); S3 names the region it
        # expects in <Region>: [seen] https://github.com/minio/minio-go/issues/677 (header form;
        # the query form's element is [unconfirmed]).
        where = {"Region": expected}
        if presigned:
            return S3Error(
                "AuthorizationQueryParametersError",
                f"Error parsing the X-Amz-Credential parameter; the region '{region}' is wrong; "
                f"expecting '{expected}'",
                400,
                extra=where,
            )
        return S3Error(
            "AuthorizationHeaderMalformed",
            f"{_MALFORMED}the region '{region}' is wrong; expecting '{expected}'",
            400,
            extra=where,
        )
    # [seen] https://github.com/rusoto/rusoto/issues/1870 (the trailing space is AWS's); the
    # short form for an empty region is [seen] in https://github.com/namecheap/node-vault-client/issues/25
    # with no region shown, which is read here as "the region was empty" [unconfirmed].
    shown = f", not '{region}'" if region else ""
    return AwsError(
        "SignatureDoesNotMatch", f"Credential should be scoped to a valid region{shown}. ", 403
    )


def wrong_service(service: str, expected: str, presigned: bool) -> AwsError:
    if _s3(expected):  # [unconfirmed]
        message = f'incorrect service "{service}". This endpoint belongs to "{expected}".'
        if presigned:
            return _query_error(f"Error parsing the X-Amz-Credential parameter; {message}")
        return AwsError("AuthorizationHeaderMalformed", _MALFORMED + message, 400)
    # Text [seen] https://github.com/cllunsford/aws-signing-proxy/issues/25; code [unconfirmed]
    return AwsError(
        "SignatureDoesNotMatch",
        f"Credential should be scoped to correct service: '{expected}'. ",
        403,
    )


def scope_date_mismatch(service: str, scope_date: str, amz_date: str, presigned: bool) -> AwsError:
    if _s3(service):
        text = "Invalid credential date. Date is not the same as X-Amz-Date."
        if presigned:  # [unconfirmed]
            return _query_error(text)
        # [seen] https://github.com/ml-archive/storage/pull/68
        return AwsError("AuthorizationHeaderMalformed", _MALFORMED + text, 400)
    # [unconfirmed] from memory of IAM/STS answers
    return AwsError(
        "SignatureDoesNotMatch",
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
        f"HTTP: '{scope_date}' != '{amz_date[:8]}', from '{amz_date}'.",
        403,
    )


def headers_not_signed(names: list[str]) -> AwsError:
    from rolegate.aws.s3.errors import S3Error  # noqa: PLC0415 - s3.errors imports us

    # [seen] https://github.com/soto-project/soto-core/pull/99; S3 names them in
    # <HeadersNotSigned> [seen] https://pastebin.com/cenFCsNm (one name; the separator for
    # several is [unconfirmed]).
    return S3Error(
        "AccessDenied",
        "There were headers present in the request which were not signed",
        403,
        extra={"HeadersNotSigned": ", ".join(names)},
    )


def host_not_signed(service: str) -> AwsError:
    """SignedHeaders without `host`. SigV4 signs the Host header always
    (IAM/latest/UserGuide/create-signed-request.html: "The host header must be included as a
    signed header"); for S3 it names the bucket of a virtual-hosted request, so leaving it out
    would let one signature serve any bucket. `:authority` stands for it only in HTTP/2, which
    rolegate does not speak, so it does not count.
    """
    if _s3(service):
        return headers_not_signed(["host"])
    # Text [seen] https://github.com/aws/aws-sdk-php/issues/2469; code [unconfirmed]
    return AwsError(
        "SignatureDoesNotMatch",
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
        403,
    )


def _window(seconds: int) -> str:
    return f"{seconds // 60} min." if seconds % 60 == 0 else f"{seconds} sec."


def not_yet_valid(
    service: str, amz_date: str, now: datetime, skew: int, presigned: bool
) -> AwsError:
    if _s3(service):
        if presigned:  # [seen] https://github.com/dmjio/s3-signer/issues/16
            return AwsError("AccessDenied", "Request is not valid yet", 403)
        return _too_skewed()
    # [seen] https://github.com/serverless/enterprise/issues/11 (that service's window: 5 min.)
    limit = format_amz_date(now + timedelta(seconds=skew))
    return AwsError(
        "SignatureDoesNotMatch",
        f"Signature not yet current: {amz_date} is still later than {limit} "
        f"({format_amz_date(now)} + {_window(skew)})",
        403,
    )


def expired(service: str, amz_date: str, now: datetime, window: int) -> AwsError:
    if _s3(service):
        return _too_skewed()
    # [seen] https://github.com/aws/aws-cli/issues/6676 (STS GetCallerIdentity)
    limit = format_amz_date(now - timedelta(seconds=window))
    return AwsError(
        "SignatureDoesNotMatch",
        f"Signature expired: {amz_date} is now earlier than {limit} "
        f"({format_amz_date(now)} - {_window(window)})",
        403,
    )


def _too_skewed() -> AwsError:
    # [seen] https://github.com/aws/aws-cli/issues/8662
    return AwsError(
        "RequestTimeTooSkewed",
        "The difference between the request time and the current time is too large.",
        403,
    )


def request_expired() -> AwsError:
    # [seen] https://github.com/aws/aws-sdk-js/issues/3493
    return AwsError("AccessDenied", "Request has expired", 403)


def signature_mismatch(service: str) -> AwsError:
    if _s3(service):  # [seen] https://github.com/s3tools/s3cmd/issues/736
        message = (
            "The request signature we calculated does not match the signature you provided. "
            "Check your key and signing method."
        )
    else:  # [seen] https://github.com/boto/boto3/issues/756 (STS)
        message = (
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service "
            "documentation for details."
        )
    return AwsError("SignatureDoesNotMatch", message, 403)


def content_sha256_mismatch() -> AwsError:
    # [seen] https://github.com/grosskur/lua-resty-aws/issues/2
    return AwsError(
        "XAmzContentSHA256Mismatch",
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
        400,
    )


def missing_content_sha256() -> AwsError:
    # [unconfirmed]
    return AwsError(
        "InvalidRequest", "Missing required header for this request: x-amz-content-sha256", 400
    )


def invalid_content_sha256() -> AwsError:
    # [unconfirmed]
    return AwsError(
        "InvalidArgument",
        "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, "
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, "
        "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-"
        "TRAILER or a valid sha256 value.",
        400,
    )
