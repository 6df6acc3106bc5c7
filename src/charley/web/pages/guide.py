"""The care guide: GET /guide, every topic with the sources of each sentence,
and a question box (GET /guide?q=...) answered from the same statements."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from charley.inputs import MAX_CHARS
from charley.knowledge import load_knowledge
from charley.web.pages.common import render

QUESTION_LIMIT = 500
"""Longest question kept; a description of symptoms belongs on the home page."""


async def guide_page(request: Request) -> Response:
    from charley.advice import cite
    from charley.guide import guide_topics
    from charley.guide_links import statement_anchor

    kb = load_knowledge()
    question = (request.query_params.get("q") or "")[:QUESTION_LIMIT].strip()
    answer = None
    if question:
        from charley.ask import ask

        answer = ask(question)
    context = {
        "nav": "guide",
        "topics": guide_topics(kb),
        "question": question,
        "answer": answer,
        "cited": lambda s: [c.to_dict() for c in cite(kb, s.citations)],
        "anchor": statement_anchor,
        "question_limit": QUESTION_LIMIT,
        "max_chars": MAX_CHARS,
    }
    return render(request, "guide.html", context)
