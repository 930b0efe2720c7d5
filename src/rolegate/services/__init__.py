"""The services: authz, iam, sts (and s3), each an explicit table of operations keyed by AWS name."""
