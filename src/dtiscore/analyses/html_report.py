"""One self-contained HTML page for a scored population: the results table as DTI results
are published (index and rank, band, each main index's and pillar's value and rank), the
ranking, each pillar's (tag view's) index per unit, each unit's group profile, the
distribution of the biggest deductions and, given a sensitivity analysis, each unit's rank
interval; charts as inline SVG, nothing external: it opens offline and prints. One small
inline script sorts the table by the column clicked; the page reads fully without it.

Large populations are summarised: the ranking, the profile and the intervals show the top
and bottom units (`rows` of them), the table up to `TABLE_ROWS`; the deduction chart is over
every unit.
"""

from __future__ import annotations

import html
import math
import textwrap
from typing import TYPE_CHECKING

import numpy as np

from ..errors import DtiError
from ..engine.ranks import NO_RANK, index_rank
from ..language import ir
from ..explain.wording import check_lang, default_lang, number, percent

if TYPE_CHECKING:
    from ..engine.scored import Scored
    from .sensitivity import Sensitivity

TABLE_ROWS = 1000  # units listed in the results table before it shows the top and bottom only
INDEX_LEVEL = 12  # a framework of this many criteria or fewer scores main indices as its criteria

BLUE, RED, GREY, INK = "#2563eb", "#dc2626", "#e5e7eb", "#111827"
PILLAR_COLOURS = (BLUE, "#059669", "#d97706", "#7c3aed", "#db2777", "#0891b2")  # one per tag value, in turn
TITLE_CHARS = 44  # a criterion title wraps onto lines of at most this many characters

_WORDS = {
    "en": {"units": "units", "criteria": "criteria", "points": "points", "mean": "mean", "median": "median",
           "ranking": "Ranking by total", "pillars": "Pillars: index per unit", "profile": "Group profile per unit (index = points / max)",
           "deductions": "Biggest deductions: points lost per unit", "lost": "lost", "of": "of",
           "units_losing": "units losing points", "more": "units not shown", "top": "top", "bottom": "bottom",
           "made": "Made by dtiscore from", "legend": "box: middle half of units; line: median; ◆: mean; whiskers: min–max",
           "results": "Results", "rank": "Rank", "unit": "Unit", "index": "Index", "band": "Band",
           "intervals": "Rank intervals when params vary", "samples": "samples",
           "interval_legend": "line: 5th–95th percentile of ranks; ●: median; |: rank as scored"},
    "vi": {"units": "đơn vị", "criteria": "tiêu chí", "points": "điểm", "mean": "trung bình", "median": "trung vị",
           "ranking": "Xếp hạng theo tổng điểm", "pillars": "Trụ cột: chỉ số của từng đơn vị", "profile": "Chỉ số nhóm của từng đơn vị (điểm / điểm tối đa)",
           "deductions": "Tiêu chí bị trừ nhiều điểm nhất: điểm bị trừ mỗi đơn vị", "lost": "bị trừ", "of": "/",
           "units_losing": "đơn vị bị trừ điểm", "more": "đơn vị không hiển thị", "top": "đầu", "bottom": "cuối",
           "made": "Tạo bởi dtiscore từ", "legend": "hộp: nửa giữa các đơn vị; vạch: trung vị; ◆: trung bình; râu: nhỏ nhất–lớn nhất",
           "results": "Kết quả", "rank": "Hạng", "unit": "Đơn vị", "index": "Chỉ số", "band": "Nhóm",
           "intervals": "Khoảng xếp hạng khi tham số thay đổi", "samples": "mẫu",
           "interval_legend": "đoạn: phân vị 5–95 của hạng; ●: trung vị; |: hạng theo kết quả"},
}

_STYLE = """
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: #111827;
       margin: 24px auto; max-width: 1040px; padding: 0 16px; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; }
.meta { color: #4b5563; } figure { margin: 0; } svg { display: block; max-width: 100%; height: auto; }
svg text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; fill: #111827; }
.note { color: #6b7280; font-size: 12px; }
table.results { border-collapse: collapse; font-size: 12px; font-variant-numeric: tabular-nums; }
table.results th, table.results td { border: 1px solid #d1d5db; padding: 2px 6px; }
table.results th { background: #eff6ff; vertical-align: bottom; max-width: 110px; cursor: pointer; }
table.results td { white-space: nowrap; }
table.results td.n { text-align: right; } table.results td.r { text-align: right; color: #4b5563; }
.wide { overflow-x: auto; }
"""

# Sorts the results table by the clicked column (again: the other way): numbers as numbers
# (a decimal comma read too), '-' always last, text by the page's language.
_SORT = """
document.querySelectorAll('table.results').forEach(function (table) {
  var heads = table.querySelectorAll('th'), body = table.tBodies[0], lang = document.documentElement.lang;
  heads.forEach(function (th, col) {
    th.title = '\u21c5';
    th.addEventListener('click', function () {
      var down = th.dataset.sorted === 'up', rows = Array.prototype.slice.call(body.rows);
      var key = function (row) {
        var text = row.cells[col].textContent.trim(), num = Number(text.replace(',', '.'));
        return text === '-' ? null : (text !== '' && !isNaN(num) ? num : text);
      };
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        if (x === null || y === null) { return (x === null) - (y === null); }
        var order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), lang);
        return down ? -order : order;
      });
      heads.forEach(function (h) { delete h.dataset.sorted; });
      th.dataset.sorted = down ? 'down' : 'up';
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def render_html(result: "Scored", lang: str | None = None, rows: int = 60, criteria: int = 15,
                title: str | None = None, source: str | None = None,
                sensitivity: "Sensitivity | None" = None) -> str:
    """The page; with `sensitivity` (of this result's units) also the rank-interval chart."""
    lang = check_lang(lang or default_lang(result.framework.title))
    w = _WORDS[lang]
    framework = result.framework
    totals = result.total
    head = title or framework.title
    parts = [
        "<!DOCTYPE html>", f'<html lang="{lang}">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(head)}</title>", f"<style>{_STYLE}</style>", "</head>", "<body>",
        f"<h1>{_e(head)}</h1>",
        f'<p class="meta">{_e(framework.id)} · {len(result):,} {w["units"]} · {len(framework.criteria)} '
        f'{w["criteria"]} · {number(framework.root.max, lang)} {w["points"]} · {w["mean"]} '
        f'{number(float(np.nanmean(totals)) if len(totals) else math.nan, lang)} · {w["median"]} '
        f'{number(float(np.nanmedian(totals)) if len(totals) else math.nan, lang)}</p>',
    ]
    shown = _shown_units(result, rows)
    parts += [f'<h2>{w["results"]}</h2>', results_table(result, lang)]
    parts += [f'<h2>{w["ranking"]}</h2>', ranking_svg(result, shown, lang)]
    if len(shown) < len(result):
        parts.append(f'<p class="note">{w["top"]} {rows // 2} / {w["bottom"]} {rows - rows // 2}; '
                     f'{len(result) - len(shown):,} {w["more"]}</p>')
    if pillars(result):
        parts += [f'<h2>{w["pillars"]}</h2>', pillars_svg(result, shown, lang)]
    parts += [f'<h2>{w["profile"]}</h2>', profile_svg(result, shown, lang)]
    parts += [f'<h2>{w["deductions"]}</h2>', deductions_svg(result, criteria, lang),
              f'<p class="note">{w["legend"]}</p>']
    if sensitivity is not None:
        if list(sensitivity.units) != list(result.units):
            raise DtiError("the sensitivity analysis is of other units than the result reported")
        varied = ", ".join(f"{_e(name)} {number(lo, lang, 4)}–{number(hi, lang, 4)}"
                           for name, (lo, hi) in sensitivity.ranges.items())
        if sensitivity.weights:
            varied = ", ".join(filter(None, [varied, "weights"]))
        parts += [f'<h2>{w["intervals"]}</h2>',
                  f'<p class="meta">{varied} · {len(sensitivity.ranks):,} {w["samples"]}</p>',
                  intervals_svg(sensitivity, shown, lang), f'<p class="note">{w["interval_legend"]}</p>']
    if source:
        parts.append(f'<p class="note">{w["made"]} {_e(source)}</p>')
    parts += [f"<script>{_SORT}</script>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _shown_units(result: "Scored", rows: int) -> np.ndarray:
    """Unit positions, best first: all of them, or the top and bottom `rows` in all."""
    order = np.lexsort((np.arange(len(result)), -np.nan_to_num(result.total, nan=-np.inf)))
    if len(order) <= rows:
        return order
    return np.concatenate([order[: rows // 2], order[len(order) - (rows - rows // 2):]])


# ---- the results table, as published ---------------------------------------------------------


def main_indices(result: "Scored") -> list[str]:
    """The nodes published as main indices: a framework's criteria when it has a dozen or
    fewer (one scored from main-index values), else its groups that hold criteria; nodes
    worth 0 points (listed, not scored) left out."""
    framework = result.framework
    nodes = list(framework.criteria) if len(framework.criteria) <= INDEX_LEVEL else main_groups(result)
    return [n for n in nodes if framework.node(n).max > 0]


def results_columns(result: "Scored", lang: str) -> tuple[list[str], list[list[str]], list[str]]:
    """(headings, rows best first, each column's kind: rank, text or value): rank, unit, index, band where
    the framework declares bands, then each main index's and each pillar's (tag view's)
    value and rank. Values to 4 decimals, as published."""
    w = _WORDS[lang]
    framework = result.framework
    headings = [w["rank"], w["unit"], w["index"]]
    columns: list[list[str]] = [_ranks_text(result.rank()), [str(u) for u in result.units],
                                [_fixed(v, lang) for v in result.index]]
    kinds = ["rank", "text", "value"]
    if framework.ir.bands is not None:
        headings.append(w["band"])
        columns.append(["-" if b is None else str(b) for b in result.band()])
        kinds.append("text")
    values = [(framework.node(n).title, result.node_index(n)) for n in main_indices(result)] + pillars(result)
    for title, index in values:
        headings += [title, w["rank"]]
        columns += [[_fixed(v, lang) for v in index], _ranks_text(index_rank(index, result.ranked))]
        kinds += ["value", "rank"]
    order = _shown_units(result, TABLE_ROWS)
    return headings, [[column[i] for column in columns] for i in order], kinds


def _ranks_text(ranks: np.ndarray) -> list[str]:
    """Ranks as the table shows them: '-' for a unit assessed but not ranked."""
    return ["-" if r == NO_RANK else str(int(r)) for r in ranks.tolist()]


def _fixed(value: float, lang: str, decimals: int = 4) -> str:
    """A value with exactly `decimals` decimals (a column lines up, a spreadsheet reads it)."""
    if value is None or value != value:
        return "-"
    text = f"{float(value):.{decimals}f}"
    return text.replace(".", ",") if lang == "vi" else text


def results_table(result: "Scored", lang: str) -> str:
    """The results table: plain cells, one value each, so it copies into a spreadsheet."""
    headings, rows, kinds = results_columns(result, lang)
    style = {"rank": ' class="r"', "value": ' class="n"', "text": ""}
    out = ['<div class="wide"><table class="results" id="results"><thead><tr>']
    out += [f"<th>{_e(h)}</th>" for h in headings]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td{style[kind]}>{_e(cell)}</td>" for kind, cell in zip(kinds, row)) + "</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def pillars(result: "Scored") -> list[tuple[str, np.ndarray]]:
    """(heading, index per unit) of each tag view, as the table and the pillar chart show them."""
    return [(f"{key}: {value}", view.index) for key in result.tag_keys for value, view in result.view(key).items()]


def main_groups(result: "Scored") -> list[str]:
    """The groups that hold criteria directly (a framework's main indices)."""
    out = [node.id for node in result.framework.ir.nodes()
           if isinstance(node, ir.Group) and node.kind == "group"
           and any(isinstance(child, ir.Criterion) for child in node.nodes)]
    return out or [result.framework.root.id]


# ---- charts ----------------------------------------------------------------------------------


def ranking_svg(result: "Scored", shown: np.ndarray, lang: str) -> str:
    label_w, bar_w, row_h = 220, 620, 18
    top = max(float(result.framework.root.max), 1e-9)
    ranks = result.rank()
    height = row_h * len(shown) + 24
    out = [f'<figure class="chart" id="ranking"><svg xmlns="http://www.w3.org/2000/svg" '
           f'viewBox="0 0 {label_w + bar_w + 90} {height}" width="{label_w + bar_w + 90}" height="{height}" '
           f'role="img" aria-label="ranking">']
    for k in (0, 0.25, 0.5, 0.75, 1.0):
        x = label_w + bar_w * k
        out.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 18}" stroke="{GREY}"/>')
        out.append(f'<text x="{x:.1f}" y="{height - 4}" text-anchor="middle">{number(top * k, lang)}</text>')
    gap = len(shown) < len(result)
    for row, i in enumerate(shown):
        y = row * row_h
        if gap and row == len(shown) // 2:
            out.append(f'<line x1="{label_w - 200}" y1="{y}" x2="{label_w + bar_w}" y2="{y}" '
                       f'stroke="{INK}" stroke-dasharray="4 3"/>')
        total = float(result.total[i])
        width = 0.0 if math.isnan(total) else bar_w * max(0.0, min(total / top, 1.0))
        unit = _e(result.units[i])
        out.append(f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end">{_ranks_text(ranks[i:i + 1])[0]}. {unit}</text>')
        out.append(f'<rect x="{label_w}" y="{y + 3}" width="{width:.1f}" height="{row_h - 6}" fill="{BLUE}">'
                   f'<title>{unit}: {number(total, lang)}</title></rect>')
        out.append(f'<text x="{label_w + width + 4:.1f}" y="{y + 13}">{number(total, lang)}</text>')
    out.append("</svg></figure>")
    return "".join(out)


def pillars_svg(result: "Scored", shown: np.ndarray, lang: str) -> str:
    """Each shown unit's pillars (tag views) as bars of index 0..1, one colour per pillar."""
    views = pillars(result)
    label_w, bar_w, bar_h, legend_h = 220, 620, 10, 22
    row_h = bar_h * len(views) + 6
    height = legend_h + row_h * len(shown) + 24
    out = [f'<figure class="chart" id="pillars"><svg xmlns="http://www.w3.org/2000/svg" '
           f'viewBox="0 0 {label_w + bar_w + 90} {height}" width="{label_w + bar_w + 90}" height="{height}" '
           f'role="img" aria-label="pillars">']
    x = label_w
    for k, (heading, _) in enumerate(views):
        colour = PILLAR_COLOURS[k % len(PILLAR_COLOURS)]
        out.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{colour}"/>'
                   f'<text x="{x + 16}" y="14">{_e(heading)}</text>')
        x += 16 + 7 * len(heading) + 18
    for k in (0, 0.25, 0.5, 0.75, 1.0):
        gx = label_w + bar_w * k
        out.append(f'<line x1="{gx:.1f}" y1="{legend_h}" x2="{gx:.1f}" y2="{height - 18}" stroke="{GREY}"/>')
        out.append(f'<text x="{gx:.1f}" y="{height - 4}" text-anchor="middle">{_fixed(k, lang, 2)}</text>')
    for row, i in enumerate(shown):
        y = legend_h + row * row_h
        unit = _e(result.units[i])
        out.append(f'<text x="{label_w - 6}" y="{y + row_h / 2 + 4:.1f}" text-anchor="end">{unit}</text>')
        for k, (heading, index) in enumerate(views):
            share = float(index[i])
            width = 0.0 if share != share else bar_w * max(0.0, min(share, 1.0))
            by = y + 3 + k * bar_h
            out.append(f'<rect x="{label_w}" y="{by}" width="{width:.1f}" height="{bar_h - 1}" '
                       f'fill="{PILLAR_COLOURS[k % len(PILLAR_COLOURS)]}"><title>{unit} · {_e(heading)}: '
                       f'{_fixed(share, lang)}</title></rect>')
    out.append("</svg></figure>")
    return "".join(out)


def _colour(share: float) -> str:
    """White-to-blue for an index in [0, 1]; grey where nothing applies."""
    if share != share:
        return "#f3f4f6"
    share = max(0.0, min(1.0, share))
    low, high = (239, 246, 255), (30, 64, 175)
    r, g, b = (round(a + (z - a) * share) for a, z in zip(low, high))
    return f"#{r:02x}{g:02x}{b:02x}"


def profile_svg(result: "Scored", shown: np.ndarray, lang: str) -> str:
    groups = [g for g in main_groups(result) if result.framework.node(g).max > 0]  # 0-point groups: nothing to show
    longest = max((len(result.framework.node(g).title) for g in groups), default=0)
    head_h = max(90, 24 + round(6.5 * longest * 0.574))  # a heading slanted 35° stays on the page
    label_w, cell_w, row_h = 220, max(40, min(90, 720 // max(len(groups), 1))), 18
    width = label_w + cell_w * len(groups) + 110  # room for the last slanted heading
    height = head_h + row_h * len(shown) + 4
    indices = {g: result.node_index(g) for g in groups}
    out = [f'<figure class="chart" id="profile"><svg xmlns="http://www.w3.org/2000/svg" '
           f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="profile">']
    for col, g in enumerate(groups):
        x = label_w + cell_w * col + cell_w / 2
        title = _e(result.framework.node(g).title)
        out.append(f'<text transform="translate({x:.1f},{head_h - 6}) rotate(-35)">{title}</text>')
    for row, i in enumerate(shown):
        y = head_h + row * row_h
        out.append(f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end">{_e(result.units[i])}</text>')
        for col, g in enumerate(groups):
            share = float(indices[g][i])
            x = label_w + cell_w * col
            fill = _colour(share)
            out.append(f'<rect x="{x}" y="{y + 1}" width="{cell_w - 2}" height="{row_h - 2}" fill="{fill}">'
                       f'<title>{_e(result.units[i])} · {_e(g)}: {number(share, lang, 3)}</title></rect>')
            if share == share:
                ink = "#ffffff" if share > 0.6 else INK
                out.append(f'<text x="{x + (cell_w - 2) / 2:.1f}" y="{y + 13}" text-anchor="middle" '
                           f'style="fill:{ink}">{_fixed(share, lang, 2)}</text>')
    out.append("</svg></figure>")
    return "".join(out)


def deductions_svg(result: "Scored", criteria: int, lang: str) -> str:
    """For the criteria that lost the most points over all units: how much each unit lost
    (box: quartiles, line: median, diamond: mean, whiskers: min and max)."""
    w = _WORDS[lang]
    ids = list(result.framework.criteria)
    lost = {c: result.lost(c) for c in ids}
    totals = sorted(((float(np.sum(v)), c) for c, v in lost.items()), key=lambda t: -t[0])
    chosen = [c for total, c in totals[:criteria] if total > 0]
    label_w, plot_w, line_h = 300, 480, 13
    titles = {c: textwrap.wrap(result.framework.node(c).title, TITLE_CHARS) or [c] for c in chosen}
    rows_h = [max(26, line_h * len(titles[c]) + 10) for c in chosen]  # a row grows with its title's lines
    tops = np.concatenate([[0], np.cumsum(rows_h)]) if chosen else np.zeros(1)
    scale = max([float(np.max(lost[c])) for c in chosen] + [1e-9])
    height = int(tops[-1]) + (26 if not chosen else 0) + 24
    width = label_w + plot_w + 260
    out = [f'<figure class="chart" id="deductions"><svg xmlns="http://www.w3.org/2000/svg" '
           f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="deductions">']
    for k in (0, 0.5, 1.0):
        x = label_w + plot_w * k
        out.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 18}" stroke="{GREY}"/>')
        out.append(f'<text x="{x:.1f}" y="{height - 4}" text-anchor="middle">{number(scale * k, lang)}</text>')
    n = max(len(result), 1)
    for row, c in enumerate(chosen):
        values = lost[c]
        y = float(tops[row]) + rows_h[row] / 2
        low, q1, median, q3, high = (float(v) for v in np.percentile(values, [0, 25, 50, 75, 100]))
        mean = float(np.mean(values))
        losing = int(np.count_nonzero(values > 0))
        x = lambda v: label_w + plot_w * v / scale  # noqa: E731 - a local scale
        node = result.framework.node(c)
        lines = titles[c]
        first = y + 4 - line_h * (len(lines) - 1) / 2
        spans = "".join(f'<tspan x="{label_w - 8}" y="{first + line_h * k:.1f}">{_e(line)}</tspan>'
                        for k, line in enumerate(lines))
        out.append(f'<text text-anchor="end"><title>{_e(c)}: {_e(node.title)}</title>{spans}</text>')
        out.append(f'<line x1="{x(low):.1f}" y1="{y:.1f}" x2="{x(high):.1f}" y2="{y:.1f}" stroke="{RED}"/>')
        out.append(f'<rect x="{x(q1):.1f}" y="{y - 7:.1f}" width="{max(x(q3) - x(q1), 2):.1f}" height="14" '
                   f'fill="{RED}" fill-opacity="0.35" stroke="{RED}"><title>{_e(c)}: {w["mean"]} '
                   f'{number(mean, lang)} {w["of"]} {number(node.max, lang)}</title></rect>')
        out.append(f'<line x1="{x(median):.1f}" y1="{y - 8:.1f}" x2="{x(median):.1f}" y2="{y + 8:.1f}" '
                   f'stroke="{RED}" stroke-width="2"/>')
        out.append(f'<path d="M{x(mean):.1f},{y - 5:.1f} l5,5 l-5,5 l-5,-5 z" fill="{INK}"/>')
        out.append(f'<text x="{label_w + plot_w + 10}" y="{y + 4:.1f}">{number(mean, lang)} · '
                   f'{percent(losing / n, lang, 0)} {w["units_losing"]}</text>')
    out.append("</svg></figure>")
    return "".join(out)


def intervals_svg(found: "Sensitivity", shown: np.ndarray, lang: str) -> str:
    """Each shown unit's rank interval over the samples: a line from the 5th to the 95th
    percentile of its ranks, a dot at the median, a tick at its rank as scored."""
    label_w, plot_w, row_h = 220, 620, 18
    n = max(len(found.units), 1)
    height = row_h * len(shown) + 24
    out = [f'<figure class="chart" id="intervals"><svg xmlns="http://www.w3.org/2000/svg" '
           f'viewBox="0 0 {label_w + plot_w + 90} {height}" width="{label_w + plot_w + 90}" height="{height}" '
           f'role="img" aria-label="rank intervals">']

    def x(rank: float) -> float:  # rank 1 on the left
        return label_w + plot_w * (rank - 1) / max(n - 1, 1)

    for k in (0, 0.25, 0.5, 0.75, 1.0):
        rank = 1 + round((n - 1) * k)
        out.append(f'<line x1="{x(rank):.1f}" y1="0" x2="{x(rank):.1f}" y2="{height - 18}" stroke="{GREY}"/>')
        out.append(f'<text x="{x(rank):.1f}" y="{height - 4}" text-anchor="middle">{rank}</text>')
    for row, i in enumerate(shown):
        y = row * row_h + row_h / 2
        low, median, high, nominal = (float(found.rank_low[i]), float(found.rank_median[i]),
                                      float(found.rank_high[i]), float(found.rank[i]))
        unit = _e(found.units[i])
        out.append(f'<text x="{label_w - 6}" y="{y + 4:.1f}" text-anchor="end">{int(nominal)}. {unit}</text>')
        out.append(f'<line x1="{x(low) - 2:.1f}" y1="{y:.1f}" x2="{x(high) + 2:.1f}" y2="{y:.1f}" stroke="{BLUE}" '
                   f'stroke-width="6" stroke-linecap="round"><title>{unit}: {number(low, lang)}–{number(high, lang)}'
                   f'</title></line>')
        out.append(f'<circle cx="{x(median):.1f}" cy="{y:.1f}" r="4" fill="{INK}"/>')
        out.append(f'<line x1="{x(nominal):.1f}" y1="{y - 7:.1f}" x2="{x(nominal):.1f}" y2="{y + 7:.1f}" '
                   f'stroke="{RED}" stroke-width="2"/>')
    out.append("</svg></figure>")
    return "".join(out)
