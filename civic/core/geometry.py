"""Ward boundaries from an ONS boundary file, made small enough for a web page.

ONS publishes ward boundaries as GeoJSON FeatureCollections in WGS84 longitude/latitude; each
feature's properties carry the ward code under a key naming the boundary year (`WD24CD`, `WD23CD`,
...) and the name under the matching `WDyyNM`. Civic needs two things from each ward: a simplified
outline in longitude/latitude for open data, and an SVG path for the server-rendered maps.

Simplification uses shapely's coverage simplification, which treats the wards as one coverage and
moves each shared border once, so neighbouring wards stay neighbours (no gaps or slivers appear
between them, as they would if each ward were simplified on its own). The projection is
equirectangular with the x axis scaled by cos(latitude) at the middle of the council's area: at the
size of a council (tens of kilometres) it is within a fraction of a percent of a conformal projection
and needs no projection library. Pure: no web framework, no database.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry

CODE_KEY = re.compile(r"^WD\d{2}CD$", re.IGNORECASE)
TOLERANCE = 0.0003  # degrees, about 20-30 m in the UK: invisible at the size a map is drawn
LONLAT_DIGITS = 5  # about 1 m: more digits only make the open data bigger
MAP_WIDTH = 1000.0  # SVG user units across the whole council; the page scales it to fit
PATH_DIGITS = 1


class BoundaryError(ValueError):
    """A boundary file Civic cannot read; the message says what is wrong, for the person importing."""


@dataclass(frozen=True)
class RawWard:
    code: str
    name: str
    geometry: BaseGeometry


@dataclass(frozen=True)
class WardShape:
    """One ward ready to store and draw: its outline in lon/lat (GeoJSON), its SVG path and box."""

    code: str
    name: str
    geojson: dict[str, Any]
    path: str
    box: tuple[float, float, float, float]  # min x, min y, max x, max y in map units


def code_keys(properties: dict[str, Any]) -> tuple[str, str | None]:
    """The ward code key (`WD24CD`, any year, any case) and its name key, if present."""
    for key in properties:
        if CODE_KEY.match(key):
            name = key[:-2] + ("NM" if key[-2:] == "CD" else "nm")
            return key, name if name in properties else None
    raise BoundaryError(
        "the features have no ward code property (looked for WDyyCD, such as WD24CD): "
        "is this an ONS ward boundary file?"
    )


def _geometry(feature: Any, number: int) -> BaseGeometry:
    raw = feature.get("geometry") if isinstance(feature, dict) else None
    if not isinstance(raw, dict) or raw.get("type") not in {"Polygon", "MultiPolygon"}:
        raise BoundaryError(f"feature {number} has no Polygon or MultiPolygon geometry")
    try:
        geometry = shape(raw)
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.ShapelyError) as exc:
        raise BoundaryError(f"feature {number} has a geometry that cannot be read: {exc}") from None
    minx, miny, maxx, maxy = geometry.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise BoundaryError(
            f"feature {number} has coordinates outside longitude/latitude (British National Grid?): "
            "use the WGS84 (EPSG:4326) GeoJSON download"
        )
    return geometry if geometry.is_valid else shapely.make_valid(geometry)


def _check_crs(document: dict[str, Any]) -> None:
    name = str(((document.get("crs") or {}).get("properties") or {}).get("name", ""))
    if "27700" in name:
        raise BoundaryError(
            "this file is in British National Grid (EPSG:27700): use the WGS84 (EPSG:4326) GeoJSON download"
        )


def read_boundaries(text: str) -> list[RawWard]:
    """Every ward in an ONS GeoJSON FeatureCollection, in file order."""
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise BoundaryError(f"the file is not JSON ({exc})") from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise BoundaryError("the file is not a GeoJSON FeatureCollection")
    _check_crs(document)
    features = document.get("features")
    if not isinstance(features, list) or not features:
        raise BoundaryError("the FeatureCollection has no features")
    first = features[0].get("properties") if isinstance(features[0], dict) else None
    code_key, name_key = code_keys(first if isinstance(first, dict) else {})
    wards = []
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        code = str((properties or {}).get(code_key) or "").strip().upper()
        if not code:
            raise BoundaryError(f"feature {number} has no {code_key}")
        name = str((properties or {}).get(name_key or "", "") or code).strip()
        wards.append(RawWard(code, name, _geometry(feature, number)))
    return wards


def simplify(geometries: Sequence[BaseGeometry], tolerance: float = TOLERANCE) -> list[BaseGeometry]:
    """Simplify the wards together, keeping shared borders shared. A result that is empty or
    invalid (a tiny ward collapsing) falls back to that ward's own topology-preserving simplify."""
    simplified = list(shapely.coverage_simplify(list(geometries), tolerance, simplify_boundary=True))
    for i, result in enumerate(simplified):
        if result.is_empty or not result.is_valid:
            simplified[i] = geometries[i].simplify(tolerance, preserve_topology=True)
    return simplified


def rounded(geometry: BaseGeometry, digits: int = LONLAT_DIGITS) -> dict[str, Any]:
    """The GeoJSON geometry with coordinates rounded, for open data."""
    as_json: dict[str, Any] = json.loads(json.dumps(mapping(geometry)))
    result: dict[str, Any] = _round_coords(as_json, digits)
    return result


def _round_coords(node: Any, digits: int) -> Any:
    if isinstance(node, dict):
        return {k: _round_coords(v, digits) for k, v in node.items()}
    if isinstance(node, list | tuple):
        if node and all(isinstance(v, int | float) for v in node):
            return [round(float(v), digits) for v in node]
        return [_round_coords(v, digits) for v in node]
    return node


@dataclass(frozen=True)
class Frame:
    """The projection shared by every ward of one import, so their paths fit together."""

    west: float
    north: float
    cos_lat: float
    scale: float

    @classmethod
    def around(cls, geometries: Sequence[BaseGeometry]) -> Frame:
        west, south, east, north = shapely.total_bounds(list(geometries)).tolist()
        cos_lat = math.cos(math.radians((south + north) / 2))
        width = max((east - west) * cos_lat, 1e-9)
        return cls(west, north, cos_lat, MAP_WIDTH / width)

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        """Equirectangular: x east, y down (SVG), both in map units."""
        x = (lon - self.west) * self.cos_lat * self.scale
        y = (self.north - lat) * self.scale
        return round(x, PATH_DIGITS), round(y, PATH_DIGITS)


def _polygons(geometry: BaseGeometry) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [geometry]
    if isinstance(geometry, MultiPolygon):
        return list(geometry.geoms)
    if hasattr(geometry, "geoms"):  # a GeometryCollection from make_valid: keep its areas
        return [p for g in geometry.geoms for p in _polygons(g)]
    return []


def _ring(frame: Frame, coords: Sequence[Sequence[float]]) -> str:
    points: list[str] = []
    for lon, lat, *_ in coords[:-1]:
        x, y = frame.point(lon, lat)
        text = f"{x:g},{y:g}"
        if not points or points[-1] != text:
            points.append(text)
    return "M" + "L".join(points) + "Z" if len(points) >= 3 else ""


def svg_path(frame: Frame, geometry: BaseGeometry) -> str:
    """Path data for a ward: one subpath per ring; holes are drawn with fill-rule evenodd."""
    rings = []
    for polygon in _polygons(geometry):
        rings.append(_ring(frame, list(polygon.exterior.coords)))
        rings.extend(_ring(frame, list(hole.coords)) for hole in polygon.interiors)
    return "".join(rings)


def prepare(wards: Sequence[RawWard], tolerance: float = TOLERANCE) -> list[WardShape]:
    """Simplify, round and project a council's wards together."""
    if not wards:
        return []
    try:
        simplified = simplify([w.geometry for w in wards], tolerance)
    except shapely.errors.ShapelyError as exc:
        raise BoundaryError(f"the boundaries cannot be simplified: {exc}") from None
    frame = Frame.around(simplified)
    shapes = []
    for ward, geometry in zip(wards, simplified, strict=True):
        minx, miny, maxx, maxy = geometry.bounds
        x0, y1 = frame.point(minx, miny)
        x1, y0 = frame.point(maxx, maxy)
        box = (x0, y0, x1, y1)
        shapes.append(WardShape(ward.code, ward.name, rounded(geometry), svg_path(frame, geometry), box))
    return shapes
