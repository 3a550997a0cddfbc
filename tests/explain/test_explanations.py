"""Reasons and what-it-takes, clause by clause, with hand-computed numbers, in English and
Vietnamese; number formatting; gains and plans."""

import numpy as np
import pytest

import dtiscore
from dtiscore.explain.wording import default_lang, format_value, number, percent

CLAUSES = """framework clauses "Clauses" {
    max 800
    input dossiers count "Tổng số hồ sơ"
    input online   count "Số hồ sơ trực tuyến" <= dossiers
    input meetings count "Số cuộc họp"
    input docs     count
    input signed   count <= docs
    input days     number
    input late     count
    input resolution bool "Có nghị quyết"
    input chair    choice(secretary, chairman, deputy, none)
    param goal = 50%
    let rate = ratio(online, dossiers)
    criterion prop  "Tỷ lệ hồ sơ trực tuyến" max 100 { proportional rate target goal }
    criterion band  "Văn bản ký số" max 100 { steps ratio(signed, docs) { > 95%: 100  >= 50%: 60  else: 0 } }
    criterion lin   "Thời gian giải quyết" max 100 { linear days from 30 to 10 }
    criterion aw    "Nghị quyết" max 100 { award when resolution }
    criterion ded   "Báo cáo muộn" max 100 { deduct 30 per late }
    criterion cs    "Chủ trì" max 100 {
        cases { when chair == secretary or chair == chairman: 100  when chair == deputy: 50  else: 0 }
    }
    criterion meet  "Họp" max 100 { steps meetings { >= 4: 100  >= 3: 75  >= 2: 50  >= 1: 25  else: 0 } }
    criterion arith "Điểm" max 100 { score 100 - 10 * late }
}"""

# lam_dong: the seed's 583,139 dossiers, 127,265 online; b: the other branches
DATA = dict(dossiers=[583139, 100], online=[127265, 100], meetings=[2, 0], docs=[1000, 1000],
            signed=[950, 400], days=[25, 5], late=[2, 5], resolution=[False, True],
            chair=["deputy", "none"])


@pytest.fixture(scope="module")
def result():
    return dtiscore.loads(CLAUSES).score(DATA, units=["lam_dong", "b"])


def crit(result, unit, criterion, lang="en"):
    return {c.criterion: c for c in result.explain(unit, lang=lang).criteria}[criterion]


# ---------------------------------------------------------------- numbers


def test_numbers_in_english_and_vietnamese():
    assert number(583139, "en") == "583,139"
    assert number(583139, "vi") == "583.139"
    assert number(43.648255, "en") == "43.65"
    assert number(43.648255, "vi") == "43,65"
    assert number(1234567.5, "vi") == "1.234.567,5"
    assert percent(127265 / 583139, "en") == "21.8%"
    assert percent(127265 / 583139, "vi") == "21,8%"
    assert format_value(1.0, "bool", "vi") == "có" and format_value(0.0, "bool", "en") == "no"
    assert format_value(float("nan"), "count", "vi") == "không có số liệu"


def test_a_value_next_to_its_limit_gets_the_decimals_it_needs():
    # 49.96% would print as 50.0% → 50%, the same as the limit; it is shown as 49.96%
    assert format_value(0.4996, "share", "en") == "50%"
    assert format_value(0.4996, "share", "en", against=0.5) == "49.96%"
    assert format_value(0.4996, "share", "vi", against=0.5) == "49,96%"
    assert format_value(0.5, "share", "en", against=0.5) == "50%"


def test_default_language_follows_the_title():
    assert default_lang("Bộ chỉ số đánh giá chuyển đổi số cấp tỉnh") == "vi"
    assert default_lang("Đô thị") == "vi"
    assert default_lang("DTI demo") == "en"
    vi = dtiscore.load("frameworks/vn-dti-district.dti")
    assert vi.score({name: [None] for name in vi.inputs}).lang == "vi"
    with pytest.raises(ValueError):
        dtiscore.loads(CLAUSES).score(DATA).explain(0, lang="fr")


# ---------------------------------------------------------------- proportional, through ratio


def test_proportional_reason_and_inversion_through_ratio(result):
    c = crit(result, "lam_dong", "prop")
    # 127,265 / 583,139 = 21.82% of the 50% target → 100 × 0.2182/0.5 = 43.65 points
    assert c.points == pytest.approx(100 * (127265 / 583139) / 0.5)
    assert c.code == "proportional.below"
    assert c.why.params["value"] == pytest.approx(127265 / 583139)
    assert c.why.params["target"] == 0.5
    assert c.reason == "rate = 21.8% < target 50% → 43.65 of 100 points"
    # full points at 50% of 583,139 = 291,569.5 → 291,570 online, 164,305 more
    assert c.next_step == "full points (100); needs online ≥ 291,570 (+164,305)"
    need = c.step.params["needs"][0]
    assert (need["input"], need["op"], need["value"], need["change"]) == ("online", ">=", 291570, 164305)


def test_proportional_in_vietnamese(result):
    c = crit(result, "lam_dong", "prop", "vi")
    assert c.reason == "Tỷ lệ hồ sơ trực tuyến 21,8% < mục tiêu 50%: đạt 43,65/100 điểm"
    assert c.next_step == "đạt tối đa (100 điểm); cần Số hồ sơ trực tuyến ≥ 291.570 (+164.305)"


def test_proportional_met(result):
    c = crit(result, "b", "prop")
    assert c.code == "proportional.met"
    assert c.reason == "rate = 100% ≥ target 50% → 100 of 100 points"
    assert c.next_step is None


# ---------------------------------------------------------------- steps, at a band edge


def test_steps_at_a_band_edge(result):
    c = crit(result, "lam_dong", "band")
    # 950/1000 = 95%: not > 95%, so the band >= 50% (60 points)
    assert c.code == "steps.band" and c.points == 60
    assert c.why.params["band"] == 1
    assert c.reason == "ratio(signed, docs) = 95%: band ≥ 50% → 60 of 100 points"
    # > 95% of 1,000 = more than 950: a count, so at least 951 — one more
    assert c.next_step == "band > 95% gives 100 points; needs signed ≥ 951 (+1)"
    assert crit(result, "lam_dong", "band", "vi").reason == "Văn bản ký số 95% ≥ 50%: đạt 60/100 điểm"


def test_steps_below_every_band(result):
    c = crit(result, "b", "band")
    # 400/1000 = 40% → else, 0 points; the next band is >= 50%: 500 signed, 100 more
    assert c.code == "steps.else"
    assert c.reason == "ratio(signed, docs) = 40%: no band holds (the lowest is ≥ 50%) → 0 of 100 points"
    assert c.next_step == "band ≥ 50% gives 60 points; needs signed ≥ 500 (+100)"
    assert crit(result, "b", "band", "vi").reason == "Văn bản ký số 40% < 50% (mức thấp nhất): đạt 0/100 điểm"


def test_steps_next_band_is_the_nearest_better_one(result):
    c = crit(result, "lam_dong", "meet")
    # 2 meetings → 50; the next better band is >= 3 (75), not the full 100
    assert c.reason == "meetings = 2: band ≥ 2 → 50 of 100 points"
    assert c.next_step == "band ≥ 3 gives 75 points; needs meetings ≥ 3 (+1)"
    assert crit(result, "lam_dong", "meet", "vi").next_step == "mức ≥ 3 được 75 điểm; cần Số cuộc họp ≥ 3 (+1)"


# ---------------------------------------------------------------- linear, award, deduct, cases, score


def test_linear_lower_is_better(result):
    c = crit(result, "lam_dong", "lin")
    # 100 × (25 − 30)/(10 − 30) = 25 points; full at 10 days or fewer: 15 fewer
    assert c.points == 25 and c.code == "linear.between"
    assert c.reason == "days = 25 (0 points at 30, 100 at 10) → 25 of 100 points"
    assert c.next_step == "full points (100); needs days ≤ 10 (-15)"
    assert crit(result, "b", "lin").code == "linear.full"


def test_award(result):
    c = crit(result, "lam_dong", "aw")
    assert c.code == "award.unmet"
    assert c.reason == "resolution: no → 0 of 100 points"
    assert c.next_step == "100 points; needs resolution = yes"
    vi = crit(result, "lam_dong", "aw", "vi")
    assert vi.reason == "Có nghị quyết (chưa đạt yêu cầu): đạt 0/100 điểm"
    assert vi.next_step == "được 100 điểm; cần Có nghị quyết: có"


def test_deduct_one_fewer(result):
    c = crit(result, "lam_dong", "ded")
    # 100 − 30 × 2 = 40; one fewer: 70
    assert c.points == 40 and c.code == "deduct"
    assert c.reason == "late = 2, 30 points off each → 40 of 100 points"
    assert c.next_step == "70 points (30 back for each one fewer); needs late ≤ 1 (-1)"


def test_deduct_at_zero_needs_the_first_count_that_gives_points(result):
    c = crit(result, "b", "ded")
    # 100 − 30 × 5 < 0 → 0; points come back below 100/30 = 3.3: at 3 late, 100 − 90 = 10
    assert c.points == 0
    assert c.next_step == "10 points (30 back for each one fewer); needs late ≤ 3 (-2)"


def test_cases(result):
    c = crit(result, "lam_dong", "cs")
    assert c.code == "cases.when" and c.points == 50
    assert c.reason == "case 2: chair == deputy → 50 of 100 points"
    # the better case is `chair == secretary or chair == chairman`: either will do
    assert c.next_step == "case 1 gives 100 points; needs chair = secretary"
    other = crit(result, "b", "cs")
    assert other.code == "cases.else"
    assert other.reason == "no case holds (else) → 0 of 100 points"
    assert other.next_step == "case 2 gives 50 points; needs chair = deputy"


def test_score_inverted_through_arithmetic(result):
    c = crit(result, "lam_dong", "arith")
    # 100 − 10 × 2 = 80; full at 100 − 10 × late ≥ 100, i.e. late ≤ 0
    assert c.reason == "100 - 10 * late = 80 → 80 of 100 points"
    assert c.next_step == "full points (100); needs late ≤ 0 (-2)"


def test_a_condition_that_cannot_be_inverted_is_named():
    fw = dtiscore.loads("""framework nc "NC" {
        max 10
        input a count
        input b count
        criterion c "C" max 10 { steps min(a, b) { >= 10: 10  else: 0 } }
    }""")
    c = fw.score(dict(a=[5], b=[5])).explain(0).criteria[0]
    assert c.next_step == "band ≥ 10 gives 10 points; needs min(a, b) ≥ 10"
    assert c.step.params["needs"] == [] and c.step.params["condition"] == "min(a, b) ≥ 10"


def test_a_product_is_inverted_holding_the_other_input():
    fw = dtiscore.loads("""framework pr "PR" {
        max 10
        input a count
        input b count
        criterion c "C" max 10 { steps a * b { >= 100: 10  else: 0 } }
    }""")
    c = fw.score(dict(a=[5], b=[5])).explain(0).criteria[0]
    # 5 × 5 = 25; with b at 5, a × 5 ≥ 100 needs a ≥ 20
    assert c.next_step == "band ≥ 100 gives 10 points; needs a ≥ 20 (+15)"


def test_inversion_through_a_population_target():
    fw = dtiscore.loads("""framework pop "Pop" {
        max 10
        input articles count
        criterion media "Media" max 10 { proportional articles target max(best(articles), 1) }
    }""")
    result = fw.score(dict(articles=[230, 304, 100]), units=["a", "b", "c"])
    c = result.explain("a").criteria[0]
    # 230 / 304 × 10 = 7.57; full points at the best province's 304
    assert c.reason == "articles = 230 < target 304 → 7.57 of 10 points"
    assert c.next_step == "full points (10); needs articles ≥ 304 (+74)"


def test_a_need_beyond_what_the_input_allows_says_so():
    fw = dtiscore.loads("""framework lim "Lim" {
        max 10
        input n count
        input k count <= n
        criterion c "C" max 10 { steps k { >= 8: 10  else: 0 } }
    }""")
    c = fw.score(dict(n=[5], k=[3])).explain(0).criteria[0]
    assert c.next_step == "band ≥ 8 gives 10 points; needs k ≥ 8 (+5) — beyond what is possible (n = 5)"
    assert c.step.params["needs"][0]["possible"] is False


def test_share_changes_in_percentage_points():
    fw = dtiscore.loads("""framework sh "Sh" {
        max 20
        input smartphones share
        criterion c "C" max 20 { linear smartphones from 50% to 90% }
    }""")
    c = fw.score(dict(smartphones=[0.82])).explain(0).criteria[0]
    # 20 × (82 − 50)/(90 − 50) = 16
    assert c.reason == "smartphones = 82% (0 points at 50%, 20 at 90%) → 16 of 20 points"
    assert c.next_step == "full points (20); needs smartphones ≥ 90% (+8 pp)"


# ---------------------------------------------------------------- statuses

STATUSES = """framework st "Statuses" {
    max 50
    on_missing zero
    input x number
    input y number
    input doc bool "Tài liệu kiểm chứng"
    input applies bool
    criterion excl "Excluded" max 10 {
        score x
        exclude when not applies "Đơn vị không có thủ tục hành chính"
    }
    criterion excl2 "Excluded, no note" max 10 {
        score x
        exclude when not applies
    }
    criterion miss "Missing" max 10 { score y }
    criterion noev "No evidence" max 10 {
        award when x >= 5
        evidence doc
    }
    criterion undef "Undefined" max 10 { proportional ratio(x, x - 7) }
}"""


def test_status_reasons():
    fw = dtiscore.loads(STATUSES)
    result = fw.score(dict(x=[7], y=[None], doc=[False], applies=[False]))
    crits = {c.criterion: c for c in result.explain(0).criteria}
    assert crits["excl"].code == "excluded"
    assert crits["excl"].reason == "Đơn vị không có thủ tục hành chính"
    assert crits["excl2"].reason == "not applicable: not applies"
    assert crits["excl"].next_step is None and crits["excl"].lost == 0
    assert crits["miss"].code == "missing"
    assert crits["miss"].reason == "no value for y → 0 of 10 points"
    assert crits["miss"].next_step == "report y"
    assert crits["noev"].code == "no_evidence"
    assert crits["noev"].reason == "no evidence: 'doc' is not true, so 0 of 10 points"
    # x = 7 ≥ 5: with the evidence, 10 points
    assert crits["noev"].next_step == "provide the evidence doc: 10 points"
    assert crits["undef"].code == "undefined"
    vi = {c.criterion: c for c in result.explain(0, lang="vi").criteria}
    assert vi["miss"].reason == "Thiếu số liệu (y): đạt 0/10 điểm"
    assert vi["noev"].reason == "Không có tài liệu kiểm chứng (Tài liệu kiểm chứng): đạt 0/10 điểm"
    assert vi["excl2"].reason == "Không áp dụng: not applies"


def test_no_evidence_and_an_unmet_rule_need_both():
    fw = dtiscore.loads(STATUSES)
    result = fw.score(dict(x=[2], y=[1], doc=[False], applies=[True]))
    noev = {c.criterion: c for c in result.explain(0).criteria}["noev"]
    assert noev.next_step == "10 points; needs doc = yes and x ≥ 5 (+3)"


def test_invalid_and_inactive_reasons():
    fw = dtiscore.loads("""framework iv "Invalid" {
        max 20
        input n count
        input skip bool
        criterion a "A" max 10 {
            score n
            exclude when skip
        }
        criterion a2 "A2" max 10 {
            score n
            replaces a
        }
        criterion b "B" max 10 { score n }
    }""")
    result = fw.score(dict(n=["many", 4], skip=[False, False]), invalid="mark")
    bad = {c.criterion: c for c in result.explain(0).criteria}
    assert bad["b"].code == "invalid" and bad["b"].reason == "invalid data in: n"
    assert bad["b"].next_step == "correct n"
    inactive = {c.criterion: c for c in result.explain(1).criteria}["a2"]
    assert inactive.code == "inactive"
    assert inactive.reason == "not needed: 'a' applies, which this criterion replaces"


# ---------------------------------------------------------------- gains and plans


def test_gains_rank_by_recoverable_points(result):
    gains = result.gains("lam_dong", k=3)
    # lost: prop 56.35, aw 100, lin 75, ded 60, cs 50, band 40, meet 50, arith 20
    assert [g.criterion for g in gains] == ["aw", "lin", "ded"]
    assert gains[0].recoverable == pytest.approx(100)
    # deduct's next step is one fewer (+30), its full recovery 60
    ded = gains[2]
    assert ded.recoverable == pytest.approx(60) and ded.next_gain == pytest.approx(30)
    assert ded.next.text() == "70 points (30 back for each one fewer); needs late ≤ 1 (-1)"


def test_plan_takes_the_fewest_next_steps(result):
    start = float(result.total[0])
    # next steps: aw +100, lin +75, prop +56.35, cs +50, band +40, ded +30, meet +25, arith +20
    plan = result.plan("lam_dong", start + 150)
    assert plan.reached
    assert plan.criteria == ("aw", "lin")
    assert plan.final == pytest.approx(start + 175)
    assert [i.gain for i in plan.items] == pytest.approx([100, 75])


def test_plan_climbs_further_when_next_steps_are_not_enough(result):
    start = float(result.total[0])
    all_next = 100 + 75 + (100 - 100 * (127265 / 583139) / 0.5) + 50 + 40 + 30 + 25 + 20
    plan = result.plan("lam_dong", start + all_next + 30)
    # every next step, then the deduct's second rung (+30) or the meetings' further bands
    assert plan.reached
    assert len(plan.criteria) == 8
    assert plan.final >= start + all_next + 30 - 1e-9
    unreachable = result.plan("lam_dong", 10_000)
    assert not unreachable.reached and unreachable.final == pytest.approx(800)


def test_gains_respect_a_cap():
    fw = dtiscore.loads("""framework capped "Cap" {
        max 10
        input a number
        input b number
        group g "G" max 10 cap {
            criterion x "X" max 10 { score a }
            criterion y "Y" max 5 { score b }
        }
    }""")
    result = fw.score(dict(a=[8], b=[0]))
    gains = {g.criterion: g for g in result.gains(0, k=None)}
    # 8 + 0 → 8 of 10; y at 5 would give 13, capped at 10: +2
    assert gains["y"].recoverable == pytest.approx(2)
    assert gains["x"].recoverable == pytest.approx(2)


def test_explanation_json_is_versioned_and_plain(result):
    import json

    data = result.explain("lam_dong").to_dict()
    text = json.dumps(data, allow_nan=False)
    assert data["schema"] == "dtiscore.explain/1"
    assert data["framework"]["id"] == "clauses"
    assert data["deductions"][0] == "aw"
    prop = next(c for c in data["criteria"] if c["id"] == "prop")
    assert prop["reason"]["code"] == "proportional.below"
    assert prop["next"]["params"]["needs"][0]["value"] == 291570
    assert "NaN" not in text


def test_explain_does_not_compute_the_population_ledger(result):
    fresh = dtiscore.loads(CLAUSES).score(DATA, units=["lam_dong", "b"])
    explanation = fresh.explain("b")
    assert "_lost" not in fresh.__dict__  # one unit's attribution only
    # the same lost points as the population's
    lost = {c.criterion: c.lost for c in explanation.criteria}
    for criterion, value in lost.items():
        assert value == fresh.lost(criterion)[1]
    assert np.isclose(sum(lost.values()), fresh.effective_max[1] - fresh.total[1])


def test_overlapping_bands_are_aimed_as_the_clause_reads_them():
    fw = dtiscore.loads("""framework ov "Overlap" {
        max 20
        input n count
        input late count
        criterion odd "Odd" max 10 { steps n { >= 0: 0  <= 0: 10  else: 0 } }
        criterion low "Lower is better" max 10 { steps late { <= 0: 10  <= 2: 5  else: 0 } }
    }""")
    crits = {c.criterion: c for c in fw.score(dict(n=[0], late=[3])).explain(0).criteria}
    # n = 0 is caught by the first band (>= 0): the second needs n < 0, which a count cannot be
    assert crits["odd"].next_step == "band ≤ 0 gives 10 points; needs n ≤ -1 (-1) — beyond what is possible (0)"
    # late = 3 → else; the band <= 2 is reached for 0 < late <= 2: one fewer
    assert crits["low"].next_step == "band ≤ 2 gives 5 points; needs late ≤ 2 (-1)"


def test_a_goal_that_moves_with_the_input_is_named_not_solved():
    fw = dtiscore.loads("""framework mv "Moving" {
        max 10
        input n count
        criterion c "C" max 10 { linear n from n to 4.5 }
    }""")
    c = fw.score(dict(n=[2])).explain(0).criteria[0]
    # the start moves with n: n ≥ 4.5 means n ≥ 5, where the line runs from 5 to 4.5 and
    # gives 0 points; no count of n gives full points, so the goal is named, not solved
    assert c.next_step == "full points (10); needs n ≥ 4.5"
    assert c.step.params["needs"] == []


def test_a_capped_count_is_inverted_through_min():
    fw = dtiscore.loads("""framework mn "Min" {
        max 20
        input apps count
        criterion c "1 point each... 5 each, at most 20" max 20 { score min(5 * apps, 20) }
    }""")
    c = fw.score(dict(apps=[1])).explain(0).criteria[0]
    # 5 × 1 = 5 of 20; full points at 5 × apps ≥ 20, i.e. 4 apps
    assert c.next_step == "full points (20); needs apps ≥ 4 (+3)"


# ---------------------------------------------------------------- generated


from hypothesis import given, reject  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from dtiscore.language.reference import Reference  # noqa: E402
from dtiscore.testing import frameworks, inputs  # noqa: E402
from dtiscore.explain.whatif import Ladders  # noqa: E402


@given(st.data())
def test_every_solved_need_reaches_its_step(data):
    """On generated frameworks and data: every ladder can be built and rendered, each rung
    gives more points than now, and where a rung needs one number changed, the rule scores
    at least the rung's points with that value (population values held)."""
    text = data.draw(frameworks())
    try:
        framework = dtiscore.loads(text)
        result = framework.score(data.draw(inputs(framework)))
    except dtiscore.DtiError:
        reject()
    unit = data.draw(st.integers(0, len(result) - 1))
    rows = [result.input_row(i) for i in range(len(result))]
    reference = Reference(framework.ir, rows)
    ladders = Ladders(result, unit)
    for crit in framework.ir.criteria():
        points = float(result.points(crit.id)[unit])
        status = result.status(crit.id)[unit]
        for step in ladders.ladder(crit):
            assert step.text("en") and step.text("vi")
            if step.points != step.points:
                continue
            assert step.points > points
            needs = step.params.get("needs") or []
            if (status != "scored" or step.params.get("condition") or len(needs) != 1
                    or needs[0]["kind"] not in ("count", "number", "share") or not needs[0]["possible"]):
                continue
            value = needs[0]["value"]  # a strict need (x > 0) is met just past its bound
            value = {">": np.nextafter(value, np.inf), "<": np.nextafter(value, -np.inf)}.get(needs[0]["op"], value)
            row = dict(rows[unit], **{needs[0]["input"]: value})
            reached, _ = reference.rule(crit, row)
            assert reached >= step.points - 1e-9, (crit.id, step, reached)
