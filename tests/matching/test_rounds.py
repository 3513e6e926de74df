import numpy as np
import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from introductions.explanations import Explanation
from introductions.factories import IntroductionFactory
from introductions.models import Introduction
from introductions.services import (
    ProposedPair,
    introductions_create_proposed,
    introductions_propose,
)
from matching import services
from matching.explain import explanations_for
from matching.models import (
    AutoPause,
    Candidate,
    LeftOut,
    Round,
    RoundBlock,
    RoundPair,
)
from matching.services import blocks, choose
from profiles.models import Profile

from .conftest import interest_named

pytestmark = pytest.mark.django_db


def run_round(dry_run: bool = False) -> Round:
    round_ = services.round_create(trigger=Round.Trigger.COMMAND, dry_run=dry_run)
    assert round_ is not None, "a real round is still running"
    return services.round_run_sync(round_id=round_.pk)


def candidate_rows(round_: Round) -> list[tuple]:
    return list(
        Candidate.objects.filter(round=round_)
        .order_by("member_id", "rank")
        .values_list("member_id", "rank", "candidate_id", "score")
    )


@pytest.fixture
def journalists(make_member, goal_kind, specialty):
    """Two members who obviously belong together and one who belongs elsewhere."""
    mentorship = goal_kind("Mentorship")
    journalism = interest_named("Medical journalism")
    burnout = interest_named("Burnout", sensitive=True)
    writer = make_member(
        [journalism, "AI in medicine", burnout, "Rowing"],
        seeks=[(mentorship, journalism)],
        specialty=specialty("Cardiology"),
    )
    editor = make_member(
        [journalism, "AI in medicine", burnout, "Chess"],
        offers=[mentorship],
        specialty=specialty("Oncology"),
    )
    loner = make_member(["Beekeeping", "Sailing", "Opera"])
    return writer, editor, loner


def test_a_round_proposes_the_obvious_pair_with_a_believable_explanation(
    journalists,
):
    writer, editor, loner = journalists

    round_ = run_round()

    assert round_.status == Round.Status.DONE
    intro = Introduction.objects.get()
    assert (intro.member_a, intro.member_b) == tuple(
        sorted((writer, editor), key=lambda p: p.pk)
    )
    assert intro.state == Introduction.State.PROPOSED
    assert intro.score > 0.5
    explanation = intro.explanation
    assert set(explanation["shared_interests"]) == {
        "Medical journalism",
        "AI in medicine",
    }
    assert "Burnout" not in explanation["shared_interests"]
    assert explanation["shared_sensitive_interests"] == ["Burnout"]
    assert explanation["goals"] == [
        {
            "seeker": writer.pk,
            "offerer": editor.pk,
            "kind": "Mentorship",
            # The editor offers mentorship on no topic: no topic both goals share.
            "interest": None,
        }
    ]
    assert explanation["cross_specialty"] is True
    assert round_.members_considered == 3
    assert round_.pairs_chosen == round_.intros_created == 1
    assert RoundPair.objects.get(round=round_).introduction == intro
    assert LeftOut.objects.get(round=round_).member == loner
    writer.refresh_from_db()
    loner.refresh_from_db()
    assert writer.last_intro_at is not None
    assert loner.last_intro_at is None


def test_a_member_with_no_candidate_is_left_out_for_that_reason(journalists):
    *_, loner = journalists
    round_ = run_round()
    assert LeftOut.objects.get(round=round_, member=loner).reason == (
        LeftOut.Reason.NO_CANDIDATE
    )


def test_the_odd_one_out_is_recorded_and_comes_first_next_round(make_member):
    members = [make_member() for _ in range(3)]
    round_ = run_round()
    assert round_.pairs_chosen == 1
    left = LeftOut.objects.get(round=round_)
    assert left.reason == LeftOut.Reason.ODD_ONE_OUT
    assert left.member in members
    snapshot = services.population_load()
    row = int(np.searchsorted(snapshot.ids, left.member_id))
    assert snapshot.priority[row] == 0


def test_a_rerun_proposes_no_duplicate(journalists):
    run_round()
    second = run_round()
    assert Introduction.objects.count() == 1
    assert second.intros_created == 0


def test_the_proposal_service_skips_a_pair_with_an_open_intro(journalists):
    writer, editor, _ = journalists
    pair = ProposedPair(editor.pk, writer.pk, 0.7, Explanation(shared_interests=("x",)))
    first = introductions_create_proposed(pairs=[pair])
    again = introductions_create_proposed(pairs=[pair, pair])
    assert len(first) == 1
    assert first[0].member_a_id == min(writer.pk, editor.pk)
    assert again == []
    assert Introduction.objects.count() == 1


def test_the_lean_proposal_service_returns_ids_by_ordered_pair(make_member):
    members = [make_member() for _ in range(4)]
    open_pair = ProposedPair(members[1].pk, members[0].pk, 0.5)
    introductions_propose(pairs=[open_pair])
    created = introductions_propose(
        pairs=[open_pair, ProposedPair(members[3].pk, members[2].pk, 0.25)],
        batch_size=1,
    )
    low, high = sorted((members[2].pk, members[3].pk))
    assert created == {
        (low, high): Introduction.objects.get(member_a=low, member_b=high).pk
    }


def test_a_dry_run_proposes_nothing_and_touches_no_member(journalists):
    writer, *_ = journalists
    round_ = run_round(dry_run=True)
    assert round_.status == Round.Status.DONE
    assert round_.pairs_chosen == 1
    assert RoundPair.objects.filter(round=round_).count() == 1
    assert Introduction.objects.count() == 0
    writer.refresh_from_db()
    assert writer.last_intro_at is None


def test_a_block_scored_twice_writes_its_rows_once(make_member, settings):
    settings.MATCHING_BLOCK_SIZE = 2
    for _ in range(5):
        make_member()
    round_ = services.round_create(trigger=Round.Trigger.COMMAND)
    services.round_prepare(round_id=round_.pk)
    services.round_score_block(round_id=round_.pk, block=1)
    once = candidate_rows(round_)
    services.round_score_block(round_id=round_.pk, block=1)
    assert candidate_rows(round_) == once
    assert len(once) == RoundBlock.objects.get(round=round_, block=1).candidates
    assert {row[0] for row in once} <= set(Profile.objects.values_list("pk", flat=True))
    assert len(once) == 2 * 4  # two members, each with the four others


def test_blocks_write_the_same_candidates_as_one_block(
    make_member, goal_kind, settings
):
    kind = goal_kind("Research collaboration")
    tags = ["Medical journalism", "AI in medicine", "Global health", "Opera", "Chess"]
    for i in range(9):
        make_member(
            tags[i % 3 : i % 3 + 3],
            seeks=[kind] if i % 2 else [],
            offers=[] if i % 2 else [kind],
        )
    settings.MATCHING_K = 3
    settings.MATCHING_BLOCK_SIZE = 100
    whole = run_round(dry_run=True)
    settings.MATCHING_BLOCK_SIZE = 2
    blocked = run_round(dry_run=True)
    assert (whole.blocks, blocked.blocks) == (1, 5)
    assert candidate_rows(whole) == candidate_rows(blocked)
    assert len(candidate_rows(whole)) == 9 * 3


def test_a_crashed_round_resumes_without_duplicates(journalists, settings):
    settings.MATCHING_BLOCK_SIZE = 1
    round_ = services.round_create(trigger=Round.Trigger.COMMAND)
    services.round_prepare(round_id=round_.pk)
    services.round_score_block(round_id=round_.pk, block=0)
    services.round_fail(round_id=round_.pk, error="worker lost")

    resumed = services.round_run_sync(round_id=round_.pk)
    again = services.round_run_sync(round_id=round_.pk)

    assert resumed.status == again.status == Round.Status.DONE
    assert Introduction.objects.count() == 1
    assert RoundPair.objects.filter(round=round_).count() == 1


def test_the_command_prints_figures_and_example_intros(journalists, capsys):
    call_command("run_match_round", "--sync", "--dry-run")
    out = capsys.readouterr().out
    assert "members considered  3" in out
    assert "pairs chosen        1" in out
    assert "Medical journalism" in out
    assert "Burnout" in out  # the admin sees the sensitive key; members never do
    assert Introduction.objects.count() == 0


def test_the_admin_shows_a_rounds_pairs_and_left_out_members(
    journalists, admin_client, django_assert_max_num_queries
):
    round_ = run_round()
    with django_assert_max_num_queries(30):
        response = admin_client.get(
            reverse("admin:matching_round_change", args=[round_.pk])
        )
    assert response.status_code == 200
    content = response.content.decode()
    assert "No good match this round" in content
    assert str(journalists[2]) in content
    changelist = admin_client.get(reverse("admin:matching_round_changelist"))
    assert "Dry run a round now" in changelist.content.decode()


def test_the_admin_dry_run_button_wants_a_post(admin_client):
    response = admin_client.get(reverse("admin:matching_round_dry_run"))
    assert response.status_code == 405


def test_candidate_rows_use_the_binary_copy_layout(make_member):
    for _ in range(3):
        make_member()
    round_ = run_round(dry_run=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), min(score), max(rank) FROM matching_candidate"
            " WHERE round_id = %s",
            [round_.pk],
        )
        count, low, top_rank = cursor.fetchone()
    assert count == 6
    assert low > 0
    assert top_rank == 1


def test_shared_tags_match_a_pair_by_pair_intersection_rarest_first():
    from matching.explain import shared_tags
    from matching.snapshot import Snapshot
    from matching.synthetic import synthetic_population

    pop = synthetic_population(300, seed=3)
    n = 300
    snapshot = Snapshot(
        ids=np.arange(1, n + 1, dtype=np.int64),
        tag_indptr=pop.tag_indptr,
        tag_indices=pop.tag_indices,
        tag_ids=np.arange(pop.n_tags, dtype=np.int64),
        seeks=pop.seeks,
        offers=pop.offers,
        goal_kind_ids=np.arange(20, dtype=np.int64),
        specialty=pop.specialty,
        prefers_other=pop.prefers_other,
        priority=pop.priority,
        capacity=np.ones(n, np.int32),
        excluded=np.zeros(0, np.int64),
    )
    rng = np.random.default_rng(1)
    pairs = rng.integers(0, n, size=(500, 2))
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    pair_of, tags = shared_tags(snapshot, pairs)

    ptr, idx = pop.tag_indptr, pop.tag_indices
    df = np.bincount(idx, minlength=pop.n_tags)
    expected = []
    for p, (i, j) in enumerate(pairs.tolist()):
        common = sorted(
            set(idx[ptr[i] : ptr[i + 1]].tolist())
            & set(idx[ptr[j] : ptr[j + 1]].tolist()),
            key=lambda t: (df[t], t),
        )
        expected += [(p, t) for t in common]
    assert list(zip(pair_of.tolist(), tags.tolist(), strict=True)) == expected
    assert expected, "the sample must contain shared tags to mean anything"


def test_explanations_survive_the_bulk_writes_with_awkward_names(
    make_member, goal_kind
):
    awkward = interest_named('Ob/Gyn "care" \\ naïve\ttab')
    mentorship = goal_kind('Mentor\\ship "1:1"')
    seeker = make_member([awkward, "AI in medicine", "Chess"], seeks=[mentorship])
    offerer = make_member([awkward, "AI in medicine", "Opera"], offers=[mentorship])

    round_ = run_round()

    pair = RoundPair.objects.get(round=round_)
    intro = Introduction.objects.get()
    for explanation in (pair.explanation, intro.explanation):
        assert explanation["shared_interests"][0] == 'Ob/Gyn "care" \\ naïve\ttab'
        assert explanation["goals"][0]["kind"] == 'Mentor\\ship "1:1"'
        assert explanation["goals"][0]["seeker"] == seeker.pk
        assert explanation["goals"][0]["offerer"] == offerer.pk
    assert pair.introduction == intro
    assert pair.score == pytest.approx(intro.score)


def test_the_proposal_service_returns_saved_intros_with_their_defaults(
    make_member,
):
    members = [make_member() for _ in range(4)]
    pairs = [
        ProposedPair(members[1].pk, members[0].pk, 0.5, Explanation()),
        ProposedPair(
            members[2].pk, members[3].pk, 0.25, Explanation(shared_interests=("x",))
        ),
    ]
    created = introductions_create_proposed(pairs=pairs, batch_size=1)
    assert len(created) == 2
    for intro in created:
        stored = Introduction.objects.get(pk=intro.pk)
        assert (stored.member_a_id, stored.member_b_id) == (
            intro.member_a_id,
            intro.member_b_id,
        )
        assert stored.member_a_id < stored.member_b_id
        assert stored.state == intro.state == Introduction.State.PROPOSED
        assert stored.score == intro.score
        assert stored.explanation == intro.explanation
        assert stored.a_response == stored.b_response == ""
        assert stored.proposed_slots == []
        assert stored.created_at == intro.created_at
        assert not intro._state.adding
    with pytest.raises(ValueError, match="themself"):
        introductions_create_proposed(
            pairs=[ProposedPair(members[0].pk, members[0].pk)]
        )


def test_a_round_marks_only_paired_members_as_just_introduced(make_member):
    members = [make_member() for _ in range(5)]
    round_ = run_round()
    paired = set(
        RoundPair.objects.filter(round=round_).values_list("member_a", "member_b")
    )
    paired_ids = {pk for pair in paired for pk in pair}
    assert len(paired_ids) == 4
    for member in members:
        member.refresh_from_db()
        assert (member.last_intro_at == round_.started_at) is (member.pk in paired_ids)
        assert (member.last_intro_at is None) is (member.pk not in paired_ids)


def test_a_pair_skipped_for_its_open_intro_is_not_marked_just_introduced(journalists):
    writer, editor, _ = journalists
    round_ = services.round_create(trigger=Round.Trigger.COMMAND)
    services.round_prepare(round_id=round_.pk)
    services.round_score_block(round_id=round_.pk, block=0)
    # Introduced by hand between the snapshot and the pairing.
    IntroductionFactory(member_a=writer, member_b=editor)

    round_ = services.round_finish(round_id=round_.pk)

    assert round_.pairs_chosen == 1
    assert round_.intros_created == 0
    for member in (writer, editor):
        member.refresh_from_db()
        assert member.last_intro_at is None


def test_candidates_kept_by_the_scoring_process_equal_the_stored_rows(
    make_member, goal_kind, settings
):
    kind = goal_kind("Research collaboration")
    tags = ["Medical journalism", "AI in medicine", "Global health", "Opera", "Chess"]
    for i in range(9):
        make_member(tags[i % 3 : i % 3 + 3], seeks=[kind] if i % 2 else [])
    settings.MATCHING_K = 3
    settings.MATCHING_BLOCK_SIZE = 4
    round_ = services.round_create(trigger=Round.Trigger.COMMAND, dry_run=True)
    services.round_prepare(round_id=round_.pk)
    for block in services.round_blocks_pending(round_id=round_.pk):
        services.round_score_block(round_id=round_.pk, block=block)
    round_.refresh_from_db()
    snapshot = services.round_snapshot(round_.pk)
    assert len(blocks._block_cache) == 3

    kept = services.round_candidates(round_, snapshot)
    assert blocks._block_cache == {}, "used once, then memory is given back"
    stored = services.round_candidates(round_, snapshot)

    assert np.array_equal(kept[0], stored[0])
    assert np.array_equal(kept[1], stored[1])
    assert (kept[0] >= 0).sum() == 9 * 3


def test_a_block_rescored_elsewhere_is_read_from_the_table(make_member, settings):
    for _ in range(5):
        make_member()
    settings.MATCHING_BLOCK_SIZE = 2
    round_ = services.round_create(trigger=Round.Trigger.COMMAND, dry_run=True)
    services.round_prepare(round_id=round_.pk)
    for block in services.round_blocks_pending(round_id=round_.pk):
        services.round_score_block(round_id=round_.pk, block=block)
    # Another worker scored block 1: this process's copy of it is gone.
    del blocks._block_cache[round_.pk, 1]
    round_.refresh_from_db()
    cand, _ = services.round_candidates(round_, services.round_snapshot(round_.pk))
    assert (cand >= 0).sum() == 5 * 4


@pytest.mark.parametrize("leaves", ["deleted", "suspended"])
def test_a_member_who_leaves_mid_round_gets_no_intro(journalists, leaves):
    _writer, editor, _loner = journalists
    round_ = services.round_create(trigger=Round.Trigger.COMMAND)
    services.round_prepare(round_id=round_.pk)
    services.round_score_block(round_id=round_.pk, block=0)
    if leaves == "deleted":
        from profiles.privacy import member_delete

        member_delete(user=editor.user)
    else:
        editor.user.is_active = False
        editor.user.save()

    done = services.round_run_sync(round_id=round_.pk)

    assert done.status == Round.Status.DONE
    assert done.pairs_chosen == 0
    assert not Introduction.objects.exists()
    assert not RoundPair.objects.filter(round=round_).exists()


def test_the_introductions_admin_filters_by_round(journalists, admin_client):
    first = run_round()
    intro = Introduction.objects.get()
    other = Introduction.objects.create(
        member_a=journalists[0], member_b=journalists[2], state="declined"
    )
    url = reverse("admin:introductions_introduction_changelist")

    listed = admin_client.get(url, {"round": first.pk}).context["cl"].result_list

    assert list(listed) == [intro]
    assert other not in listed


def test_the_admin_cannot_delete_a_round(journalists, admin_client):
    round_ = run_round()
    url = reverse("admin:matching_round_delete", args=[round_.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    changelist = admin_client.get(reverse("admin:matching_round_changelist"))
    assert "delete_selected" not in changelist.content.decode()
    assert Round.objects.filter(pk=round_.pk).exists()


def test_the_auto_pause_admin_lists_rows_in_constant_queries(
    make_member, admin_client, django_assert_max_num_queries
):
    url = reverse("admin:matching_autopause_changelist")
    for _ in range(2):
        round_ = services.round_create(trigger=Round.Trigger.COMMAND)
        services.round_fail(round_id=round_.pk, error="test")
        AutoPause.objects.create(profile=make_member(), round=round_)
    with django_assert_max_num_queries(20) as few:
        assert admin_client.get(url).status_code == 200
    for _ in range(5):
        round_ = services.round_create(trigger=Round.Trigger.COMMAND)
        services.round_fail(round_id=round_.pk, error="test")
        AutoPause.objects.create(profile=make_member(), round=round_)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert admin_client.get(url).status_code == 200


def test_explanations_read_the_interests_in_one_query(
    journalists, django_assert_num_queries
):
    writer, editor, _ = journalists
    snapshot = services.population_load()
    pair = np.searchsorted(snapshot.ids, [[writer.pk, editor.pk]])
    # One query for the interests (names and sensitivity), one for the goal kinds.
    with django_assert_num_queries(2):
        (explanation,) = explanations_for(snapshot, pair)
    assert set(explanation.shared_interests) == {
        "Medical journalism",
        "AI in medicine",
    }
    assert explanation.shared_sensitive_interests == ("Burnout",)


def test_a_finisher_overlapping_another_leaves_the_finished_round_alone(
    journalists, monkeypatch
):
    round_ = services.round_create(trigger=Round.Trigger.COMMAND)
    services.round_prepare(round_id=round_.pk)
    services.round_score_block(round_id=round_.pk, block=0)
    real = choose.pair_round

    def the_other_finisher_wins(*args, **kwargs):
        monkeypatch.setattr(choose, "pair_round", real)
        services.round_finish(round_id=round_.pk)
        return real(*args, **kwargs)

    monkeypatch.setattr(choose, "pair_round", the_other_finisher_wins)
    services.round_finish(round_id=round_.pk)

    round_.refresh_from_db()
    assert round_.status == Round.Status.DONE
    assert round_.intros_created == 1 == Introduction.objects.count()
