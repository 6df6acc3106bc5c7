"""What a browser sends with a form post, for tests that post forms with TestClient.

charley refuses a form post that says neither where it comes from (Origin) nor
which page sent it (Referer); a browser always says one of them.
"""

from __future__ import annotations

FORM_ORIGIN = {"Origin": "http://testserver"}
"""TestClient's own address, as a browser on the page would send it."""
