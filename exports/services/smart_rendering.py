"""Deciding, per export, between a smart render and a full one, and recording what was done.

`json.smart` says what the client wants: "auto" (the default: smart when
the timeline qualifies), true (smart or fail: a client asking for it
explicitly wants the sources' frames untouched, and a silent full
re-encode would hand them something else), or false. The decision and its
reason go to `json.render_mode` / `json.smart_reason` before the render
starts, and one log line; `json.smart_frames` (frames copied and
re-encoded) and `json.render_speed` (seconds of output per second of
rendering) once it finished.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.db import transaction

from exports.models import Export
from exports.renderer import RenderError, RenderFailed, Timeline
from exports.renderer.smart import NotSmart, SmartDecision, smart_choice, smart_decision, smart_runs
from exports.renderer.smart_probe import SourceIndex, source_index, stream_facts
from exports.renderer.smart_render import SmartResult, smart_render
from exports.services.attempts import MINE, attempt_state

log = logging.getLogger("montage.render")


def smart_decide(*, export: Export, timeline: Timeline) -> tuple[object, SmartDecision, dict[str, SourceIndex]]:
    """What the client asked for, the decision (recorded in json and the log) and the probed sources."""
    requested = smart_choice(export.json)
    indexes: dict[str, SourceIndex] = {}
    decision = SmartDecision(False, "json.smart is false")
    if requested is not False:
        try:
            # the headers first: a timeline they rule out is never read through
            decision = smart_decision(timeline, _probed(timeline, stream_facts), requested)
            if decision.smart:
                indexes = _probed(timeline, source_index)
                decision = smart_decision(timeline, {path: index.facts for path, index in indexes.items()},
                                          requested)
        except NotSmart as why:
            decision = SmartDecision(False, str(why))
    log.info("export %s renders %s: %s", export.pk, decision.render_mode, decision.reason)
    export_json_record(export=export, render_mode=decision.render_mode, smart_reason=decision.reason)
    if not decision.smart and requested is True:
        raise RenderError(f"json.smart is true, but this timeline cannot be rendered smart: {decision.reason}. "
                          'Use "auto" to render it in full.')
    return requested, decision, indexes


def export_render_smart(*, export: Export, timeline: Timeline, target: Path, workdir: Path, reporter,
                        time_limit: float, decided=None) -> SmartResult | None:
    """Render smart when the export may and its timeline qualifies (the result); None: render it in full.

    `decided`: `smart_decide`'s answer, when the caller already asked."""
    requested, decision, indexes = decided or smart_decide(export=export, timeline=timeline)
    if not decision.smart:
        return None
    try:
        result = smart_render(timeline, decision, indexes, output_path=str(target), workdir=str(workdir),
                              on_progress=reporter.progress, should_cancel=reporter.should_cancel,
                              time_limit=time_limit)
    except RenderFailed as error:
        if requested is True:
            raise
        reason = f"the smart render failed ({error}); rendered in full"
        log.warning("export %s: %s | ffmpeg: %s", export.pk, reason, " / ".join(error.log_tail[-3:]))
        export_json_record(export=export, render_mode="full", smart_reason=reason)
        return None
    log.info("export %s smart render: %d frames copied, %d re-encoded in %d pieces, %.1f s", export.pk,
             result.copied_frames, result.encoded_frames, len(result.pieces), result.wall_seconds)
    export_json_record(export=export, smart_frames={"copied": result.copied_frames, "encoded": result.encoded_frames,
                                                    "pieces": len(result.pieces)})
    return result


def _probed(timeline: Timeline, probe) -> dict:
    """`probe` of each video file the timeline shows (NotSmart when it has other pictures or a file cannot be read)."""
    indexes = {}
    for run in smart_runs(timeline):
        if run.path in indexes:
            continue
        try:
            indexes[run.path] = probe(run.path)
        except Exception as error:  # noqa: BLE001 - any unreadable file means a full render, which says why
            raise NotSmart(f"{Path(run.path).name} could not be read for a smart render "
                           f"({type(error).__name__})") from None
    return indexes


def export_json_record(*, export: Export, **values) -> bool:
    """Merge server-written values into the export's json, if the row is still this attempt's."""
    with transaction.atomic():
        current = Export.objects.select_for_update().get(pk=export.pk)
        if attempt_state(export, current) != MINE:
            return False
        current.json = {**(current.json or {}), **values}
        current.save(update_fields=["json"])
    return True
