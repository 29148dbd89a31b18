"""Accounts and the roles granted to them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchsvc.core.models import Base, CreatedAtMixin, UTCDateTime, enum_column, intpk

if TYPE_CHECKING:
    from matchsvc.orgs.models import OrgUnit


Role = StrEnum("Role", "member reviewer organizer admin")


class Account(CreatedAtMixin, Base):
    __tablename__ = "accounts"

    id: Mapped[intpk]
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: argon2id hash (PHC string); never leaves the service.
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    #: The unit the account belongs to; reviewer/organizer rights cover its subtree.
    org_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("org_units.id", ondelete="RESTRICT"), index=True)
    #: Set by an admin: the account cannot log in, its tokens are refused and its profile is in no list.
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The password is a one-time password an admin handed out: every call but a password change
    #: is refused until the member sets their own.
    has_one_time_password: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    org_unit: Mapped["OrgUnit"] = relationship("OrgUnit", lazy="select", viewonly=True)
    grants: Mapped[list["RoleGrant"]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                     back_populates="account")

    @property
    def roles(self) -> list[str]:
        """Every account is a member; granted roles come on top, in a stable order."""
        granted = {g.role for g in self.grants}
        return [r.value for r in Role if r is Role.member or r in granted]

    def has_role(self, role: Role) -> bool:
        return role is Role.member or any(g.role is role for g in self.grants)

    @property
    def disabled(self) -> bool:
        return self.disabled_at is not None


class RoleGrant(CreatedAtMixin, Base):
    __tablename__ = "role_grants"

    id: Mapped[intpk]
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))

    account: Mapped[Account] = relationship(back_populates="grants")

    __table_args__ = (sa.UniqueConstraint("account_id", "role"),)


class RevokedToken(Base):
    """A bearer token revoked before its time (logout). Looked up by its ``jti`` on every request
    (the primary key: one index probe); rows past ``expires_at`` are useless and are dropped."""

    __tablename__ = "revoked_tokens"

    jti: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    #: When the token would have expired anyway.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
