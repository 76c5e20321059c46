"""Escaping, splitting, right-to-left text, errors, stale buttons and start-up failures."""

from __future__ import annotations

import logging

import pytest

from bot.app import build_application
from bot.catalog.schema import Content, FaqEntry, FaqText, Municipality
from bot.chat.driver import Chat
from bot.chat.render import MAX_MESSAGE, utf16_len
from bot.chat.transport import FakeRequest, UpdateFactory
from bot.i18n import RLM, SUPPORTED_LANGUAGES
from bot.services import Services
from bot.users.service import grant_role, set_language


def entry(entry_id: str, texts: dict[str, tuple[str, str]], **fields) -> FaqEntry:
    translations = {lang: FaqText((q,), a) for lang, (q, a) in texts.items()}
    return FaqEntry(
        id=entry_id, scope=fields.pop("scope", "nrw"), translations=translations, **fields
    )


def content_of(*entries: FaqEntry) -> Content:
    koeln = Municipality(id="koeln", name="Köln")
    return Content(municipalities={"koeln": koeln}, faq={e.id: e for e in entries})


async def test_html_in_what_users_type_is_escaped(chat: Chat) -> None:
    await chat.send("/start")
    await chat.press("✓")
    [reply] = await chat.send("<b>x</b>&amp;y")  # one word: a municipality search, echoed
    assert "&lt;b&gt;x&lt;/b&gt;&amp;amp;y" in reply.html
    assert "<b>x</b>" not in reply.html


async def test_html_in_content_is_escaped(chat_with, services_with) -> None:
    tricky = entry(
        "tricky",
        {"de": ("Was ist <Fördern & Fordern>?", "Antwort mit <i>Tags</i> & <a href='x'>Link</a>.")},
        source="Anlage <1> & 2",
    )
    chat = await chat_with(services_with(content_of(tricky)))
    [reply] = await chat.send("Was ist Fördern und Fordern?")
    assert "<b>Was ist &lt;Fördern &amp; Fordern&gt;?</b>" in reply.html
    assert "&lt;i&gt;Tags&lt;/i&gt; &amp; &lt;a href='x'&gt;Link&lt;/a&gt;." in reply.html
    assert "Anlage &lt;1&gt; &amp; 2" in reply.html


async def test_a_long_answer_is_split_cleanly_under_telegrams_limit(
    chat_with, services_with
) -> None:
    paragraph = "Dieser Absatz erklärt die Förderung sehr ausführlich & genau. " * 12
    long = entry("lang", {"de": ("Wie lang ist die Antwort?", "\n\n".join([paragraph] * 30))})
    chat = await chat_with(services_with(content_of(long)))
    replies = await chat.send("Wie lang ist die Antwort?")
    assert len(replies) >= 4
    for reply in replies:
        assert utf16_len(reply.html) <= MAX_MESSAGE
        assert reply.html.count("<b>") == reply.html.count("</b>")
        assert reply.html.count("<i>") == reply.html.count("</i>")
        assert "&amp" not in reply.html.replace("&amp;", "")  # no entity cut in half
    assert [bool(r.buttons) for r in replies] == [False] * (len(replies) - 1) + [True]
    assert replies[1].text.startswith("Dieser Absatz")  # cut between paragraphs


async def test_arabic_lines_start_right_to_left_even_with_numbers_latin_words_and_commands(
    chat_with, services_with
) -> None:
    answer = "18 bis 27 عامًا هي الفئة العمرية.\nJobcenter يساعد أيضًا.\n/start لإعادة البدء."
    arabic = entry(
        "alter",
        {"de": ("Wie alt?", "18 bis 27."), "ar": ("ما هو العمر المطلوب؟", answer)},
        source="Anlage 1",
    )
    chat = await chat_with(services_with(content_of(arabic)), language="ar")
    [reply] = await chat.send("ما هو العمر المطلوب؟")
    lines = [line for line in reply.html.split("\n") if line]
    assert len(lines) >= 5
    assert all(line.startswith(RLM) for line in lines), lines


async def test_errors_are_logged_without_the_message_and_the_user_is_told_in_their_language(
    chat_with, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    class Exploding:
        def ask(self, text: str, *args, **kwargs):
            raise RuntimeError(f"cannot handle {text}")

    services.engine = Exploding()
    chat = await chat_with(services, language="ar")
    caplog.set_level(logging.INFO)
    [reply] = await chat.send("سؤال خاص جدا secret-words-123")
    assert "عذرًا، حدث خطأ من جهتي" in reply.text
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and "RuntimeError" in errors[0].getMessage()
    assert "secret-words-123" not in caplog.text and "سؤال خاص" not in caplog.text


@pytest.mark.parametrize(
    "data",
    [
        "X:whatever",
        "A:no-such-entry",
        "T:durchstarten-wer:zz",
        "T:durchstarten-wer:ti",
        "O:" + "a" * 41,
        "L:xx",
        "M:s:atlantis",
        "M:p:abc",
        "C:nothing",
        "",
    ],
)
async def test_stale_or_forged_buttons_get_a_friendly_notice(
    chat: Chat, data: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    replies = await chat.press_data(data)
    assert replies == []
    assert chat.notices() == [
        "Diese Schaltfläche funktioniert nicht mehr. "
        "Bitte nutzen Sie /start oder stellen Sie Ihre Frage noch einmal."
    ]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_an_old_none_of_these_button_asks_for_the_question_again(chat: Chat) -> None:
    [reply] = await chat.press_data("N")
    assert "Bitte schicken Sie Ihre Frage noch einmal." in reply.text


async def test_an_unknown_command_points_to_help(chat: Chat) -> None:
    [reply] = await chat.send("/frobnicate")
    assert "/help" in reply.text


async def test_post_init_sets_a_command_menu_for_every_language(running, services) -> None:
    _, request = await running(services)
    menus = {call.get("language_code"): call["commands"] for call in request.of("setMyCommands")}
    assert set(menus) == {*SUPPORTED_LANGUAGES, None}
    german = {c["command"]: c["description"] for c in menus["de"]}
    assert german["language"] == "Sprache ändern"
    assert [c["command"] for c in menus[None]] == [
        "start",
        "help",
        "language",
        "municipality",
        "check",
        "find",
        "referrals",
        "appointment",
        "appointments",
        "settings",
        "questions",
        "privacy",
        "mydata",
        "delete_me",
        "client",
    ]


async def test_admins_get_the_admin_commands_in_their_own_chats_menu(
    running, services, admin_id: int
) -> None:
    with services.db.session() as session:
        grant_role(session, 77, "admin", "koeln")
        set_language(session, 77, "de")
    app, request = await running(services)
    [menu] = [c for c in request.of("setMyCommands") if c.get("scope")]
    assert menu["scope"] == {"type": "chat", "chat_id": 77}
    names = [c["command"] for c in menu["commands"]]
    assert names[:2] == ["start", "help"]
    assert names[-12:] == [
        "invite",
        "users",
        "export",
        "unanswered",
        "history",
        "translations",
        "new",
        "edit",
        "hide",
        "unhide",
        "variant",
        "stats",
    ]
    admin = Chat(app, request, UpdateFactory(user_id=77, language_code="de"))
    [help_text] = await admin.send("/help")
    assert "/invite" in help_text.text and "/stats" in help_text.text
    volunteer = Chat(app, request, UpdateFactory(user_id=78, language_code="de"))
    [plain] = await volunteer.send("/help")
    assert "/invite" not in plain.text


async def test_a_failing_set_my_commands_is_logged_and_not_fatal(
    running, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    failing = FakeRequest(failures={"setMyCommands": (400, "Bad Request: not today")})
    app, request = await running(services, failing)
    warnings = [r for r in caplog.records if "command menu" in r.getMessage()]
    assert len(warnings) == len(SUPPORTED_LANGUAGES) + 1
    chat = Chat(app, request, UpdateFactory(user_id=5, language_code="en"))
    [reply] = await chat.send("/start")
    assert "Welcome to Lotse!" in reply.text


def test_a_real_transport_needs_a_token(services: Services) -> None:
    with pytest.raises(ValueError, match="BOT_TOKEN"):
        build_application(services)


def test_building_the_application_prints_no_warnings(services: Services) -> None:
    import warnings

    from bot.app import build_application
    from bot.chat.transport import FakeRequest

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        build_application(services, request=FakeRequest())
    assert [str(w.message) for w in caught] == []
