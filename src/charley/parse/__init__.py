"""Free text to findings: words and phrases, their context, and numbers.

>>> from charley.parse import parse
>>> [f.id for f in parse("no chest pain, left calf cramp for 5 min").items if f.state == "present"]
['side.left', 'site.calf', 'symptom.cramp', 'episode.minutes']
"""

from charley.parse.text import parse

__all__ = ["parse"]
