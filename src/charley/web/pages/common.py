"""What every page shares: the templates and their helpers, how a level is
shown, the security headers, and safe reading of a posted form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData

from charley.card import care_card
from charley.inputs import MAX_CHARS
from charley.interview import Answer
from charley.knowledge import load_knowledge
from charley.knowledge.schema import Source

HERE = Path(__file__).resolve().parent.parent
FIELD_LIMIT = 200
"""Longest value kept from a one-line form field (a description has its own limit)."""

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True, slots=True)
class LevelView:
    """How a triage level is shown: always in words, never by colour alone."""

    headline: str
    rank: int
    urgency: str
    role: str
    first: str


LEVELS: dict[str, LevelView] = {
    "emergency_ambulance": LevelView(
        "Call emergency services now",
        5,
        "most urgent",
        "alert",
        "Do this first. The rest of this page can wait.",
    ),
    "emergency": LevelView(
        "Go to an emergency department now",
        4,
        "very urgent",
        "alert",
        "Do this first. The rest of this page can wait.",
    ),
    "consultation_24": LevelView("See a doctor within 24 hours", 3, "urgent", "status", ""),
    "consultation": LevelView("Book an appointment with a doctor", 2, "not urgent", "status", ""),
    "self_care": LevelView("You can look after this at home", 1, "least urgent", "status", ""),
}
REPLIES: dict[str, Answer] = {"yes": True, "no": False, "unknown": None}
REPLY_WORDS = {True: "yes", False: "no", None: "don't know"}
SIDES = {"unknown": "not sure / not said", "left": "left", "right": "right", "both": "both"}
RELIEF_WORDS = ("not at all", "a little", "some", "a lot", "completely")
STATE_WORDS = {"present": "yes", "absent": "no", "unknown": "not known"}
CONTEXT_WORDS = {
    "history": "in the past",
    "hypothetical": "a worry, not happening now",
    "family": "a relative's, not yours",
}

templates = Jinja2Templates(directory=str(HERE / "templates"))


class Invalid(Exception):
    """A form field that cannot be used: shown next to the field, status 422."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


# -- helpers the templates use ------------------------------------------------


def sentence(text: str) -> str:
    """A message as a sentence: capital first letter, full stop at the end."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".?!" else text + "."


@cache
def _finding_labels() -> dict[str, str]:
    return {fid: f.label for fid, f in load_knowledge().findings.items()}


def finding_label(fid: str) -> str:
    return _finding_labels().get(fid, fid)


def source(sid: str) -> Source | None:
    return load_knowledge().sources.get(sid)


def site_name(site: str) -> str:
    return site.replace("_", " ")


def duration(seconds: float | None) -> str:
    """4 seconds, 2 minutes, 1 hour 30 minutes, 3 days."""
    if seconds is None:
        return "not said"
    if seconds < 60:
        n = round(seconds)
        return f"{n} second{'s' if n != 1 else ''}"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        tail = f" {rest} minute{'s' if rest != 1 else ''}" if rest else ""
        return f"{hours} hour{'s' if hours != 1 else ''}{tail}"
    days = round(hours / 24)
    return f"{days} days"


def when(moment: datetime | str | None, zone: tzinfo | None = None) -> str:
    """A moment for people, in `zone` (the server's if None): Mon 2 Feb 2026, 03:05."""
    if moment is None:
        return "not known"
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    local = moment.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"


def percent(share: float) -> str:
    return f"{round(share * 100)}%"


def relief_words(value: float) -> str:
    return RELIEF_WORDS[max(0, min(4, round(value)))]


def capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def number(value: float) -> str:
    """2.0 as 2, 2.25 as 2.2 (one decimal at most)."""
    return f"{value:.1f}".removesuffix(".0")


templates.env.globals.update(
    care_card=care_card,
    levels=LEVELS,
    finding_label=finding_label,
    source=source,
    site_name=site_name,
    max_chars=MAX_CHARS,
    sides=SIDES,
    relief_options=list(enumerate(RELIEF_WORDS)),
    state_words=STATE_WORDS,
    context_words=CONTEXT_WORDS,
    reply_words=REPLY_WORDS,
)
templates.env.filters.update(
    duration=duration,
    when=when,
    percent=percent,
    relief_words=relief_words,
    sentence=sentence,
    capfirst=capfirst,
    number=number,
)


# -- responses -----------------------------------------------------------------


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    base = {
        "root": request.scope.get("root_path", ""),
        "disclaimer": load_knowledge().triage.disclaimer.strip(),
    }
    response = templates.TemplateResponse(request, name, base | context, status_code=status)
    response.headers.update(SECURITY_HEADERS)
    return response


def redirect(request: Request, path: str) -> Response:
    response = RedirectResponse(request.scope.get("root_path", "") + path, status_code=303)
    response.headers.update(SECURITY_HEADERS)
    return response


def message_page(request: Request, title: str, message: str, status: int) -> Response:
    return render(request, "message.html", {"title": title, "message": message}, status)


def unavailable(request: Request) -> Response:
    return message_page(
        request,
        "The diary cannot be used right now",
        "charley could not read or write the diary. Nothing was changed. Try again in a moment.",
        503,
    )


def field(form: FormData, name: str, limit: int = FIELD_LIMIT) -> str:
    """A text field's value ("" if missing or a file); one-line fields are cut at `limit`."""
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


def same_origin(request: Request) -> bool:
    """A form posted from this site's own page.

    Browsers send Origin with every POST; when it is missing (some older
    browsers, some privacy settings), the Referer (kept for this site by the
    page's Referrer-Policy) must name this host instead. A post with neither
    ("null" counts as none) cannot show where it came from and is refused.
    """
    host = request.headers.get("host", "")
    origin = request.headers.get("origin")
    if origin is not None:
        return bool(host) and urlsplit(origin).netloc == host
    referer = request.headers.get("referer")
    return bool(host and referer) and urlsplit(referer).netloc == host


async def read_form(request: Request) -> FormData | None:
    """The posted form, or None unless it came from this site's page. Uploaded files are
    never used, so they are closed at once (their fields read as empty)."""
    if not same_origin(request):
        return None
    form = await request.form()
    await form.close()
    return form


def cross_site(request: Request) -> Response:
    return message_page(
        request,
        "Form refused",
        "This form did not come from charley's own page (it was sent from another "
        "website, or without saying where from), so charley did not use it.",
        403,
    )
