"""Captions on a clip: VTT/SubRip cues in a Caption effect of the clip's json (/clips/<id>/captions/).

As in OpenShot, the cues go into the `caption_text` of a libopenshot
`Caption` effect in the clip's `json["effects"]`: the first Caption effect
there gets the new cues appended, or one is created. Cue times are relative
to the clip's start (libopenshot's rule), in VTT (`00:01.000 --> 00:04.000`)
or SubRip (`00:00:01,000 --> 00:00:04,000`) form; a WEBVTT header and cue
numbers may be present. The grammar is `config.media.captions`, the one the
renderer draws with.

`append_file_transcript` takes the clip's file's transcript from
`file.json["transcripts"]`, an object of language code → VTT/SubRip text
(what a transcription step stores); `file_transcript_language` picks one,
empty means the first.
"""

from __future__ import annotations

import copy
import re
import secrets

from django.core.exceptions import ValidationError

from config.media.captions import CAPTION_EXAMPLE, MAX_CAPTION_CHARACTERS, caption_cues
from projects.models import Clip


def _checked_cues(text: str, field: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    cues = caption_cues(text)
    if not cues:
        raise ValidationError({field: [f"No VTT/SubRip cue found; write cues like: {CAPTION_EXAMPLE!r}"]})
    for index, cue in enumerate(cues, start=1):
        if cue.end <= cue.start:
            raise ValidationError({field: [f"Cue {index} ends ({cue.end:g} s) before it starts ({cue.start:g} s)."]})
    return re.sub(r"^WEBVTT[^\n]*\n+", "", text)


def file_transcript(clip: Clip, language: str) -> str:
    transcripts = (clip.file.json or {}).get("transcripts")
    if not isinstance(transcripts, dict) or not transcripts:
        raise ValidationError({"append_file_transcript": [
            f"The clip's file {clip.file.name} has no transcript (json.transcripts) to import."
        ]})
    if not language:
        language = next(iter(transcripts))
    if language not in transcripts or not isinstance(transcripts[language], str):
        raise ValidationError({"file_transcript_language": [
            f"No {language!r} transcript; the file has: {', '.join(map(str, transcripts))}."
        ]})
    return transcripts[language]


def captions_add(*, clip: Clip, caption_text: str, append_file_transcript: bool, language: str) -> Clip:
    """Append cues to the clip's Caption effect (created if it has none)."""
    parts = []
    if caption_text.strip():
        parts.append(_checked_cues(caption_text, "caption_text"))
    if append_file_transcript:
        parts.append(_checked_cues(file_transcript(clip, language), "append_file_transcript"))
    if not parts:
        raise ValidationError({"caption_text": ["Give caption_text, or set append_file_transcript to import the file's transcript."]})
    json = copy.deepcopy(clip.json or {})
    effects = json.get("effects")
    if effects in (None, ""):
        effects = []
    if not isinstance(effects, list):
        raise ValidationError({"json": ["The clip's json.effects is not a list; fix it before adding captions."]})
    caption = next((effect for effect in effects if isinstance(effect, dict)
                    and (effect.get("class_name") or effect.get("type")) == "Caption"), None)
    if caption is None:
        caption = {"id": secrets.token_hex(5).upper(), "class_name": "Caption", "type": "Caption", "name": "Caption",
                   "layer": clip.layer, "position": 0.0, "start": 0.0, "end": clip.duration, "order": len(effects),
                   "caption_text": ""}
        effects.append(caption)
    existing = str(caption.get("caption_text") or "").strip("\n")
    caption["caption_text"] = "\n\n".join(part for part in [existing, *parts] if part)
    if len(caption["caption_text"]) > MAX_CAPTION_CHARACTERS:
        raise ValidationError({"caption_text": [f"Captions are limited to {MAX_CAPTION_CHARACTERS:,} characters per clip."]})
    json["effects"] = effects
    clip.json = json
    clip.save(update_fields=["json", "date_updated"])
    return clip
