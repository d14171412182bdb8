"""The open data catalogue: features register each public dataset with its formats and fields;
the open data hub page lists them all under the Open Government Licence v3.0. How the files
themselves are written (CSV guard, licence wrapper, Atom) is civic.core.publish."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dataset:
    title: str
    description: str
    formats: tuple[tuple[str, str], ...]  # (format name, URL path), e.g. ("JSON", "/petitions.json")
    fields: tuple[tuple[str, str], ...]  # (field, meaning)
    feature: str = ""


DATASETS: list[Dataset] = []


def register_dataset(dataset: Dataset) -> Dataset:
    DATASETS.append(dataset)
    return dataset
