"""Analyses across results: year over year and self-assessment vs review (compare),
sustainability, roll-ups and peer-group ranks."""

import pytest

import dtiscore


def score_framework(criteria, groups=None, title="Year"):
    """A framework of `score` criteria: criteria = [(id, max)]; groups = {group: [ids]}."""
    groups = groups or {"all": [c for c, _ in criteria]}
    top = dict(criteria)
    lines = [f'framework yoy "{title}" {{', f"    max {sum(top.values()):g}"]
    lines += [f"    input v_{c} number" for c, _ in criteria]
    for group, members in groups.items():
        lines.append(f'    group {group} "{group}" max {sum(top[c] for c in members):g} {{')
        lines += [f'        criterion {c} "{c}" max {top[c]:g} {{ score v_{c} }}' for c in members]
        lines.append("    }")
    lines.append("}")
    return dtiscore.loads("\n".join(lines))


# ---------------------------------------------------------------- year over year (seed 002)


def test_year_over_year_as_the_seed_reports_it():
    # 100 criteria of 10 points. 2022: c0..c21 at 5, c22 at 10, c23 at 7.55, the other 76 at 7.5
    #   = 110 + 10 + 7.55 + 570 = 697.55
    # 2023: c0..c20 up 3.5, c21 up 4.5 (= +78), c22 down 1.1 → 774.45, +76.9
    ids = [f"c{i}" for i in range(100)]
    framework = score_framework([(c, 10) for c in ids])
    before = {f"v_{c}": [5.0 if i < 22 else 10.0 if i == 22 else 7.55 if i == 23 else 7.5]
              for i, c in enumerate(ids)}
    after = {k: list(v) for k, v in before.items()}
    for i in range(21):
        after[f"v_c{i}"] = [8.5]
    after["v_c21"] = [9.5]
    after["v_c22"] = [8.9]
    y2022 = framework.score(before, units=["Thừa Thiên Huế"])
    y2023 = framework.score(after, units=["Thừa Thiên Huế"])
    assert y2022.total[0] == pytest.approx(697.55)
    assert y2023.total[0] == pytest.approx(774.45)
    comparison = dtiscore.compare(y2022, y2023)
    assert comparison.delta[0] == pytest.approx(76.9)
    assert (comparison.up[0], comparison.down[0], comparison.unchanged[0]) == (22, 1, 77)
    unit = comparison.unit("Thừa Thiên Huế")
    assert unit.text().splitlines()[0] == \
        "Thừa Thiên Huế: 697.55 → 774.45 (+76.9), 22 criteria up, 1 down, 77 unchanged"
    assert unit.text("vi").splitlines()[0] == \
        "Thừa Thiên Huế: 697,55 → 774,45 (+76,9), 22 tiêu chí tăng, 1 giảm, 77 không đổi"
    # the biggest change first: c21 +4.5, then the +3.5s, the one down (−1.1) last
    assert unit.changes[0].criterion == "c21" and unit.changes[-1].criterion == "c22"
    assert unit.changes[-1].delta == pytest.approx(-1.1)
    assert unit.groups == {"all": pytest.approx(76.9)}


def test_compare_across_framework_versions():
    old = score_framework([("a", 10), ("b", 10), ("old", 20)], {"g1": ["a", "b"], "g2": ["old"]})
    new = score_framework([("a", 10), ("b", 20), ("new", 10)], {"g1": ["a", "b"], "g3": ["new"]})
    before = old.score({"v_a": [5, 10], "v_b": [5, 10], "v_old": [20, 0]}, units=["x", "y"])
    after = new.score({"v_a": [7, 10], "v_b": [5, 12], "v_new": [10, 10]}, units=["y", "x"])
    c = dtiscore.compare(before, after)
    assert c.units == ["y", "x"]  # after's order
    assert c.criteria == ("a", "b") and c.added == ("new",) and c.removed == ("old",)
    assert c.groups == ("g1",)
    # y: 20 → 7 + 5 + 10 = 22; a −3, b −5; x: 30 → 10 + 12 + 10 = 32; a +5, b +7
    assert c.before.tolist() == [20, 30] and c.after.tolist() == [22, 32]
    assert c.up.tolist() == [0, 2] and c.down.tolist() == [2, 0]
    assert c.group("g1")[2].tolist() == [-8, 12]
    assert c.criterion("b")[2].tolist() == [-5, 7]
    table = c.table()
    assert list(table) == ["unit", "before", "after", "delta", "up", "down", "unchanged", "g1_delta"]
    assert c.criteria_table()["units_up"].tolist() == [1, 1]


def test_compare_self_assessment_with_review():
    framework = score_framework([("a", 10), ("b", 10)])
    self_score = framework.score({"v_a": [10, 8], "v_b": [10, 6]}, units=["p", "q"])
    reviewed = framework.score({"v_a": [7, 8], "v_b": [10, 6]}, units=["p", "q"])
    c = dtiscore.compare(self_score, reviewed, labels=("self", "reviewed"))
    assert list(c.table())[:4] == ["unit", "self", "reviewed", "delta"]
    assert c.delta.tolist() == [-3, 0]
    assert (c.down.tolist(), c.unchanged.tolist()) == ([1, 0], [1, 2])


def test_compare_units_matched_by_id():
    framework = score_framework([("a", 10)])
    before = framework.score({"v_a": [1, 2]}, units=["p", "gone"])
    after = framework.score({"v_a": [3, 4]}, units=["new", "p"])
    c = dtiscore.compare(before, after)
    assert c.units == ["p"] and c.units_added == ("new",) and c.units_removed == ("gone",)
    assert c.delta.tolist() == [3]  # p: 1 → 4
    with pytest.raises(dtiscore.DtiError):
        dtiscore.compare(framework.score({"v_a": [1]}, units=["a"]), framework.score({"v_a": [1]}, units=["b"]))


def test_compare_pillar_deltas_over_tag_views_in_both():
    # a: 10 points, b: 30, each scored 0..1 of max; pillar x = a, pillar y = b in both versions,
    # pillar z only after. p: a 0.2 → 0.6 (x +0.4); b 0.5 → 0.4 (y −0.1)
    def version(z):
        return dtiscore.loads(f"""framework p "P" {{
            max 40
            input v_a share
            input v_b share
            criterion a "a" max 10 tags pillar: x {{ proportional v_a }}
            criterion b "b" max 30 tags pillar: y{", area: z" if z else ""} {{ proportional v_b }}
        }}""")
    before = version(False).score({"v_a": [0.2], "v_b": [0.5]}, units=["p"])
    after = version(True).score({"v_a": [0.6], "v_b": [0.4]}, units=["p"])
    c = dtiscore.compare(before, after)
    assert c.pillars == (("pillar", "x"), ("pillar", "y"))  # area: z is only in `after`
    b, a, d = c.pillar("pillar", "y")
    assert (b.tolist(), a.tolist(), round(float(d[0]), 12)) == ([0.5], [0.4], -0.1)
    unit = c.unit("p")
    assert [(p.value, p.before, p.after, round(p.delta, 12)) for p in unit.pillars] == [
        ("x", 0.2, 0.6, 0.4), ("y", 0.5, 0.4, -0.1)]
    assert "  pillar: x 0.2 → 0.6 (+0.4)" in unit.text("en").splitlines()
    assert "  pillar: y 0,5 → 0,4 (-0,1)" in unit.text("vi").splitlines()
    with pytest.raises(dtiscore.DtiError, match="area.z"):
        c.pillar("area", "z")


# ---------------------------------------------------------------- sustainability (seed 002)


def test_sustainability_as_the_seed_counts_it():
    # 100 criteria, 1,000 points: 59 held at full points both years (530 points),
    # 41 not (470 points): awareness 10 × 10 and institutions 12 × 5 + 4 × 10 all held;
    # infrastructure 33 × 10 held and 29 × 10 not; activity 12 × 15 not.
    groups = {
        "awareness": [(f"aw{i}", 10) for i in range(10)],
        "institutions": [(f"in{i}", 5) for i in range(12)] + [(f"in{i}", 10) for i in range(12, 16)],
        "infrastructure": [(f"hs{i}", 10) for i in range(33)] + [(f"hu{i}", 10) for i in range(29)],
        "activity": [(f"ac{i}", 15) for i in range(12)],
    }
    criteria = [c for members in groups.values() for c in members]
    framework = score_framework(criteria, {g: [c for c, _ in m] for g, m in groups.items()})
    top = dict(criteria)
    held = {c: [top[c]] for c in top}
    y2022 = dict((f"v_{c}", v) for c, v in held.items())
    y2023 = dict(y2022)
    for i in range(29):  # full in 2022, not in 2023
        y2023[f"v_hu{i}"] = [9.0]
    for i in range(12):  # not full in 2022
        y2022[f"v_ac{i}"] = [10.0]
    results = [framework.score(y2022, units=["Huế"]), framework.score(y2023, units=["Huế"])]
    s = dtiscore.sustainability(results)
    counts = s.counts()
    assert (counts["sustained"][0], counts["sustained_points"][0]) == (59, 530)
    assert (counts["unsustained"][0], counts["unsustained_points"][0]) == (41, 470)
    unit = s.unit("Huế")
    assert unit.groups["awareness"].unsustained == 0 and unit.groups["institutions"].unsustained == 0
    assert (unit.groups["infrastructure"].sustained, unit.groups["infrastructure"].unsustained) == (33, 29)
    assert unit.groups["activity"].unsustained_points == 180
    assert unit.text().splitlines()[0] == "Huế: 59 sustained criteria worth 530 points, 41 unsustained worth 470"
    assert unit.text("vi").splitlines()[0] == \
        "Huế: 59 tiêu chí bền vững (530 điểm), 41 tiêu chí chưa bền vững (470 điểm)"


def test_sustainability_threshold_exclusions_and_new_criteria():
    old = dtiscore.loads("""framework s1 "S" {
        max 30
        input a number
        input b number
        input skip bool
        criterion ca "A" max 10 { score a }
        criterion cb "B" max 10 {
            score b
            exclude when skip
        }
        criterion gone "Gone" max 10 { score a }
    }""")
    new = dtiscore.loads("""framework s2 "S" {
        max 30
        input a number
        input b number
        input skip bool
        criterion ca "A" max 10 { score a }
        criterion cb "B" max 10 {
            score b
            exclude when skip
        }
        criterion fresh "New" max 10 { score a }
    }""")
    r1 = old.score(dict(a=[8, 10], b=[10, 2], skip=[False, True]), units=["u", "v"])
    r2 = new.score(dict(a=[9, 10], b=[10, 3], skip=[True, True]), units=["u", "v"])
    s = dtiscore.sustainability([r1, r2], threshold=0.8)
    assert s.criteria == ("ca", "cb", "fresh") and s.new == ("fresh",)
    # u: ca 8/10 then 9/10 ≥ 0.8 → held; cb 10/10 then excluded → held; fresh is new → not
    # v: ca full twice → held; cb excluded in both → not counted; fresh new → not
    assert s.sustained[:, 0].tolist() == [True, True, False]
    assert s.sustained[:, 1].tolist() == [True, False, False]
    assert s.counted[:, 1].tolist() == [True, False, True]
    assert s.counts()["unsustained"].tolist() == [1, 1]
    strict = dtiscore.sustainability([r1, r2])
    assert strict.sustained[0, 0] == False  # noqa: E712 - 8/10 is below 1.0


# ---------------------------------------------------------------- roll-ups


@pytest.fixture(scope="module")
def communes():
    framework = score_framework([("a", 60), ("b", 40)], {"ga": ["a"], "gb": ["b"]})
    return framework.score({"v_a": [60, 30, 0, 45], "v_b": [40, 20, 10, 0]},
                           units=["c1", "c2", "c3", "c4"])


def test_rollup_mean(communes):
    up = communes.rollup({"c1": "d1", "c2": "d1", "c3": "d2", "c4": "d2"})
    assert up.units == ["d1", "d2"]
    assert up.members == {"d1": ("c1", "c2"), "d2": ("c3", "c4")}
    # d1: totals 100, 50 → 75; d2: 10, 45 → 27.5
    assert up.total.tolist() == [75, 27.5]
    # main-group indices are means of the units': ga d1 (1 + 0.5)/2, d2 (0 + 0.75)/2
    assert up.node_index("ga").tolist() == [0.75, 0.375]
    assert up.node_index("gb").tolist() == [0.75, 0.125]
    assert up.rank().tolist() == [1, 2]
    assert up.table()["units"].tolist() == [2, 2]


def test_rollup_sum_weights_and_leaving_out(communes):
    up = communes.rollup(["d1", "d1", None, "d2"], how="sum")
    assert up.units == ["d1", "d2"]
    assert up.total.tolist() == [150, 45] and up.effective_max.tolist() == [200, 100]
    assert up.index.tolist() == [0.75, 0.45]
    weighted = communes.rollup(["p", "p", "p", "p"], weights=[1, 3, 0, 0])
    # (100 × 1 + 50 × 3) / 4 = 62.5
    assert weighted.total.tolist() == [62.5]
    with pytest.raises(dtiscore.DtiError):
        communes.rollup({"c1": "d1"})
    with pytest.raises(ValueError):
        communes.rollup(["p"] * 4, how="median")


def test_rank_by_peer_groups(communes):
    # departments with and without procedures are ranked separately
    assert communes.rank(by=["with", "with", "without", "without"]).tolist() == [1, 2, 2, 1]
