"""Heavy media work (drawing an SVG, decoding an image) in a child process, bounded.

resvg and Pillow hold the GIL and may take seconds and gigabytes on a
hostile file; in a web thread that stalls every other request. So
`run_bounded("module:function", ...)` runs the function in a fresh Python
child (`python -m media_assets.bounded_work`) and waits for it with the GIL
released, under three bounds (settings, defaults below):

* `MEDIA_WORK_TIME_LIMIT` seconds of wall time, then the child's process
  group is killed: `WorkRefused` "took longer than …".
* `MEDIA_WORK_MEMORY_LIMIT` bytes of address space (`RLIMIT_AS`, set in the
  child before it imports anything heavy): an allocation past it fails, the
  child dies or raises MemoryError: `WorkRefused` "needs more memory …".
* `MEDIA_WORK_CONCURRENCY` children at once per process; a caller waits up
  to `MEDIA_WORK_QUEUE_WAIT` seconds for a slot, then `WorkBusy` (a 503).

Arguments and results cross as JSON (bytes as base64), never pickle: the
child reads hostile files, so what it sends back is data, not code. Errors
the child raises travel by name and message and are raised again in the
parent when their class is marked `@raised_again` (SvgRefused, NotMedia) or
is ValueError or FileNotFoundError; anything else is a `WorkRefused`. Inside the child `run_bounded` calls the
function directly, so nested bounded work (a thumbnail drawing an SVG) does
not start a grandchild. The child imports no Django.
"""

from __future__ import annotations

import base64
import importlib
import json
import os
import resource
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

TIME_LIMIT = 20.0
MEMORY_LIMIT = 1024 * 1024 * 1024
CONCURRENCY = 2
QUEUE_WAIT = 30.0

_CHILD_FLAG = "MONTAGE_BOUNDED_CHILD"
_ROOT = str(Path(__file__).resolve().parent.parent)
_slots: threading.BoundedSemaphore | None = None
_slots_lock = threading.Lock()


class WorkRefused(ValueError):
    """The work went past a bound (time, memory) or failed in the child; the message says which (a 4xx)."""


class WorkBusy(RuntimeError):
    """Every slot for heavy work stayed taken while the caller waited (a 503: try again)."""


def _setting(name: str, default):
    try:
        from django.conf import settings
        return getattr(settings, name, default) if settings.configured else default
    except ImportError:  # the child, or a script without Django
        return default


def inside_child() -> bool:
    return os.environ.get(_CHILD_FLAG) == "1"


def run_bounded(target: str, *args: Any, **kwargs: Any) -> Any:
    """`module:function(*args, **kwargs)` run in a bounded child; its result (tuples come back as lists)."""
    if inside_child():
        return _resolve(target)(*args, **kwargs)
    time_limit = float(_setting("MEDIA_WORK_TIME_LIMIT", TIME_LIMIT))
    memory_limit = int(_setting("MEDIA_WORK_MEMORY_LIMIT", MEMORY_LIMIT))
    slots = _semaphore(int(_setting("MEDIA_WORK_CONCURRENCY", CONCURRENCY)))
    if not slots.acquire(timeout=float(_setting("MEDIA_WORK_QUEUE_WAIT", QUEUE_WAIT))):
        raise WorkBusy("the server is busy drawing other media; try again in a few seconds")
    try:
        return _run_child(target, args, kwargs, time_limit=time_limit, memory_limit=memory_limit)
    finally:
        slots.release()


def _semaphore(size: int) -> threading.BoundedSemaphore:
    global _slots
    with _slots_lock:
        if _slots is None or getattr(_slots, "size", None) != size:
            _slots = threading.BoundedSemaphore(max(1, size))
            _slots.size = max(1, size)  # type: ignore[attr-defined]
        return _slots


def _run_child(target: str, args, kwargs, *, time_limit: float, memory_limit: int) -> Any:
    env = {**os.environ, _CHILD_FLAG: "1", "PYTHONPATH": os.pathsep.join(filter(None, [_ROOT, os.environ.get("PYTHONPATH")]))}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    request = json.dumps({"target": target, "args": _encode(list(args)), "kwargs": _encode(kwargs)}).encode()
    child = subprocess.Popen(
        [sys.executable, "-m", "media_assets.bounded_work", str(memory_limit), str(int(time_limit) + 1)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=_ROOT,
        start_new_session=True,  # its own process group: a kill reaches anything it started
    )
    try:
        out, err = child.communicate(request, timeout=time_limit)
    except subprocess.TimeoutExpired:
        _kill(child)
        child.communicate()
        raise WorkRefused(f"drawing this media took longer than the limit of {time_limit:g} s") from None
    except BaseException:
        _kill(child)
        child.communicate()
        raise
    try:
        answer = json.loads(out) if out else None
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        if child.returncode and (child.returncode < 0 or b"MemoryError" in err[-2000:] or b"memory" in err[-2000:].lower()):
            raise WorkRefused(_memory_message(memory_limit))
        raise WorkRefused("drawing this media failed")
    if "error" in answer:
        kind, message = answer["error"]
        if kind == "MemoryError":
            raise WorkRefused(_memory_message(memory_limit))
        raise _RAISED_AGAIN.get(kind, WorkRefused)(message)
    return _decode(answer["result"])


def _memory_message(memory_limit: int) -> str:
    return f"drawing this media needs more memory than the limit of {memory_limit // (1024 * 1024)} MiB"


def _kill(child: subprocess.Popen) -> None:
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


_RAISED_AGAIN: dict[str, type[Exception]] = {
    "ValueError": ValueError, "WorkRefused": WorkRefused, "FileNotFoundError": FileNotFoundError,
}


def raised_again(error_class: type[Exception]) -> type[Exception]:
    """Class decorator: this error, raised in the child, is raised again as itself in the parent."""
    _RAISED_AGAIN[error_class.__name__] = error_class
    return error_class


def _resolve(target: str):
    module, _, name = target.partition(":")
    if not module.startswith("media_assets."):
        raise ValueError(f"bounded work runs media_assets functions only, not {target!r}")
    return getattr(importlib.import_module(module), name)


def _encode(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return {"__bytes__": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, (list, tuple)):
        return [_encode(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _encode(item) for key, item in value.items()}
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(item) for item in value]
    if isinstance(value, dict):
        if set(value) == {"__bytes__"}:
            return base64.b64decode(value["__bytes__"])
        return {key: _decode(item) for key, item in value.items()}
    return value


def _child_main(memory_limit: int, cpu_seconds: int) -> None:
    os.nice(10)  # the request threads of the server come first on a busy CPU
    resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    request = json.loads(sys.stdin.buffer.read())
    try:
        result = _resolve(request["target"])(*_decode(request["args"]), **_decode(request["kwargs"]))
        answer = {"result": _encode(result)}
    except MemoryError:
        answer = {"error": ["MemoryError", ""]}
    except Exception as error:  # noqa: BLE001 - every failure goes back to the parent as data
        answer = {"error": [type(error).__name__, str(error)]}
    sys.stdout.write(json.dumps(answer))
    sys.stdout.flush()


if __name__ == "__main__":
    _child_main(int(sys.argv[1]), int(sys.argv[2]))
