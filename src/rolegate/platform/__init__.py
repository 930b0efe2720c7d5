"""The platform side: data sources, builds and batch executions that read through a role ARN.

Only boto3/botocore and pyarrow: never rolegate's own internals, so the same code runs against
real AWS (no endpoint) and against `rolegate server` (an endpoint URL).
"""
