"""`manage.py previews`: make or remake the previews of existing files, with a progress bar and a summary.

`--missing` (the default) picks files lacking a rendition their media
gets, `--all` every file, `--file ID ...` the files named. Each file's
job is queued on the job machine as an upload's is, then run here, one
after another (so it works with the embedded broker, whose queue lives
in the server's process); when a worker of a shared broker claims a job
first, the command waits for it instead.
"""

from __future__ import annotations

import sys
import time
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Q

from config.jobs.models import FINISHED_STATUSES, Job
from media_assets.models import File
from media_assets.previews.kinds import kinds_for
from media_assets.previews.making import file_previews_make
from media_assets.previews.models import Rendition, RenditionStatus
from media_assets.previews.services import previews_queue

BAR_WIDTH = 30
WAIT_SECONDS = 3600


class Command(BaseCommand):
    help = "Make previews for files that lack them (--missing, the default), for every file (--all), or for --file ID ..."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--missing", action="store_true", help="Files lacking a preview their media gets (default).")
        which.add_argument("--all", action="store_true", help="Every file: remake all previews.")
        which.add_argument("--file", type=int, nargs="+", metavar="ID", help="These files: remake their previews.")

    def handle(self, *args, missing=False, all=False, file=None, **options):
        files = self._files(all_files=all, ids=file)
        total = len(files)
        if not total:
            self.stdout.write("No files need previews.")
            return
        outcomes: Counter = Counter()
        reasons: Counter = Counter()
        started = time.monotonic()
        for done, each in enumerate(files, start=1):
            self._bar(done - 1, total, each)
            job = previews_queue(file=each)
            if job is None:
                outcomes["no previews for this media"] += 1
                continue
            file_previews_make(job_id=job.pk)
            self._wait(job.pk)
            for status, error in Rendition.objects.filter(file=each).values_list("status", "error"):
                outcomes[status] += 1
                if status == RenditionStatus.FAILED and error:
                    reasons[error] += 1
        self._bar(total, total, None)
        self.stdout.write("")
        self.stdout.write(f"{total} file(s) in {time.monotonic() - started:.1f} s")
        self.stdout.write(f"  {'renditions':<28} count")
        for status, count in sorted(outcomes.items()):
            self.stdout.write(f"  {status:<28} {count}")
        for reason, count in reasons.most_common():
            self.stdout.write(f"  failed ×{count}: {reason}")

    def _files(self, *, all_files: bool, ids: list[int] | None) -> list[File]:
        if ids:
            found = {file.pk: file for file in File.objects.filter(pk__in=ids)}
            unknown = [pk for pk in ids if pk not in found]
            if unknown:
                raise CommandError(f"No file with id {', '.join(map(str, unknown))}.")
            return [found[pk] for pk in ids]
        files = File.objects.order_by("id")
        if all_files:
            return list(files)
        counted = files.annotate(ready=Count("renditions", filter=~Q(renditions__status=RenditionStatus.FAILED)))
        return [file for file in counted if file.ready < len(kinds_for(file.json))]

    @staticmethod
    def _wait(job_id: int) -> None:
        """A job another worker claimed first: wait until it ends."""
        deadline = time.monotonic() + WAIT_SECONDS
        while not Job.objects.filter(pk=job_id, status__in=FINISHED_STATUSES).exists():
            if time.monotonic() > deadline or not Job.objects.filter(pk=job_id).exists():
                return
            time.sleep(0.2)

    def _bar(self, done: int, total: int, file: File | None) -> None:
        filled = BAR_WIDTH * done // total
        label = f" {file.name[:40]}" if file is not None else ""
        line = f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}{label}"
        self.stdout.write(line.ljust(100), ending="")
        self.stdout.flush()
        if not sys.stdout.isatty() and file is None:
            self.stdout.write("")
