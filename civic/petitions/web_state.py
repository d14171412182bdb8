"""The petition objects one process keeps between requests, built once at startup (see app.py).

The hot public paths (the page, the count fragment, signing) reuse what this process read a moment
ago, and signatures and confirmations are written in group commits; each of these lives here, typed,
instead of being made on first request under a string name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.content_languages import Versions
from civic.core.fastpath import FastPaths, language_key
from civic.core.state import AppState
from civic.petitions.cache import TTLCache
from civic.petitions.models import Petition
from civic.petitions.notify_sign import ConfirmationDrafts
from civic.petitions.policy import policy_of
from civic.petitions.service_batching import GroupCommit, SignRequest, sign_many
from civic.petitions.service_counting import CountCache
from civic.petitions.service_signing import Confirmation, confirm_many
from civic.petitions.web_fragments import PreparedFragment, count_path


@dataclass(eq=False)
class PetitionState:
    """Caches (each for PETITION_COUNT_CACHE_SECONDS unless it says otherwise) and writers."""

    counts: CountCache
    petitions: TTLCache[int, Petition]  # recently read petitions, for the hot public paths
    texts: TTLCache[int, Versions]  # their text in the other languages (versions.py), for the same
    # Rendered text is kept per language: the key is (petition id, language).
    fragments: TTLCache[tuple[int, str], PreparedFragment]
    pages: TTLCache[tuple[int, str], dict[str, Any]]  # what a page shows, in its language
    rendered_pages: TTLCache[
        tuple[int, str], str
    ]  # pages as anonymous visitors see them (web_shared_pages.py)
    fragment_counts: TTLCache[int, int]
    postcodes: TTLCache[str, str]  # postcode -> ward code ('' outside); postcodes rarely change
    signer: GroupCommit[SignRequest, bool]
    confirmer: GroupCommit[int, Confirmation | None]
    drafts: ConfirmationDrafts  # confirmation email drafts (notify_sign.py)
    fast_paths: FastPaths  # the app's; the count fragment is offered there too (web_fragments.py)
    languages: tuple[str, ...]  # the languages offered, so every language's copy can be forgotten

    def forget(self, petition_id: int) -> None:
        """Called after this process changes a petition, so its own next read is fresh."""
        self.counts.forget(petition_id)
        for cache in (self.petitions, self.texts, self.fragment_counts):
            cache.forget(petition_id)
        for lang in self.languages:
            self.fast_paths.forget(language_key(count_path(petition_id), lang))
            self.pages.forget((petition_id, lang))
            self.fragments.forget((petition_id, lang))
            self.rendered_pages.forget((petition_id, lang))


def build(app: AppState) -> PetitionState:
    rules = policy_of(app.settings)
    seconds = rules.count_cache_seconds

    async def sign(session: AsyncSession, items: list[SignRequest]) -> list[bool]:
        return await sign_many(session, items, now=app.clock.now(), policy=rules, mail=app.mail)

    async def confirm(session: AsyncSession, ids: list[int]) -> list[Confirmation | None]:
        return await confirm_many(session, ids, now=app.clock.now(), policy=rules, mail=app.mail)

    return PetitionState(
        counts=CountCache(seconds),
        petitions=TTLCache(seconds),
        texts=TTLCache(seconds),
        fragments=TTLCache(seconds),
        pages=TTLCache(seconds),
        rendered_pages=TTLCache(seconds),
        fragment_counts=TTLCache(seconds),
        postcodes=TTLCache(600 if seconds else 0),
        signer=GroupCommit(app.db, sign),
        confirmer=GroupCommit(app.db, confirm),
        drafts=ConfirmationDrafts(app.mail),
        fast_paths=app.fast_paths,
        languages=app.settings.languages,
    )
