"""How long the desk's login check takes for an unknown name, a wrong password and a locked account.

Prints the median and spread of ``docgen.register.users.check_login`` for each case on a fresh
SQLite register (issue 21): the cases should not be told apart by their time. Run from the
repository root: ``.venv/bin/python bench/login_timing.py [--rounds 30]``.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import tempfile
import time
from pathlib import Path

from docgen.pipeline import create_workspace
from docgen.register import Register
from docgen.register.users import ACCOUNT_LOCK_AFTER, AuthError, add_user, authenticate, check_login

PASSWORD = "sandi-kantor-2026"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as tmp, Register.open(create_workspace(Path(tmp) / "ws")) as reg:
        add_user(reg, "siti", "Siti", ["umum"], PASSWORD)
        add_user(reg, "budi", "Budi", ["umum"], PASSWORD)
        for _ in range(ACCOUNT_LOCK_AFTER):
            with contextlib.suppress(AuthError):
                authenticate(reg, "budi", "salah-tebak-0000")
        cases = {
            "unknown name": ("tidak.ada", PASSWORD, False),
            "wrong password": ("siti", "salah-tebak-0000", False),
            "locked account, right password": ("budi", PASSWORD, False),
            "address shut out, right password": ("siti", PASSWORD, True),
        }
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(rounds):  # interleaved, so drift in the machine's load touches every case alike
            for name, (user, password, shut) in cases.items():
                start = time.perf_counter()
                with contextlib.suppress(AuthError):
                    check_login(reg, user, password, shut=shut)
                times[name].append((time.perf_counter() - start) * 1000)
        for name, values in times.items():
            quartiles = statistics.quantiles(values, n=4)
            print(f"{name:34s} median {statistics.median(values):6.1f} ms  "
                  f"quartiles {quartiles[0]:6.1f}-{quartiles[2]:6.1f} ms  ({rounds} rounds)")  # fmt: skip


if __name__ == "__main__":
    main()
