"""The range checks on an asset: in/out against its media, subclips, sequence items.

Timecodes are frame counts by the time these run. An asset keeps
media_start ≤ in ≤ in2 ≤ out2 ≤ out ≤ media_end, its poster and markers
inside in–out; a subclip shares its master's format and media range, and
a master's new range must still hold its subclips; a sequence's items lie
inside their sources' media and do not overlap on a track. Each problem
is a 400 naming its field.
"""

from __future__ import annotations

from rest_framework import serializers

from media_assets.api.catalog_fields import resolve_timecodes
from media_assets.api.marker_serializers import field_name, label
from media_assets.catalog.models import ClipType
from media_assets.catalog.services import subclips_of


class AssetRangeChecks:
    """`AssetSerializer.validate`'s range checks, for a serializer whose `instance` is the asset (or None)."""

    def _items(self, raw_items, catalog, fmt) -> list[dict]:
        items, errors = [], {}
        for index, raw in enumerate(raw_items):
            source = raw["source"]
            problems = resolve_timecodes(raw, ["seq_in_frm", "seq_out_frm"], fmt)
            problems.update(resolve_timecodes(raw, ["clip_in_frm", "clip_out_frm"], source.timecode_format))
            if not problems:
                problems = _item_problems(raw, source, catalog, fmt, self.instance)
            if problems:
                errors[str(index)] = {field_name(key): value for key, value in problems.items()}
                continue
            items.append({key: raw[key] for key in ("track", "seq_in_frm", "seq_out_frm", "source", "clip_in_frm", "clip_out_frm")})
        if not errors:
            overlap = _overlap(items, fmt)
            if overlap:
                errors.update(overlap)
        if errors:
            raise serializers.ValidationError({"seq_items": errors})
        return items

    def _check_subclip(self, attrs, model, kind) -> None:
        """A subclip is a range of its master's media: it names the master and shows its format and media range."""
        instance = self.instance
        master = attrs.get("source") or getattr(instance, "source", None)
        if kind == ClipType.SUBCLIP and master is None and (instance is None or "type" in attrs):
            raise serializers.ValidationError({"source": ["A subclip needs its master asset (source)."]})
        if master is None:
            return
        if "type" in attrs and kind != ClipType.SUBCLIP:
            raise serializers.ValidationError({"type": ["An asset with a master (source) is a subclip."]})
        if "tc_format" in attrs and model["tc_format"] != master.tc_format:
            raise serializers.ValidationError({"fmt": [
                f"A subclip has its master's format ({master.timecode_format.label}); change the master's instead."
            ]})
        for name in ("media_start_frm", "media_end_frm"):
            if name in model and model[name] != getattr(master, name):
                raise serializers.ValidationError({field_name(name): [
                    "A subclip shares its master's media range; change the master's instead."
                ]})

    def _check_subclips_fit(self, model, fmt) -> None:
        """A master's new format or media range is its subclips' too (services.asset_update passes it on):
        each must still fit inside it."""
        instance = self.instance
        if instance is None:
            return
        start = model.get("media_start_frm", instance.media_start_frm)
        end = model.get("media_end_frm", instance.media_end_frm)
        if (fmt.code, start, end) == (instance.tc_format, instance.media_start_frm, instance.media_end_frm):
            return
        subclips = subclips_of(instance)
        if not subclips:
            return
        if fmt.rate != instance.timecode_format.rate:
            raise serializers.ValidationError({"fmt": [
                f"{len(subclips)} subclip(s) count frames at {float(instance.timecode_format.rate):.3f} fps; "
                "a master with subclips keeps its frame rate."
            ]})
        outside = [subclip.name for subclip in subclips if subclip.in_frm < start or subclip.out_frm > end]
        if outside:
            name = "media_start" if start != instance.media_start_frm else "media_end"
            raise serializers.ValidationError({name: [
                f"The subclips {', '.join(map(repr, outside[:10]))} would fall outside the new media range "
                f"{label(start, fmt)}–{label(end, fmt)}; change or delete them first."
            ]})

    def _check_ranges(self, model, fmt, has_media: bool) -> None:
        instance = self.instance

        def value(name):
            return model[name] if name in model else getattr(instance, name, None)

        media_start, media_end = value("media_start_frm"), value("media_end_frm")
        first, last, first2, last2 = value("in_frm"), value("out_frm"), value("in2_frm"), value("out2_frm")
        poster = value("poster_frm")
        tc = lambda frames: label(frames, fmt)  # noqa: E731
        limit = fmt.frames_per_day - 1
        for name in ("media_end_frm", "out_frm"):
            if value(name) is not None and value(name) > limit:
                raise serializers.ValidationError({field_name(name): [f"{value(name)} frames is past 24 hours of {fmt.label} timecode."]})
        if media_end < media_start:
            raise serializers.ValidationError({"media_end": [f"media_end ({tc(media_end)}) is before media_start ({tc(media_start)})."]})
        if last < first:
            raise serializers.ValidationError({"out": [f"out ({tc(last)}) is before in ({tc(first)})."]})
        if has_media and not media_start <= first:
            raise serializers.ValidationError({"in": [f"in ({tc(first)}) is before the media starts ({tc(media_start)})."]})
        if has_media and not last <= media_end:
            raise serializers.ValidationError({"out": [f"out ({tc(last)}) is after the media ends ({tc(media_end)})."]})
        if (first2 is None) != (last2 is None):
            missing = "in2" if first2 is None else "out2"
            raise serializers.ValidationError({missing: ["A selection needs both in2 and out2 (or neither)."]})
        if first2 is not None:
            if not first <= first2 <= last:
                raise serializers.ValidationError({"in2": [f"in2 ({tc(first2)}) is outside in–out ({tc(first)}–{tc(last)})."]})
            if not first2 <= last2 <= last:
                raise serializers.ValidationError({"out2": [f"out2 ({tc(last2)}) must lie between in2 and out ({tc(first2)}–{tc(last)})."]})
        if poster is not None and not first <= poster <= last:
            raise serializers.ValidationError({"poster": [f"The poster frame ({tc(poster)}) is outside in–out ({tc(first)}–{tc(last)})."]})
        if instance is not None and ("in_frm" in model or "out_frm" in model):
            outside = instance.markers.exclude(in_frm__gte=first, in_frm__lte=last).count() + instance.markers.filter(
                in_frm__gte=first, in_frm__lte=last, out_frm__gt=last).count()
            if outside:
                raise serializers.ValidationError({"in" if "in_frm" in model else "out": [
                    f"{outside} marker(s) would fall outside the new range {tc(first)}–{tc(last)}; move or delete them first."
                ]})


def _item_problems(raw, source, catalog, fmt, sequence) -> dict:
    problems = {}
    if source.catalog_id != catalog.pk:
        problems["clip"] = ["A sequence's items come from assets of its own catalog."]
    elif source.type == ClipType.SEQ or (sequence is not None and source.pk == sequence.pk):
        problems["clip"] = ["A sequence cannot contain a sequence."]
    if raw["seq_out_frm"] <= raw["seq_in_frm"]:
        problems["seq_out"] = ["seq_out must be after seq_in."]
    if raw["clip_out_frm"] <= raw["clip_in_frm"]:
        problems["clip_out"] = ["clip_out must be after clip_in."]
    low, high = (source.media_start_frm, source.media_end_frm) if source.file_id else (source.in_frm, source.out_frm)
    source_fmt = source.timecode_format
    if not problems and not (low <= raw["clip_in_frm"] and raw["clip_out_frm"] <= high):
        problems["clip_in"] = [f"The range lies outside the source's media {label(low, source_fmt)}–{label(high, source_fmt)}."]
    if not problems:
        seq_seconds = (raw["seq_out_frm"] - raw["seq_in_frm"]) / fmt.rate
        clip_seconds = (raw["clip_out_frm"] - raw["clip_in_frm"]) / source_fmt.rate
        if abs(seq_seconds - clip_seconds) > 1 / fmt.rate:
            problems["seq_out"] = [
                f"The item lasts {float(seq_seconds):.3f}s in the sequence but {float(clip_seconds):.3f}s in its source."
            ]
    return problems


def _overlap(items, fmt) -> dict:
    by_track: dict[int, list] = {}
    for index, item in enumerate(items):
        by_track.setdefault(item["track"], []).append((item["seq_in_frm"], item["seq_out_frm"], index))
    for spans in by_track.values():
        spans.sort()
        for (start, end, _), (next_start, _, next_index) in zip(spans, spans[1:]):
            if next_start < end:
                return {str(next_index): {"seq_in": [f"It overlaps the item before it on the track (until {label(end, fmt)})."]}}
    return {}
