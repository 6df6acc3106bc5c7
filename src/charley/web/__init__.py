"""charley over HTTP: the API and the web page (FastAPI)."""

from charley.web.app import create_app

__all__ = ["create_app"]
