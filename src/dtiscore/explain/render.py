"""One unit's explanation as a readable text report and as versioned JSON.

Text: the total, each group's points of its max with a bar, then the deductions, most lost
first, each with its reason and what the next better outcome would take.
JSON: schema `dtiscore.explain/1`, described field by field in docs/explanations.md.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

from .wording import number

if TYPE_CHECKING:
    from .explanation import Explanation

BAR = 20

_WORDS = {
    "en": {"unit": "unit", "total": "total", "of": "of", "index": "index", "rank": "rank",
           "nothing": "nothing applies", "groups": "groups", "lost": "lost points, most first",
           "more": "more criteria lost points", "next": "next", "none": "no points lost"},
    "vi": {"unit": "đơn vị", "total": "tổng điểm", "of": "/", "index": "chỉ số", "rank": "xếp hạng",
           "nothing": "không có tiêu chí nào áp dụng", "groups": "nhóm tiêu chí",
           "lost": "điểm bị trừ, nhiều nhất trước", "more": "tiêu chí khác bị trừ điểm",
           "next": "để tăng điểm", "none": "không bị trừ điểm"},
}


def bar(points: float, top: float, width: int = BAR) -> str:
    """A text bar: filled in proportion to points / top."""
    share = points / top if top > 0 else 0.0
    filled = min(width, max(0, int(round(share * width))))
    return "█" * filled + "░" * (width - filled)


def render_text(e: "Explanation", top: int | None = None) -> str:
    """The report; `top` limits how many deductions are listed (all by default)."""
    w, lang = _WORDS[e.lang], e.lang
    of = f" {w['of']} " if lang == "en" else w["of"]
    out = [f"{e.title} ({e.framework}) — {w['unit']} {e.unit}"]
    if math.isnan(e.index):
        out.append(f"{w['total']} {number(e.total, lang)} ({w['nothing']})")
    else:
        out.append(f"{w['total']} {number(e.total, lang)}{of}{number(e.effective_max, lang)} "
                   f"({w['index']} {number(e.index, lang, 4)}, {w['rank']} {e.rank}/{e.units})")
    groups = [line for line in e.lines if line.kind == "group"]
    if groups:
        out += ["", f"{w['groups']}:"]
        name_width = max(len("  " * (line.depth - 1) + line.id) for line in groups)
        for line in groups:
            name = ("  " * (line.depth - 1) + line.id).ljust(name_width)
            score = f"{number(line.points, lang)}{of}{number(line.effective_max, lang)}"
            out.append(f"  {name}  {bar(line.points, line.effective_max)}  {score.rjust(13)}  {line.title}")
    out.append("")
    if not e.deductions:
        out.append(w["none"])
        return "\n".join(out)
    out.append(f"{w['lost']}:")
    shown = e.deductions if top is None else e.deductions[:top]
    for d in shown:
        out.append(f"  -{number(d.lost, lang)}  {d.criterion} {d.title} "
                   f"({number(d.points, lang)}{of if lang == 'vi' else '/'}{number(d.max, lang)}, {d.status})")
        out.append(f"      {d.reason}")
        if d.next_step:
            out.append(f"      {w['next']}: {d.next_step}")
    if len(shown) < len(e.deductions):
        out.append(f"  … {len(e.deductions) - len(shown)} {w['more']}")
    return "\n".join(out)


def explanation_dict(e: "Explanation", top: int | None = None) -> dict:
    """The JSON form: plain dicts, lists, strings, numbers and null (no NaN)."""
    from .explanation import SCHEMA

    deductions = e.deductions if top is None else e.deductions[:top]
    return _clean({
        "schema": SCHEMA,
        "framework": {"id": e.framework, "title": e.title},
        "unit": e.unit if isinstance(e.unit, (str, int, float)) else str(e.unit),
        "lang": e.lang,
        "total": e.total,
        "effective_max": e.effective_max,
        "index": e.index,
        "rank": e.rank,
        "units": e.units,
        "nodes": [{"id": line.id, "kind": line.kind, "title": line.title, "depth": line.depth,
                   "max": line.max, "effective_max": line.effective_max, "points": line.points,
                   "lost": line.lost} for line in e.lines],
        "criteria": [{
            "id": c.criterion, "title": c.title, "path": list(c.path), "max": c.max, "points": c.points,
            "lost": c.lost, "status": c.status,
            "reason": c.why.to_dict(e.lang) if c.why is not None else {"code": c.code, "params": {}, "text": c.reason},
            "next": c.step.to_dict(e.lang) if c.step is not None else None,
        } for c in e.criteria],
        "deductions": [d.criterion for d in deductions],
    })


def to_json(e: "Explanation", top: int | None = None, indent: int | None = 2) -> str:
    return json.dumps(explanation_dict(e, top), ensure_ascii=False, indent=indent, allow_nan=False)


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return _clean(value.item())
    return value
