"""Learners work in a copy of the course, never in the shipped notebooks.

    python tools/working_copy.py sync  [--course notebooks] [--work work]
    python tools/working_copy.py reset [--course notebooks] [--work work]

``sync`` (run by ``make lab``) copies every course notebook that the working
folder lacks. A notebook the learner has not changed is updated when the
course changes (``git pull``); one the learner has changed is kept as it is,
and the new course version is put beside it as ``<name> (course update).ipynb``,
so nothing a learner wrote is ever overwritten. The working folder remembers
which course version each copy came from in ``.course-versions.json``.

``reset`` (``make reset``) moves the whole working folder to
``work-archive/<date-time>/`` and starts again from the shipped course: a
shared classroom machine is clean for the next group, and the previous
group's work is still on disk.

Standard library only: runs before the virtual environment exists.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import time
from pathlib import Path

MANIFEST = ".course-versions.json"
UPDATE_SUFFIX = " (course update)"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _course_files(course: Path) -> list[Path]:
    return sorted(p for p in course.iterdir() if p.suffix == ".ipynb" and p.is_file())


def sync(course: Path, work: Path) -> dict[str, str]:
    """Bring ``work`` up to date with ``course`` without touching a learner's changes.

    Returns what happened to each notebook: ``copied``, ``updated``, ``kept``
    (learner's changes kept; the course update put beside it) or ``unchanged``.
    """
    work.mkdir(parents=True, exist_ok=True)
    manifest_path = work / MANIFEST
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    actions = {}
    for source in _course_files(course):
        target = work / source.name
        shipped = _digest(source)
        if not target.exists():
            shutil.copy2(source, target)
            manifest[source.name] = shipped
            actions[source.name] = "copied"
            continue
        copied_from = manifest.get(source.name)
        if copied_from == shipped:
            actions[source.name] = "unchanged"
        elif copied_from is not None and _digest(target) == copied_from:
            shutil.copy2(source, target)      # the learner never edited it: take the new version
            manifest[source.name] = shipped
            actions[source.name] = "updated"
        else:
            beside = target.with_name(f"{target.stem}{UPDATE_SUFFIX}{target.suffix}")
            shutil.copy2(source, beside)
            manifest[source.name] = shipped
            actions[source.name] = "kept"
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return actions


def reset(course: Path, work: Path, archive: Path) -> Path | None:
    """Move ``work`` into ``archive/<timestamp>`` (if it exists) and copy the course afresh."""
    moved = None
    if work.exists():
        archive.mkdir(parents=True, exist_ok=True)
        moved = archive / time.strftime("%Y-%m-%d_%H%M%S")
        shutil.move(str(work), str(moved))
    sync(course, work)
    return moved


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("sync", "reset"))
    parser.add_argument("--course", type=Path, default=Path("notebooks"))
    parser.add_argument("--work", type=Path, default=Path("work"))
    parser.add_argument("--archive", type=Path, default=Path("work-archive"))
    args = parser.parse_args(argv)
    if args.action == "reset":
        moved = reset(args.course, args.work, args.archive)
        print(f"Fresh copy of the course in {args.work}/"
              + (f"; the previous work is kept in {moved}/" if moved else ""))
        return 0
    for name, action in sync(args.course, args.work).items():
        if action == "kept":
            print(f"{name}: your changes are kept; the course's new version is beside it as "
                  f"'{Path(name).stem}{UPDATE_SUFFIX}.ipynb'")
        elif action in ("copied", "updated"):
            print(f"{name}: {action}")
    print(f"Your work is saved in {args.work}/ (the course in {args.course}/ is never changed).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
