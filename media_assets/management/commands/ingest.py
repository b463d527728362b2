"""`manage.py ingest PATH... --user NAME (--project ID | --catalog NAME) [--recursive] [--dedupe]`."""

from __future__ import annotations

import time

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from media_assets.bulk_ingest import Outcome, media_paths, path_ingest
from media_assets.catalog.models import Catalog

#: File.project's model, named by its label (projects is the layer above media_assets)
PROJECT_MODEL = ("projects", "Project")


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


class Progress:
    """A one-line progress bar on stderr: files and bytes done of the total."""

    WIDTH = 30

    def __init__(self, stream, *, files: int, size: int):
        self.stream, self.files, self.size = stream, files, size
        self.done_files = self.done_bytes = 0
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.last = 0.0

    def advance(self, size: int, name: str) -> None:
        self.done_files += 1
        self.done_bytes += size
        now = time.monotonic()
        if not self.tty and now - self.last < 1 and self.done_files < self.files:
            return
        self.last = now
        share = self.done_bytes / self.size if self.size else 1.0
        bar = "#" * int(share * self.WIDTH)
        line = (f"[{bar:<{self.WIDTH}}] {share:4.0%}  {self.done_files}/{self.files} files, "
                f"{_megabytes(self.done_bytes)}/{_megabytes(self.size)}  {name[:40]}")
        self.stream.write(("\r" + line.ljust(110)) if self.tty else line + "\n", ending="")
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n", ending="")


class Command(BaseCommand):
    help = ("Ingest media files from folders on this machine into a project or a catalog, each through the one "
            "ingest path (probe, store, hash, previews): what is not media or cannot be read is skipped with the "
            "reason; --dedupe leaves out bytes the project or catalog already holds, so a rerun ingests nothing twice.")

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Files or folders to ingest.")
        parser.add_argument("--user", required=True, help="The user (username) who owns what is ingested.")
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--project", type=int, metavar="ID", help="Ingest into this project of the user's.")
        target.add_argument("--catalog", metavar="NAME", help="Ingest as assets of this catalog of the user's.")
        parser.add_argument("--recursive", action="store_true", help="Walk folders' subfolders too.")
        parser.add_argument("--dedupe", action="store_true",
                            help="Leave out files whose bytes (SHA-256) the project or catalog already holds.")

    def handle(self, *args, paths, user, project=None, catalog=None, recursive=False, dedupe=False, **options):
        owner = self._user(user)
        project_row = self._project(owner, project) if project is not None else None
        catalog_row = self._catalog(owner, catalog) if catalog is not None else None
        found = list(media_paths(paths, recursive=recursive))
        files = [item for item in found if not isinstance(item, Outcome)]
        outcomes = [item for item in found if isinstance(item, Outcome)]
        progress = Progress(self.stderr, files=len(files), size=sum(_size(path) for path in files))
        for path in files:
            outcome = path_ingest(path=path, owner=owner, project=project_row, catalog=catalog_row, dedupe=dedupe)
            outcomes.append(outcome)
            progress.advance(_size(path), path.name)
        progress.close()
        self._summary(outcomes)

    @staticmethod
    def _user(name: str):
        try:
            return get_user_model().objects.get(username=name)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user {name!r}.") from None

    @staticmethod
    def _project(owner, pk: int):
        Project = apps.get_model(*PROJECT_MODEL)
        try:
            return Project.objects.get(pk=pk, owner=owner)
        except Project.DoesNotExist:
            raise CommandError(f"No project {pk} belongs to {owner.username}.") from None

    @staticmethod
    def _catalog(owner, name: str) -> Catalog:
        found = list(Catalog.objects.filter(owner=owner, name=name)[:2])
        if not found:
            raise CommandError(f"No catalog named {name!r} belongs to {owner.username}.")
        if len(found) > 1:
            raise CommandError(f"{owner.username} has several catalogs named {name!r}; rename one.")
        return found[0]

    def _summary(self, outcomes: list[Outcome]) -> None:
        width = max([len(str(outcome.path)) for outcome in outcomes] + [4])
        self.stdout.write(f"{'file':<{width}}  {'result':<9}  {'size':>10}  made / reason")
        for outcome in outcomes:
            made = (f"asset {outcome.asset.pk}" if outcome.asset is not None
                    else f"file {outcome.file.pk}" if outcome.file is not None else "")
            self.stdout.write(f"{str(outcome.path):<{width}}  {outcome.result:<9}  {_megabytes(outcome.size):>10}  "
                              f"{made or outcome.reason}")
        counts = {result: sum(1 for outcome in outcomes if outcome.result == result)
                  for result in ("ingested", "duplicate", "skipped")}
        total = sum(outcome.size for outcome in outcomes if outcome.result == "ingested")
        self.stdout.write(f"{counts['ingested']} ingested ({_megabytes(total)}), {counts['duplicate']} duplicate(s) "
                          f"left out, {counts['skipped']} skipped.")


def _size(path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
