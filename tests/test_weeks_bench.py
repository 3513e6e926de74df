"""bench/weeks.py lives through weeks with the app's own services: on a tiny
community for two weeks, its figures are all there and hang together."""

from bench.weeks import simulate
from profiles.factories import GoalKindFactory, InterestFactory

PER_WEEK = {
    "strong_share",
    "hollow_intros",
    "connections",
    "left_out_with_candidate",
    "max_consecutive_left_out",
    "silent_paused_by_week",
    "engaged_paused",
    "offcycle_hollow",
    "emails_per_connection",
}


def test_two_weeks_on_a_tiny_community_give_every_figure(db):
    # The taxonomy's migration rows are gone after a transactional test: enough
    # tags and goal kinds either way.
    InterestFactory.create_batch(15)
    GoalKindFactory.create_batch(3)
    figures = simulate(weeks=2, seed=3, members=15)

    weeks, total = figures["per_week"], figures["total"]
    assert [w["week"] for w in weeks] == [1, 2]
    for figure in (*weeks, total):
        assert figure.keys() >= PER_WEEK
    assert weeks[0]["pool"] == 15  # nobody introduced yet: everyone is due
    assert weeks[0]["intros"] > 0
    assert total["intros"] == sum(w["intros"] for w in weeks)
    assert total["connections"] <= total["intros"]
    for w in weeks:
        assert 0 <= w["hollow_intros"] <= w["intros"]
        assert 0 <= w["offcycle_hollow"] <= w["hollow_intros"]
        assert w["strong_share"] is None or 0 <= w["strong_share"] <= 1
        assert 0 <= w["left_out_with_candidate"] <= w["pool"]
        assert 0 <= w["max_consecutive_left_out"] <= w["week"]
    assert len(total["silent_paused_by_week"]) == 2
    assert len(total["silent_offers_before_pause"]) == 2
    assert total["max_budgeted_emails_in_7_days"] >= 1
    # Both members of every offer got it, and each connection its two emails.
    assert total["emails_by_kind"]["offer"] == 2 * total["intros"]
    assert total["emails_by_kind"].get("connected", 0) == 2 * total["connections"]
    if total["connections"]:
        assert total["emails_per_connection"] == round(
            total["emails"] / total["connections"], 2
        )
