"""The HTML report: self-contained, and drawn — headless Chromium (Debian's `chromium`)
opens it, takes a screenshot, and the chart regions have ink in the charts' colours.

The chart regions come from the page itself: a copy of the report with a small probe
script is opened with --dump-dom and writes each chart's bounding box (and clicks the
table's headings, to see the page's own script sort it); the screenshot is taken of the
report as shipped, at the same window width and scale 1.
Under CI (CI=true) a missing browser fails the test; elsewhere it skips with the reason.
"""

import html
import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import attrs
import pytest

import dtiscore
from dtiscore.cli import main
from dtiscore.analyses.html_report import render_html
from dtiscore.io.tables import read_table, score_table

ROOT = Path(__file__).resolve().parents[2]
WIDTH = 1200
CHARTS = ("ranking", "pillars", "profile", "deductions", "intervals")


@pytest.fixture(scope="module")
def result():
    framework = dtiscore.load(ROOT / "frameworks" / "vn-dti-province-2023.dti")
    return score_table(framework, read_table(ROOT / "examples" / "province-2023.csv"))


@pytest.fixture(scope="module")
def varied(result):
    return dtiscore.sensitivity(result, {"online_target": (0.3, 0.7), "esign_target": (0.92, 0.99)}, weights=0.1,
                                samples=300, seed=1)


def cells(page: str) -> list[list[str]]:
    """The results table's rows, headings first, cell by cell."""
    table = page[page.index('<table class="results"'):page.index("</table>")]
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in re.findall(r"<tr>(.*?)</tr>", table)]


def test_results_table_as_published():
    # the 2022 top five from their published main indices: Đà Nẵng's DTI 0.8002 and its
    # main indices (awareness 1.0, institutions 0.9, ...), each ranked among the five
    framework = dtiscore.load(ROOT / "frameworks" / "vn-dti-province-2022-index.dti")
    published = score_table(framework, read_table(ROOT / "examples" / "published" / "dti2022-top5-main-indices.csv"))
    rows = cells(render_html(published, lang="en"))
    assert rows[0][:5] == ["Rank", "Unit", "Index", "Nhận thức số", "Rank"]
    assert "Đô thị thông minh (không tính điểm)" not in rows[0]  # listed at 0 points: not a column
    assert rows[0][-6:] == ["pillar: government", "Rank", "pillar: economy", "Rank", "pillar: society", "Rank"]
    assert len(rows[0]) == 3 + 2 * 8 + 2 * 3
    assert rows[1][:7] == ["1", "TP. Đà Nẵng", "0.8002", "1.0000", "1", "0.9000", "1"]
    assert [row[0] for row in rows[1:]] == ["1", "2", "3", "4", "5"]
    # pillars: Chính quyền số = (foundation + HĐ CQS points) / 700, ranked by that index
    i = published.units.index("TP. Đà Nẵng")
    government = published.view("pillar")["government"].index[i]
    assert rows[1][-6] == f"{government:.4f}" == "0.8638"
    vi = cells(render_html(published, lang="vi"))
    assert vi[1][2] == "0,8002"  # a decimal comma in Vietnamese, always four decimals


def test_results_table_has_the_band_where_the_framework_declares_bands():
    framework = dtiscore.load(ROOT / "frameworks" / "vn-dti-province-2020-index.dti")
    table = read_table(ROOT / "examples" / "published" / "dti2020-pillars.csv")
    scored = score_table(framework, table)
    rows = cells(render_html(scored, lang="en"))
    assert rows[0][:4] == ["Rank", "Unit", "Index", "Band"]
    by_unit = {row[1]: row for row in rows[1:]}
    for i, unit in enumerate(scored.units):
        assert by_unit[unit][3] == scored.band()[i]
    assert set(row[3] for row in rows[1:]) <= {"Nhóm 1", "Nhóm 2", "Nhóm 3", "Nhóm 4"}


def test_rank_intervals_chart(result, varied):
    page = render_html(result, lang="en", sensitivity=varied, rows=10)
    chart = page[page.index('id="intervals"'):]
    chart = chart[:chart.index("</figure>")]
    assert chart.count("<circle") == 10  # the top and bottom five, a median each
    assert "online_target 0.3–0.7, esign_target 0.92–0.99, weights · 300 samples" in page
    assert 'id="intervals"' not in render_html(result)
    with pytest.raises(dtiscore.DtiError, match="other units"):
        render_html(result, sensitivity=attrs.evolve(varied, units=[f"{u}?" for u in varied.units]))


def test_the_page_is_self_contained(result, varied):
    page = render_html(result, sensitivity=varied)
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in page
    for chart in CHARTS:
        assert f'id="{chart}"' in page
    # nothing to fetch: one inline script (the table's sorting), no link, no external image or font
    assert re.findall(r"<script[^>]*>", page) == ["<script>"] and "<link" not in page
    assert not re.search(r'(src|href)=["\']?(https?:|//)', page)
    assert "url(" not in page
    # the title is Vietnamese, so is the page
    assert '<html lang="vi">' in page and "Xếp hạng theo tổng điểm" in page
    assert 'lang="en"' in render_html(result, lang="en")


def test_large_populations_are_summarised(result):
    page = render_html(result, rows=10)
    ranking = page[page.index('id="ranking"'):page.index('id="pillars"')]
    assert ranking.count("<rect") == 10
    chart = page[page.index('id="pillars"'):page.index('id="profile"')]
    assert chart.count("<rect") == 3 + 10 * 3  # the legend, then three pillars for each unit shown
    assert "53 đơn vị không hiển thị" in page


def test_report_command(tmp_path, capsys):
    out = tmp_path / "report.html"
    code = main(["report", str(ROOT / "frameworks" / "vn-dti-district.dti"), str(ROOT / "examples" / "district.csv"),
                 "-o", str(out), "--lang", "en"])
    assert code == 0
    page = out.read_text(encoding="utf-8")
    assert page.count("<svg") == 4 and "Ranking by total" in page and "Pillars: index per unit" in page
    code = main(["report", str(ROOT / "frameworks" / "vn-dti-district.dti"), str(ROOT / "examples" / "district.csv"),
                 "-o", str(out), "--lang", "en", "--vary-weights", "±10%", "--samples", "50"])
    assert code == 0
    page = out.read_text(encoding="utf-8")
    assert page.count("<svg") == 5 and "Rank intervals when params vary" in page and "50 samples" in page


def test_pillar_chart_bars_are_the_tag_views_indices():
    # the 2022 top five: Đà Nẵng's pillar government = 0.8638 (as in the table), one bar per
    # pillar per unit, 620 px for an index of 1
    framework = dtiscore.load(ROOT / "frameworks" / "vn-dti-province-2022-index.dti")
    published = score_table(framework, read_table(ROOT / "examples" / "published" / "dti2022-top5-main-indices.csv"))
    page = render_html(published, lang="en")
    chart = page[page.index('id="pillars"'):]
    chart = chart[:chart.index("</figure>")]
    bars = re.findall(r'<rect x="220" y="[^"]+" width="([^"]+)" height="9" fill="([^"]+)"><title>(.*?)</title>', chart)
    assert len(bars) == 5 * 3
    width, fill, title = next(bar for bar in bars if bar[2].startswith("TP. Đà Nẵng · pillar: government"))
    assert (fill, title) == ("#2563eb", "TP. Đà Nẵng · pillar: government: 0.8638")
    assert abs(float(width) - 620 * 0.8638) < 0.1  # 535.6 px
    assert {fill for _, fill, _ in bars} == {"#2563eb", "#059669", "#d97706"}
    # a framework without tag views has no pillar chart
    plain = dtiscore.loads('framework f "F" { max 10 input v share criterion c "C" max 10 { proportional v } }')
    assert 'id="pillars"' not in render_html(plain.score({"v": [0.5]}))


def test_heatmap_hides_0_point_groups_and_keeps_two_decimals():
    framework = dtiscore.loads('''framework f "F" {
        max 10
        input v share
        group scored "Scored" max 10 { criterion c "C" max 10 { proportional v } }
        group listed "Listed, not scored" max 0 { criterion z "Z" max 0 { proportional v } }
    }''')
    page = render_html(framework.score({"v": [0.5, 0.25]}, units=["a", "b"]), lang="en")
    profile = page[page.index('id="profile"'):page.index('id="deductions"')]
    assert "Scored" in profile and "Listed, not scored" not in profile
    assert re.findall(r'style="fill:[^"]+">([^<]+)</text>', profile) == ["0.50", "0.25"]


def test_long_criterion_titles_wrap_whole():
    title = "Tỷ lệ hồ sơ thủ tục hành chính được xử lý trực tuyến toàn trình trên Cổng dịch vụ công quốc gia"
    framework = dtiscore.loads(f'''framework f "F" {{
        max 10
        input v share
        criterion c "{title}" max 10 {{ proportional v }}
    }}''')
    page = render_html(framework.score({"v": [0.5, 0.2]}, units=["a", "b"]), lang="en")
    chart = page[page.index('id="deductions"'):]
    lines = re.findall(r"<tspan[^>]*>(.*?)</tspan>", chart[:chart.index("</figure>")])
    assert len(lines) == 3 and all(len(line) <= 44 for line in lines)
    assert " ".join(lines) == title  # every word shown, nothing cut


# ---------------------------------------------------------------- in a browser


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed: .ci/run installs Debian's `chromium`; this test must run in CI")
    pytest.skip("chromium is not installed (apt-get install chromium); CI installs it and runs this test")


def run_browser(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1",
               f"--user-data-dir={profile}", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


PROBE = """<script>
window.addEventListener('load', function () {
  var out = {height: document.documentElement.scrollHeight};
  document.querySelectorAll('figure.chart').forEach(function (f) {
    var r = f.querySelector('svg').getBoundingClientRect();
    out[f.id] = [r.left, r.top, r.width, r.height];
  });
  var table = document.getElementById('results'), sorted = [];
  var units = function (col) {
    return Array.prototype.map.call(table.tBodies[0].rows, function (r) { return r.cells[col].textContent; });
  };
  CLICKS.forEach(function (col) { table.querySelectorAll('th')[col].click(); sorted.push([units(0), units(1)]); });
  out.sorted = sorted;
  var t = table.getBoundingClientRect();
  out.results = [t.left, t.top, Math.min(t.width, window.innerWidth - t.left), t.height];
  var pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""


def read_png(path: Path) -> tuple[int, int, int, list[bytes]]:
    """(width, height, channels, rows of RGB(A) bytes) of an 8-bit RGB or RGBA PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up = previous[x]
            corner = previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + ((left + up) >> 1)) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[x] = (line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def region_ink(image, box) -> tuple[int, int, set]:
    """(pixels, non-white pixels, colours) inside a box (left, top, width, height)."""
    width, height, channels, rows = image
    left, top, w, h = (int(round(v)) for v in box)
    pixels = ink = 0
    colours = set()
    for y in range(max(top, 0), min(top + h, height)):
        row = rows[y]
        for x in range(max(left, 0), min(left + w, width)):
            r, g, b = row[x * channels:x * channels + 3]
            pixels += 1
            if r < 245 or g < 245 or b < 245:
                ink += 1
                colours.add((r >> 4, g >> 4, b >> 4))
    return pixels, ink, colours


def probe_page(browser: str, page: str, tmp_path: Path, clicks=()) -> dict:
    """The chart boxes and, after each click on a heading (by column), the table's
    (rank, unit) columns, as the page's own script left them."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    probe = tmp_path / "probe.html"
    probe.write_text(page.replace("</body>", PROBE.replace("CLICKS", json.dumps(list(clicks))) + "</body>"),
                     encoding="utf-8")
    dom = run_browser(browser, tmp_path / "profile-dom", f"--window-size={WIDTH},900",
                      "--virtual-time-budget=5000", "--dump-dom", probe.as_uri()).stdout
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert found, dom[-1000:]
    return json.loads(html.unescape(found.group(1)))


def test_the_table_sorts_by_the_clicked_column_in_chromium(tmp_path):
    # A 70, B 94 (assessed, not ranked: '-'), C 82, D 27; the page shipped sorts itself
    browser = chromium()
    framework = dtiscore.loads(UNRANKED)
    scored = framework.score({"services": [True, False, True, True], "a": [0.5, 0.9, 0.7, 0.45]},
                             units=["A", "B", "C", "D"])
    for lang in ("en", "vi"):
        found = probe_page(browser, render_html(scored, lang=lang), tmp_path / lang, clicks=[0, 0, 2, 2, 1])
        by_rank_up, by_rank_down, by_index_up, by_index_down, by_unit = found["sorted"]
        assert by_rank_up == [["1", "2", "3", "-"], ["C", "A", "D", "B"]]  # '-' last
        assert by_rank_down == [["3", "2", "1", "-"], ["D", "A", "C", "B"]]  # '-' last either way
        assert by_index_up[1] == ["D", "A", "C", "B"]  # 0.27 < 0.70 < 0.82 < 0.94 (0,27 in Vietnamese)
        assert by_index_down[1] == ["B", "C", "A", "D"]
        assert by_unit[1] == ["A", "B", "C", "D"]


UNRANKED = '''framework m "M" {
    max 100
    input services bool
    input a share
    rank exclude when not services "no public services"
    criterion c "C" max 60 { proportional a }
    criterion d "D" max 40 { award when a >= 50% }
}
'''


def test_the_charts_are_drawn_in_chromium(result, varied, tmp_path):
    browser = chromium()
    page = render_html(result, sensitivity=varied)
    report = tmp_path / "report.html"
    report.write_text(page, encoding="utf-8")
    boxes = probe_page(browser, page, tmp_path, clicks=[0, 0])
    # ranks numerically, not as text: 63, 62, ... 10, 9, ..., 1 after two clicks
    assert boxes["sorted"][0][0] == [str(r) for r in range(1, 64)]
    assert boxes["sorted"][1][0] == [str(r) for r in range(63, 0, -1)]
    height = int(boxes["height"]) + 20
    for chart in CHARTS:
        assert boxes[chart][2] > 100 and boxes[chart][3] > 100, (chart, boxes[chart])

    shot = tmp_path / "report.png"
    run_browser(browser, tmp_path / "profile-shot", f"--window-size={WIDTH},{height}",
                f"--screenshot={shot}", report.as_uri())
    image = read_png(shot)
    assert image[0] == WIDTH and image[1] >= height - 20

    blue = (0x25 >> 4, 0x63 >> 4, 0xEB >> 4)
    for chart in CHARTS:
        pixels, ink, colours = region_ink(image, boxes[chart])
        assert pixels > 10_000, chart
        assert ink / pixels > 0.03, (chart, ink, pixels)  # drawn, not a blank box
        assert len(colours) > 8, (chart, len(colours))
        if chart == "ranking":
            assert blue in colours  # the bars
        if chart == "pillars":  # a bar per pillar: blue, green (#059669), amber (#d97706)
            assert blue in colours and (0x0, 0x9, 0x6) in colours and (0xD, 0x7, 0x0) in colours
        if chart == "deductions":
            assert any(r >= 0xC and g <= 0x6 and b <= 0x6 for r, g, b in colours)  # the red boxes
        if chart == "profile":
            blues = {c for c in colours if c[2] > c[0] + 2}
            assert len(blues) > 5  # cells shaded by index
        if chart == "intervals":
            assert blue in colours  # the intervals
            assert any(r >= 0xC and g <= 0x6 and b <= 0x6 for r, g, b in colours)  # the ranks as scored
    pixels, ink, colours = region_ink(image, boxes["results"])
    assert boxes["results"][3] > 63 * 12, boxes["results"]  # a row per province
    assert ink / pixels > 0.05, (ink, pixels)  # borders, headings and numbers drawn
    assert (0xE, 0xF, 0xF) in colours  # the headings' tint (#eff6ff)
    # and outside the charts, below the page, there is only background
    _, ink, _ = region_ink(image, (0, image[1] - 10, WIDTH, 10))
    assert ink == 0
