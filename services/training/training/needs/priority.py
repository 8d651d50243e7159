"""The priority score the forum can explain: points for people affected, severity and how many raised it."""
from __future__ import annotations

from inklusi_platform.contracts.problems import (
    PEOPLE_POINTS,
    POINTS_PER_RAISER,
    RAISER_POINTS_MAX,
    SEVERITY_POINTS,
)


def people_points(people_affected: int) -> int:
    return next((points for least, points in PEOPLE_POINTS if people_affected >= least), 0)


def score(people_affected: int, severity: str, raiser_count: int) -> dict:
    """The total and each part with the figure it came from, worded for the forum's meeting."""
    raisers = min(raiser_count * POINTS_PER_RAISER, RAISER_POINTS_MAX)
    parts = [
        {"factor": "people_affected", "value": people_affected, "points": people_points(people_affected),
         "explanation": f"{people_affected} orang terdampak"},
        {"factor": "severity", "value": severity, "points": SEVERITY_POINTS[severity],
         "explanation": f"tingkat keparahan {severity}"},
        {"factor": "raisers", "value": raiser_count, "points": raisers,
         "explanation": f"diajukan oleh {raiser_count} pihak"},
    ]
    return {"total": sum(p["points"] for p in parts), "parts": parts}
