"""`versionId` on a bucket that is never versioned: what it names, and what it is authorized as.

rolegate keeps one version of each object: the one S3 calls the null version (userguide/
Versioning.html: objects stored while a bucket is unversioned have the version ID `null`). So
`versionId=null` names the object and any other id names nothing: S3 answers 400 InvalidArgument
"Invalid version id specified" (and "Version id cannot be the empty string" for an empty one), and
DeleteObjects reports the key with NoSuchVersion.

A request that names a version is a different action (API_GetObject.html: "If you include a
versionId in your request header, you must have the s3:GetObjectVersion permission ... The
s3:GetObject permission is not required in this scenario"; API_DeleteObject.html:
s3:DeleteObjectVersion; API_CopyObject.html: s3:GetObjectVersion on a source version). Judging
such a request as the unversioned action let a policy that denies s3:DeleteObjectVersion be
walked around, and let `?versionId=anything` delete the current object.
"""

from __future__ import annotations

from collections.abc import Mapping

from rolegate.aws.errors import AwsError

NULL_VERSION = "null"

GET_VERSION = "s3:GetObjectVersion"
DELETE_VERSION = "s3:DeleteObjectVersion"
# The operations that take `versionId` and the action they are when it is given.
VERSION_ACTIONS: Mapping[str, str] = {
    "GetObject": GET_VERSION,
    "HeadObject": GET_VERSION,
    "DeleteObject": DELETE_VERSION,
}


def check_version_id(version_id: str) -> None:
    """400 InvalidArgument unless `version_id` names the only version there is."""
    if version_id == "":
        raise AwsError("InvalidArgument", "Version id cannot be the empty string", 400)
    if version_id != NULL_VERSION:
        raise AwsError("InvalidArgument", "Invalid version id specified", 400)


def requested_version(operation: str, query: Mapping[str, list[str]]) -> str | None:
    """The version the request names, checked; None when it names none (or the operation takes
    no `versionId`, which S3 then ignores)."""
    if operation not in VERSION_ACTIONS:
        return None
    values = query.get("versionId")
    if values is None:
        return None
    check_version_id(values[0])
    return values[0]
