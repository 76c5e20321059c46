"""HTML escaping, splitting and right-to-left marks, and the callback data codec."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.chat.keyboards import MAX_DATA, data, label, resolve, token
from bot.chat.render import MAX_MESSAGE, esc, split_html, strip_html, utf16_len
from bot.i18n import RLM, rtl_lines


def test_escaping_neutralises_markup_and_entities() -> None:
    assert esc("<b>a</b> & &amp;") == "&lt;b&gt;a&lt;/b&gt; &amp; &amp;amp;"


def test_a_short_message_is_not_split() -> None:
    assert split_html("<b>Hallo</b>") == ["<b>Hallo</b>"]


def test_splitting_prefers_paragraphs_then_lines_then_words() -> None:
    paragraphs = "\n\n".join(["a" * 30, "b" * 30, "c" * 30])
    assert split_html(paragraphs, limit=70) == ["a" * 30 + "\n\n" + "b" * 30, "c" * 30]
    lines = "\n".join(["a" * 30, "b" * 30, "c" * 30])
    assert split_html(lines, limit=70) == ["a" * 30 + "\n" + "b" * 30, "c" * 30]
    words = " ".join(["wort"] * 20)
    assert all(not chunk.startswith(" ") and len(chunk) <= 30 for chunk in split_html(words, 30))


def test_a_split_inside_bold_closes_and_reopens_the_tag() -> None:
    chunks = split_html("<b>" + "fett " * 30 + "</b>", limit=60)
    assert len(chunks) > 2
    assert all(c.startswith("<b>") and c.endswith("</b>") for c in chunks)


def test_a_right_to_left_line_cut_in_the_middle_keeps_its_mark() -> None:
    text = rtl_lines("مرحبا " * 40, "ar")
    chunks = split_html(text, limit=50)
    assert len(chunks) > 2 and all(chunk.startswith(RLM) for chunk in chunks)


def test_strip_html_gives_the_readable_text() -> None:
    assert strip_html(f"{RLM}<b>A &amp; B</b> &lt;c&gt;") == "A & B <c>"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["Wort", "<b>fett</b>", "&amp;", "&lt;", "😀", "مرحبا", " ", "\n", "\n\n"]),
        max_size=400,
    ),
    st.integers(min_value=20, max_value=MAX_MESSAGE),
)
@example(["Wort", "Wort", "Wort", "Wort", "مرحبا"], 20)  # a word longer than the limit
def test_any_split_fits_keeps_the_text_and_breaks_no_tag_or_entity(
    pieces: list[str], limit: int
) -> None:
    text = "".join(pieces)
    chunks = split_html(text, limit)
    for chunk in chunks:
        assert utf16_len(chunk) <= limit
        assert chunk.count("<b>") == chunk.count("</b>")
        assert "&amp" not in chunk.replace("&amp;", "") and "&lt" not in chunk.replace("&lt;", "")
    squash = lambda s: "".join(strip_html(s).split())  # noqa: E731
    assert "".join(squash(c) for c in chunks) == squash(text)


def test_callback_data_longer_than_telegram_allows_is_refused() -> None:
    with pytest.raises(ValueError):
        data("T", "x" * MAX_DATA)


def test_long_ids_travel_as_short_tokens_and_come_back() -> None:
    long_id = "a-very-long-faq-entry-id-" + "x" * 40
    ids = ["short-id", long_id]
    assert token("short-id") == "short-id" and resolve("short-id", ids) == "short-id"
    assert len(token(long_id)) == 12 and resolve(token(long_id), ids) == long_id
    assert resolve("unknown", ids) is None and resolve("~AAAAAAAAAAA", ids) is None
    assert len(data("T", token(long_id), "uk").encode()) <= MAX_DATA


def test_overlong_labels_are_shortened() -> None:
    assert label("x" * 100).endswith("…") and len(label("x" * 100)) == 60
