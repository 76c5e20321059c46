"""The reminder dispatcher: woken by the JobQueue, it sends what the database says is due.

Per round: release claims of dead workers, claim a batch, write and send each reminder,
mark it. Telegram's `RetryAfter` is waited out; network errors are retried with a short,
bounded backoff and then given back for a later round; a user who blocked the bot is
marked inactive, their reminders are not retried and the other participants are told.
Logs carry ids and counts only.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.warnings import PTBDeprecationWarning

from bot.appointments import reminders as r
from bot.appointments import views
from bot.appointments.service import AGENDA, PLANNED, SENT, get
from bot.chat.render import Reply
from bot.chat.send import push, send
from bot.i18n import translator
from bot.services import Services
from bot.users.service import language_of

log = logging.getLogger(__name__)
#: Reminders claimed at a time, and sent at once within that (the rate limiter paces them).
#: A crash can repeat at most one group: those sent but not yet marked.
BATCH, GROUP = 100, 20
#: Tries within a round for network errors, and the first wait between them (doubling).
NETWORK_TRIES, BACKOFF = 3, 0.5
#: How often RetryAfter is waited out for one message before it goes back to the queue.
RETRY_AFTER_TRIES = 3
#: Who this process is, in claims (for the logs of a crash; not needed for correctness).
WORKER = f"{os.getpid()}-{secrets.token_hex(3)}"

Sleep = Callable[[float], Awaitable[None]]


@dataclass
class Round:
    """What one dispatch round did."""

    sent: int = 0
    dropped: int = 0
    retried: int = 0
    failed: int = 0
    #: Users who blocked the bot, with their appointments (the others are told).
    blocked: list[tuple[int, list[int]]] = field(default_factory=list)


def _write(services: Services, due: r.Due) -> Reply:
    t = translator(due.language or services.settings.default_language)
    tz, now = services.settings.tz, services.clock.now()
    if due.kind == AGENDA:
        return views.agenda(t, due.appointments, tz, due.late)
    return views.reminder(t, due.appointments[0], tz, due.user_id, now, due.late)


async def _deliver(bot, user_id: int, reply: Reply, sleep: Sleep) -> str:
    """Send one message: "sent", "retry" (try again later), "blocked" or "failed"."""
    waits, tries = BACKOFF, 0
    while True:
        try:
            await send(bot, user_id, reply)
            return "sent"
        except RetryAfter as exc:
            tries += 1
            if tries > RETRY_AFTER_TRIES:
                return "retry"
            with warnings.catch_warnings():  # an int until PTB makes it a timedelta
                warnings.simplefilter("ignore", PTBDeprecationWarning)
                delay = exc.retry_after
            await sleep(delay.total_seconds() if isinstance(delay, timedelta) else float(delay))
        except Forbidden:
            return "blocked"
        except BadRequest as exc:
            log.warning("a reminder was refused by Telegram: %s", type(exc).__name__)
            return "failed"
        except NetworkError:  # includes TimedOut
            tries += 1
            if tries >= NETWORK_TRIES:
                return "retry"
            await sleep(waits)
            waits *= 2


async def dispatch(
    bot, services: Services, *, sleep: Sleep = asyncio.sleep, worker: str = WORKER
) -> Round:
    """Send every reminder that is due now; return the counts."""
    done, db = Round(), services.db
    with db.session() as session:
        stale = timedelta(seconds=services.settings.reminder_claim_timeout_seconds)
        released = r.release_stale(session, services.clock.now(), stale)
    if released:
        log.info("reminders: %s claims of a stopped worker released", released)
    tz, clock, settled = services.settings.tz, services.clock, []
    while True:
        with db.session() as session:  # the last group's outcomes, then the next batch
            _settle(session, settled, done, clock.now())
            claimed = r.claim(session, clock.now(), worker, BATCH)
            ready = r.prepare(session, claimed, clock.now(), tz, worker) if claimed else []
        if not claimed:
            break
        done.dropped += len(claimed) - len(ready)
        for first in range(0, len(ready), GROUP):
            group = ready[first : first + GROUP]
            with db.session() as session:  # the previous group's outcomes, this group's claims
                _settle(session, settled, done, clock.now())
                mine = r.renew(session, [due.id for due in group], clock.now(), worker)
            group = [due for due in group if due.id in mine]
            outcomes = await asyncio.gather(
                *(_deliver(bot, due.user_id, _write(services, due), sleep) for due in group)
            )
            settled = list(zip(group, outcomes, strict=True))
    for user_id, appointments in done.blocked:
        await _tell_others(bot, services, user_id, appointments)
    if done.sent or done.dropped or done.failed or done.retried:
        log.info(
            "reminders: %s sent, %s dropped, %s to retry, %s failed",
            done.sent,
            done.dropped,
            done.retried,
            done.failed,
        )
    return done


def _settle(session, settled: list[tuple[r.Due, str]], done: Round, now) -> None:
    """Record how the sends of a group went: sent, to retry, blocked or failed.

    This runs in the same transaction as the next group's claims, right after the sends
    (nothing is awaited in between), so a crash repeats at most the group in flight.
    """
    sent = [due.id for due, outcome in settled if outcome == "sent"]
    r.mark(session, sent, SENT, now)
    done.sent += len(sent)
    for due, outcome in settled:
        if outcome == "retry":
            retried = r.release(session, due.id, now)
            done.retried += retried
            done.failed += not retried
        elif outcome == "blocked":
            done.blocked.append((due.user_id, r.give_up_on_user(session, due.user_id)))
            done.failed += 1
        elif outcome == "failed":
            r.mark(session, [due.id], r.FAILED, now)
            done.failed += 1
    settled.clear()


async def _tell_others(bot, services: Services, user_id: int, appointments: list[int]) -> None:
    """Tell the other participants of a blocked user's coming appointments."""
    now, tz = services.clock.now(), services.settings.tz
    default = services.settings.default_language
    told = []
    with services.db.session() as session:
        for appointment_id in appointments:
            appointment = get(session, appointment_id, user_id)
            if appointment.state != PLANNED or appointment.starts_at <= now:
                continue
            for other in appointment.people:
                if other != user_id:
                    told.append((other, appointment, language_of(session, other, default)))
    for other, appointment, lang in told:
        reply = views.changed(translator(lang), appointment, tz, other, "unreachable")
        await push(bot, other, reply)
