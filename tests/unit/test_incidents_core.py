"""Pure cores of incidents: cones, de-duplication, lifecycle, escalation, rules, messages."""

from __future__ import annotations

from datetime import timedelta

import pytest
import shapely

from ioc.config.incidents import DATA, IncidentSettings
from ioc.incidents.escalation import first_deadline, next_alarm
from ioc.incidents.geometry import box_overlap, cones_cross, crossing_point, view_cone
from ioc.incidents.grouping import Candidate, Sighting, decide
from ioc.incidents.lifecycle import allowed_actions, transition
from ioc.incidents.rules import ThresholdRule, load_rules, sustained
from ioc.notify.webhook import sign, verify
from tests.incidents_support import T0

COOL = timedelta(minutes=10)
CONE_A = view_cone(108.40, 11.90, 90, 60, 5)
CONE_B = view_cone(108.44, 11.94, 180, 60, 5)
CONE_C = view_cone(108.60, 11.90, 90, 60, 5)


def seen(
    camera: str = "A", minutes: float = 0, box: tuple[float, ...] = (0.4, 0.3, 0.1, 0.1)
) -> Sighting:
    return Sighting(camera, "smoke", box, T0 + timedelta(minutes=minutes))


def test_cone_points_along_the_heading() -> None:
    assert CONE_A is not None
    assert CONE_A.covers(shapely.Point(108.43, 11.90))  # 3 km east
    assert not CONE_A.covers(shapely.Point(108.37, 11.90))  # behind the camera
    assert view_cone(108.4, 11.9, None, 60, 5) is None


def test_cones_cross_and_meet_where_both_look() -> None:
    assert cones_cross(CONE_A, CONE_B)
    assert not cones_cross(CONE_A, CONE_C)
    assert CONE_A is not None and CONE_B is not None
    lon, lat = crossing_point([CONE_A, CONE_B]) or (0, 0)
    assert 108.42 < lon < 108.45 and 11.89 < lat < 11.92


def test_box_overlap_is_share_of_smaller_box() -> None:
    assert box_overlap([0, 0, 0.2, 0.2], [0.1, 0.1, 0.2, 0.2]) == pytest.approx(0.25)
    assert box_overlap([0, 0, 0.1, 0.1], [0.5, 0.5, 0.1, 0.1]) == 0
    assert box_overlap(None, [0.5, 0.5, 0.1, 0.1]) == pytest.approx(1)


def test_fifty_detections_of_one_plume_are_one_incident() -> None:
    candidates: list[Candidate] = []
    verdicts = []
    for i in range(50):
        box = (0.40 + (i % 5) * 0.005, 0.30, 0.1, 0.1)  # the plume drifts a little
        decision = decide(seen(minutes=i * 0.5, box=box), CONE_A, candidates, COOL, 0.05)
        verdicts.append(decision.verdict)
        candidates = [Candidate(1, "new", T0 + timedelta(minutes=i * 0.5), {"A": [box]})]
    assert verdicts == ["new"] + ["join"] * 49


def test_other_region_or_after_cooldown_is_a_new_incident() -> None:
    open_one = [Candidate(1, "new", T0, {"A": [(0.4, 0.3, 0.1, 0.1)]})]
    far_box = seen(minutes=1, box=(0.8, 0.7, 0.1, 0.1))
    assert decide(far_box, CONE_A, open_one, COOL, 0.05).verdict == "new"
    assert decide(seen(minutes=11), CONE_A, open_one, COOL, 0.05).verdict == "new"
    assert decide(seen(minutes=9), CONE_A, open_one, COOL, 0.05).incident_id == 1


def test_neighbour_camera_with_crossing_cone_joins() -> None:
    assert CONE_A is not None
    open_one = [Candidate(7, "acknowledged", T0, {"A": [(0.4, 0.3, 0.1, 0.1)]}, [CONE_A])]
    decision = decide(
        seen("B", minutes=2, box=(0.9, 0.9, 0.05, 0.05)), CONE_B, open_one, COOL, 0.05
    )
    assert (decision.verdict, decision.incident_id) == ("join", 7)
    assert decide(seen("C", minutes=2), CONE_C, open_one, COOL, 0.05).verdict == "new"


def test_false_alarm_region_is_suppressed_resolved_is_not() -> None:
    box = (0.4, 0.3, 0.1, 0.1)
    false = [Candidate(3, "false_alarm", T0, {"A": [box]})]
    assert decide(seen(minutes=5), CONE_A, false, COOL, 0.05).verdict == "suppress"
    resolved = [Candidate(3, "resolved", T0, {"A": [box]})]
    assert decide(seen(minutes=5), CONE_A, resolved, COOL, 0.05).verdict == "new"


def test_lifecycle_transitions() -> None:
    assert transition("new", "acknowledge").to_status == "acknowledged"
    assert transition("acknowledged", "dispatch").to_status == "dispatched"
    assert transition("dispatched", "resolve").to_status == "resolved"
    assert transition("new", "false_alarm").to_status == "false_alarm"
    assert transition("resolved", "acknowledge").error == "not_allowed"
    assert transition("new", "explode").error == "unknown_action"
    assert allowed_actions("new") == ["acknowledge", "dispatch", "resolve", "false_alarm"]


def test_escalation_ladder_with_a_frozen_clock() -> None:
    cfg = IncidentSettings(escalation_minutes={"high": 5}, max_level=2, reminder_minutes=3)
    assert first_deadline(T0, "high", cfg) == T0 + timedelta(minutes=5)
    at5 = T0 + timedelta(minutes=5)
    first = next_alarm(0, "high", at5, cfg)
    assert (first.level, first.reason, first.next_at) == (
        1,
        "escalation",
        at5 + timedelta(minutes=5),
    )
    second = next_alarm(1, "high", first.next_at, cfg)
    assert (second.level, second.reason) == (2, "escalation")
    third = next_alarm(2, "high", second.next_at, cfg)
    assert (third.level, third.reason) == (2, "reminder")
    assert third.next_at == second.next_at + timedelta(minutes=3)


def test_pm25_must_stay_high_for_the_whole_window() -> None:
    rule = ThresholdRule("pm", "pm25_ugm3", 150, 10, "air_quality", "medium", "PM2.5")
    steady = [(T0 + timedelta(minutes=m), 180.0) for m in range(0, 11)]
    assert sustained(rule, steady, T0 + timedelta(minutes=10))
    assert not sustained(rule, steady[:6], T0 + timedelta(minutes=5))
    dip = [*steady[:5], (T0 + timedelta(minutes=5), 120.0), *steady[6:]]
    assert not sustained(rule, dip, T0 + timedelta(minutes=10))
    flood = ThresholdRule("f", "water_level_m", 3, 0, "flood", "critical", "Lũ")
    assert sustained(flood, [(T0, 3.4)], T0)


def test_shipped_rules_load() -> None:
    rules = {rule.name: rule for rule in load_rules(DATA / "incident_rules.toml")}
    assert rules["pm25_unhealthy"].above == 150 and rules["pm25_unhealthy"].for_minutes == 10
    assert rules["flood_level"].kind == "flood"


def test_webhook_signature() -> None:
    body = b'{"incident_id": 1}'
    header = sign("key", body)
    assert header.startswith("sha256=") and len(header) == 7 + 64
    assert verify("key", body, header)
    assert not verify("other", body, header)
