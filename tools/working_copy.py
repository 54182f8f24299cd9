"""Learners work in a copy of the course, never in the shipped notebooks.

    python tools/working_copy.py sync  [--course notebooks] [--work work]
    python tools/working_copy.py reset [--course notebooks] [--work work] [--force]

``sync`` (run by ``make lab``) copies every course notebook that the working
folder lacks. A notebook the learner has not changed is updated when the
course changes (``git pull``); one the learner has changed is kept as it is,
and the new course version is put beside it as ``<name> (course update).ipynb``,
so nothing a learner wrote is ever overwritten. An update copy the learner has
not touched is replaced by a later update; one they edited is kept too, and the
later update gets the next free name (``(course update 2)``...). The working
folder remembers which course version each copy came from in
``.course-versions.json``; if that file is damaged, every notebook is treated as
the learner's own (kept, updates beside it). The lesson itself says when an
update is beside it (``helpers.lesson``), and so does the terminal.

``reset`` (``make reset``) moves the whole working folder to
``work-archive/<date-time>/`` and starts again from the shipped course: a
shared classroom machine is clean for the next group, and the previous
group's work is still on disk. While a Jupyter server is still serving the
working folder (its open tabs would save the last group's notebooks into the
fresh copy) it refuses, naming the server; ``--force`` (``make reset FORCE=1``)
stops that server first.

Every problem (a damaged manifest, a folder that cannot be written) is one line
saying what is wrong and what to do, never a traceback; nothing is deleted.
Standard library only: runs before the virtual environment exists.
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import shutil
import signal
import sys
import time
from pathlib import Path

MANIFEST = ".course-versions.json"
UPDATE_SUFFIX = " (course update)"
#: A file that marks a folder as a learner's working copy (the lessons keep the learner's answers beside it).
MARKER = ".krl-working-copy"


class WorkingCopyError(Exception):
    """A problem a learner or teacher can fix; the message says what and how (one line)."""


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _course_files(course: Path) -> list[Path]:
    if not course.is_dir():
        raise WorkingCopyError(f"the course folder {course}/ does not exist (run this from the project folder)")
    return sorted(p for p in course.iterdir() if p.suffix == ".ipynb" and p.is_file())


def _read_manifest(work: Path) -> tuple[dict, str]:
    """(manifest, warning): an unreadable manifest is treated as empty, with a warning (nothing is lost:
    every existing notebook then counts as the learner's own)."""
    path = work / MANIFEST
    if not path.exists():
        return {}, ""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            raise ValueError("not a table of notebook names")
        return data, ""
    except (OSError, UnicodeDecodeError, ValueError) as error:
        return {}, (f"{path} could not be read ({error}); every notebook in {work}/ is kept as your own and "
                    f"course updates are put beside it")


def update_name(target: Path, n: int = 1) -> Path:
    """``<name> (course update).ipynb``, or ``(course update n)`` for the n-th kept one."""
    suffix = UPDATE_SUFFIX if n == 1 else f"{UPDATE_SUFFIX[:-1]} {n})"
    return target.with_name(f"{target.stem}{suffix}{target.suffix}")


def _place_update(source: Path, target: Path, manifest: dict) -> Path:
    """Put the course's new version beside a learner's changed notebook, never over anything they edited."""
    n = 1
    while True:
        beside = update_name(target, n)
        key = f"update:{beside.name}"
        if not beside.exists() or manifest.get(key) == _digest(beside):   # free, or an untouched earlier update
            shutil.copy2(source, beside)
            manifest[key] = _digest(beside)
            return beside
        n += 1


def sync(course: Path, work: Path) -> dict[str, str]:
    """Bring ``work`` up to date with ``course`` without touching a learner's changes.

    Returns what happened to each notebook: ``copied``, ``updated``, ``kept``
    (learner's changes kept; the course update put beside it) or ``unchanged``.
    Raises :class:`WorkingCopyError` (one line) when the folder cannot be written.
    """
    actions, _ = sync_with_notes(course, work)
    return actions


def sync_with_notes(course: Path, work: Path) -> tuple[dict[str, str], list[str]]:
    """:func:`sync`, and the notes to show (a damaged manifest, where each update was put)."""
    sources = _course_files(course)
    try:
        work.mkdir(parents=True, exist_ok=True)
        manifest, warning = _read_manifest(work)
        notes = [warning] if warning else []
        actions = {}
        for source in sources:
            target = work / source.name
            shipped = _digest(source)
            if not target.exists():
                shutil.copy2(source, target)
                manifest[source.name] = shipped
                actions[source.name] = "copied"
                continue
            copied_from = manifest.get(source.name)
            if copied_from == shipped or (copied_from is None and _digest(target) == shipped):
                manifest[source.name] = shipped
                actions[source.name] = "unchanged"
            elif copied_from is not None and _digest(target) == copied_from:
                shutil.copy2(source, target)      # the learner never edited it: take the new version
                manifest[source.name] = shipped
                actions[source.name] = "updated"
            else:
                beside = _place_update(source, target, manifest)
                manifest[source.name] = shipped
                actions[source.name] = "kept"
                notes.append(f"{source.name}: your changes are kept; the course's new version is beside it as "
                             f"'{beside.name}'")
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        (work / MARKER).write_text("A learner's working copy of the course (tools/working_copy.py).\n",
                                   encoding="utf-8")
    except OSError as error:
        raise WorkingCopyError(f"cannot write the working copy in {work}/ ({error.strerror or error}): make it "
                               f"writable (or choose another folder with make lab WORK=<folder>)") from None
    return actions, notes


# ----------------------------------------------------------------------------- reset
def _runtime_dirs() -> list[Path]:
    """Where Jupyter servers write their jpserver-<pid>.json (as jupyter_core finds it)."""
    if os.environ.get("JUPYTER_RUNTIME_DIR"):
        return [Path(os.environ["JUPYTER_RUNTIME_DIR"])]
    data = os.environ.get("JUPYTER_DATA_DIR") or os.path.join(
        os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share"), "jupyter")
    return [Path(data) / "runtime"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def servers_on(work: Path, runtime_dirs: list[Path] | None = None) -> list[dict]:
    """Running Jupyter servers (JupyterLab, Notebook, Voila as a server extension) whose root is ``work``."""
    found, root = [], work.resolve()
    for folder in runtime_dirs or _runtime_dirs():
        for info_file in sorted(folder.glob("jpserver-*.json")):
            try:
                info = json.loads(info_file.read_text(encoding="utf-8"))
                pid, served = int(info["pid"]), Path(info.get("root_dir") or info.get("notebook_dir")).resolve()
            except (OSError, ValueError, KeyError, TypeError):
                continue
            if _alive(pid) and (served == root or root in served.parents):
                found.append({"pid": pid, "url": info.get("url", ""), "root_dir": str(served)})
    return found


def stop_servers(servers: list[dict], timeout_s: float = 30.0) -> None:
    """SIGTERM each server (it saves nothing more once stopped) and wait until it is gone."""
    for server in servers:
        with contextlib.suppress(ProcessLookupError):
            os.kill(server["pid"], signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while any(_alive(s["pid"]) for s in servers):
        if time.monotonic() > deadline:
            raise WorkingCopyError("a Jupyter server on the working copy did not stop within "
                                   f"{timeout_s:.0f} s (pid {', '.join(str(s['pid']) for s in servers)}); stop it "
                                   "by hand, then run make reset again")
        time.sleep(0.2)


def reset(course: Path, work: Path, archive: Path, *, force: bool = False,
          runtime_dirs: list[Path] | None = None) -> Path | None:
    """Move ``work`` into ``archive/<timestamp>`` (if it exists) and copy the course afresh.

    Refuses (:class:`WorkingCopyError`) while a Jupyter server serves ``work``, unless ``force``,
    which stops it first.
    """
    running = servers_on(work, runtime_dirs) if work.exists() else []
    if running and not force:
        where = ", ".join(f"pid {s['pid']} at {s['url'] or s['root_dir']}" for s in running)
        raise WorkingCopyError(f"JupyterLab is still running on {work}/ ({where}); its open tabs would save the "
                               f"last group's notebooks into the fresh copy. Stop it (Ctrl+C in its terminal) and "
                               f"close the learners' tabs, or run make reset FORCE=1 to stop it now")
    if running:
        stop_servers(running)
    moved = None
    try:
        if work.exists():
            archive.mkdir(parents=True, exist_ok=True)
            moved = archive / time.strftime("%Y-%m-%d_%H%M%S")
            n = 1
            while moved.exists():
                moved, n = archive / f"{time.strftime('%Y-%m-%d_%H%M%S')}-{n}", n + 1
            shutil.move(str(work), str(moved))
    except OSError as error:
        raise WorkingCopyError(f"cannot move {work}/ into {archive}/ ({error.strerror or error}); nothing was "
                               f"deleted: make both writable and run make reset again") from None
    sync(course, work)
    return moved


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("sync", "reset"))
    parser.add_argument("--course", type=Path, default=Path("notebooks"))
    parser.add_argument("--work", type=Path, default=Path("work"))
    parser.add_argument("--archive", type=Path, default=Path("work-archive"))
    parser.add_argument("--force", action="store_true", help="reset: stop a Jupyter server serving the work folder")
    args = parser.parse_args(argv)
    try:
        if args.action == "reset":
            moved = reset(args.course, args.work, args.archive, force=args.force)
            print(f"Fresh copy of the course in {args.work}/"
                  + (f"; the previous work is kept in {moved}/" if moved else ""))
            return 0
        actions, notes = sync_with_notes(args.course, args.work)
    except WorkingCopyError as error:
        print(f"make {args.action}: {error}", file=sys.stderr)
        return 1
    for note in notes:
        print(note)
    for name, action in actions.items():
        if action in ("copied", "updated"):
            print(f"{name}: {action}")
    print(f"Your work is saved in {args.work}/ (the course in {args.course}/ is never changed).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
