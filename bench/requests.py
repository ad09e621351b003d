"""Benchmark: reading request files with docgen's guarded loader against plain PyYAML and json.

docgen reads YAML with libyaml's parser under PyYAML's Python composer, so that aliases and
nesting can be counted as the document is composed; this script shows what that costs against
``yaml.load(..., CSafeLoader)`` (no guards) and the pure-Python ``SafeLoader``, on a request
just under the default ``request_bytes`` limit, and how quickly hostile files are refused.
Run from the repository root: ``.venv/bin/python bench/requests.py [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from docgen.errors import RequestError
from docgen.profile import Limits
from docgen.requests import load_request


def _best(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def _refusal_time(path: Path, limits: Limits) -> float:
    started = time.perf_counter()
    try:
        load_request(path, limits)
    except RequestError:
        return time.perf_counter() - started
    raise SystemExit(f"{path.name} was not refused")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    limits = Limits(total_chars=2_000_000)  # the 1 MB letter is read whole, not refused
    with tempfile.TemporaryDirectory(prefix="docgen-bench-") as tmp:
        folder = Path(tmp)
        paragraph = "Dalam rangka meningkatkan pemahaman pelaku usaha tentang perizinan berusaha, nomor {}."
        data = {"hal": "Undangan", "isi": [paragraph.format(i) for i in range(950)]}
        data["catatan"] = "x" * (Limits().request_bytes - len(yaml.safe_dump(data, allow_unicode=True)) - 100)
        big_yaml = folder / "besar.yaml"
        big_yaml.write_text(yaml.safe_dump(data, allow_unicode=True, width=10_000), encoding="utf-8")
        big_json = folder / "besar.json"
        big_json.write_text(json.dumps(data), encoding="utf-8")
        text = big_yaml.read_text(encoding="utf-8")
        print(f"request file: {big_yaml.stat().st_size:,} bytes YAML, {big_json.stat().st_size:,} bytes JSON")
        rows = [
            ("docgen load_request (YAML)", lambda: load_request(big_yaml, limits)),
            ("yaml CSafeLoader, unguarded", lambda: yaml.load(text, Loader=yaml.CSafeLoader)),
            ("yaml SafeLoader (pure Python)", lambda: yaml.load(text, Loader=yaml.SafeLoader)),
            ("docgen load_request (JSON)", lambda: load_request(big_json, limits)),
            ("json.loads, unguarded", lambda: json.loads(big_json.read_text(encoding="utf-8"))),
        ]
        for name, run in rows:
            print(f"{name:32s} {_best(args.repeat, run) * 1000:8.1f} ms")
        bomb = folder / "bom.yaml"
        lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 10)]
        bomb.write_text("\n".join(lines) + "\n", encoding="utf-8")
        deep = folder / "dalam.json"
        deep.write_text("[" * 500_000 + "]" * 500_000, encoding="utf-8")
        print(f"alias bomb ({bomb.stat().st_size} bytes, 10**7 items expanded) refused in "
              f"{_refusal_time(bomb, Limits(aliases=1_000)) * 1000:.1f} ms")  # fmt: skip
        print(f"500,000-deep JSON refused in {_refusal_time(deep, Limits()) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
