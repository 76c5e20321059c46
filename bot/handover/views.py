"""How "Ask a person" reads, for the asker and the advisors, as Replies (no telegram import).

The question and the answer are shown as their writers typed them (escaped), each in its own
direction; everything around them is in the reader's language.
"""

from __future__ import annotations

from bot.answers.normalise import guess_language
from bot.chat.keyboards import data
from bot.chat.render import Button, Reply, bold, directed, embed, esc, italic
from bot.db.models import Handover
from bot.handover.service import Waiting
from bot.i18n import Translator
from bot.matching.words import language_name


def say(t: Translator, text: str) -> Reply:
    """A plain message in the reader's direction."""
    return Reply(directed(esc(text), t.lang))


def _reply(t: Translator, lines: list[str], rows: tuple[tuple[Button, ...], ...] = ()) -> Reply:
    return Reply(directed("\n".join(lines), t.lang), rows)


# --- the asker -------------------------------------------------------------------------


def ask_button(t: Translator, serial: str) -> Button:
    """The button under "I don't know that yet" that hands the question to a person."""
    return Button("🙋 " + t("Ask a person"), data("H", "a", serial))


def consent(t: Translator, serial: str) -> Reply:
    """Ask whether the advisor who answers may know who asked."""
    lines = [
        bold(t("May the advisor see your Telegram name, so they can write to you directly?")),
        esc(t("If not, you stay anonymous and get the answer here in the chat.")),
    ]
    rows = (
        (Button("✅ " + t("Yes"), data("H", "y", serial)),),
        (Button("🙈 " + t("No, stay anonymous"), data("H", "n", serial)),),
    )
    return _reply(t, lines, rows)


def passed(t: Translator, handover_id: int) -> Reply:
    """Tell the asker their question went to the advisors, with a way to withdraw it."""
    lines = [
        "✅ " + esc(t("I have passed your question on to the advisors of your municipality.")),
        esc(t("An advisor will answer you here in the chat.")),
    ]
    withdraw = Button("↩ " + t("Withdraw the question"), data("H", "w", str(handover_id)))
    return _reply(t, lines, ((withdraw,),))


def nobody(t: Translator) -> Reply:
    """No advisor takes questions any more (they switched it off meanwhile)."""
    lines = [
        esc(t("Right now no advisor of your municipality takes questions.")),
        esc(t("I have passed your question on to the team so that they can add an answer.")),
    ]
    return _reply(t, lines)


def limit_reached(t: Translator, per_day: int) -> Reply:
    """The asker has handed over as many questions today as one may: when again, what else."""
    lines = [
        bold(
            t.ngettext(
                "You can ask a person up to {n} question a day.",
                "You can ask a person up to {n} questions a day.",
                per_day,
            )
        ),
        esc(t("You can ask a person again tomorrow.")),
        esc(t("Until then, /find shows local offers and how to contact them.")),
        esc(t("Or ask me your question in other words: perhaps I know the answer after all.")),
    ]
    return _reply(t, lines)


def withdrawn(t: Translator) -> Reply:
    return say(t, t("You have withdrawn your question."))


def relayed(t: Translator, handover: Handover) -> Reply:
    """The advisor's answer, as they wrote it, with the question it answers.

    When the answer is plainly written in another language than the reader's (by its
    script or telltale words), the heading says which.
    """
    answer = handover.answer or ""
    written = guess_language(answer)
    head = t("Answer from an advisor:")
    if written is not None and written != t.lang:
        head = t(
            "Answer from an advisor, written in {language}:", language=language_name(t, written)
        )
    said = esc(embed(answer, t.lang))  # isolated: it keeps its own direction
    lines = [
        bold("💬 " + head),
        "",
        said,
        "",
        italic(t("Your question:")),
        directed(italic(embed(handover.question, t.lang)), handover.lang),
    ]
    return _reply(t, lines)


# --- the advisors ----------------------------------------------------------------------


def _asked(t: Translator, question: Handover | Waiting, place: str) -> list[str]:
    """Who asked where and in which language, and the question in the asker's words."""
    head = t(
        "Someone in {place} asks, in {language}:",
        place=embed(place, t.lang),
        language=language_name(t, question.lang),
    )
    asked = directed(esc(embed(question.question, t.lang)), question.lang)
    return [bold("🙋 " + head), "", asked, ""]


def take_rows(t: Translator, handover_id: int) -> tuple[tuple[Button, ...], ...]:
    return ((Button("✍ " + t("I'll answer"), data("H", "t", str(handover_id))),),)


def question(t: Translator, handover: Handover | Waiting, place: str) -> Reply:
    """A question pushed to the advisors (nothing about the asker), with "I'll answer"."""
    lines = _asked(t, handover, place)
    if handover.share_identity:
        lines.append(esc(t("Whoever takes it may also write to the person directly.")))
    else:
        lines.append(esc(t("The person stays anonymous: please answer here in the chat.")))
    return _reply(t, lines, take_rows(t, handover.id))


def write(
    t: Translator,
    handover: Handover,
    place: str,
    serial: str,
    name: str | None,
) -> Reply:
    """Ask the advisor who took the question for their answer (and who asked, if agreed)."""
    lines = _asked(t, handover, place)
    if handover.share_identity:
        label = esc(name) if name else esc(t("Open their chat"))
        link = f'<a href="tg://user?id={handover.asker_id}">{label}</a>'
        lines += ["👤 " + esc(t("The person agreed that you may write to them directly:")), link]
        lines.append("")
    lines += [
        bold(t("Please write your answer now.")),
        esc(t("I pass it on to the person here in the chat, without your name.")),
    ]
    cancel = Button("✖ " + t("Cancel"), data("H", "z", serial))
    return _reply(t, lines, ((cancel,),))


def delivered(t: Translator) -> Reply:
    return say(t, "✅ " + t("Your answer has been passed on."))


def undelivered(t: Translator) -> Reply:
    lines = [
        esc(t("I could not pass your answer on: the person has blocked the bot.")),
        esc(t("It is kept so that an admin can add it to the answers.")),
    ]
    return _reply(t, lines)


def given_back(t: Translator) -> Reply:
    return say(t, t("The question is open again, so a colleague can take it."))


def timed_out(t: Translator, minutes: int) -> Reply:
    """The taker wrote nothing for too long: the question went back."""
    ended = t.ngettext(
        "There was no answer for {n} minute.", "There was no answer for {n} minutes.", minutes
    )
    again = t("The question is open again, so a colleague can take it.")
    return _reply(t, [esc(ended), esc(again)])


def withdrawn_for_taker(t: Translator) -> Reply:
    return say(t, t("The person has withdrawn the question, so you need not answer it."))


def waiting_head(t: Translator, count: int) -> Reply:
    """The heading of /questions: how many questions wait for an answer."""
    if not count:
        return say(t, t("No questions are waiting for an answer right now."))
    text = t.ngettext(
        "{n} question is waiting for an answer:", "{n} questions are waiting for an answer:", count
    )
    return _reply(t, [bold(text)])


def not_taking(t: Translator) -> Reply:
    """/questions for someone who takes no questions."""
    lines = [
        esc(t("Advisors who take questions people ask see them here.")),
        esc(t("Advisors can switch this on in /settings.")),
    ]
    return _reply(t, lines)
