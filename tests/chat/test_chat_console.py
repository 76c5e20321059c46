"""The terminal console chats through the same Application, also with piped stdin."""

from __future__ import annotations

import io

from bot.chat.console import run_console
from bot.services import Services


async def run(services: Services, lines: list[str], **options) -> str:
    out = io.StringIO()
    await run_console(services, stdin=io.StringIO("\n".join(lines) + "\n"), stdout=out, **options)
    return out.getvalue()


async def test_the_console_chats_with_piped_stdin_and_presses_numbered_buttons(
    services: Services, stored_user
) -> None:
    output = await run(
        services,
        [
            "/start",
            "2",
            "koln",
            "1",
            "Who can take part in Durchstarten?",
            "1",
            "3",
            "quit",
            "hallo",
        ],
        user_id=77,
    )
    assert "[1] ✓ Deutsch   [2] English" in output
    assert "Lotse (edited): ✓ I will write to you in English." in output
    assert "Where do you work?" in output and "[1] Köln" in output
    assert "Saved: Köln." in output
    assert "Lotse: Who can take part in Durchstarten?" in output
    assert "Lotse (buttons changed):" in output
    assert "Source:" in output and "<b>" not in output and "&amp;" not in output
    assert "من يستطيع المشاركة" in output  # button 3 of the language choice: Arabic
    assert "Hello!" not in output  # nothing is read after 'quit'
    user = stored_user(77)
    assert (user.language, user.municipality) == ("en", "koeln")


async def test_the_console_takes_a_language_and_a_role(services: Services, stored_user) -> None:
    output = await run(services, ["/start", "9"], user_id=78, lang="ar", role="advisor")
    assert "أهلًا بعودتك!" in output  # the language counts as chosen: welcome back
    assert "> 9\n" in output  # no button 9: sent as a message
    assert "advisor" in stored_user(78).role_names
    assert stored_user(78).language == "ar"


async def test_a_referral_in_the_console_shows_the_push_to_the_coach(services: Services) -> None:
    from bot.users.service import set_municipality

    coach = "beispiel_coach_koeln_kalk"
    await run(services, ["/referrals"], user_id=201, lang="en", role="coach", username=coach)
    with services.db.session() as session:
        set_municipality(session, 101, "koeln")
    # /find: coaching, own town, age 23, Duldung, Arabic, Done; the offer, Refer, code,
    # no note, Send.
    steps = ["/find", "1", "1", "23", "2", "3", "9", "1", "1", "A17", "1", "1"]
    output = await run(services, steps, user_id=101, lang="de", role="advisor")
    assert "Lotse → user 201: " in output and "New referral" in output
    assert "A17" in output.split("Lotse → user 201: ", 1)[1]
