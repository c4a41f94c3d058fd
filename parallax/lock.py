"""One writer at a time: an advisory lock file beside the working database.

DuckDB allows one writing process per file; a second `parallax run` must not even try. The lock is
`fcntl.flock` on `<work_db>.lock`, so the operating system releases it when the holder dies, even
by SIGKILL: a lock can never outlive its process. The file also carries who holds it (pid, host,
start time, run id) so the refusal message says which run to wait for.

Stale locks: the holder empties the file when it releases the lock normally. A file that still
names a holder when we obtain the lock therefore comes from a run that died without cleaning up;
its details are kept in `WriterLock.stale_info` so the flow can mark that run 'crashed' and roll
its rows back (`db.rollback_run`). The lock file itself is never deleted: deleting a flock'd file
lets two processes lock two different inodes under one name.

Usage::

    with WriterLock(settings.work_db, wait_seconds=settings.lock_wait_seconds, run_id=run_id) as lock:
        if lock.stale_info is not None:
            ...  # mark lock.stale_info.run_id crashed, roll it back
        ...  # write the working DB
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import logging
import os
import socket
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

#: Exit status for "another writer is running" (EX_TEMPFAIL from sysexits.h: try again later).
EXIT_BUSY = 75
#: Seconds between attempts while waiting for the holder to finish (cost: one syscall each).
POLL_SECONDS = 0.2
LOCK_SUFFIX = ".lock"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LockInfo:
    """Who holds (or held) a writer lock."""

    pid: int | None
    hostname: str | None
    started_at: str | None
    run_id: str | None

    def describe(self) -> str:
        """`pid 1234, started 2026-11-23T02:00:01Z, run r-...` (unknown parts are left out)."""
        parts = []
        if self.pid is not None:
            host = f" on {self.hostname}" if self.hostname and self.hostname != socket.gethostname() else ""
            parts.append(f"pid {self.pid}{host}")
        if self.started_at:
            parts.append(f"started {self.started_at}")
        if self.run_id:
            parts.append(f"run {self.run_id}")
        return ", ".join(parts) if parts else "details not yet written"

    def pid_alive(self) -> bool | None:
        """Whether the holder's process still exists on this host; None when that cannot be told."""
        if self.pid is None or (self.hostname and self.hostname != socket.gethostname()):
            return None
        return pid_alive(self.pid)


class WriterBusyError(RuntimeError):
    """Another process holds the writer lock. `str(exc)` is a one-line message for the user."""

    def __init__(self, message: str, lock_path: Path, holder: LockInfo | None) -> None:
        super().__init__(message)
        self.lock_path = lock_path
        self.holder = holder


def lock_path_for(db_path: Path | str) -> Path:
    """The lock file guarding `db_path`: `<db_path>.lock` in the same folder (a `.lock` path is kept)."""
    db_path = Path(db_path)
    return db_path if db_path.suffix == LOCK_SUFFIX else db_path.with_name(db_path.name + LOCK_SUFFIX)


def pid_alive(pid: int) -> bool:
    """True when a process with this id exists on this host (zombies count as alive)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


def read_lock_info(lock_path: Path | str) -> LockInfo | None:
    """The holder recorded in a lock file, or None when the file is absent, empty or unreadable."""
    try:
        text = Path(lock_path).read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError, PermissionError, UnicodeDecodeError):
        return None
    return _parse_info(text)


def _parse_info(text: str) -> LockInfo | None:
    if not text.strip():
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return LockInfo(pid=None, hostname=None, started_at=None, run_id=None)
    if not isinstance(data, dict):
        return LockInfo(pid=None, hostname=None, started_at=None, run_id=None)
    pid = data.get("pid")
    return LockInfo(
        pid=pid if isinstance(pid, int) else None,
        hostname=_str_or_none(data.get("hostname")),
        started_at=_str_or_none(data.get("started_at")),
        run_id=_str_or_none(data.get("run_id")),
    )


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


class WriterLock:
    """Exclusive, non-blocking writer lock on `<path>.lock`; a context manager.

    `path` is the database being protected (the working DB), or its lock file when it ends in `.lock`.
    `wait_seconds=0` fails at once with
    `WriterBusyError` when another process holds the lock; a positive value polls until then.
    After entering, `stale_info` is the previous holder when it died without releasing (else None).
    The lock is per open file: a second `WriterLock` on the same path in the same process is refused
    too, which catches accidental nesting.
    """

    def __init__(self, path: Path | str, wait_seconds: float = 0, run_id: str | None = None) -> None:
        self.lock_path = lock_path_for(path)
        self.db_path = self.lock_path.with_name(self.lock_path.name.removesuffix(LOCK_SUFFIX))
        self.wait_seconds = max(0.0, float(wait_seconds))
        self.run_id = run_id
        self.stale_info: LockInfo | None = None
        self.info: LockInfo | None = None
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> WriterLock:
        """Take the lock (waiting up to `wait_seconds`) and record this process as the holder."""
        if self._fd is not None:
            raise RuntimeError(f"writer lock {self.lock_path} is already held by this object")
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        # O_CLOEXEC (Python's default): child processes started with exec do not inherit the lock.
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        deadline = time.monotonic() + self.wait_seconds
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                        raise
                if time.monotonic() >= deadline:
                    raise self._busy_error()
                time.sleep(min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))
            previous = _parse_info(_read_fd(fd))
            self.info = LockInfo(
                pid=os.getpid(),
                hostname=socket.gethostname(),
                started_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                run_id=self.run_id,
            )
            _write_fd(fd, json.dumps(asdict(self.info)))
        except BaseException:
            os.close(fd)  # closing drops the flock if we got it
            raise
        self._fd = fd
        # A non-empty file under a lock we could take: its writer died without releasing.
        self.stale_info = previous
        if previous is not None:
            logger.warning("cleared stale writer lock %s (%s)", self.lock_path, previous.describe())
        return self

    def release(self) -> None:
        """Empty the lock file (marking a clean exit) and drop the lock. Safe to call twice."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
                os.fsync(fd)
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def __enter__(self) -> WriterLock:
        return self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    def _busy_error(self) -> WriterBusyError:
        holder = read_lock_info(self.lock_path)
        who = f"another parallax run ({holder.describe()})" if holder else "another parallax run"
        waited = f" (waited {self.wait_seconds:g} s)" if self.wait_seconds > 0 else ""
        message = f"{who} is writing {self.db_path}{waited}; wait for it or pass --wait SECONDS"
        if holder is not None and holder.pid_alive() is False:
            # The recorded process is gone but the lock is still held: a child it forked inherited
            # the open lock file (e.g. a worker process). That child must end before anyone writes.
            message = (
                f"{who} is gone, but a process it started still holds {self.lock_path}; "
                f"stop it (find it with: fuser {self.lock_path}) and try again"
            )
        return WriterBusyError(message, self.lock_path, holder)


def _read_fd(fd: int) -> str:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
        if sum(map(len, chunks)) > 1_000_000:  # not ours: a lock file is a few hundred bytes
            break
    return b"".join(chunks).decode("utf-8", errors="replace")


def _write_fd(fd: int, text: str) -> None:
    data = text.encode("utf-8")
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    written = 0
    while written < len(data):
        written += os.write(fd, data[written:])
    os.fsync(fd)
