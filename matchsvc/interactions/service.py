"""Likes, passes, matches, blocks and reports."""

from __future__ import annotations

import sqlalchemy as sa

from matchsvc.extensions import db
from matchsvc.interactions.models import Block, Match


def is_blocked(a: int, b: int) -> bool:
    """True if either profile blocked the other."""
    return db.session.scalar(sa.select(Block.id).where(
        sa.or_(sa.and_(Block.actor_id == a, Block.target_id == b),
               sa.and_(Block.actor_id == b, Block.target_id == a))).limit(1)) is not None


def active_match(a: int, b: int) -> Match | None:
    """The standing match between two profiles, if any."""
    low, high = min(a, b), max(a, b)
    return db.session.scalar(sa.select(Match).where(Match.low_id == low, Match.high_id == high,
                                                    Match.ended_at.is_(None)))
