"""Start a real JupyterLab on 127.0.0.1 for browser tests and benchmarks, and drive it with Chromium.

The lab runs from this environment (so it has the glue_magics server extension, the built sidebar
and the python3 kernel), with its own settings, workspaces and config folders, a random token,
and ``GLUE_MAGICS_HOME`` pointing at the catalog under test (kernels inherit it).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
NODE_MODULES = ROOT / "labextension" / "node_modules"
PLAYWRIGHT = NODE_MODULES / "playwright-core"
DRIVER = Path(__file__).with_name("driver.js")
BUILT = ROOT / "glue_magics" / "labextension" / "static" / "style.js"
ARTIFACTS = Path(os.environ.get("GLUE_MAGICS_UI_ARTIFACTS", Path(__file__).with_name("artifacts")))
#: JupyterLab's news and update checks would pop up a toast over the panel.
QUIET_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    }
}


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def missing_requirements() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if chromium_path() is None:
        return "Chromium is not installed (./dev test installs Debian's chromium with apt-get)"
    if shutil.which("node") is None:
        return "Node.js is not installed (./dev test installs it)"
    if not PLAYWRIGHT.is_dir():
        return "playwright-core is not installed: run `jlpm install` in labextension/"
    if not BUILT.is_file():
        return "the sidebar is not built: run `jlpm build` in labextension/"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Lab:
    url: str
    token: str
    root: Path
    process: subprocess.Popen[bytes]
    log_path: Path
    log: IO[bytes] = field(repr=False)

    def api(self, path: str) -> Any:
        request = urllib.request.Request(
            f"{self.url}{path}", headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def log_tail(self, lines: int = 40) -> str:
        self.log.flush()
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            # The lab's kernels (and their JVMs) are in its process group.
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()


def start_lab(
    work: Path, glue_home: Path, *, server_extension: bool = True, timeout: float = 180
) -> Lab:
    """JupyterLab with its root folder at ``work/notebooks``; waits until it answers."""
    root = work / "notebooks"
    settings = work / "lab-settings"
    config = work / "jupyter-config"
    for folder in (root, settings, work / "workspaces", config, work / "runtime"):
        folder.mkdir(parents=True, exist_ok=True)
    for name, values in QUIET_SETTINGS.items():
        target = settings / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))
    if not server_extension:
        (config / "jupyter_server_config.json").write_text(
            json.dumps({"ServerApp": {"jpserver_extensions": {"glue_magics": False}}})
        )
    port = free_port()
    token = secrets.token_hex(16)
    command = [
        str(BIN / "jupyter"),
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={settings}",
        f"--LabApp.workspaces_dir={work / 'workspaces'}",
        # Lets the driver run notebook commands (run all cells, change theme) as a user would.
        "--LabApp.expose_app_in_browser=True",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    env = {
        **os.environ,
        "GLUE_MAGICS_HOME": str(glue_home),
        "JUPYTER_CONFIG_DIR": str(config),
        "JUPYTER_RUNTIME_DIR": str(work / "runtime"),
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "SPARK_LOCAL_IP": "127.0.0.1",
    }
    env.pop("GLUE_MAGICS_CATALOG_URL", None)
    log_path = work / "jupyter-lab.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    lab = Lab(f"http://127.0.0.1:{port}/", token, root, process, log_path, log)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            lab.stop()
            raise RuntimeError(f"JupyterLab exited with {process.returncode}:\n{lab.log_tail()}")
        try:
            lab.api("api/status")
            return lab
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                lab.stop()
                raise RuntimeError(
                    f"JupyterLab did not answer in {timeout:.0f} s:\n{lab.log_tail()}"
                ) from None
            time.sleep(0.3)


def write_notebook(path: Path) -> None:
    """An empty notebook on the python3 kernel (this environment's, installed by ./dev)."""
    path.write_text(
        json.dumps(
            {
                "cells": [],
                "metadata": {
                    "kernelspec": {
                        "name": "python3",
                        "display_name": "Python 3",
                        "language": "python",
                    }
                },
                "nbformat": 4,
                "nbformat_minor": 5,
            }
        )
    )


class Driver:
    """``node driver.js SCENARIO``: Chromium through playwright-core. It prints one JSON object
    per line (steps, timings, requests to wait) and reads one line from stdin per wait."""

    def __init__(self, lab: Lab, scenario: str, options: dict[str, Any]) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        config = {
            "url": lab.url,
            "token": lab.token,
            "chromium": chromium_path(),
            "playwright": str(PLAYWRIGHT),
            "artifacts": str(ARTIFACTS),
            **options,
        }
        self.events: list[dict[str, Any]] = []
        self.process = subprocess.Popen(
            ["node", str(DRIVER), scenario, json.dumps(config)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )

    def next_event(self) -> dict[str, Any] | None:
        """The driver's next event; None when it has finished."""
        assert self.process.stdout is not None
        while True:
            line = self.process.stdout.readline()
            if not line:
                return None
            line = line.strip()
            if line.startswith("{"):
                event: dict[str, Any] = json.loads(line)
                self.events.append(event)
                return event

    def answer(self, text: str = "go") -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()

    def finish(self, timeout: float = 60) -> tuple[int, str]:
        try:
            _, stderr = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            _, stderr = self.process.communicate()
        return self.process.returncode, stderr

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.communicate()
