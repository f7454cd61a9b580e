"""`flask sessions create|list|ics|remind`: sessions from the command line and cron."""

from __future__ import annotations

import json

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from ..extensions import db
from ..models import Region, SessionRegistration, TrainingSession
from .calendar import session_ics
from .notices import send_reminders
from .scheduling import SessionError, SessionPlan, create_session, get_session, local, parse_day

sessions_cli = AppGroup("sessions", help="Blended training sessions.")


@sessions_cli.command("create")
@click.option("--course", "course_id", required=True, help="Course id.")
@click.option("--region", "region_code", required=True, help="Region code, e.g. souss-massa.")
@click.option("--title", required=True)
@click.option("--day", "days", multiple=True, required=True, help="2027-01-12T09:00/12:30")
@click.option("--place", default="")
@click.option("--address", default="")
@click.option("--capacity", type=click.IntRange(1, 1000), default=30)
def create_command(course_id, region_code, title, days, place, address, capacity) -> None:
    """Create a session; print its id alone on the last line."""
    region_id = db.session.scalar(sa.select(Region.id).where(Region.code == region_code))
    try:
        plan = SessionPlan(
            course_id=course_id,
            region_id=region_id,
            title=title,
            days=[parse_day(day) for day in days],
            place=place,
            address=address,
            capacity=capacity,
        )
        session = create_session(None, plan)
    except SessionError as error:
        raise click.ClickException(f"{error.field}: {error.message}") from None
    db.session.commit()
    click.echo(f"created session of {course_id} in {region_code} ({len(plan.days)} days)")
    click.echo(session.id)


@sessions_cli.command("ics")
@click.argument("session_id", type=click.IntRange(1, 2**63 - 1))
def ics_command(session_id: int) -> None:
    """Print the session's iCalendar file."""
    session = get_session(session_id)
    if session is None:
        raise click.ClickException(f"no session {session_id}")
    click.echo(session_ics(session), nl=False)


def session_record(session: TrainingSession, counts: dict[tuple[int, str], int]) -> dict:
    """Return a session as the JSON of `flask sessions list`."""
    return {
        "id": session.id,
        "course": session.course_id,
        "region": session.region.code,
        "province": session.province.code if session.province else None,
        "title": session.title,
        "mode": session.mode,
        "place": session.place,
        "address": session.address,
        "meeting_link": session.meeting_link,
        "capacity": session.capacity,
        "registered": counts.get((session.id, "registered"), 0),
        "waiting": counts.get((session.id, "waiting"), 0),
        "status": session.status,
        "sequence": session.sequence,
        "days": [
            {
                "id": day.id,
                "starts_at": local(day.starts_at).isoformat(),
                "ends_at": local(day.ends_at).isoformat(),
            }
            for day in session.days
        ],
    }


@sessions_cli.command("list")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text")
def list_command(output: str) -> None:
    """List every session."""
    sessions = db.session.scalars(sa.select(TrainingSession).order_by(TrainingSession.id)).all()
    counts = {
        (session_id, status): count
        for session_id, status, count in db.session.execute(
            sa.select(
                SessionRegistration.session_id,
                SessionRegistration.status,
                sa.func.count(SessionRegistration.id),
            ).group_by(SessionRegistration.session_id, SessionRegistration.status)
        )
    }
    records = [session_record(session, counts) for session in sessions]
    if output == "json":
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    for item in records:
        first = item["days"][0]["starts_at"][:16] if item["days"] else "-"
        click.echo(
            f"{item['id']}\t{item['course']}\t{item['region']}\t{first}\t{item['status']}\t"
            f"{item['registered']}/{item['capacity']}\t{item['title']}"
        )


@sessions_cli.command("remind")
def remind_command() -> None:
    """Send tomorrow's reminders not sent yet (safe to run as often as cron likes)."""
    sent = send_reminders()
    click.echo(f"{sent} reminders sent")
