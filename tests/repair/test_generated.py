"""Generated blocked designs: every proposal found passes the gate and is 1-minimal."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from studio.lint import lint_dreamscape
from studio.model import Edge, Node
from studio.model.ops import AddEdge, AddNode, UpdateNode, UpdateRecord
from studio.repair import rebalance
from studio.repair.search import ds_with
from tests.bench.generate import generate_dreamscape


@st.composite
def blocked_designs(draw):  # noqa: ANN201 - a hypothesis strategy
    ds = generate_dreamscape(draw(st.integers(8, 24)), seed=draw(st.integers(0, 10_000)))
    ids = [n.id for n in ds.nodes if n.kind not in ("entry", "exit")]
    if draw(st.booleans()):
        UpdateRecord("meta", {"audience": draw(st.sampled_from(["child", "teen"]))}).apply(ds)
    for node_id in draw(st.lists(st.sampled_from(ids), max_size=3, unique=True)):
        change = draw(st.sampled_from([{"kind": "nightmare"}, {"intensity": 0.95}]))
        UpdateNode(node_id, change).apply(ds)
    if draw(st.booleans()):  # a closed loop no exit can be reached from
        door = draw(st.sampled_from(ids))
        AddNode(Node("vault_a", "reward", "Spin", "The reels turn.", 2, 0.6)).apply(ds)
        AddNode(Node("vault_b", "scene", "Mirrors", "No door here.", 2, 0.5)).apply(ds)
        AddEdge(Edge("into_vault", door, "vault_a", "A golden door")).apply(ds)
        AddEdge(Edge("vault_ab", "vault_a", "vault_b")).apply(ds)
        AddEdge(Edge("vault_ba", "vault_b", "vault_a")).apply(ds)
    if draw(st.booleans()):
        node_id = draw(st.sampled_from(ids))
        text = ds.node(node_id).text + " Don't leave now. Come back tomorrow!"
        UpdateNode(node_id, {"text": text}).apply(ds)
    return ds


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(blocked_designs())
def test_proposals_pass_the_gate_and_are_one_minimal(ds) -> None:
    assume(lint_dreamscape(ds).blocked)
    proposal = rebalance(ds, budget=60)
    if not proposal.allowed:
        assert proposal.remaining or proposal.stopped  # it says why
        return
    edits = [pe.edit for pe in proposal.edits]
    assert edits
    assert not lint_dreamscape(ds_with(ds, edits)).blocked
    if not proposal.minimal:
        return  # stopped early: says so, and is not claimed minimal
    for i in range(len(edits)):
        try:
            fewer = ds_with(ds, edits[:i] + edits[i + 1 :])
        except ValueError:
            continue  # a later edit builds on this one
        assert lint_dreamscape(fewer).blocked, proposal.edits[i].summary
