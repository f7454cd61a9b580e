"""gunicorn.conf.py: two instances on one machine keep apart control sockets."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers.database import ROOT
from tests.helpers.gunicorn import free_port


def _start(port: int, log: Path) -> subprocess.Popen:
    command = [str(Path(sys.executable).parent / "gunicorn"), "--config", "gunicorn.conf.py"]
    command += ["--workers", "1", "--bind", f"127.0.0.1:{port}", "bench.minimal_app:app"]
    with log.open("wb") as output:
        return subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=output)


@pytest.mark.slow
def test_two_instances_listen_on_their_own_control_sockets(tmp_path):
    ports = [free_port(), free_port()]
    logs = [tmp_path / f"{port}.log" for port in ports]
    processes = [_start(port, log) for port, log in zip(ports, logs, strict=True)]
    sockets = [ROOT / "instance" / f"gunicorn-127-0-0-1-{port}.ctl" for port in ports]
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not all(path.exists() for path in sockets):
            time.sleep(0.2)
        assert all(path.is_socket() for path in sockets)
        for log in logs:
            assert "Failed to start control socket" not in log.read_text()
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
    assert not any(path.exists() for path in sockets)
