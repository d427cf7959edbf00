"""Where a session runs (master or Spark Connect URL) and the configuration it starts with.

Pure Python, no pyspark: URL validation, the local defaults and the rules that size them.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from glue_magics.errors import InvalidInputError

DEFAULT_MASTER = "local[*]"
DEFAULT_APP_NAME = "glue_magics"
CONNECT_DEFAULT_PORT = 15002
# Environment variables that choose the default target when none was set in the kernel.
MASTER_ENV = "GLUE_MAGICS_SPARK_MASTER"
REMOTE_ENV = "GLUE_MAGICS_SPARK_REMOTE"

GIB = 1024**3
DRIVER_MEMORY_MIN_GIB = 1
DRIVER_MEMORY_MAX_GIB = 8

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}

_LOCAL = re.compile(r"local(?:\[(\*|[1-9]\d*)(?:,\s*[1-9]\d*)?\])?")
_HOST_PORT = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)(?::([^:]*))?")
_CONF_KEY = re.compile(r"spark\.[^\s=]+")

# Keys that name the target: they have their own options.
_RESERVED_KEYS = {
    "spark.master": "use `%session --master URL`",
    "spark.remote": "use `%session --remote sc://HOST:PORT`",
}

MASTER_HELP = "use local[*], local[N] or spark://HOST:PORT (Spark Connect: --remote sc://HOST:PORT)"


def _host_port(text: str, what: str, default_port: int | None = None) -> tuple[str, int]:
    match = _HOST_PORT.fullmatch(text)
    if not match:
        raise InvalidInputError(f"{what}: bad host in {text!r}, expected HOST:PORT")
    host, port_text = match.group(1), match.group(2)
    if port_text is None:
        if default_port is None:
            raise InvalidInputError(f"{what}: {text!r} needs a port, HOST:PORT")
        return host, default_port
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise InvalidInputError(f"{what}: bad port in {text!r} (1-65535)")
    return host, int(port_text)


def parse_master(url: str) -> str:
    """A validated Spark master URL: local, local[N], local[*], local[N,F] or spark://HOST:PORT."""
    text = url.strip()
    if _LOCAL.fullmatch(text):
        return text
    if text.startswith("spark://"):
        hosts = text[len("spark://") :]
        if not hosts:
            raise InvalidInputError(f"Spark master {text!r} needs HOST:PORT: {MASTER_HELP}")
        for part in hosts.split(","):
            _host_port(part, f"Spark master {text}")
        return text
    if text.startswith("sc://"):
        raise InvalidInputError(f"{text} is a Spark Connect URL: use --remote {text}")
    raise InvalidInputError(f"unsupported Spark master {text!r}: {MASTER_HELP}")


def parse_remote(url: str) -> str:
    """A validated Spark Connect URL: sc://HOST[:PORT][/;param=value;...]."""
    text = url.strip()
    if not text.startswith("sc://"):
        hint = " (a cluster master goes to --master)" if parse_master_or_none(text) else ""
        raise InvalidInputError(
            f"a Spark Connect URL starts with sc://, got {text!r}: e.g. sc://127.0.0.1:15002{hint}"
        )
    host_port, _, params = text[len("sc://") :].partition("/")
    _host_port(host_port, f"Spark Connect URL {redact_url(text)}", CONNECT_DEFAULT_PORT)
    if params:
        if not params.startswith(";"):
            raise InvalidInputError(
                f"Spark Connect URL {redact_url(text)}: parameters go after '/;', "
                "e.g. sc://HOST:PORT/;token=...;use_ssl=true"
            )
        for param in params[1:].split(";"):
            if param and ("=" not in param or not param.split("=", 1)[0]):
                raise InvalidInputError(
                    f"Spark Connect URL {redact_url(text)}: parameter {param!r} is not KEY=VALUE"
                )
    return text


def parse_master_or_none(text: str) -> str | None:
    try:
        return parse_master(text)
    except InvalidInputError:
        return None


def remote_address(url: str) -> tuple[str, int]:
    """(host, port) of a validated sc:// URL."""
    host_port = url[len("sc://") :].partition("/")[0]
    host, port = _host_port(host_port, "Spark Connect URL", CONNECT_DEFAULT_PORT)
    return host.strip("[]"), port


def master_addresses(master: str) -> list[tuple[str, int]]:
    """(host, port) of each master in a validated spark:// URL; [] for local masters."""
    if not master.startswith("spark://"):
        return []
    pairs = [_host_port(p, "Spark master") for p in master[len("spark://") :].split(",")]
    return [(host.strip("[]"), port) for host, port in pairs]


# Spark's own default for spark.redaction.regex: values of these keys are never shown.
_SECRET_KEY = re.compile(r"(?i)secret|password|token|access[.]?key")


def redact_value(key: str, value: str) -> str:
    return "*** (hidden)" if _SECRET_KEY.search(key) else value


def redact_conf(conf: Mapping[str, str]) -> dict[str, str]:
    return {key: redact_value(key, value) for key, value in conf.items()}


def redact_url(url: str) -> str:
    """The URL with secrets (token=...) hidden, for status and messages."""
    return re.sub(r"(;\s*token=)[^;]*", r"\1***", url, flags=re.IGNORECASE)


def is_local(master: str) -> bool:
    return bool(_LOCAL.fullmatch(master))


def is_loopback(master: str) -> bool:
    """True when the driver and every executor run on this machine (local or a loopback master)."""
    if is_local(master):
        return True
    addresses = master_addresses(master)
    return bool(addresses) and all(
        host in LOOPBACK_HOSTS or host.startswith("127.") for host, _ in addresses
    )


def local_cores(master: str, cpu_count: int | None = None) -> int | None:
    """Executor cores of a local master: local -> 1, local[*] -> CPUs, local[N] -> N."""
    match = _LOCAL.fullmatch(master)
    if not match:
        return None
    spec = match.group(1)
    if spec is None:
        return 1
    if spec == "*":
        return max(1, cpu_count or os.cpu_count() or 1)
    return int(spec)


def machine_memory() -> int | None:
    """Physical memory in bytes, or the container's (cgroup) limit if lower; None if unknown."""
    total: int | None = None
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        total = None
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = Path(path).read_text().strip()
        except OSError:
            continue
        if text.isdigit() and int(text) < 1 << 60:  # "max" / huge numbers mean no limit
            total = min(total, int(text)) if total else int(text)
    return total


def default_driver_memory(total_bytes: int | None) -> str:
    """A quarter of the machine's memory in whole GiB, at least 1g, at most 8g.

    The driver is the only JVM in local mode (it runs the executors' tasks too), so it gets the
    share a laptop can spare next to the kernel, the browser and pandas; 8g is plenty for
    notebook-sized data and keeps garbage-collection pauses short.
    """
    if not total_bytes:
        return f"{DRIVER_MEMORY_MIN_GIB}g"
    gib = total_bytes // 4 // GIB
    return f"{max(DRIVER_MEMORY_MIN_GIB, min(DRIVER_MEMORY_MAX_GIB, gib))}g"


def driver_memory_set_elsewhere(environ: Mapping[str, str]) -> bool:
    """True if the user sized the driver through spark-submit arguments or the environment."""
    if environ.get("SPARK_DRIVER_MEMORY"):
        return True
    try:
        args = shlex.split(environ.get("PYSPARK_SUBMIT_ARGS", ""))
    except ValueError:
        return False
    return any(a == "--driver-memory" or a.startswith("spark.driver.memory=") for a in args)


def validate_conf(conf: Mapping[str, object]) -> dict[str, str]:
    """Spark configuration as strings; raises InvalidInputError for keys or values Spark would ignore."""
    checked: dict[str, str] = {}
    for key, value in conf.items():
        if not isinstance(key, str) or not _CONF_KEY.fullmatch(key):
            raise InvalidInputError(
                f"Spark configuration keys look like spark.some.key, got {key!r}"
            )
        if key in _RESERVED_KEYS:
            raise InvalidInputError(f"{key} is not set through conf: {_RESERVED_KEYS[key]}")
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, (str, int, float)):
            text = str(value).strip()
        else:
            raise InvalidInputError(f"{key}: the value must be text, got {type(value).__name__}")
        if not text:
            raise InvalidInputError(f"{key} needs a value: KEY=VALUE")
        checked[key] = text
    return checked


@dataclass(frozen=True)
class Target:
    """What a session runs on: a master URL (this process runs the driver) or a Connect URL."""

    master: str | None = None
    remote: str | None = None

    @property
    def url(self) -> str:
        return redact_url(self.remote) if self.remote else (self.master or DEFAULT_MASTER)

    @property
    def kind(self) -> str:
        if self.remote:
            return "connect"
        return "local" if is_local(self.master or DEFAULT_MASTER) else "cluster"


def default_target(environ: Mapping[str, str]) -> Target:
    """$GLUE_MAGICS_SPARK_REMOTE, else $GLUE_MAGICS_SPARK_MASTER, else $SPARK_REMOTE, else local[*]."""
    if environ.get(REMOTE_ENV):
        return Target(remote=parse_remote(environ[REMOTE_ENV]))
    if environ.get(MASTER_ENV):
        return Target(master=parse_master(environ[MASTER_ENV]))
    if environ.get("SPARK_REMOTE", "").startswith("sc://"):
        return Target(remote=parse_remote(environ["SPARK_REMOTE"]))
    return Target(master=DEFAULT_MASTER)


JDBC_JARS = ("/usr/share/java/postgresql.jar",)


def default_conf(
    target: Target,
    *,
    warehouse: Path | None,
    environ: Mapping[str, str],
    cpu_count: int | None = None,
    memory_bytes: int | None = None,
) -> dict[str, str]:
    """The configuration glue_magics starts a session with (user settings are laid over it)."""
    # Both kinds: Glue's semantics for overwriting partitioned tables (only the partitions written).
    conf = {"spark.sql.sources.partitionOverwriteMode": "dynamic"}
    if target.remote:
        return conf  # everything else is the Connect server's business
    master = target.master or DEFAULT_MASTER
    conf["spark.app.name"] = DEFAULT_APP_NAME
    # The glue_magics catalog is the source of truth; it is replayed into Spark's at each start.
    conf["spark.sql.catalogImplementation"] = "in-memory"
    if warehouse is not None:
        conf["spark.sql.warehouse.dir"] = str(warehouse)
    # Progress goes to the notebook (widgets), not to the JVM's stderr.
    conf["spark.ui.showConsoleProgress"] = "false"
    if not driver_memory_set_elsewhere(environ):
        conf["spark.driver.memory"] = default_driver_memory(
            memory_bytes if memory_bytes is not None else machine_memory()
        )
    cores = local_cores(master, cpu_count)
    if cores is not None:
        # Spark's 200 shuffle partitions are for clusters; locally 2 per core keeps tasks busy.
        conf["spark.sql.shuffle.partitions"] = str(2 * cores)
    if is_loopback(master):
        conf["spark.driver.host"] = "127.0.0.1"
        conf["spark.driver.bindAddress"] = "127.0.0.1"
    # JDBC drivers installed from the system's packages (Debian's libpostgresql-jdbc-java), so
    # %%etl can write to databases without a Maven download.
    jars = [jar for jar in JDBC_JARS if Path(jar).is_file()]
    if jars:
        conf["spark.jars"] = ",".join(jars)
    return conf
