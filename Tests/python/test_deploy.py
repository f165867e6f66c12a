"""The systemd units in deploy/ verify with `systemd-analyze verify`, as an operator's machine
would load them: ExecStart must name a binary that exists, so the test points it at the one this
checkout built (the unit's own path is /usr/local/bin/lumbung, where `make install` puts it)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BINARY = ROOT / ".build" / "debug" / "lumbung"
UNITS = ["lumbung.service", "lumbung-backup.service", "lumbung-backup.timer", "lumbung-privacy-sweep.service",
         "lumbung-privacy-sweep.timer"]


def analyze() -> str:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.fail("systemd-analyze is missing: Scripts/install-deps.sh installs systemd for it")
    return tool


@pytest.mark.parametrize("unit", UNITS)
def test_unit_verifies(unit: str, tmp_path: Path) -> None:
    assert BINARY.exists(), "build first (make test does)"
    for name in UNITS:
        text = (ROOT / "deploy" / name).read_text()
        (tmp_path / name).write_text(text.replace("/usr/local/bin/lumbung", str(BINARY)))
    result = subprocess.run([analyze(), "verify", str(tmp_path / unit)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "lumbung" not in result.stderr or "Command" not in result.stderr, result.stderr


def test_service_is_hardened(tmp_path: Path) -> None:
    text = (ROOT / "deploy" / "lumbung.service").read_text()
    for line in ["DynamicUser=yes", "StateDirectory=lumbung", "ProtectSystem=strict", "NoNewPrivileges=yes",
                 "PrivateTmp=yes", "Restart=on-failure", "UMask=0077"]:
        assert line in text, line
    (tmp_path / "lumbung.service").write_text(text.replace("/usr/local/bin/lumbung", str(BINARY)))
    result = subprocess.run([analyze(), "security", "--offline=yes", str(tmp_path / "lumbung.service")],
                            capture_output=True, text=True, timeout=60)
    # systemd's exposure score: 0 (locked down) to 10 (unprotected); a service of the public's data stays low.
    score = [line for line in result.stdout.splitlines() if "Overall exposure level" in line]
    assert score, result.stdout + result.stderr
    assert float(score[0].split("level for lumbung.service:")[1].split()[0]) <= 3.0, score[0]
