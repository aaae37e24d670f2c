"""Searching Soulseek and choosing files: `searching` (the poller, ranking, candidates), `peers` (the policy in
force and per-peer memory), `manual` (searches and picks by hand)."""

from matching.services.manual import (
    manual_query,
    manual_ranking,
    pick_candidate,
    refresh_manual_search,
    slskd_status,
    start_manual_search,
)
from matching.services.peers import current_policy, peer_records, record_peer_outcome
from matching.services.searching import (
    candidates_from_search,
    poll_searches,
    resolve_downloads,
    search_plan,
    start_due_searches,
    store_candidates,
    wanted_for,
)

__all__ = [
    "candidates_from_search",
    "current_policy",
    "manual_query",
    "manual_ranking",
    "peer_records",
    "pick_candidate",
    "poll_searches",
    "record_peer_outcome",
    "refresh_manual_search",
    "resolve_downloads",
    "search_plan",
    "slskd_status",
    "start_due_searches",
    "start_manual_search",
    "store_candidates",
    "wanted_for",
]
