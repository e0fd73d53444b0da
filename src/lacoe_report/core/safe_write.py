"""Write into the source tree only what was read unchanged: compare the content hash, then rename.

The build rewrites files an analyst may be saving (an executed chapter, the metadata, the ledger)
only through :func:`write_if_unchanged`: a save made meanwhile is kept. ``make preview`` asks
:func:`recording` which files its own build wrote, to tell them from an analyst's edit.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from .paths import shown, stamp

#: The hash :func:`fingerprint` gives a file that does not exist.
MISSING = "(missing)"


class ChangedOnDisk(Exception):  # noqa: N818 - named for what happened; callers catch it by name
    """Files changed on disk between the build reading them and writing them; none was written over.

    >>> str(ChangedOnDisk([Path("/no/such/a.ipynb")]))
    '/no/such/a.ipynb changed on disk during the build: the save was kept and nothing was written over it'
    """

    def __init__(self, paths: list[Path]) -> None:
        self.paths = [Path(p) for p in paths]
        names = ", ".join(shown(p) for p in self.paths)
        super().__init__(f"{names} changed on disk during the build: the save was kept and nothing was "
                         "written over it")


def digest(data: bytes) -> str:
    """The SHA-256 hex digest of ``data``: the one content hash of the project's files.

    >>> digest(b"")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(data).hexdigest()


def fingerprint(path: Path) -> str:
    """:func:`digest` of a file's bytes, or :data:`MISSING` when there is no such file.

    >>> fingerprint(Path("/no/such/file"))
    '(missing)'
    """
    try:
        return digest(Path(path).read_bytes())
    except FileNotFoundError:
        return MISSING


def write_if_unchanged(path: Path, data: bytes, expected: str) -> bool:
    """Replace ``path`` by ``data`` if it still holds what hashed to ``expected``; return whether it did.

    The target is untouched or wholly replaced by one rename of a temporary file beside it, with its
    permissions. ``expected`` is :data:`MISSING` for a file that did not exist when it was read.

    >>> folder = Path(tempfile.mkdtemp())
    >>> target = folder / "notes.txt"
    >>> _ = target.write_bytes(b"as read")
    >>> read = fingerprint(target)
    >>> write_if_unchanged(target, b"built", read), target.read_bytes()
    (True, b'built')
    >>> _ = target.write_bytes(b"an analyst's save")
    >>> write_if_unchanged(target, b"built again", read), target.read_bytes()
    (False, b"an analyst's save")
    >>> sorted(p.name for p in folder.iterdir())
    ['notes.txt']
    """
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, _mode(path))
        if fingerprint(path) != expected:
            return False
        written = stamp(temporary)  # a rename keeps the time, size and inode a watcher compares
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    _note(path, written)
    return True


def _mode(path: Path) -> int:
    """The permission bits of ``path``, or those a new file gets under the umask."""
    try:
        return os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


# --- what this process wrote --------------------------------------------------------

_RECORDS: list[dict[Path, tuple[int, int, int]]] = []
_LOCK = threading.Lock()  # chapters are written from the threads that execute them


@contextlib.contextmanager
def recording() -> Iterator[dict[Path, tuple[int, int, int]]]:
    """Collect, while open, every file this process writes: resolved path -> its :func:`~.paths.stamp` as written.

    >>> folder = Path(tempfile.mkdtemp())
    >>> with recording() as wrote:
    ...     _ = write_if_unchanged(folder / "new.txt", b"x", MISSING)
    >>> list(wrote) == [(folder / "new.txt").resolve()] and wrote[(folder / "new.txt").resolve()][1]
    1
    """
    record: dict[Path, tuple[int, int, int]] = {}
    with _LOCK:
        _RECORDS.append(record)
    try:
        yield record
    finally:
        with _LOCK:
            _RECORDS.remove(record)


def _note(path: Path, written: tuple[int, int, int]) -> None:
    with _LOCK:
        for record in _RECORDS:
            record[path.resolve()] = written
