"""Every table takes part in the privacy mechanisms: erasure, export and retention."""

from __future__ import annotations

from bot.db.models import DELETE, FORGET, TRANSFER, Base
from bot.privacy import export, retention
from bot.privacy.erasure import references
from bot.privacy.views import KINDS


def test_every_reference_to_a_user_says_what_erasing_them_does() -> None:
    refs = references()
    assert refs, "no column refers to users: the walk over the metadata found nothing"
    undeclared = [f"{r.table.name}.{r.column.name}" for r in refs if r.policy is None]
    assert undeclared == []
    assert {r.policy for r in refs} <= {DELETE, FORGET, TRANSFER}
    for ref in refs:
        if ref.policy == TRANSFER:  # passed on within its municipality
            assert {"id", "municipality"} <= set(ref.table.columns.keys()), ref.table.name


def test_every_table_is_pruned_by_a_rule_or_says_why_it_is_kept() -> None:
    pruned = [name for rule in retention.RULES for name in rule.tables]
    assert len(pruned) == len(set(pruned))
    tables = {table.name for table in Base.metadata.sorted_tables}
    assert set(pruned) | set(retention.KEPT) == tables
    assert not set(pruned) & set(retention.KEPT)


def test_every_kind_of_record_in_the_copy_has_a_name_in_the_summary() -> None:
    kinds = {r.table.name for r in references()} - export.IN_PROFILE
    assert kinds <= set(KINDS)
