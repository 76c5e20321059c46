"""The guided editor through the real Application: /new, /edit, /hide, /unhide, /variant and
"Answer with a new FAQ entry" from /unanswered (see bot/admin/editor.mmd).

An admin of Köln writes; a volunteer of Köln asks and searches; an advisor, an admin of
Bonn and a volunteer try the same and change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flows import KALK, after_german_change, seat, to_list, walk_to
from sqlalchemy import func, select

from bot.admin import editor_handlers
from bot.admin.handlers import GROUP
from bot.answers.unanswered import record_unanswered
from bot.catalog import history
from bot.catalog.translations import Status, status
from bot.chat.driver import Chat
from bot.chat.transport import UpdateFactory
from bot.db.models import AuditEntry, ContentEntryVersion, ContentVersion, UnansweredQuestion
from bot.i18n import translator
from bot.matching.words import language_name
from bot.services import Services
from bot.users.service import revoke_role

KOELN_ADMIN, BONN_ADMIN, ADVISOR, VOLUNTEER = 31, 32, 33, 34
NOT_ADMIN = "Only the admins of Lotse can do that."
#: The refusal as the German-speaking volunteer reads it.
NOT_ADMIN_DE = translator("de")(NOT_ADMIN)
STALE = "This button no longer works. Please use /start or ask your question again."
QUESTION = "Wo bekomme ich in Köln einen Wohnberechtigungsschein?"
ANSWER = "Beim Amt für Wohnungswesen der Stadt Köln, Kalker Hauptstraße 247."


pytestmark = pytest.mark.filterwarnings("ignore:Ignoring `conversation_timeout`")


@dataclass
class Office:
    koeln: Chat
    bonn: Chat
    superadmin: Chat
    advisor: Chat
    volunteer: Chat
    services: Services


@pytest.fixture
async def office(running, services: Services, admin_id: int) -> Office:
    seat(
        services,
        (
            (KOELN_ADMIN, "admin", "koeln", "en"),
            (BONN_ADMIN, "admin", "bonn", "en"),
            (ADVISOR, "advisor", "koeln", "en"),
            (VOLUNTEER, None, "koeln", "de"),
            (admin_id, None, "koeln", "en"),
        ),
    )
    app, request = await running(services)

    def chat(user_id: int, lang: str = "en") -> Chat:
        return Chat(app, request, UpdateFactory(user_id, lang))

    return Office(
        chat(KOELN_ADMIN),
        chat(BONN_ADMIN),
        chat(admin_id),
        chat(ADVISOR),
        chat(VOLUNTEER, "de"),
        services,
    )


def snapshot(services: Services) -> tuple:
    """What a change would touch: content versions, entry versions, the log, the inbox."""
    with services.db.session() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(table))
            for table in (ContentVersion, ContentEntryVersion, AuditEntry, UnansweredQuestion)
        )


def actions(services: Services) -> list[tuple[str, str | None, str | None]]:
    with services.db.session() as session:
        rows = session.execute(
            select(AuditEntry.action, AuditEntry.municipality, AuditEntry.target).order_by(
                AuditEntry.id
            )
        )
        return [tuple(row) for row in rows]


async def test_a_new_faq_entry_is_asked_field_by_field_previewed_and_then_answered(
    office: Office,
) -> None:
    admin, services = office.koeln, office.services
    [before] = await office.volunteer.send(QUESTION)
    assert "Amt für Wohnungswesen" not in before.text
    [asked] = await admin.send("/new faq")
    assert "New FAQ entry" in asked.text  # Köln is the admin's only municipality: not asked
    assert "Type the question in German, as people would ask it." in asked.text
    assert asked.labels == ["✖ Cancel"]  # German is required: no Skip
    await admin.send(QUESTION + "\nWo gibt es den WBS in Köln?")
    [asked] = await admin.send(ANSWER)
    assert "Which id should it have?" in asked.text
    assert "Suggested: koeln-bekomme-wohnberechtigungsschein" in asked.text
    await admin.press("Use the suggestion")
    [asked] = await admin.send("Stadt Köln, Amt für Wohnungswesen")
    assert "Until when is the answer valid?" in asked.text
    [asked] = await admin.send("31.12.2027")
    assert "Do you want to add or change the texts in another language?" in asked.text
    [preview] = await admin.press("No, show the preview")
    assert "Preview: this is how users will see it." in preview.text
    assert f"<b>{QUESTION}</b>\n\n{ANSWER}" in preview.html
    assert "Quelle: Stadt Köln, Amt für Wohnungswesen" in preview.text  # as German users see it
    old = snapshot(services)
    [done] = await admin.press("Publish")
    assert "Published: “Wo bekomme ich in Köln" in done.text
    assert snapshot(services)[0] == old[0] + 1
    entry = services.content.faq["koeln-bekomme-wohnberechtigungsschein"]
    assert entry.scope == "koeln" and str(entry.valid_until) == "2027-12-31"
    assert actions(services) == [
        ("entry_published", "koeln", "faq:koeln-bekomme-wohnberechtigungsschein")
    ]
    [after] = await office.volunteer.send("Wo gibt es den WBS in Köln?")
    assert ANSWER in after.text
    await admin.press_on(done, "E:p:" + "0" * 6)  # an old or forged press: nothing happens
    assert admin.notices() == [STALE]


async def test_a_second_language_is_written_after_german_and_previewed_too(
    office: Office,
) -> None:
    admin = office.koeln
    await admin.send("/new contact")
    [asked] = await admin.send("jobcenter")
    assert "Type the title in German." in asked.text
    await admin.send("Jobcenter Köln")
    await walk_to(admin, "Which id should it have?")
    [asked] = await admin.send("koeln-jobcenter")
    await walk_to(admin, "another language")
    [asked] = await admin.press("English")
    assert "Type the title in English." in asked.text
    assert "⏭ Skip this language" in asked.labels
    await admin.send("Job centre Cologne")
    [asked] = await admin.send("Help with work and money.")
    assert "✓ English" in asked.labels
    [preview] = await admin.press("No, show the preview")
    assert "— Deutsch —" in preview.text and "— English —" in preview.text
    assert "Job centre Cologne" in preview.text and "Where: Köln" in preview.text
    await admin.press("Publish")
    contact = office.services.content.contacts["koeln-jobcenter"]
    assert (
        contact.role == "jobcenter" and contact.translations["en"]["title"] == "Job centre Cologne"
    )


async def test_editing_an_offer_changes_its_title_and_capacity_and_keeps_the_rest(
    office: Office,
) -> None:
    admin, services = office.koeln, office.services
    before = services.content.offers[KALK]
    [asked] = await admin.send(f"/edit {KALK}")
    assert f"Changing the offer “{KALK}”" in asked.text
    assert "What kind of offer is it?" in asked.text and "✓ Keep" in asked.labels
    asked = await walk_to(admin, "Type the title in German.")
    assert "Durchstarten-Coaching in Köln-Kalk" in asked.text  # the current value
    await admin.send("Coaching in Kalk")
    asked = await walk_to(admin, "How many places are there?")
    assert "Now:\n15" in asked.text and "⏭ Remove" in asked.labels
    [again] = await admin.send("viele")
    assert "Please type a whole number, for example 12." in again.text
    assert "How many places are there?" in again.text
    await admin.send("12")
    await after_german_change(admin)  # the title changed: the other languages are outdated
    await walk_to(admin, "another language")
    [preview] = await admin.press("No, show the preview")
    assert "<b>Coaching in Kalk</b>" in preview.html and "12 von 12" in preview.text
    await admin.press("Publish")
    after = services.content.offers[KALK]
    assert after.capacity == 12 and after.translations["de"]["title"] == "Coaching in Kalk"
    # Not asked: kept, and marked as made from the German before the change (outdated).
    assert {k: v for k, v in after.translations["ar"].items() if k != "made_from"} == dict(
        before.translations["ar"]
    )
    assert status(after, "ar") is Status.OUTDATED and status(before, "ar") is Status.CURRENT
    assert (after.geo, after.coach, after.audience) == (before.geo, before.coach, before.audience)
    assert after.translations["de"]["schedule"] == before.translations["de"]["schedule"]


async def test_an_id_with_spaces_or_already_used_is_asked_again(office: Office) -> None:
    admin = office.koeln
    await admin.send("/new faq")
    await admin.send(QUESTION)
    await admin.send(ANSWER)
    [again] = await admin.send("koeln mein eintrag")
    assert "An id may only have lower-case letters, digits and hyphens, no spaces." in again.text
    assert "Which id should it have?" in again.text
    [again] = await admin.send("koeln-teilnahme")
    assert "The id “koeln-teilnahme” is already used." in again.text
    [asked] = await admin.send("Koeln-WBS")
    assert "Where does the answer come from" in asked.text


async def test_cancel_changes_nothing_and_the_dialogs_buttons_then_do_nothing(
    office: Office,
) -> None:
    admin, services = office.koeln, office.services
    old = snapshot(services)
    await admin.send(f"/edit {KALK}")
    asked = await walk_to(admin, "Type the title in German.")
    await admin.send("Ganz anders")
    [cancelled] = await admin.press("Cancel")
    assert "Cancelled. Nothing was changed." in cancelled.text
    assert snapshot(services) == old
    assert services.content.offers[KALK].translations["de"]["title"] != "Ganz anders"
    await admin.press_on(asked, asked.buttons[0][1])
    assert admin.notices() == [STALE]
    title = services.content.faq["koeln-teilnahme"].text("en")[0].title
    [answered] = await admin.send(title)  # no dialog: a question for the answers again
    assert title in answered.text and "Changing" not in answered.text
    await admin.send("/new offer")
    [cancelled] = await admin.send("/cancel")
    assert "Cancelled. Nothing was changed." in cancelled.text and snapshot(services) == old


async def test_hide_and_unhide_take_an_entry_away_from_users_and_bring_it_back(
    office: Office,
) -> None:
    admin, volunteer, services = office.koeln, office.volunteer, office.services
    [confirm] = await admin.send("/hide koeln-teilnahme")
    assert "Hide the FAQ entry" in confirm.text and "(koeln-teilnahme) from users?" in confirm.text
    [done] = await admin.press("Hide")
    assert "Hidden: users no longer see it." in done.text
    assert "koeln-teilnahme" not in services.content.faq
    [again] = await admin.send("/hide koeln-teilnahme")
    assert "Users do not see this entry already." in again.text
    await admin.send(f"/hide {KALK}")
    await admin.press("Hide")
    assert "S:o:" + KALK not in dict(map(reversed, (await to_list(volunteer)).buttons))
    await admin.send(f"/unhide {KALK}")
    [shown] = await admin.press("Show")
    assert "Shown: users see it again." in shown.text
    assert "S:o:" + KALK in dict(map(reversed, (await to_list(volunteer)).buttons))
    await admin.send("/unhide koeln-teilnahme")
    await admin.press("Show")
    assert "koeln-teilnahme" in services.content.faq
    assert [a for a, _, _ in actions(services)] == ["entry_hidden"] * 2 + ["entry_shown"] * 2


async def test_variant_adds_a_question_that_is_then_answered(office: Office) -> None:
    admin, services = office.koeln, office.services
    wording = "Wie kann meine Stadt beim Bündnis mitmachen, Frage 7?"
    [asked] = await admin.send("/variant koeln-teilnahme")
    assert "A new way to ask" in asked.text and "✓ English" in asked.labels
    [asked] = await admin.press("Deutsch")
    assert "Type the question in German" in asked.text
    [done] = await admin.send(wording)
    assert f"Lotse now answers “{wording}”" in done.text
    assert wording in services.content.faq["koeln-teilnahme"].translations["de"].questions
    [answered] = await office.volunteer.send(wording)
    title = services.content.faq["koeln-teilnahme"].translations["de"].title
    assert title in answered.text
    [refused] = await admin.send(f"/variant {KALK}")
    assert f"There is no entry with the id “{KALK}”." in refused.text  # offers have no questions


async def test_an_unanswered_group_becomes_a_new_faq_entry_and_leaves_the_inbox(
    office: Office,
) -> None:
    admin, services = office.koeln, office.services
    english = ["Where can I get a housing permit in Cologne?", "Where do I get a housing permit?"]
    with services.db.session() as session:
        for text in (*english, english[0]):
            record_unanswered(session, text, "en", "koeln")
        record_unanswered(session, "Wo ist der Hafen?", "de", "bonn")
    await admin.send("/unanswered")
    [group_view] = await admin.press("1")
    [(_, button)] = [b for b in group_view.buttons if b[1].startswith("Q:n:")]
    group = button.split(":")[2]
    [asked] = await admin.press("Answer with a new FAQ entry")
    assert "Type the question in German" in asked.text  # German first: it is required
    assert "As asked in English:" in asked.text and english[1] in asked.text
    [asked] = await admin.send("Wo bekomme ich einen Wohnberechtigungsschein?")  # German title
    assert "Type the answer in German." in asked.text
    await admin.send(ANSWER)
    asked = await walk_to(admin, "Type the question in English")
    assert english[1] in asked.text and "⏭ Skip this language" in asked.labels
    [asked] = await admin.press("Keep")
    assert "Type the answer in English." in asked.text
    await admin.send("At the housing office of the city of Cologne.")
    await walk_to(admin, "another language")
    [preview] = await admin.press("No, show the preview")
    assert "— English —" in preview.text and "housing office" in preview.text
    [done] = await admin.press("Publish")
    assert "The 3 questions it answers have left the inbox." in done.text
    [listing] = await admin.send("/unanswered")
    assert "There are no unanswered questions." in listing.text
    assert await admin.press_data(f"Q:n:{group}") == []  # the group's old button
    assert admin.notices() == ["These questions have already been dealt with."]
    with services.db.session() as session:  # Bonn's question stays
        assert session.scalar(select(func.count()).select_from(UnansweredQuestion)) == 1
    entry = services.content.faq["koeln-bekomme-wohnberechtigungsschein"]
    assert entry.translations["en"].questions == tuple(english)  # the most asked first
    with services.db.session() as session:
        assert history.versions(session, "faq", entry.id)[0].origin == "unanswered"


async def test_a_problem_found_on_publishing_goes_back_to_its_field(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin, services = office.koeln, office.services

    def capacity_problem(content, problems) -> None:
        problems.add(history.EDIT, None, "'capacity' must be a whole number >= 0 or null")

    await admin.send(f"/edit {KALK}")
    await walk_to(admin, "another language")
    await admin.press("No, show the preview")
    old = snapshot(services)
    monkeypatch.setattr(history, "check_references", capacity_problem)
    [back] = await admin.press("Publish")
    assert "The entry cannot be published like this:" in back.text
    assert "'capacity' must be a whole number >= 0 or null" in back.text
    assert "How many places are there?" in back.text
    assert snapshot(services) == old


async def test_a_municipal_admin_cannot_change_state_wide_or_other_municipalities_entries(
    office: Office,
) -> None:
    old = snapshot(office.services)
    [refused] = await office.koeln.send("/edit durchstarten-was")
    assert "This entry is for all of NRW: only state-wide admins may change it." in refused.text
    for command in ("/edit", "/hide", "/variant"):
        [refused] = await office.bonn.send(f"{command} koeln-teilnahme")
        assert "This entry belongs to content you do not administer." in refused.text
    [refused] = await office.bonn.send(f"/hide {KALK}")
    assert "do not administer" in refused.text
    [unknown] = await office.koeln.send("/edit gibt-es-nicht")
    assert "There is no entry with the id “gibt-es-nicht”." in unknown.text
    [usage] = await office.koeln.send("/new recipe")
    assert "/new faq, /new offer or /new contact" in usage.text
    assert snapshot(office.services) == old


@pytest.mark.parametrize("who", ["volunteer", "advisor", "bonn"])
async def test_every_command_and_button_is_refused_to_people_who_may_not_use_them(
    office: Office, who: str
) -> None:
    services, koeln = office.services, office.koeln
    with services.db.session() as session:
        record_unanswered(session, "Wo ist das Bürgeramt Kalk?", "de", "koeln")
    [asked] = await koeln.send("/new faq")  # the Köln admin's dialog, whose buttons others try
    serial = asked.buttons[-1][1].split(":")[2]
    other: Chat = getattr(office, who)
    old = snapshot(services)
    commands = ["/edit koeln-teilnahme", "/hide koeln-teilnahme", "/variant koeln-teilnahme"]
    commands += [f"/unhide {KALK}", f"/edit {KALK}"] + (["/new faq"] if who != "bonn" else [])
    for command in commands:
        [refused] = await other.send(command)
        wanted = {"bonn": "do not administer", "volunteer": NOT_ADMIN_DE}.get(who, NOT_ADMIN)
        assert wanted in refused.text, command
    with services.db.session() as session:
        [group] = session.scalars(select(UnansweredQuestion.id)).all()
    presses = (f"Q:n:{group}", f"E:f:{serial}:0:k", f"E:p:{serial}", f"E:z:{serial}")
    for data in (*presses, f"E:y:{serial}", f"E:l:{serial}:en", f"E:w:{serial}:f"):
        assert await other.press_data(data) == []
        [notice] = other.notices()
        refusal = NOT_ADMIN_DE if who == "volunteer" else NOT_ADMIN
        assert notice in (refusal, STALE, "These questions have already been dealt with.")
        assert (notice == refusal) == (who != "bonn"), data
    assert snapshot(services) == old
    [still] = await koeln.send(QUESTION)  # the Köln admin's dialog goes on
    assert "Type the answer in German." in still.text


async def test_a_revoked_admin_role_counts_at_once_in_a_running_dialog(office: Office) -> None:
    admin, services = office.koeln, office.services
    await admin.send(f"/edit {KALK}")
    with services.db.session() as session:
        revoke_role(session, KOELN_ADMIN, "admin", "koeln")
    old = snapshot(services)
    assert await admin.press("Keep") == []
    assert admin.notices() == [NOT_ADMIN]
    [refused] = await admin.send("Neuer Titel")
    assert "Changing" not in refused.text
    assert snapshot(services) == old


async def test_an_id_used_by_several_kinds_is_asked_with_buttons(office: Office) -> None:
    admin, services = office.koeln, office.services
    offer = {
        "id": "koeln-teilnahme",
        "type": "other",
        "municipality": "koeln",
        "translations": {"de": {"title": "Treffpunkt Teilnahme"}},
    }
    with services.db.session() as session:
        history.put_entry(session, "offers", offer, None)
    services.reload_content()
    [which] = await admin.send("/hide koeln-teilnahme")
    assert "Several entries have the id “koeln-teilnahme”. Which one?" in which.text
    assert which.labels == ["FAQ entry", "Offer", "✖ Cancel"]
    [confirm] = await admin.press("Offer")
    assert "Hide the offer “Treffpunkt Teilnahme”" in confirm.text
    await admin.press("Hide")
    assert "koeln-teilnahme" not in services.content.offers
    assert "koeln-teilnahme" in services.content.faq


async def test_a_superadmin_writes_an_faq_entry_for_all_of_nrw(office: Office) -> None:
    admin, services = office.superadmin, office.services
    [asked] = await admin.send("/new faq")
    assert "For which municipality is the entry?" in asked.text
    assert asked.labels[0] == "All of NRW"
    [again] = await admin.send("Atlantis")
    assert "“Atlantis” is not a municipality you administer." in again.text
    await admin.press("All of NRW")
    await admin.send("Gilt das überall in NRW?")
    [asked] = await admin.send("Ja, überall.")
    assert "Suggested: gilt-ueberall-nrw" in asked.text
    await walk_to(admin, "another language")
    await admin.press("No, show the preview")
    await admin.press("Publish")
    assert services.content.faq["gilt-ueberall-nrw"].scope == "nrw"
    assert actions(services) == [("entry_published", None, "faq:gilt-ueberall-nrw")]


async def test_back_goes_to_the_previous_question_and_the_dialog_times_out(
    office: Office,
) -> None:
    admin = office.koeln
    await admin.send("/new offer")
    [asked] = await admin.press("coaching")
    assert "Type the title in German." in asked.text
    [back] = await admin.press("Back")
    assert "What kind of offer is it?" in back.text and "Now:\ncoaching" in back.text
    [conversation] = [h for h in admin.app.handlers[GROUP] if getattr(h, "name", None) == "editor"]
    await admin.app.job_queue.start()
    try:
        await admin.press("Keep")
        [job] = conversation.timeout_jobs.values()
        seen = len(admin.request.calls)
        await job.run(admin.app)
    finally:
        await admin.app.job_queue.stop(wait=False)
    [said] = [c.params["text"] for c in admin.request.calls[seen:] if c.method == "sendMessage"]
    assert "no answer for 30 minutes" in said
    assert editor_handlers.KEY not in admin.app.user_data.get(KOELN_ADMIN, {})


async def test_edit_offers_the_closest_entries_for_a_misspelt_id_or_a_few_words(
    office: Office,
) -> None:
    old = snapshot(office.services)
    [offered] = await office.koeln.send("/edit koeln-teilnahm")
    assert "There is no entry with the id “koeln-teilnahm”. Did you mean one of these?" in (
        offered.text
    )
    assert offered.labels[0].startswith("koeln-teilnahme · Does Cologne (Köln) take part")
    assert offered.labels[-1] == "✖ Cancel"
    [asked] = await office.koeln.press(offered.labels[0])
    assert "koeln-teilnahme" in asked.text
    await office.koeln.press("✖ Cancel")
    # Words find titles; only the admin's own entries are offered (no state-wide ones).
    [words] = await office.koeln.send("/hide Sprachkurs A2")
    assert any("koeln-sprachkurs-a2" in label for label in words.labels)
    assert not any("dortmund" in label for label in words.labels)
    [confirm] = await office.koeln.press(next(x for x in words.labels if "a2" in x))
    assert "Hide" in confirm.text or confirm.labels
    await office.koeln.press("✖ Cancel")
    [none] = await office.bonn.send("/edit koeln-teilnahm")
    assert "There is no entry with the id “koeln-teilnahm”." in none.text
    assert none.labels == []
    # A press from before, once the dialog moved on, is stale; a forged index too.
    await office.koeln.press_on(offered, offered.buttons[0][1])
    assert office.koeln.notices() == [STALE]
    assert snapshot(office.services) == old


def english(lang: str) -> str:
    return language_name(translator("en"), lang)


async def test_after_a_german_change_edit_asks_about_each_other_language(office: Office) -> None:
    admin, services = office.koeln, office.services
    entry_id = "koeln-teilnahme"
    before = services.content.faq[entry_id]
    others = [lang for lang in before.translations if lang != "de"]
    await admin.send(f"/edit {entry_id}")
    await walk_to(admin, "Type the answer in German.")
    await admin.send("Ja, Köln macht mit (neuer Text).")
    first = await walk_to(admin, "You have changed the German text.")
    assert f"What about the {english(others[0])} text?" in first.text
    assert first.labels[:3] == ["✏️ Update it now", "✓ Still correct", "⚠️ Mark as outdated"]
    # A choice for another language than the one asked is stale.
    serial = first.buttons[0][1].split(":")[2]
    await admin.press_data(f"E:t:{serial}:{others[1]}:k")
    assert admin.notices() == [STALE]
    choices = {others[0]: "✓ Still correct", others[1]: "⚠️ Mark as outdated"}
    choices |= {lang: "⚠️ Mark as outdated" for lang in others[2:]}
    choices[others[2]] = "✏️ Update it now"
    for lang in others:
        asked = admin.latest_with_buttons()
        assert f"What about the {english(lang)} text?" in asked.text
        [after] = await admin.press(choices[lang])
        if choices[lang] == "✏️ Update it now":
            assert f"Type the question in {english(lang)}" in after.text
            await walk_to(admin, f"Type the answer in {english(lang)}.")
            await admin.send("Updated answer")
    languages = await walk_to(admin, "Do you want to add or change the texts in another language?")
    [preview] = await admin.press_on(languages, dict(languages.buttons)["👁 No, show the preview"])
    assert "The other languages:" in preview.text
    assert f"{english(others[0])}: ✅ current" in preview.text
    assert f"{english(others[1])}: ⚠️ outdated" in preview.text
    await admin.press("✅ Publish")
    after = services.content.faq[entry_id]
    assert after.translations["de"].answer == "Ja, Köln macht mit (neuer Text)."
    assert status(after, others[0]) is Status.CURRENT
    assert status(after, others[1]) is Status.OUTDATED
    assert status(after, others[2]) is Status.CURRENT
    assert after.translations[others[2]].answer == "Updated answer"
    assert after.translations[others[0]].answer == before.translations[others[0]].answer


async def test_edit_changes_one_question_or_a_few_words_without_retyping(office: Office) -> None:
    admin, services = office.koeln, office.services
    entry_id = "koeln-teilnahme"
    before = services.content.faq[entry_id].translations["de"]
    [asked] = await admin.send(f"/edit {entry_id}")
    assert "Type the question in German" in asked.text
    assert "Or press ✏️ and a number to reword only that question." in asked.text
    assert "✏️ 2" in asked.labels and f"✏️ {len(before.questions) + 1}" not in asked.labels
    [pick] = await admin.press("✏️ 2")
    assert "Type the new wording of question 2." in pick.text and "✏️ 1" not in pick.labels
    [reworded] = await admin.send("Ist Köln eine Bündniskommune von Gemeinsam klappt's?")
    assert "Ist Köln eine Bündniskommune von Gemeinsam klappt's?" in reworded.text
    assert before.questions[1] not in reworded.text and before.questions[2] in reworded.text
    [answer] = await admin.press("✓ Keep")
    assert "Type the answer in German." in answer.text
    assert "To change only some words, send: old words → new words" in answer.text
    [missing] = await admin.send("gibt es gar nicht → egal")
    assert "“gibt es gar nicht” is not in the text." in missing.text
    [twice] = await admin.send("Köln → Cologne")
    assert "“Köln” is in the text more than once." in twice.text
    [changed] = await admin.send("im Oktober 2018 => im Oktober 2018 (laut Quelle)")
    assert "im Oktober 2018 (laut Quelle)" in changed.text
    assert "Type the answer in German." in changed.text  # still here: more, or Keep
    await admin.press("✓ Keep")
    await after_german_change(admin)
    languages = await walk_to(admin, "Do you want to add or change the texts in another language?")
    await admin.press_on(languages, dict(languages.buttons)["👁 No, show the preview"])
    await admin.press("✅ Publish")
    after = services.content.faq[entry_id].translations["de"]
    assert after.questions[1] == "Ist Köln eine Bündniskommune von Gemeinsam klappt's?"
    assert after.questions[0] == before.questions[0] and after.questions[2:] == before.questions[2:]
    assert after.answer == before.answer.replace("im Oktober 2018", "im Oktober 2018 (laut Quelle)")
