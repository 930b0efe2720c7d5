"""Batch executions: one task per input file, run in parallel, written back through the role."""

from rolegate.platform.batch.config import BatchExecution, FileType, load_batch_execution
from rolegate.platform.batch.executor import Executor, InlineExecutor, ProcessPoolTaskExecutor
from rolegate.platform.batch.registry import BatchRegistry, ExecutionSummary, FileRecord
from rolegate.platform.batch.runner import BatchProgress, BatchRun, run_batch
from rolegate.platform.batch.tasks import FileOutcome, FileState

__all__ = [
    "BatchExecution",
    "BatchProgress",
    "BatchRegistry",
    "BatchRun",
    "ExecutionSummary",
    "Executor",
    "FileOutcome",
    "FileRecord",
    "FileState",
    "FileType",
    "InlineExecutor",
    "ProcessPoolTaskExecutor",
    "load_batch_execution",
    "run_batch",
]
