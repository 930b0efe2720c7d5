"""s3_bench.py's targets (from the issue) judged on its results, and its rich tables."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

# (name, section, numerator, denominator, minimum ratio). Ratios are rolegate over the peer.
_SMALL = "1 KiB GET @8"
_RANGE_TARGET = 0.8  # "similar": a 1 KiB range must not cost much more than a 1 KiB object
NAMES = {"rolegate": "rolegate", "moto": "moto", "nginx": "nginx", "sink": "bare ASGI"}
SHORT = {**NAMES, "sink": "bare"}


def _ratio(mine: float | None, theirs: float | None) -> float | None:
    if not mine or not theirs:
        return None
    return round(mine / theirs, 3)


def _target(name: str, ratio: float | None, minimum: float, missing: str) -> dict[str, Any]:
    return {
        "name": name,
        "ratio": ratio,
        "target": minimum,
        "met": None if ratio is None else ratio >= minimum,
        **({"note": missing} if ratio is None else {}),
    }


def _small(results: dict[str, Any], peer: str) -> float | None:
    found = results.get("small_get", {}).get(peer, {}).get("8")
    return found["per_second"] if found else None


def _mb(section: dict[str, Any], peer: str) -> float | None:
    found = section.get(peer)
    return found["mb_per_s"] if isinstance(found, dict) else None


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    servers = results.get("servers", {})

    def why(peer: str) -> str:
        return f"{peer}: {servers.get(peer, 'absent')}"

    found = [
        _target(
            f"{_SMALL} >= 0.25x nginx",
            _ratio(_small(results, "rolegate"), _small(results, "nginx")),
            0.25,
            why("nginx"),
        ),
        _target(
            f"{_SMALL} >= 20x moto",
            _ratio(_small(results, "rolegate"), _small(results, "moto")),
            20,
            why("moto"),
        ),
    ]
    large = results.get("large_get", {})
    size = large.get("size", 0) >> 20
    found.append(
        _target(
            f"GET {size} MiB >= 0.9x nginx",
            _ratio(_mb(large, "rolegate"), _mb(large, "nginx")),
            0.9,
            why("nginx"),
        )
    )
    for size_label, section in results.get("put", {}).items():
        mine = _mb(section, "rolegate")
        found.append(
            _target(
                f"PUT {size_label} >= 0.6x bare sink",
                _ratio(mine, _mb(section, "sink")),
                0.6,
                why("sink"),
            )
        )
        found.append(
            _target(
                f"PUT {size_label} >= 2.5x moto",
                _ratio(mine, _mb(section, "moto")),
                2.5,
                why("moto"),
            )
        )
    parquet = results.get("parquet", {}).get("servers", {}).get("rolegate")
    found.append(
        _target(
            "Parquet read >= 0.5x local disk (median of paired rounds)",
            parquet["ratio_median"] if parquet else None,
            0.5,
            "not measured",
        )
    )
    ranged = results.get("range", {}).get("rolegate")
    found.append(
        _target(
            f"1 KiB range of the large object >= {_RANGE_TARGET}x a 1 KiB GET (c=1)",
            ranged["ratio"] if ranged else None,
            _RANGE_TARGET,
            "not measured",
        )
    )
    return found


def _fmt(value: float | None, digits: int = 0, suffix: str = "") -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}{suffix}"


def _x(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}x"


def print_report(results: dict[str, Any], console: Console) -> None:
    servers = ", ".join(f"{name}: {state}" for name, state in results["servers"].items())
    console.print(
        f"[bold]S3 bench[/] ({'quick' if results['quick'] else 'full'} run, "
        f"{results['seconds']:g} s, {results['cpus']} CPUs, load average "
        f"{results['load_average_start'][0]:.2f} -> {results['load_average_end'][0]:.2f})"
    )
    workers = results.get("workers", 1)
    console.print(
        f"rolegate, nginx and the bare ASGI app: {workers} worker process(es) each; moto: one "
        "process (threads)"
    )
    console.print(servers)
    versions = results.get("versions", {})
    if versions:
        console.print(", ".join(f"{v}" for v in versions.values() if v))

    small = results["small_get"]
    table = Table(
        title=f"1 KiB GetObject ({results['load_client']}, {results['plan']['small_seconds']:g} s "
        "each, pre-signed, keep-alive)"
    )
    for column in ("server", "req/s c=1", "req/s c=8", "CPU µs/req c=1", "CPU µs/req c=8"):
        table.add_column(column, justify="right")

    def rate(peer: str, concurrency: str) -> float | None:
        found = small.get(peer, {}).get(concurrency)
        return found["per_second"] if found else None

    for name, found in small.items():
        table.add_row(
            NAMES.get(name, name),
            _fmt(rate(name, "1")),
            _fmt(rate(name, "8")),
            _fmt(found.get("1", {}).get("server_cpu_us")),
            _fmt(found.get("8", {}).get("server_cpu_us")),
        )
    for peer in ("nginx", "sink", "moto"):
        if peer in small and "rolegate" in small:
            table.add_row(
                f"rolegate/{SHORT[peer]}",
                _x(_ratio(rate("rolegate", "1"), rate(peer, "1"))),
                _x(_ratio(rate("rolegate", "8"), rate(peer, "8"))),
                "",
                "",
                style="dim",
            )
    console.print(table)

    large = results["large_get"]
    boto = results["boto3_put_object"]
    sections = [(f"GET {large['size'] >> 20}M", large)]
    sections += [
        (f"PUT {size.replace(' MiB', 'M')}", found) for size, found in results["put"].items()
    ]
    sections.append((f"PUT {boto['size'] >> 20}M boto3", boto))
    table = Table(title="Large objects, MB/s (median of the rounds; one client, memory to memory)")
    table.add_column("server", justify="right")
    for name, _ in sections:
        table.add_column(name, justify="right")
    for peer in ("rolegate", "moto", "nginx", "sink"):
        if any(peer in found for _, found in sections):
            table.add_row(NAMES[peer], *(_fmt(_mb(found, peer)) for _, found in sections))
    for peer in ("nginx", "sink", "moto"):
        if any(peer in found for _, found in sections):
            table.add_row(
                f"rolegate/{SHORT[peer]}",
                *(_x(_ratio(_mb(found, "rolegate"), _mb(found, peer))) for _, found in sections),
                style="dim",
            )
    console.print(table)

    parquet = results["parquet"]
    table = Table(
        title=f"Parquet, {parquet['bytes'] / 1e6:.0f} MB, {parquet['rows']:,} rows: "
        f"read_table, 1 thread, pre_buffer; {len(parquet['rounds'])} paired rounds"
    )
    for column in ("source", "median s", "MB/s", "vs disk (median)", "per round"):
        table.add_column(column, justify="right")
    disk = parquet["disk"]
    table.add_row("local disk", _fmt(disk["median_s"], 3), _fmt(disk["mb_per_s"]), "1.00x", "")
    for name, found in parquet["servers"].items():
        table.add_row(
            name,
            _fmt(found["median_s"], 3),
            _fmt(found["mb_per_s"]),
            _x(found["ratio_median"]),
            " ".join(f"{r:.2f}" for r in found["ratios"]),
        )
    console.print(table)

    table = Table(title="Range cost at concurrency 1 (http_load), requests/s")
    for column in ("server", "1 KiB object", "1 KiB range of the large one", "ratio"):
        table.add_column(column, justify="right")
    for name, found in results["range"].items():
        table.add_row(
            NAMES.get(name, name),
            _fmt(found["small_per_s"]),
            _fmt(found["range_per_s"]),
            _x(found["ratio"]),
        )
    console.print(table)

    table = Table(title="Targets (rolegate against each peer)")
    for column in ("target", "measured", "met"):
        table.add_column(column, justify="right" if column != "target" else "left")
    for found in results["targets"]:
        met = {True: "[green]yes[/]", False: "[red]no[/]", None: "[dim]n/a[/]"}[found["met"]]
        measured = _x(found["ratio"]) if found["ratio"] is not None else found.get("note", "")
        table.add_row(found["name"], measured, met)
    console.print(table)
    if results["errors"]:
        console.print(f"[red]{len(results['errors'])} wrong answers[/] (see the JSON)")
