"""The iCalendar file of a session: one event per day in Africa/Casablanca time.

Each day's UID is made of the session and day ids, so it never changes when the session is
edited or moved; SEQUENCE is the session's, raised on every change; a cancelled session is sent
with METHOD:CANCEL and STATUS:CANCELLED. The VTIMEZONE is computed from the zone database for
the months around the session (Morocco moves its clocks back during Ramadan).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode, urlsplit

from flask import current_app

from ..models import SessionDay, TrainingSession, utcnow
from .scheduling import ZONE

TZID = "Africa/Casablanca"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold a content line at 75 octets without cutting a UTF-8 character (RFC 5545 3.1)."""
    out: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def _local(moment: datetime) -> str:
    return moment.astimezone(ZONE).strftime("%Y%m%dT%H%M%S")


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _offset(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def _zone_offset(moment: datetime) -> timedelta:
    return moment.astimezone(ZONE).utcoffset() or timedelta(0)


def _transitions(start: datetime, end: datetime) -> list[tuple[datetime, timedelta, timedelta]]:
    """Return (UTC instant, offset before, offset after) of each change between start and end."""
    found = []
    moment = start
    step = timedelta(hours=1)
    before = _zone_offset(moment)
    while moment < end:
        after = _zone_offset(moment + step)
        if after != before:
            found.append((moment + step, before, after))
            before = after
        moment += step
    return found


def vtimezone(first: datetime, last: datetime) -> list[str]:
    """Return the VTIMEZONE lines valid from a month before `first` to a month after `last`."""
    start = (first - timedelta(days=31)).astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    end = last + timedelta(days=31)
    initial = _zone_offset(start)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{TZID}"]
    observances = [(start, initial, initial), *_transitions(start, end)]
    for moment, before, after in observances:
        kind = "DAYLIGHT" if after < initial else "STANDARD"
        lines += [
            f"BEGIN:{kind}",
            f"DTSTART:{(moment + before).strftime('%Y%m%dT%H%M%S')}",
            f"TZOFFSETFROM:{_offset(before)}",
            f"TZOFFSETTO:{_offset(after)}",
            f"TZNAME:{_offset(after)[:3]}",
            f"END:{kind}",
        ]
    return [*lines, "END:VTIMEZONE"]


def day_uid(day: SessionDay) -> str:
    host = urlsplit(current_app.config["PUBLIC_URL"]).hostname or "depomi-learn"
    return f"session-{day.session_id}-day-{day.id}@{host}"


def _event(session: TrainingSession, day: SessionDay, number: int, stamp: datetime) -> list[str]:
    total = len(session.days)
    summary = session.title if total == 1 else f"{session.title} ({number}/{total})"
    location = session.meeting_link or ", ".join(p for p in (session.place, session.address) if p)
    url = f"{current_app.config['PUBLIC_URL']}/sessions/{session.id}"
    cancelled = session.cancelled_at is not None
    lines = [
        "BEGIN:VEVENT",
        f"UID:{day_uid(day)}",
        f"SEQUENCE:{session.sequence}",
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART;TZID={TZID}:{_local(day.starts_at)}",
        f"DTEND;TZID={TZID}:{_local(day.ends_at)}",
        f"SUMMARY:{_escape(summary)}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        f"URL:{url}",
    ]
    if location:
        lines.append(f"LOCATION:{_escape(location)}")
    return [*lines, "END:VEVENT"]


def session_ics(session: TrainingSession, now: datetime | None = None) -> str:
    """Return the session's iCalendar text (CRLF line ends, folded lines)."""
    stamp = now or utcnow()
    days = sorted(session.days, key=lambda d: d.starts_at)
    cancelled = session.cancelled_at is not None
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//DEPOMI Learn//Sessions//FR",
        "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if cancelled else 'PUBLISH'}",
        *vtimezone(days[0].starts_at, days[-1].ends_at),
    ]
    for number, day in enumerate(days, start=1):
        lines += _event(session, day, number, stamp)
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def google_calendar_link(session: TrainingSession, day: SessionDay) -> str:
    """Return an "add to Google Calendar" address for one day (for phones without .ics apps)."""
    location = session.meeting_link or ", ".join(p for p in (session.place, session.address) if p)
    query = {
        "action": "TEMPLATE",
        "text": session.title,
        "dates": f"{_utc(day.starts_at)}/{_utc(day.ends_at)}",
        "ctz": TZID,
        "location": location,
        "details": f"{current_app.config['PUBLIC_URL']}/sessions/{session.id}",
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)
