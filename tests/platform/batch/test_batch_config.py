"""Batch execution settings: the names users know, checked before anything runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from rolegate.platform.batch import BatchExecution, FileType, load_batch_execution
from rolegate.platform.errors import PlatformError

ROLE = "arn:aws:iam::111122223333:role/qwak-access-role"
BASE: dict[str, object] = {
    "source_folder": "in/",
    "destination_folder": "/out",
    "role_arn": ROLE,
    "function": "scoring.model:predict",
}


def test_bucket_fills_whichever_bucket_is_missing() -> None:
    both = BatchExecution.from_mapping({**BASE, "bucket": "data"})
    assert (both.source_bucket, both.destination_bucket) == ("data", "data")
    one = BatchExecution.from_mapping({**BASE, "bucket": "data", "destination_bucket": "results"})
    assert (one.source_bucket, one.destination_bucket) == ("data", "results")


def test_no_bucket_at_all_is_refused_by_name() -> None:
    with pytest.raises(PlatformError, match="supply either bucket or source_bucket"):
        BatchExecution.from_mapping(BASE)


def test_folders_are_prefixes_and_file_types_parse_in_any_case() -> None:
    execution = BatchExecution.from_mapping(
        {**BASE, "bucket": "b", "input_file_type": "parquet", "output_file_type": "Feather"}
    )
    assert (execution.source_folder, execution.destination_folder) == ("in/", "out/")
    assert execution.input_file_type is FileType.PARQUET
    assert execution.output_file_type is FileType.FEATHER
    assert BatchExecution.from_mapping({**BASE, "bucket": "b"}).input_file_type is FileType.CSV


def test_an_unknown_file_type_lists_the_known_ones() -> None:
    with pytest.raises(PlatformError, match="CSV, PARQUET, FEATHER"):
        FileType.parse("orc")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"function": "predict"}, "is not module:function"),
        ({"role_arn": "garbage"}, "is not an IAM role ARN"),
        ({"external_id": "x"}, "is not a valid external id"),
        ({"destination_folder": "in"}, "the destination folder is the source folder"),
        ({"workers": 0}, "at least one worker"),
        ({"colour": "blue"}, "unknown keys colour"),
    ],
)
def test_bad_settings_fail_at_construction(change: dict[str, object], message: str) -> None:
    with pytest.raises(PlatformError, match=message):
        BatchExecution.from_mapping({**BASE, "bucket": "b", **change})


def test_flags_override_the_yaml_file(tmp_path: Path) -> None:
    path = tmp_path / "execution.yaml"
    path.write_text(
        "execution:\n"
        "  source_bucket: raw\n  destination_bucket: scored\n"
        "  source_folder: in\n  destination_folder: out\n"
        f"  role_arn: {ROLE}\n  function: scoring.model:predict\n  workers: 4\n"
    )
    loaded = load_batch_execution(path, {"workers": 8, "destination_bucket": None, "bucket": None})
    assert (loaded.source_bucket, loaded.destination_bucket, loaded.workers) == ("raw", "scored", 8)
    both = load_batch_execution(path, {"bucket": "one"})
    assert (both.source_bucket, both.destination_bucket) == ("one", "one")


def test_settings_round_trip_through_a_mapping() -> None:
    execution = BatchExecution.from_mapping({**BASE, "bucket": "b", "output_file_type": "csv"})
    assert BatchExecution.from_mapping(execution.to_mapping()) == execution
