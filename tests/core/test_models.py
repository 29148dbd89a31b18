"""Shared column types and the naming convention."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from matchsvc.core.models import UTCDateTime
from matchsvc.extensions import db
from matchsvc.orgs.models import OrgUnit


def test_utc_datetime_round_trips_aware(make):
    unit = make.root()
    east8 = timezone(timedelta(hours=8))
    unit.created_at = datetime(2026, 1, 2, 9, 30, tzinfo=east8)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(OrgUnit, unit.id).created_at
    assert stored.tzinfo is not None and stored.utcoffset() == timedelta(0)
    assert stored == datetime(2026, 1, 2, 1, 30, tzinfo=timezone.utc)


def test_utc_datetime_refuses_naive():
    with pytest.raises(ValueError):
        UTCDateTime().process_bind_param(datetime(2026, 1, 1), sa.dialects.sqlite.dialect())


def test_utc_datetime_result_from_an_aware_engine():
    east8 = timezone(timedelta(hours=8))
    value = UTCDateTime().process_result_value(datetime(2026, 1, 1, 8, tzinfo=east8),
                                               sa.dialects.postgresql.dialect())
    assert value == datetime(2026, 1, 1, tzinfo=timezone.utc) and value.tzinfo is timezone.utc


def test_constraint_names_are_deterministic():
    names = {c.name for t in db.metadata.sorted_tables for c in t.constraints}
    assert "pk_accounts" in names and "uq_accounts_username" in names
    assert "ck_profiles_height_range" in names and "fk_profiles_account_id_accounts" in names
