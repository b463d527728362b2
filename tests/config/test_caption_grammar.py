"""The one caption cue grammar (config.media.captions), as the API checks cues and the renderer draws them."""

from __future__ import annotations

from fractions import Fraction

import pytest

from config.media.captions import CUE_TIMING, Cue, caption_cues
from exports.renderer.captions import parse_captions
from projects import captions as api_captions


@pytest.mark.parametrize("timing, start, end", [
    ("00:00:01.000 --> 00:00:02.000", 1.0, 2.0),
    ("00:01.000 --> 00:02.000", 1.0, 2.0),
    ("0:01.000 --> 0:02.000", 1.0, 2.0),
    ("1:02:03.000 --> 01:02:04.000", 3723.0, 3724.0),
    ("00:00:01,000 --> 00:00:02,500", 1.0, 2.5),
    ("00:00:00:000 --> 00:10:00:000", 0.0, 600.0),
    ("00:01.5 --> 00:02.25", 1.5, 2.25),
    ("00:01.000->00:02.000", 1.0, 2.0),
    ("00:01.000 ---> 00:02.000", 1.0, 2.0),
])
def test_each_timing_form_reads_as_seconds(timing, start, end):
    assert caption_cues(f"{timing}\nHello") == [Cue(start, end, ("Hello",))]


def test_a_fraction_is_decimal_not_milliseconds():
    cue = caption_cues("00:01.5 --> 00:01.75\nx")[0]
    assert (cue.start, cue.end) == (1.5, 1.75)


def test_subrip_numbers_webvtt_header_and_notes_are_not_text():
    text = ("WEBVTT\n\nNOTE written by hand\n\n1\n00:00:01.000 --> 00:00:02.000\nHello\nthere\n\n"
            "2\n00:00:02,000 --> 00:00:03,000\nBye\n")
    assert caption_cues(text) == [Cue(1.0, 2.0, ("Hello", "there")), Cue(2.0, 3.0, ("Bye",))]


def test_a_blank_line_ends_a_cues_text():
    assert caption_cues("00:01.000 --> 00:02.000\nshown\n\nnot shown\n")[0].lines == ("shown",)


def test_cue_settings_are_not_text_but_other_words_after_the_end_time_are():
    assert caption_cues("00:01.000 --> 00:02.000 align:start line:90%\nHi")[0].lines == ("Hi",)
    assert caption_cues("00:01.000 --> 00:02.000 Hi there\nagain")[0].lines == ("Hi there", "again")


def test_an_identifier_before_a_timing_on_its_line_belongs_to_no_cue():
    cues = caption_cues("00:01.000 --> 00:02.000\nA\nnext 00:03.000 --> 00:04.000\nB")
    assert [cue.lines for cue in cues] == [("A",), ("B",)]


def test_single_characters_are_text():
    assert caption_cues("00:01.000 --> 00:02.000\nA\n?")[0].lines == ("A", "?")


def test_windows_and_old_mac_line_ends_read_like_unix_ones():
    assert caption_cues("00:01.000 --> 00:02.000\r\nA\r\rB")[0].lines == ("A",)


def test_a_cue_without_text_is_still_a_cue():
    assert caption_cues("00:01.000 --> 00:02.000") == [Cue(1.0, 2.0, ())]


@pytest.mark.parametrize("text", [
    "00:01.000 --> 00:02.000\nHi", "0:01.000 --> 0:02.000\nHi", "00:01.5 --> 00:02.5\nHi",
    "00:01.000->00:02.000\nHi", "00:00:01:000 --> 00:00:02:000\nHi", "WEBVTT\n\n1\n00:00:01,000 --> 00:00:02,000\nHi",
])
def test_the_renderer_draws_every_cue_with_text_the_grammar_finds(text):
    cues = [cue for cue in caption_cues(text) if cue.lines]
    drawn = parse_captions(text, Fraction(30))
    assert len(drawn) == len(cues) == 1
    assert drawn[0] == (int(cues[0].start * 30), int(cues[0].end * 30), ["Hi"])


def test_the_api_checks_cues_with_the_same_grammar():
    assert api_captions.caption_cues is caption_cues
    assert CUE_TIMING.search("00:01.000 -> 00:02.000")
