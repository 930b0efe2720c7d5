"""CSV and Parquet data sources read from S3 with a customer's role, and the context they share."""

from rolegate.platform.sources.base import DataSource, HighWaterMarks, MemoryMarks
from rolegate.platform.sources.context import SourceContext
from rolegate.platform.sources.csv_source import CsvSource
from rolegate.platform.sources.filesystems import (
    AnonymousS3Configuration,
    AssumeRoleConfiguration,
    AwsS3AssumeRoleFileSystemConfiguration,
    FileSystemConfiguration,
    SecretsS3Configuration,
)
from rolegate.platform.sources.locations import S3Location
from rolegate.platform.sources.parquet_source import ParquetSource
from rolegate.platform.sources.spec import FORMATS, source_from_dict, source_to_dict

__all__ = [
    "FORMATS",
    "AnonymousS3Configuration",
    "AssumeRoleConfiguration",
    "AwsS3AssumeRoleFileSystemConfiguration",
    "CsvSource",
    "DataSource",
    "FileSystemConfiguration",
    "HighWaterMarks",
    "MemoryMarks",
    "ParquetSource",
    "S3Location",
    "SecretsS3Configuration",
    "SourceContext",
    "source_from_dict",
    "source_to_dict",
]
