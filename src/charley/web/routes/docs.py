"""The API's docs at /docs: one of charley's own pages, made on the server from the
app's OpenAPI document, styled by charley.css. No script, no font, nothing from
another host, so it works offline (FastAPI's own /docs and /redoc load theirs
from a CDN, and are switched off in `charley.web.app`). /redoc leads here.

    GET /docs    each endpoint: method, path, summary, token, parameters,
                 request and response bodies by schema name, status codes;
                 then each schema's fields
    GET /redoc   308 to /docs
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from charley.web.pages.common import SECURITY_HEADERS, render

router = APIRouter(include_in_schema=False)
METHODS = ("get", "post", "put", "patch", "delete")
REF = "#/components/schemas/"


@dataclass(frozen=True, slots=True)
class Shape:
    """A schema in words ("EpisodeOut", "list of SiteIn", "string or null"); `ref` names
    the schema listed on the page that it links to, if any."""

    text: str
    ref: str | None = None


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    shape: Shape
    required: bool
    about: str


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    where: str
    shape: Shape
    required: bool
    about: str


@dataclass(frozen=True, slots=True)
class Body:
    media_type: str
    shape: Shape


@dataclass(frozen=True, slots=True)
class Reply:
    status: str
    about: str
    bodies: tuple[Body, ...]


@dataclass(frozen=True, slots=True)
class Endpoint:
    method: str
    path: str
    summary: str
    about: str
    token: bool
    parameters: tuple[Parameter, ...]
    request: tuple[Body, ...]
    replies: tuple[Reply, ...]

    @property
    def anchor(self) -> str:
        return "op-" + "".join(c if c.isalnum() else "-" for c in f"{self.method}-{self.path}")


@dataclass(frozen=True, slots=True)
class Schema:
    name: str
    about: str
    fields: tuple[Field, ...]
    shape: Shape


def shape(schema: dict[str, Any]) -> Shape:
    """A JSON schema in a few words, e.g. {"type": "array", "items": {"$ref": ...}}."""
    if "$ref" in schema:
        name = str(schema["$ref"]).removeprefix(REF)
        return Shape(name, name)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            parts = [shape(s) for s in schema[key]]
            refs = [p.ref for p in parts if p.ref]
            joiner = " and " if key == "allOf" else " or "
            return Shape(joiner.join(p.text for p in parts), refs[0] if len(refs) == 1 else None)
    if "enum" in schema:
        return Shape("one of " + ", ".join(str(v) for v in schema["enum"]))
    kind = schema.get("type")
    if kind == "array":
        inner = shape(schema.get("items", {}))
        return Shape(f"list of {inner.text}", inner.ref)
    if kind == "object" and "additionalProperties" in schema:
        extra = schema["additionalProperties"]
        inner = shape(extra) if isinstance(extra, dict) else Shape("any")
        return Shape(f"map of {inner.text}", inner.ref)
    if isinstance(kind, str):
        form = schema.get("format")
        return Shape(f"{kind} ({form})" if form else kind)
    return Shape("any")


def _fields(schema: dict[str, Any]) -> tuple[Field, ...]:
    required = set(schema.get("required", ()))
    return tuple(
        Field(name, shape(prop), name in required, str(prop.get("description", "")))
        for name, prop in schema.get("properties", {}).items()
    )


def _bodies(content: dict[str, Any]) -> tuple[Body, ...]:
    return tuple(Body(media, shape(part.get("schema", {}))) for media, part in content.items())


def endpoints(openapi: dict[str, Any]) -> list[Endpoint]:
    """Every operation of the document, in its order."""
    found = []
    for path, item in openapi.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = tuple(
                Parameter(
                    name=str(p["name"]),
                    where=str(p.get("in", "")),
                    shape=shape(p.get("schema", {})),
                    required=bool(p.get("required")),
                    about=str(p.get("description", "")),
                )
                for p in op.get("parameters", ())
            )
            found.append(
                Endpoint(
                    method=method.upper(),
                    path=path,
                    summary=str(op.get("summary", "")),
                    about=str(op.get("description", "")),
                    token=bool(op.get("security")),
                    parameters=params,
                    request=_bodies(op.get("requestBody", {}).get("content", {})),
                    replies=tuple(
                        Reply(status, str(r.get("description", "")), _bodies(r.get("content", {})))
                        for status, r in sorted(op.get("responses", {}).items())
                    ),
                )
            )
    return found


def schemas(openapi: dict[str, Any]) -> list[Schema]:
    """Every named schema, with its fields."""
    return [
        Schema(name, str(s.get("description", "")), _fields(s), shape(s))
        for name, s in sorted(openapi.get("components", {}).get("schemas", {}).items())
    ]


@router.get("/docs")
async def docs(request: Request) -> Response:
    openapi = request.app.openapi()
    info = openapi.get("info", {})
    return render(
        request,
        "api_docs.html",
        {
            "info": info,
            "endpoints": endpoints(openapi),
            "schemas": schemas(openapi),
        },
    )


@router.get("/redoc")
async def redoc(request: Request) -> Response:
    to = request.scope.get("root_path", "") + "/docs"
    return RedirectResponse(to, status_code=308, headers=SECURITY_HEADERS)
