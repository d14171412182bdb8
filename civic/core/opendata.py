"""The open data catalogue: each feature lists its public datasets (formats and fields) in its
FEATURE; the app gathers them into DATASETS, and the open data hub page lists them all under the
Open Government Licence v3.0. How the files themselves are written (CSV guard, licence wrapper,
Atom, small counts) is civic.core.publish."""

from __future__ import annotations

from dataclasses import dataclass

from civic.core.i18n import Text


@dataclass(frozen=True)
class Dataset:
    title: Text  # lazy: shown in the reader's language
    description: Text
    formats: tuple[tuple[str, str], ...]  # (format name, URL path), e.g. ("JSON", "/petitions.json")
    fields: tuple[tuple[str, Text], ...]  # (field, meaning): the name stays English, the meaning is lazy
    feature: Text = ""


DATASETS: list[Dataset] = []  # every feature's datasets, filled in by civic.features


def register_dataset(dataset: Dataset) -> Dataset:
    DATASETS.append(dataset)
    return dataset
