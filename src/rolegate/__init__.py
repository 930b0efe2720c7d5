"""rolegate: exact, explainable IAM for a local AWS-compatible cloud and the platform that uses it."""

__version__ = "0.1.0"
