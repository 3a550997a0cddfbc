"""A generated 100-criterion framework that mixes every clause kind, for benchmarks.

Deterministic (a fixed seed), shaped like a real DTI: 8 groups, 1,000 points, ratios
guarded by exclusions, evidence documents, lets shared by several criteria, relative scoring
against the best unit, rescale and shrink groups.
"""

from __future__ import annotations

import random
import re

KINDS = ("proportional", "steps", "linear", "award", "deduct", "cases", "score", "relative")


def mixed_framework(criteria: int = 100, groups: int = 8, seed: int = 2024) -> str:
    rng = random.Random(seed)
    per_group = [criteria // groups + (1 if g < criteria % groups else 0) for g in range(groups)]
    lines = ['framework mixed "Bộ chỉ số tổng hợp (benchmark)" {', "    max 1000", ""]
    body: list[str] = []
    group_max = 1000 // groups
    for g, count in enumerate(per_group):
        top = group_max if g < groups - 1 else 1000 - group_max * (groups - 1)
        maxima = _split(top, count, rng)
        policy = "shrink" if g % 3 == 2 else "rescale"
        body.append(f'    group g{g} "Nhóm {g + 1}" max {top} on_exclude {policy} {{')
        body.append(f"        input d{g} count \"Tổng số {g}\" in 1..100000")
        body.append(f"        input has{g} bool \"Có áp dụng {g}\"")
        body.append(f"        let rate{g} = ratio(n{g}_0, d{g})")
        criteria_lines = []
        for i, points in enumerate(maxima):
            kind = KINDS[(g * 13 + i) % len(KINDS)]
            criteria_lines.extend("        " + line for line in _criterion(g, i, points, kind, rng))
        text = "\n".join(criteria_lines)
        for i in range(count):  # declare the inputs the criteria read
            if _reads(text, f"n{g}_{i}") or i == 0:
                body.append(f'        input n{g}_{i} count "Số lượng {g}.{i}" <= d{g}')
            if _reads(text, f"s{g}_{i}"):
                body.append(f'        input s{g}_{i} share "Tỷ lệ {g}.{i}"')
            if _reads(text, f"e{g}_{i}"):
                body.append(f'        input e{g}_{i} bool "Tài liệu kiểm chứng {g}.{i}"')
        body.extend(criteria_lines)
        body.append("    }")
    chair = '    input chair choice(secretary, chairman, deputy, none) "Người chủ trì"'
    return "\n".join(lines + [chair, ""] + body + ["}", ""])


def _reads(text: str, name: str) -> bool:
    return re.search(rf"\b{name}\b", text) is not None


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """`parts` whole numbers ≥ 2 adding up to `total`."""
    extra = total - 2 * parts
    cuts = sorted(rng.randint(0, extra) for _ in range(parts - 1))
    return [2 + b - a for a, b in zip([0] + cuts, cuts + [extra])]


def _criterion(g: int, i: int, points: int, kind: str, rng: random.Random) -> list[str]:
    n, s, e = f"n{g}_{i}", f"s{g}_{i}", f"e{g}_{i}"
    head = f'criterion c{g}_{i} "Tiêu chí {g}.{i}" max {points} {{'
    if kind == "proportional":
        rule = [f"proportional ratio({n}, d{g}) target {rng.choice([50, 60, 80])}%"]
    elif kind == "steps":
        t = sorted(rng.sample(range(10, 95), 3), reverse=True)
        p = [points, points * 2 // 3, points // 3]
        rule = [f"steps {s} {{", f"    >= {t[0]}%: {p[0]}", f"    >= {t[1]}%: {p[1]}",
                f"    > {t[2]}%: {p[2]}", "    else: 0", "}"]
    elif kind == "linear":
        a, b = sorted(rng.sample(range(0, 100), 2))
        rule = [f"linear {s} from {a}% to {b}%" if i % 2 else f"linear {s} from {b}% to {a}%"]
    elif kind == "award":
        rule = [f"award when {s} >= 50% and rate{g} > 10%"]
    elif kind == "deduct":
        rule = [f"deduct {max(1, points // 4)} per min({n}, 10)"]
    elif kind == "cases":
        rule = ["cases {", f"    when chair == secretary or chair == chairman: {points}",
                f"    when chair == deputy: {points} * {s}", "    else: 0", "}"]
    elif kind == "score":
        rule = [f"score {points} * (if rate{g} > 50% then {s} else {s} / 2) + min({n}, 3)"]
    else:  # relative to the best unit
        rule = [f"proportional {n} target max(best({n}), 1)"]
    modifiers = []
    if i % 3 == 0:
        modifiers.append(f"evidence {e}")
    if i % 4 == 1:
        modifiers.append(f'exclude when not has{g} "Không áp dụng"')
    return [head] + ["    " + line for line in rule + modifiers] + ["}"]
