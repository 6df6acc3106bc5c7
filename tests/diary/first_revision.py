"""A diary as the first migration made it, written with SQL of that time.

The ORM models follow the newest schema, so an old diary is written here
with plain SQL naming only the first revision's columns.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from charley.diary.database import make_engine, migrate

FIRST = "0001_create_diary"
WHEN = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)


def diary_at_first_revision(url: str) -> None:
    """Three episodes of "me" on the 1st, 2nd and 3rd: the 2nd also at the foot, the
    1st eased by stretching (3 of 4)."""
    engine = make_engine(url)
    try:
        assert migrate(engine, to=FIRST) == FIRST
        with engine.begin() as c:
            person = c.execute(
                text("INSERT INTO people (name, created_at) VALUES ('me', :now) RETURNING id"),
                {"now": WHEN},
            ).scalar_one()
            for day in (1, 2, 3):
                values = {"p": person, "at": WHEN.replace(day=day), "notes": f"episode {day}"}
                episode = c.execute(
                    text(
                        "INSERT INTO episodes (person_id, started_at, notes, at_night,"
                        " after_exercise, woke, created_at)"
                        " VALUES (:p, :at, :notes, :no, :no, :no, :at) RETURNING id"
                    ),
                    values | {"no": False},
                ).scalar_one()
                sites = [("calf", "left")] + ([("foot", "unknown")] if day == 2 else [])
                for site, side in sites:
                    c.execute(
                        text(
                            "INSERT INTO episode_sites (episode_id, person_id, site, side)"
                            " VALUES (:e, :p, :site, :side)"
                        ),
                        {"e": episode, "p": person, "site": site, "side": side},
                    )
                if day == 1:
                    c.execute(
                        text(
                            "INSERT INTO episode_remedies (episode_id, person_id, remedy, relief)"
                            " VALUES (:e, :p, 'stretch', 3)"
                        ),
                        {"e": episode, "p": person},
                    )
    finally:
        engine.dispose()
