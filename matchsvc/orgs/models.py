"""The org-unit tree: a city union, its agency unions, the women's federation, and below."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from matchsvc.core.models import Base, CreatedAtMixin, intpk


class OrgUnit(CreatedAtMixin, Base):
    __tablename__ = "org_units"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(sa.String(100))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("org_units.id", ondelete="RESTRICT"), index=True)
    #: Materialised path of ids, "/1/4/9/": a unit's subtree is every path starting with its own.
    path: Mapped[str] = mapped_column(sa.String(255), index=True, default="")

    __table_args__ = (sa.UniqueConstraint("parent_id", "name"),)

    def contains(self, other: "OrgUnit") -> bool:
        """True if ``other`` is this unit or below it."""
        return other.path.startswith(self.path)

