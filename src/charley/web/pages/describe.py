"""Describe it in words, and see the answer on the same page."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from charley.assess import assess
from charley.errors import InputError
from charley.inputs import MAX_CHARS, clean_description
from charley.web.pages.common import (
    cross_site,
    field,
    read_form,
    render,
    sentence,
)


async def index(request: Request) -> Response:
    return render(request, "index.html", {"nav": "check", "text": ""})


async def post_index(request: Request) -> Response:
    form = await read_form(request)
    if form is None:
        return cross_site(request)
    text = field(form, "text", limit=10 * MAX_CHARS)
    clinician = field(form, "clinician") == "1"
    try:
        words = clean_description(text)
    except InputError as exc:
        context = {
            "nav": "check",
            "text": text,
            "error": sentence(str(exc)),
            "clinician": clinician,
        }
        return render(request, "index.html", context, 422)
    result = assess(words).to_dict()
    context = {"nav": "check", "text": text, "result": result, "clinician": clinician}
    return render(request, "index.html", context)
