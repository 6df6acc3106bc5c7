"""The cramp diary: episodes, their patterns, export and import.

Storage is SQLAlchemy 2 with Alembic migrations; SQLite by default,
PostgreSQL by URL.
"""

from charley.diary.entries import EpisodeIn, episode_in
from charley.diary.store import Diary, SavedEpisode

__all__ = ["Diary", "EpisodeIn", "SavedEpisode", "episode_in"]
