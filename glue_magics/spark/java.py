"""Find the Java that Spark's JVM will run on and check it is new enough (Spark 4 needs 17+).

Lookup order is the one ``spark-class`` uses: ``$JAVA_HOME/bin/java``, else ``java`` on ``PATH``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass

from glue_magics.spark.errors import JavaNotFoundError

MIN_JAVA = 17
INSTALL_HINT = (
    "install it with `apt-get install openjdk-17-jre-headless` or set JAVA_HOME to a JDK 17+"
)

_VERSION_QUOTED = re.compile(r'version\s+"([^"]+)"')
# `java --version` style: "openjdk 21.0.1 2023-10-17"
_VERSION_BARE = re.compile(r"^(?:openjdk|java)\s+(\d[\w.+-]*)", re.MULTILINE)


@dataclass(frozen=True)
class JavaInfo:
    executable: str
    major: int
    version: str


def parse_java_version(output: str) -> tuple[int, str] | None:
    """The major version and full version string from ``java -version`` output, or None.

    '1.8.0_392' -> 8, '11.0.21' -> 11, '17.0.15' -> 17, '21' -> 21, '22-ea' -> 22.
    """
    match = _VERSION_QUOTED.search(output) or _VERSION_BARE.search(output)
    if not match:
        return None
    version = match.group(1)
    numbers = re.match(r"(\d+)(?:\.(\d+))?", version)
    if not numbers:
        return None
    major = int(numbers.group(1))
    if major == 1 and numbers.group(2):  # Java 8 and older: 1.MAJOR.x
        major = int(numbers.group(2))
    return major, version


def find_java_executable(environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    java_home = env.get("JAVA_HOME")
    if java_home:
        candidate = os.path.join(java_home, "bin", "java")
        if not os.access(candidate, os.X_OK):
            raise JavaNotFoundError(
                f"JAVA_HOME={java_home} has no bin/java: point JAVA_HOME at a JDK {MIN_JAVA}+, "
                "or unset it and `apt-get install openjdk-17-jre-headless`"
            )
        return candidate
    found = shutil.which("java", path=env.get("PATH"))
    if not found:
        raise JavaNotFoundError(
            f"Spark needs Java {MIN_JAVA} or newer and none was found: {INSTALL_HINT}"
        )
    return found


def check_java_output(executable: str, output: str) -> JavaInfo:
    """JavaInfo from ``java -version`` output; raises if it is older than Java 17 or unreadable."""
    parsed = parse_java_version(output)
    if parsed is None:
        first = output.strip().splitlines()[0] if output.strip() else "no output"
        raise JavaNotFoundError(
            f"could not read the version of {executable} ({first!r}); Spark needs Java "
            f"{MIN_JAVA}+: {INSTALL_HINT}"
        )
    major, version = parsed
    if major < MIN_JAVA:
        raise JavaNotFoundError(
            f"Spark needs Java {MIN_JAVA} or newer, found Java {major} ({version}) at "
            f"{executable}: {INSTALL_HINT}"
        )
    return JavaInfo(executable=executable, major=major, version=version)


_checked: dict[str, JavaInfo] = {}


def require_java(environ: Mapping[str, str] | None = None) -> JavaInfo:
    """The Java Spark will use, checked once per executable; raises JavaNotFoundError."""
    executable = find_java_executable(environ)
    if executable in _checked:
        return _checked[executable]
    try:
        proc = subprocess.run(
            [executable, "-version"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        raise JavaNotFoundError(
            f"could not run {executable} -version ({err}): {INSTALL_HINT}"
        ) from err
    info = check_java_output(executable, proc.stderr + proc.stdout)
    _checked[executable] = info
    return info
