#!/usr/bin/env python3
"""Write realistic sample data for the frameworks in ../frameworks/.

    python examples/generate.py

writes, next to this script:

    province-2022.csv   63 provinces, inputs of frameworks/vn-dti-province-2022.dti
    province-2023.csv   63 provinces, inputs of frameworks/vn-dti-province-2023.dti
    department.csv      21 departments of Lâm Đồng, frameworks/vn-dti-department.dti
    district.csv        12 districts of Lâm Đồng, frameworks/vn-dti-district.dti

The data are synthetic (numpy only; one generator seeded 2022, split into a child stream
per data set, so every run writes the same files), built around the real figures the
sources give:

- Lâm Đồng 2022: 583,139 dossiers of which 127,265 online (21.8%); 1,805 online public
  services, 497 fully online (27.53%), 719 partly online (39.8%); LGSP connected to 8 of 13
  national databases; video conferencing at 172 of 172 sites; about 82% of adults with
  smartphones; 12 shared digital platforms; over 98% of documents e-signed.
- Điện Biên 2022: 133,370 dossiers, 96.63% handled on time; e-signed documents above 95%.
- Thừa Thiên Huế: self-assessed 697.55 points (2022) and 774.45 (2023); here ≈ 698 and 761.
- Lâm Đồng department and district rankings 2022 (which units lead, which trail): the
  latent "maturity" of each unit is set so that the order roughly follows them.

Every unit has a latent maturity q in [0, 1]; each input is drawn around a level that rises
with q, so a unit strong in one index tends to be strong in the others. Some cells are left
empty on purpose (a survey not run, a statistic not available), some evidence documents are
missing, a few provinces have no college or university, some districts run no information
system of their own, and some departments have no administrative procedures: every criterion
status (scored, excluded, missing, no_evidence, inactive) occurs.

CSV format: UTF-8, comma-separated, header `unit` then one column per input of the matching
framework in declaration order; bools `true`/`false`, shares as decimals (0.218), choices as
their identifier, counts as integers, missing = empty cell.

At the end the script reads each framework's `input` lines and checks that the CSV header is
exactly that list and that every value respects its type and constraints (`<= other`,
`in LOW..HIGH`); it fails loudly otherwise.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
FRAMEWORKS = HERE.parent / "frameworks"

SEED = 2022


# ---- drawing helpers ------------------------------------------------------------------------


class Draw:
    """Columns for n units of latent maturity q (an array in [0, 1])."""

    def __init__(self, q: np.ndarray, rng: np.random.Generator):
        self.q = np.asarray(q, dtype=float)
        self.n = len(self.q)
        self.rng = rng

    def level(self, lo: float, hi: float) -> np.ndarray:
        return lo + (hi - lo) * self.q

    def share(self, lo: float, hi: float, sd: float = 0.05) -> np.ndarray:
        """A share around lo (q = 0) .. hi (q = 1), clipped to [0, 1], 3 decimals."""
        return np.round(np.clip(self.level(lo, hi) + self.rng.normal(0, sd, self.n), 0, 1), 3)

    def flag(self, lo: float, hi: float) -> np.ndarray:
        """True with probability lo (q = 0) .. hi (q = 1)."""
        return self.rng.random(self.n) < np.clip(self.level(lo, hi), 0, 1)

    def count(self, lo: float, hi: float, upper: int | None = None) -> np.ndarray:
        """A Poisson count with mean lo (q = 0) .. hi (q = 1), optionally capped."""
        x = self.rng.poisson(np.maximum(self.level(lo, hi), 0))
        return np.minimum(x, upper) if upper is not None else x

    def scaled(self, base: np.ndarray, lo: float, hi: float, sd: float = 0.15) -> np.ndarray:
        """An integer around base × (lo .. hi), lognormal noise."""
        return np.round(base * self.level(lo, hi) * np.exp(self.rng.normal(0, sd, self.n))).astype(int)

    def part(self, total: np.ndarray, lo: float, hi: float, sd: float = 0.05) -> np.ndarray:
        """How many of `total` have the property: binomial with share lo .. hi (<= total)."""
        p = np.clip(self.level(lo, hi) + self.rng.normal(0, sd, self.n), 0, 1)
        return self.rng.binomial(np.asarray(total, dtype=np.int64), p)

    def evidence(self, flag: np.ndarray, p_lacking: float) -> np.ndarray:
        """The evidence document of a `flag`: false where the thing was not done, and for a
        share p_lacking of the units that did it (they claim it but filed no document)."""
        return flag & (self.rng.random(self.n) >= p_lacking)

    def choice(self, values: list[str], weights_low: list[float], weights_high: list[float]) -> list[str]:
        out = []
        for qi in self.q:
            w = (1 - qi) * np.array(weights_low) + qi * np.array(weights_high)
            out.append(values[self.rng.choice(len(values), p=w / w.sum())])
        return out


class Table:
    """Rows of units; columns filled by name; `None` is an empty cell."""

    def __init__(self, units: list[str]):
        self.units = list(units)
        self.cols: dict[str, list] = {}

    def __setitem__(self, name: str, values) -> None:
        values = list(values.tolist() if isinstance(values, np.ndarray) else values)
        if len(values) != len(self.units):
            raise ValueError(f"column {name}: {len(values)} values for {len(self.units)} units")
        self.cols[name] = values

    def __getitem__(self, name: str) -> list:
        return self.cols[name]

    def set(self, unit: str, **values) -> None:
        """Override one unit's values (real figures)."""
        i = self.units.index(unit)
        for name, value in values.items():
            if name not in self.cols:
                raise KeyError(f"no column {name}")
            self.cols[name][i] = value

    def blank(self, name: str, mask) -> None:
        for i, m in enumerate(mask):
            if m:
                self.cols[name][i] = None

    def blank_units(self, units: list[str], names: list[str]) -> None:
        for u in units:
            i = self.units.index(u)
            for name in names:
                self.cols[name][i] = None


def maybe(rng: np.random.Generator, n: int, p: float) -> np.ndarray:
    """True for a share p of n units, at random."""
    return rng.random(n) < p


# ---- provinces --------------------------------------------------------------------------------

# (name, population in thousands (2022, approximate), communes (cấp xã, approximate))
PROVINCES = [
    ("Hà Nội", 8436, 579), ("TP. Hồ Chí Minh", 9389, 312), ("Hải Phòng", 2088, 217),
    ("Đà Nẵng", 1220, 56), ("Cần Thơ", 1253, 83), ("Hà Giang", 892, 193),
    ("Cao Bằng", 543, 161), ("Bắc Kạn", 324, 108), ("Tuyên Quang", 797, 138),
    ("Lào Cai", 765, 152), ("Điện Biên", 635, 129), ("Lai Châu", 482, 106),
    ("Sơn La", 1285, 204), ("Yên Bái", 838, 173), ("Hòa Bình", 875, 151),
    ("Thái Nguyên", 1335, 178), ("Lạng Sơn", 802, 200), ("Quảng Ninh", 1350, 171),
    ("Bắc Giang", 1922, 209), ("Phú Thọ", 1516, 225), ("Vĩnh Phúc", 1197, 136),
    ("Bắc Ninh", 1488, 126), ("Hải Dương", 1946, 235), ("Hưng Yên", 1290, 161),
    ("Thái Bình", 1878, 260), ("Hà Nam", 878, 109), ("Nam Định", 1876, 226),
    ("Ninh Bình", 1010, 143), ("Thanh Hóa", 3722, 559), ("Nghệ An", 3419, 460),
    ("Hà Tĩnh", 1323, 216), ("Quảng Bình", 913, 151), ("Quảng Trị", 650, 125),
    ("Thừa Thiên Huế", 1160, 141), ("Quảng Nam", 1519, 241), ("Quảng Ngãi", 1245, 173),
    ("Bình Định", 1504, 155), ("Phú Yên", 877, 110), ("Khánh Hòa", 1253, 139),
    ("Ninh Thuận", 598, 65), ("Bình Thuận", 1251, 124), ("Kon Tum", 580, 102),
    ("Gia Lai", 1590, 220), ("Đắk Lắk", 1918, 184), ("Đắk Nông", 670, 71),
    ("Lâm Đồng", 1332, 142), ("Bình Phước", 1025, 111), ("Tây Ninh", 1188, 94),
    ("Bình Dương", 2763, 91), ("Đồng Nai", 3255, 170), ("Bà Rịa - Vũng Tàu", 1178, 82),
    ("Long An", 1734, 188), ("Tiền Giang", 1785, 172), ("Bến Tre", 1299, 157),
    ("Trà Vinh", 1019, 106), ("Vĩnh Long", 1028, 107), ("Đồng Tháp", 1600, 143),
    ("An Giang", 1906, 155), ("Kiên Giang", 1751, 144), ("Hậu Giang", 730, 75),
    ("Sóc Trăng", 1200, 109), ("Bạc Liêu", 919, 64), ("Cà Mau", 1195, 101),
]
assert len(PROVINCES) == 63 and len({p[0] for p in PROVINCES}) == 63

# Leaders of the national DTI rankings of the time get a higher maturity; Lâm Đồng ranked
# 20th of 63 for 2021 (seed 001); Thừa Thiên Huế self-assessed 697.55 points for 2022 and
# 774.45 for 2023 (seed 002), which its maturity and TTH_GAIN approximate.
STRONG = {"Đà Nẵng": 0.68, "Quảng Ninh": 0.66, "Hà Nội": 0.63, "TP. Hồ Chí Minh": 0.63,
          "Thừa Thiên Huế": 0.55, "Bình Dương": 0.6, "Hải Phòng": 0.58, "Bắc Ninh": 0.57,
          "Cần Thơ": 0.55, "Khánh Hòa": 0.53, "Lâm Đồng": 0.47}
PROVINCE_SPREAD = 0.7   # the other provinces mostly stay below the leaders
TTH_GAIN = 0.12         # Thừa Thiên Huế's maturity gain 2022 → 2023 (698 → 761 here)
# No college or university in the province (synthetic, to exercise `exclude when`).
NO_UNIVERSITY = {"Lai Châu", "Bắc Kạn"}


def province_table(year: int, q: np.ndarray, rng: np.random.Generator) -> Table:
    """Inputs of the provincial DTI for `year` (2022 or 2023)."""
    names = [p[0] for p in PROVINCES]
    pop = np.array([p[1] for p in PROVINCES]) * 1000
    communes = np.array([p[2] for p in PROVINCES])
    n = len(names)
    d = Draw(q, rng)
    t = Table(names)
    up = 0.0 if year == 2022 else 0.06  # a year of progress

    # Nhận thức số
    t["dt_resolution"] = dt_resolution = d.flag(0.55, 1.0)
    t["dt_resolution_doc"] = d.evidence(dt_resolution, 0.06)
    t["dt_plan"] = dt_plan = d.flag(0.75, 1.0)
    t["dt_plan_doc"] = d.evidence(dt_plan, 0.05)
    meetings = d.count(0.8, 4.5, upper=12)
    t["steering_meetings"] = meetings
    t["steering_meetings_head"] = d.part(meetings, 0.3, 0.95)
    t["steering_minutes_doc"] = d.evidence(meetings > 0, 0.08)
    t["steering_chair"] = d.choice(["secretary", "chairman", "deputy", "none"],
                                   [0.15, 0.35, 0.4, 0.1], [0.55, 0.45, 0.0, 0.0])
    t["steering_decision_doc"] = d.evidence(np.ones(n, bool), 0.04)
    tasks = d.count(15, 40)
    t["plan_tasks"] = tasks
    t["plan_tasks_done"] = d.part(tasks, 0.45 + up, 0.95)
    t["dt_day_events"] = d.count(1, 7)
    t["dt_articles"] = d.scaled(np.full(n, 120), 0.4, 2.0, sd=0.4)
    t["zalo_followers"] = d.share(0.03 + up, 0.35 + up, sd=0.04)
    t["late_reports"] = d.count(2.5, 0.1)

    # Thể chế số
    t["egov_arch_issued"] = arch = d.flag(0.85, 1.0)
    t["egov_arch_implemented"] = arch & d.flag(0.3 + up, 0.95)
    t["egov_arch_doc"] = d.evidence(arch, 0.04)
    for name, lo, p_lack in [("dt_program", 0.6, 0.05), ("data_rules", 0.35, 0.08),
                             ("talent_policy", 0.15, 0.1), ("cashless_policy", 0.3, 0.08),
                             ("sme_policy", 0.25, 0.08)]:
        t[name] = f = d.flag(lo + up, 1.0)
        t[name + "_doc"] = d.evidence(f, p_lack)
    t["dt_budget_share"] = d.share(0.002, 0.012, sd=0.002)
    t["it_center"] = d.flag(0.6, 1.0)
    t["open_data_catalog"] = d.flag(0.1 + up, 0.9)
    units_total = rng.integers(28, 45, n)
    t["units_total"] = units_total
    t["units_with_cio"] = d.part(units_total, 0.4 + up, 1.0)
    t["directive_docs"] = d.count(3, 18)

    # Hạ tầng số
    t["fiber_households"] = d.share(0.35 + up, 0.92, sd=0.06)
    villages = np.round(communes * rng.uniform(6, 11, n)).astype(int)
    t["villages"] = villages
    t["villages_4g"] = d.part(villages, 0.82 + up / 2, 1.0, sd=0.03)
    t["datacenter"] = d.flag(0.4, 1.0)
    t["cloud_platform"] = d.flag(0.1 + up, 0.9)
    lgsp_required = np.full(n, 13 if year == 2022 else 15)
    t["lgsp_required"] = lgsp_required
    t["lgsp_connected"] = d.part(lgsp_required, 0.3 + up, 0.95, sd=0.08)
    video_required = communes + rng.integers(15, 35, n)
    t["video_sites_required"] = video_required
    t["video_sites"] = d.part(video_required, 0.6 + up, 1.0, sd=0.05)
    t["communes"] = communes
    t["wan_communes"] = d.part(communes, 0.55 + up, 1.0, sd=0.05)
    t["digital_platforms"] = d.count(4, 13)

    # Nhân lực số
    agencies = rng.integers(30, 60, n)
    t["agencies"] = agencies
    t["agencies_it_staff"] = d.part(agencies, 0.35 + up, 0.95)
    t["officials_trained"] = d.share(0.3 + up, 0.95, sd=0.07)
    t["leaders_trained"] = lt = d.flag(0.5 + up, 1.0)
    t["leaders_trained_doc"] = d.evidence(lt, 0.07)
    t["community_teams"] = d.part(communes, 0.55 + 2 * up, 1.0, sd=0.05)
    t["team_members_trained"] = d.share(0.2 + up, 0.9, sd=0.08)
    t["citizens_skills"] = d.share(0.08 + up, 0.45 + up, sd=0.05)
    universities = np.maximum(rng.poisson(pop / 400_000), 1)
    universities = np.where([u in NO_UNIVERSITY for u in names], 0, universities)
    t["universities"] = universities
    t["universities_it"] = d.part(universities, 0.3, 0.9, sd=0.1)
    t["it_graduates_share"] = d.share(0.02, 0.09, sd=0.01)
    t["dt_trainings"] = d.count(3, 30)
    t["expert_group"] = eg = d.flag(0.2 + up, 0.9)
    t["expert_group_doc"] = d.evidence(eg, 0.1)
    t["digital_workers"] = d.share(0.003, 0.03, sd=0.003)
    t["schools_stem"] = d.share(0.25 + up, 0.9, sd=0.06)
    t["onetouch_learners"] = d.share(0.15 + up, 0.85, sd=0.08)

    # An toàn thông tin mạng
    info_systems = rng.integers(12, 60, n)
    t["info_systems"] = info_systems
    t["systems_level_approved"] = d.part(info_systems, 0.2 + 2 * up, 1.0, sd=0.08)
    t["systems_protected"] = d.part(info_systems, 0.1 + up, 0.85, sd=0.08)
    t["systems_4layer"] = d.part(info_systems, 0.3 + up, 1.0, sd=0.08)
    t["soc_connected"] = soc = d.flag(0.3 + 2 * up, 1.0)
    t["soc_doc"] = d.evidence(soc, 0.05)
    t["security_drills"] = d.count(0.3, 2.5, upper=6)
    t["incident_team"] = it = d.flag(0.7, 1.0)
    t["incident_team_doc"] = d.evidence(it, 0.05)
    t["incidents_unresolved"] = d.count(2.0, 0.1)
    t["antivirus_share"] = d.share(0.45 + up, 1.0, sd=0.06)
    t["security_audit"] = sa = d.flag(0.4 + up, 1.0)
    t["security_audit_doc"] = d.evidence(sa, 0.08)
    t["security_budget_share"] = d.share(0.02, 0.12, sd=0.015)
    t["security_campaigns"] = d.count(1, 7)
    portals = rng.integers(40, 120, n)
    t["portals"] = portals
    t["portals_scanned"] = d.part(portals, 0.3 + up, 1.0, sd=0.08)
    if year >= 2023:
        t["portals_https"] = d.part(portals, 0.5, 1.0, sd=0.06)
        t["backup_onsite"] = d.flag(0.7, 1.0)
        t["backup_offsite"] = d.flag(0.2, 0.9)
        t["personal_data_plan"] = pd_ = d.flag(0.2, 0.9)
        t["personal_data_doc"] = d.evidence(pd_, 0.1)
        t["security_trained_share"] = d.share(0.2, 0.85, sd=0.08)
        t["security_late_reports"] = d.count(2.0, 0.1)

    # Đô thị thông minh (2022 only; listed, not scored)
    if year == 2022:
        t["smart_city_plan"] = d.flag(0.2, 1.0)
        t["ioc_operating"] = d.flag(0.1, 0.95)
        t["smart_city_services"] = d.count(0, 8)

    # Hoạt động chính quyền số
    dossiers = d.scaled(pop, 0.25, 0.45, sd=0.2)
    t["dossiers"] = dossiers
    t["dossiers_online"] = d.part(dossiers, 0.03 + up, 0.55 + up, sd=0.04)
    t["dossiers_ontime"] = d.part(dossiers, 0.9, 0.995, sd=0.015)
    t["dossiers_digitized"] = d.part(dossiers, 0.05 + 3 * up, 0.7 + up, sd=0.06)
    t["dossiers_reused"] = d.part(dossiers, 0.0 + up, 0.25 + up, sd=0.03)
    fee = d.part(dossiers, 0.3, 0.5, sd=0.03)
    t["dossiers_fee"] = fee
    t["dossiers_paid_online"] = d.part(fee, 0.01 + up, 0.35 + up, sd=0.03)
    services = rng.integers(1200, 2100, n)
    t["online_services"] = services
    full = d.part(services, 0.1 + 2 * up, 0.5 + up, sd=0.05)
    t["services_full"] = full
    t["services_partial"] = d.part(services - full, 0.3, 0.6, sd=0.05)  # full + partial <= all
    t["services_integrated"] = d.part(services, 0.4 + up, 0.95, sd=0.06)
    docs_sent = d.scaled(pop, 0.08, 0.2, sd=0.25)
    t["docs_sent"] = docs_sent
    t["docs_signed"] = d.part(docs_sent, 0.7 + up, 0.995, sd=0.03)
    t["docs_electronic"] = d.part(docs_sent, 0.75 + up, 0.995, sd=0.03)
    t["paperless_share"] = d.share(0.1 + up, 0.9, sd=0.08)
    t["report_system"] = rs = d.flag(0.6 + up, 1.0)
    t["report_system_doc"] = d.evidence(rs, 0.05)
    t["open_datasets"] = d.count(2, 60)
    t["citizen_satisfaction"] = d.share(0.6, 0.95, sd=0.05)
    t["email_users"] = d.share(0.4 + up, 0.98, sd=0.06)
    for name, lo in [("portal_info_complete", 0.5), ("portal_mobile_ready", 0.6),
                     ("portal_accessible", 0.1), ("portal_open_data", 0.15)]:
        t[name] = d.flag(lo + up, 1.0)
    t["lgsp_transactions"] = d.scaled(np.full(n, 1_500_000), 0.05, 1.0, sd=0.5)
    t["population_db"] = pdb = d.flag(0.3 + 3 * up, 1.0)
    t["population_db_doc"] = d.evidence(pdb, 0.06)
    t["virtual_assistant"] = d.flag(0.05 + up, 0.7)
    t["mobile_apps"] = d.count(0.5, 6)
    t["ai_applied"] = d.flag(0.0 + up, 0.5)
    feedback = d.scaled(pop, 0.0005, 0.004, sd=0.4)
    has_feedback_platform = d.flag(0.6, 1.0)
    feedback = np.where(has_feedback_platform, feedback, 0)
    t["feedback_received"] = feedback
    t["feedback_resolved"] = d.part(feedback, 0.7, 0.99, sd=0.04)

    # Hoạt động kinh tế số
    t["population"] = pop
    t["digital_firms"] = d.scaled(pop, 0.0002, 0.0012, sd=0.3)
    t["firms_ecommerce"] = d.share(0.08 + up, 0.5 + up, sd=0.05)
    t["firms_einvoice"] = d.share(0.75 + up / 2, 1.0, sd=0.03)
    t["cashless_payments"] = d.share(0.1 + up, 0.55 + up, sd=0.05)
    t["smes_supported"] = d.scaled(np.sqrt(pop / 1e6) * 1000, 0.05, 1.0, sd=0.5)
    ocop = d.count(30, 200)
    t["ocop_products"] = ocop
    t["ocop_online"] = d.part(ocop, 0.2 + up, 0.9, sd=0.08)
    t["traceability_platform"] = tp = d.flag(0.3 + up, 1.0)
    t["traceability_doc"] = d.evidence(tp, 0.08)
    t["digital_economy_share"] = d.share(0.04, 0.2 + up, sd=0.02)
    t["firms_esign"] = d.share(0.6 + up, 0.98, sd=0.05)
    t["smart_tourism"] = d.flag(0.2 + up, 0.95)
    t["tourism_ecommerce"] = d.flag(0.1 + up, 0.8)
    markets = np.maximum(np.round(communes * rng.uniform(0.5, 1.0, n)).astype(int), 1)
    t["markets"] = markets
    t["markets_cashless"] = d.part(markets, 0.02 + up, 0.6 + up, sd=0.05)
    t["coops_digital"] = d.share(0.05 + up, 0.5 + up, sd=0.05)

    # Hoạt động xã hội số
    t["smartphones"] = d.share(0.6 + up / 2, 0.9 + up / 2, sd=0.03)
    t["payment_accounts"] = d.share(0.4 + up, 0.85 + up / 2, sd=0.04)
    t["vneid_level2"] = d.share(0.05 + 4 * up, 0.5 + 3 * up, sd=0.05)
    t["ehealth_records"] = d.share(0.2 + 2 * up, 0.9, sd=0.07)
    schools = np.round(communes * rng.uniform(2.5, 4.0, n)).astype(int)
    t["schools"] = schools
    t["schools_cashless"] = d.part(schools, 0.2 + 2 * up, 0.95, sd=0.06)
    hospitals = np.maximum(np.round(pop / 50_000 * rng.uniform(0.7, 1.3, n)).astype(int), 5)
    t["hospitals"] = hospitals
    t["hospitals_cashless"] = d.part(hospitals, 0.3 + 2 * up, 1.0, sd=0.06)
    t["online_learning_share"] = d.share(0.4 + up, 0.95, sd=0.06)
    t["dvc_users"] = d.share(0.05 + up, 0.45 + up, sd=0.04)

    # Real figures.
    ld_dossiers, ld_online = 583_139, 127_265
    t.set("Lâm Đồng",
          dossiers=ld_dossiers, dossiers_online=ld_online,
          dossiers_ontime=round(ld_dossiers * 0.985), dossiers_digitized=round(ld_dossiers * 0.31),
          dossiers_reused=round(ld_dossiers * 0.06), dossiers_fee=round(ld_dossiers * 0.42),
          dossiers_paid_online=round(ld_dossiers * 0.42 * 0.12),
          online_services=1805, services_full=497, services_partial=719,
          services_integrated=1650,
          lgsp_required=13, lgsp_connected=8, video_sites_required=172, video_sites=172,
          communes=142, wan_communes=142, smartphones=0.82, digital_platforms=12,
          docs_sent=412_000, docs_signed=round(412_000 * 0.982),
          docs_electronic=round(412_000 * 0.985))
    if year == 2023:  # a year on (invented: the sources give no 2023 figures)
        t.set("Lâm Đồng", dossiers_online=round(ld_dossiers * 0.33), services_full=689,
              lgsp_required=15, lgsp_connected=11, smartphones=0.85)
    eb_dossiers = 133_370  # and 96.63% on time; the online share here is invented
    t.set("Điện Biên", dossiers=eb_dossiers, dossiers_ontime=round(eb_dossiers * 0.9663),
          dossiers_online=round(eb_dossiers * (0.18 if year == 2022 else 0.3)),
          dossiers_digitized=round(eb_dossiers * 0.2), dossiers_reused=round(eb_dossiers * 0.03),
          dossiers_fee=round(eb_dossiers * 0.4), dossiers_paid_online=round(eb_dossiers * 0.4 * 0.08),
          docs_sent=98_000, docs_signed=round(98_000 * (0.955 if year == 2022 else 0.972)),
          docs_electronic=round(98_000 * 0.96))

    # Missing data: surveys not run, statistics not (yet) available, a late submission.
    t.blank("citizen_satisfaction", maybe(rng, n, 0.15))          # input policy: excluded
    t.blank("digital_economy_share", maybe(rng, n, 0.12))         # no GRDP estimate yet: missing
    t.blank("ehealth_records", maybe(rng, n, 0.08))
    t.blank("lgsp_transactions", maybe(rng, n, 0.05))
    late = ["Kon Tum", "Bạc Liêu"] if year == 2022 else ["Cao Bằng"]
    t.blank_units(late, ["plan_tasks", "plan_tasks_done", "dt_articles", "officials_trained",
                         "security_budget_share"])
    return t


# ---- departments (Lâm Đồng) --------------------------------------------------------------------

# (department, maturity, has administrative procedures). The order of the first five and
# the last three follows Lâm Đồng's 2022 ranking (seed 000): Bảo hiểm Xã hội tỉnh 848.47,
# Sở Tài chính 797.45, Sở Giáo dục và Đào tạo 782.50, Sở Thông tin và Truyền thông 775.58,
# Sở Y tế 764.58; lowest Sở Kế hoạch và Đầu tư 379.54, Sở Tài nguyên và Môi trường 490.82,
# Bộ Chỉ huy Quân sự tỉnh 340.86. Đài Phát thanh - Truyền hình Lâm Đồng led the units
# without administrative procedures.
DEPARTMENTS = [
    ("Bảo hiểm Xã hội tỉnh", 0.93, True),
    ("Sở Tài chính", 0.83, True),
    ("Sở Giáo dục và Đào tạo", 0.81, True),
    ("Sở Thông tin và Truyền thông", 0.795, True),
    ("Sở Y tế", 0.78, True),
    ("Sở Tư pháp", 0.74, True),
    ("Sở Nội vụ", 0.7, True),
    ("Văn phòng UBND tỉnh", 0.68, True),
    ("Sở Công Thương", 0.65, True),
    ("Sở Lao động - Thương binh và Xã hội", 0.62, True),
    ("Sở Giao thông vận tải", 0.6, True),
    ("Sở Nông nghiệp và Phát triển nông thôn", 0.58, True),
    ("Sở Xây dựng", 0.56, True),
    ("Sở Văn hóa - Thể thao và Du lịch", 0.54, True),
    ("Sở Khoa học và Công nghệ", 0.52, True),
    ("Thanh tra tỉnh", 0.48, True),
    ("Sở Tài nguyên và Môi trường", 0.37, True),
    ("Sở Kế hoạch và Đầu tư", 0.2, True),
    ("Bộ Chỉ huy Quân sự tỉnh", 0.17, True),
    ("Đài Phát thanh - Truyền hình Lâm Đồng", 0.72, False),
    ("Trường Chính trị tỉnh", 0.5, False),
]

PROCEDURE_INPUTS = ["dossiers", "dossiers_online", "dossiers_ontime", "dossiers_digitized",
                    "dossiers_fee", "dossiers_paid_online", "online_services", "services_full",
                    "services_integrated", "citizen_satisfaction"]


def department_table(rng: np.random.Generator) -> Table:
    names = [u for u, _, _ in DEPARTMENTS]
    q = np.clip(np.array([m for _, m, _ in DEPARTMENTS]) + rng.normal(0, 0.03, len(names)), 0, 1)
    has_procedures = np.array([p for _, _, p in DEPARTMENTS])
    n = len(names)
    d = Draw(q, rng)
    t = Table(names)

    # Nhận thức số
    t["dt_plan"] = f = d.flag(0.5, 1.0)
    t["dt_plan_doc"] = d.evidence(f, 0.08)
    meetings = d.count(0.5, 4.5, upper=8)
    t["steering_meetings"] = meetings
    t["steering_meetings_head"] = d.part(meetings, 0.3, 1.0, sd=0.1)
    t["steering_minutes_doc"] = d.evidence(meetings > 0, 0.1)
    t["steering_head"] = d.choice(["director", "deputy", "none"], [0.2, 0.5, 0.3], [1.0, 0.0, 0.0])
    t["steering_decision_doc"] = d.evidence(np.ones(n, bool), 0.08)
    tasks = d.count(6, 20)
    t["plan_tasks"] = tasks
    t["plan_tasks_done"] = d.part(tasks, 0.3, 1.0, sd=0.08)
    t["dt_articles"] = d.count(1, 25)

    # Thể chế số
    for name, lo in [("it_rules", 0.4), ("edoc_rules", 0.5)]:
        t[name] = f = d.flag(lo, 1.0)
        t[name + "_doc"] = d.evidence(f, 0.1)
    t["dt_budget_share"] = d.share(0.0, 0.025, sd=0.004)
    t["sector_plan"] = sp = d.flag(0.4, 1.0)
    t["sector_plan_data"] = sp & d.flag(0.1, 0.9)
    t["it_allowance"] = d.flag(0.05, 0.7)
    t["directive_docs"] = d.count(0.5, 7)

    # Hạ tầng số
    staff = np.round(rng.uniform(40, 260, n)).astype(int)
    staff[names.index("Sở Giáo dục và Đào tạo")] = 120
    t["staff"] = staff
    t["staff_with_pc"] = d.part(staff, 0.92, 1.0, sd=0.02)
    t["lan_fiber"] = d.flag(0.85, 1.0)
    t["wan_connected"] = d.flag(0.6, 1.0)
    t["backup_device"] = b = d.flag(0.6, 1.0)
    t["backup_device_doc"] = d.evidence(b, 0.1)
    t["video_room"] = vr = d.flag(0.5, 1.0)
    t["video_used"] = vr & d.flag(0.3, 1.0)

    # Nhân lực số
    t["it_staff_full"] = d.count(0.1, 2.5, upper=10)
    t["it_staff_part"] = d.count(0.8, 1.5, upper=10)
    t["staff_trained"] = d.part(staff, 0.2, 0.95, sd=0.08)
    t["leaders_trained"] = lt = d.flag(0.4, 1.0)
    t["leaders_trained_doc"] = d.evidence(lt, 0.1)
    t["onetouch_learners"] = d.share(0.1, 0.9, sd=0.08)
    t["it_degree"] = d.flag(0.3, 1.0)
    t["dt_trainings"] = d.count(0.2, 4)

    # An toàn thông tin mạng
    info_systems = d.count(0.3, 4, upper=20)
    t["info_systems"] = info_systems
    t["systems_level_approved"] = d.part(info_systems, 0.1, 1.0, sd=0.1)
    t["antivirus_share"] = d.share(0.4, 1.0, sd=0.08)
    t["security_rules"] = sr = d.flag(0.4, 1.0)
    t["security_rules_doc"] = d.evidence(sr, 0.1)
    t["incidents_unresolved"] = d.count(1.5, 0.05)
    t["security_trained_share"] = d.share(0.1, 0.9, sd=0.08)
    t["backup_daily"] = bd = d.flag(0.4, 1.0)
    t["backup_tested"] = bd & d.flag(0.1, 0.9)
    t["drill_participated"] = d.flag(0.2, 1.0)

    # Hoạt động chính quyền số — administrative procedures
    t["has_procedures"] = has_procedures
    dossiers = np.round(rng.lognormal(np.log(8_000), 1.0, n)).astype(int)
    dossiers[names.index("Bảo hiểm Xã hội tỉnh")] = 215_000
    t["dossiers"] = dossiers
    t["dossiers_online"] = d.part(dossiers, 0.02, 0.7, sd=0.05)
    t["dossiers_ontime"] = d.part(dossiers, 0.85, 0.998, sd=0.02)
    t["dossiers_digitized"] = d.part(dossiers, 0.05, 0.8, sd=0.08)
    fee = d.part(dossiers, 0.1, 0.5, sd=0.05)
    t["dossiers_fee"] = np.where(d.flag(0.75, 0.75), fee, 0)  # a quarter collect no fees
    t["dossiers_paid_online"] = d.part(np.array(t["dossiers_fee"]), 0.0, 0.4, sd=0.04)
    services = rng.integers(8, 160, n)
    t["online_services"] = services
    t["services_full"] = d.part(services, 0.05, 0.6, sd=0.06)
    t["services_integrated"] = d.part(services, 0.3, 1.0, sd=0.06)
    t["citizen_satisfaction"] = d.share(0.55, 0.95, sd=0.05)
    # Units without procedures: has_procedures false, procedure inputs empty.
    no_proc = [u for u, _, p in DEPARTMENTS if not p]
    t.blank_units(no_proc, PROCEDURE_INPUTS)

    # Hoạt động chính quyền số — internal operations
    docs_sent = np.round(staff * rng.uniform(15, 40, n)).astype(int)
    t["docs_sent"] = docs_sent
    t["docs_signed"] = d.part(docs_sent, 0.55, 0.995, sd=0.04)
    t["docs_electronic"] = d.part(docs_sent, 0.6, 0.995, sd=0.04)
    t["email_users"] = d.share(0.3, 1.0, sd=0.06)
    t["late_reports"] = d.count(2.5, 0.1)
    t["sector_db_built"] = sdb = d.flag(0.1, 1.0)
    t["sector_db_lgsp"] = sdb & d.flag(0.0, 0.9)
    t["sector_db_doc"] = d.evidence(sdb, 0.1)
    t["lgsp_transactions"] = np.where(d.flag(0.2, 1.0), d.scaled(np.full(n, 40_000), 0.02, 1.0, sd=0.6), 0)
    t["open_datasets"] = d.count(0.1, 6)
    for name, lo in [("portal_info_complete", 0.4), ("portal_updated", 0.5), ("portal_mobile_ready", 0.5)]:
        t[name] = d.flag(lo, 1.0)
    t["sector_apps"] = d.count(0.2, 4)
    t["paperless_share"] = d.share(0.05, 0.85, sd=0.08)

    # Missing data: one late self-assessment, one survey not run.
    t.blank_units(["Sở Kế hoạch và Đầu tư"], ["plan_tasks", "plan_tasks_done", "staff_trained", "antivirus_share"])
    t.blank_units(["Sở Xây dựng"], ["citizen_satisfaction"])
    return t


# ---- districts (Lâm Đồng) ----------------------------------------------------------------------

# (district, maturity, communes, population, industrial clusters, tourist sites, OCOP products)
# Order of maturity follows the 2022 district ranking (seed 000): Đạ Tẻh 698.91, Đà Lạt
# 692.94, Đạ Huoai 664.41, Di Linh 637.36, Đức Trọng 598.58; lowest Đam Rông, Bảo Lộc,
# Lạc Dương. Counts are approximate.
DISTRICTS = [
    ("Đạ Tẻh", 0.63, 10, 47_000, 1, 3, 9),
    ("Đà Lạt", 0.62, 16, 240_000, 0, 35, 25),
    ("Đạ Huoai", 0.575, 9, 36_000, 1, 4, 8),
    ("Di Linh", 0.53, 19, 165_000, 2, 6, 14),
    ("Đức Trọng", 0.47, 15, 190_000, 2, 12, 20),
    ("Lâm Hà", 0.44, 14, 155_000, 1, 8, 16),
    ("Đơn Dương", 0.42, 10, 105_000, 1, 5, 18),
    ("Bảo Lâm", 0.4, 14, 125_000, 1, 4, 10),
    ("Cát Tiên", 0.38, 10, 40_000, 0, 5, 7),
    ("Lạc Dương", 0.33, 6, 30_000, 0, 14, 6),
    ("Bảo Lộc", 0.31, 11, 160_000, 1, 9, 15),
    ("Đam Rông", 0.29, 8, 45_000, 0, 2, 4),
]


def district_table(rng: np.random.Generator) -> Table:
    names = [r[0] for r in DISTRICTS]
    q = np.clip(np.array([r[1] for r in DISTRICTS]) + rng.normal(0, 0.03, len(names)), 0, 1)
    communes = np.array([r[2] for r in DISTRICTS])
    pop = np.array([r[3] for r in DISTRICTS])
    n = len(names)
    d = Draw(q, rng)
    t = Table(names)

    # Nhận thức số
    t["dt_plan"] = f = d.flag(0.6, 1.0)
    t["dt_plan_doc"] = d.evidence(f, 0.08)
    meetings = d.count(0.8, 4.5, upper=8)
    t["steering_meetings"] = meetings
    t["steering_meetings_head"] = d.part(meetings, 0.3, 1.0, sd=0.1)
    t["steering_minutes_doc"] = d.evidence(meetings > 0, 0.1)
    t["steering_chair"] = d.choice(["secretary", "chairman", "deputy", "none"],
                                   [0.1, 0.3, 0.5, 0.1], [0.5, 0.5, 0.0, 0.0])
    t["steering_decision_doc"] = d.evidence(np.ones(n, bool), 0.08)
    t["dt_day_events"] = d.count(0.5, 5)
    t["dt_articles"] = d.scaled(np.full(n, 60), 0.2, 1.5, sd=0.4)
    t["late_reports"] = d.count(2.5, 0.1)

    # Thể chế số
    for name, lo in [("dt_program", 0.6), ("it_rules", 0.4)]:
        t[name] = f = d.flag(lo, 1.0)
        t[name + "_doc"] = d.evidence(f, 0.1)
    t["dt_budget_share"] = d.share(0.001, 0.012, sd=0.002)
    offices = rng.integers(12, 16, n)
    t["offices"] = offices
    t["offices_with_cio"] = d.part(offices, 0.3, 1.0, sd=0.08)
    t["communes"] = communes
    t["communes_with_plan"] = d.part(communes, 0.4, 1.0, sd=0.08)
    t["directive_docs"] = d.count(1, 12)

    # Hạ tầng số
    staff = np.round(communes * rng.uniform(22, 30, n) + rng.uniform(90, 160, n)).astype(int)
    t["staff"] = staff
    t["staff_with_pc"] = d.part(staff, 0.97, 1.0, sd=0.01)
    t["wan_communes"] = d.part(communes, 0.6, 1.0, sd=0.05)
    video_required = communes + 1
    t["video_sites_required"] = video_required
    t["video_sites"] = video_required  # 172 of 172 sites province-wide (seed 001)
    villages = np.round(communes * rng.uniform(6, 10, n)).astype(int)
    t["villages"] = villages
    t["villages_4g"] = d.part(villages, 0.85, 1.0, sd=0.03)
    t["fiber_households"] = d.share(0.4, 0.9, sd=0.05)
    t["backup_device"] = d.flag(0.7, 1.0)
    t["fire_protection"] = d.flag(0.5, 1.0)

    # Nhân lực số
    t["it_staff"] = d.count(0.3, 2.2, upper=6)
    t["officials_trained"] = d.share(0.3, 0.95, sd=0.07)
    t["leaders_trained"] = lt = d.flag(0.4, 1.0)
    t["leaders_trained_doc"] = d.evidence(lt, 0.1)
    t["community_teams"] = d.part(communes, 0.7, 1.0, sd=0.05)
    t["team_members_trained"] = d.share(0.2, 0.9, sd=0.08)
    t["citizens_skills"] = d.share(0.05, 0.4, sd=0.05)
    t["dt_trainings"] = d.count(0.3, 3)

    # An toàn thông tin mạng
    info_systems = np.where(d.flag(0.3, 0.8), d.count(1, 3, upper=8), 0)  # many run none of their own
    t["info_systems"] = info_systems
    t["systems_level_approved"] = d.part(info_systems, 0.1, 1.0, sd=0.1)
    t["antivirus_share"] = d.share(0.4, 1.0, sd=0.08)
    t["security_rules"] = sr = d.flag(0.4, 1.0)
    t["security_rules_doc"] = d.evidence(sr, 0.1)
    t["incidents_unresolved"] = d.count(1.5, 0.05)
    t["security_trained_share"] = d.share(0.1, 0.8, sd=0.08)
    t["drill_participated"] = d.flag(0.3, 1.0)
    t["portal_https"] = d.flag(0.5, 1.0)

    # Hoạt động chính quyền số
    dossiers = d.scaled(pop, 0.2, 0.35, sd=0.15)
    t["dossiers"] = dossiers
    t["dossiers_online"] = d.part(dossiers, 0.03, 0.4, sd=0.04)
    t["dossiers_ontime"] = d.part(dossiers, 0.9, 0.995, sd=0.015)
    t["dossiers_digitized"] = d.part(dossiers, 0.05, 0.6, sd=0.06)
    fee = d.part(dossiers, 0.3, 0.45, sd=0.03)
    t["dossiers_fee"] = fee
    t["dossiers_paid_online"] = d.part(fee, 0.01, 0.3, sd=0.03)
    docs_sent = d.scaled(pop, 0.08, 0.15, sd=0.2)
    t["docs_sent"] = docs_sent
    t["docs_signed"] = d.part(docs_sent, 0.8, 0.995, sd=0.03)
    t["docs_electronic"] = d.part(docs_sent, 0.8, 0.995, sd=0.03)
    t["communes_esign"] = d.part(communes, 0.7, 1.0, sd=0.05)
    t["report_system"] = rs = d.flag(0.6, 1.0)
    t["report_system_doc"] = d.evidence(rs, 0.08)
    for name, lo in [("portal_info_complete", 0.4), ("portal_updated", 0.5), ("portal_mobile_ready", 0.6)]:
        t[name] = d.flag(lo, 1.0)
    t["citizen_satisfaction"] = d.share(0.6, 0.95, sd=0.05)
    t["population_db"] = pdb = d.flag(0.3, 1.0)
    t["population_db_doc"] = d.evidence(pdb, 0.08)
    feedback = d.scaled(pop, 0.0005, 0.003, sd=0.4)
    t["feedback_received"] = feedback
    t["feedback_resolved"] = d.part(feedback, 0.7, 0.99, sd=0.04)
    t["district_apps"] = d.count(0.2, 4)

    # Hoạt động kinh tế số
    t["shops_online"] = d.scaled(pop, 0.0003, 0.002, sd=0.4)
    ocop = np.array([r[6] for r in DISTRICTS])
    t["ocop_products"] = ocop
    t["ocop_online"] = d.part(ocop, 0.2, 0.9, sd=0.08)
    markets = np.maximum(np.round(communes * rng.uniform(0.4, 0.9, n)).astype(int), 1)
    t["markets"] = markets
    t["markets_cashless"] = d.part(markets, 0.0, 0.6, sd=0.06)
    t["farms_traceable"] = d.share(0.05, 0.6, sd=0.06)
    clusters = np.array([r[4] for r in DISTRICTS])
    t["industrial_clusters"] = clusters
    t["cluster_firms_digital"] = d.share(0.1, 0.6, sd=0.06)
    sites = np.array([r[5] for r in DISTRICTS])
    t["tourist_sites"] = sites
    t["tourist_sites_digital"] = d.part(sites, 0.0, 0.7, sd=0.08)
    t["firms_einvoice"] = d.share(0.7, 1.0, sd=0.04)
    # No cluster: nothing to report for the cluster criterion (its substitute applies).
    t.blank("cluster_firms_digital", clusters == 0)

    # Hoạt động xã hội số
    t["smartphones"] = d.share(0.7, 0.88, sd=0.03)
    t.set("Đà Lạt", smartphones=0.86)
    t["payment_accounts"] = d.share(0.4, 0.85, sd=0.04)
    t["vneid_level2"] = d.share(0.05, 0.45, sd=0.05)
    schools = np.round(communes * rng.uniform(2.5, 4.0, n)).astype(int)
    t["schools"] = schools
    t["schools_cashless"] = d.part(schools, 0.2, 0.95, sd=0.06)
    t["health_stations"] = communes
    t["health_stations_digital"] = d.part(communes, 0.4, 1.0, sd=0.06)
    t["households_guided"] = d.share(0.05, 0.5, sd=0.05)

    # Missing data: survey not run in two districts (excluded by the input's policy), one
    # district did not report its training and traceability figures.
    t.blank_units(["Lạc Dương", "Đam Rông"], ["citizen_satisfaction"])
    t.blank_units(["Bảo Lộc"], ["officials_trained", "farms_traceable", "dt_trainings"])
    return t


# ---- writing and checking ----------------------------------------------------------------------

INPUT_RE = re.compile(r"^\s*input\s+(\w+)\s+(\w+)")


def framework_inputs(path: Path) -> list[dict]:
    """Each `input` line of a framework: name, type, choice values and constraints."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = INPUT_RE.match(line)
        if not m:
            continue
        code = re.sub(r'"[^"]*"', "", line).split("#")[0]  # drop the label, then any comment
        spec = {"name": m.group(1), "type": m.group(2), "values": None, "le": None, "range": None}
        cm = re.search(r"choice\(([^)]*)\)", code)
        if cm:
            spec["type"] = "choice"
            spec["values"] = [v.strip() for v in cm.group(1).split(",")]
        le = re.search(r"<=\s*(\w+)", code)
        if le:
            spec["le"] = le.group(1)
        rg = re.search(r"\bin\s+(-?[\d.]+)\.\.(-?[\d.]+)", code)
        if rg:
            spec["range"] = (float(rg.group(1)), float(rg.group(2)))
        out.append(spec)
    return out


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        if float(value).is_integer():
            return str(int(value))
        return f"{float(value):.3f}".rstrip("0").rstrip(".")
    return str(value)


def write(table: Table, framework: Path, out: Path) -> None:
    specs = framework_inputs(framework)
    wanted = [s["name"] for s in specs]
    have = set(table.cols)
    missing, extra = [c for c in wanted if c not in have], sorted(have - set(wanted))
    if missing or extra:
        sys.exit(f"FAILED {out.name}: columns do not match the inputs of {framework.name}:\n"
                 f"  not generated: {missing}\n  not in the framework: {extra}")
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["unit"] + wanted)
        for i, unit in enumerate(table.units):
            w.writerow([unit] + [cell(table.cols[c][i]) for c in wanted])


def verify(out: Path, framework: Path) -> tuple[int, int, int]:
    """Read the CSV back; check header, types and constraints against the framework."""
    specs = framework_inputs(framework)
    by_name = {s["name"]: s for s in specs}
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    expected = ["unit"] + [s["name"] for s in specs]
    problems = []
    if header != expected:
        problems.append(f"header {header} != inputs {expected}")
    units = [r[0] for r in body]
    if len(set(units)) != len(units):
        problems.append("duplicate unit ids")
    empty = 0
    for r in body:
        row = dict(zip(header, r))
        values = {}
        for name, raw in row.items():
            if name == "unit":
                continue
            s = by_name.get(name)
            if s is None:
                continue
            if raw == "":
                empty += 1
                continue
            where = f"{out.name}: unit {row['unit']!r}, column {name}, value {raw!r}"
            t = s["type"]
            if t == "bool":
                if raw not in ("true", "false"):
                    problems.append(f"{where}: not a bool")
                continue
            if t == "choice":
                if raw not in s["values"]:
                    problems.append(f"{where}: not one of {s['values']}")
                continue
            try:
                v = float(raw)
            except ValueError:
                problems.append(f"{where}: not a number")
                continue
            if t == "count" and (v < 0 or not v.is_integer()):
                problems.append(f"{where}: not a count")
            if t == "share" and not 0 <= v <= 1:
                problems.append(f"{where}: share outside [0, 1]")
            if s["range"] and not s["range"][0] <= v <= s["range"][1]:
                problems.append(f"{where}: outside {s['range']}")
            values[name] = v
        for name, v in values.items():
            other = by_name[name]["le"]
            if other and other in values and v > values[other]:
                problems.append(f"{out.name}: unit {row['unit']!r}: {name} = {v:g} > {other} = {values[other]:g}")
    if problems:
        sys.exit(f"FAILED {out.name}:\n  " + "\n  ".join(problems[:30]))
    return len(body), len(header) - 1, empty


def main() -> None:
    # One generator seeded 2022; each data set draws from its own child stream, so every run
    # writes the same files and a change to one data set leaves the others as they were.
    q_stream, p2022, p2023, dep, dis = np.random.default_rng(SEED).spawn(5)
    names = [p[0] for p in PROVINCES]
    q2022 = np.clip(PROVINCE_SPREAD * q_stream.beta(2.2, 2.4, len(names)), 0.02, 0.98)
    for i, name in enumerate(names):
        if name in STRONG:
            q2022[i] = STRONG[name]
    q2023 = np.clip(q2022 + q_stream.normal(0.04, 0.05, len(names)), 0, 1)
    q2023[names.index("Thừa Thiên Huế")] = STRONG["Thừa Thiên Huế"] + TTH_GAIN  # 697.55 → 774.45 (seed 002)

    jobs = [
        (province_table(2022, q2022, p2022), "vn-dti-province-2022.dti", "province-2022.csv"),
        (province_table(2023, q2023, p2023), "vn-dti-province-2023.dti", "province-2023.csv"),
        (department_table(dep), "vn-dti-department.dti", "department.csv"),
        (district_table(dis), "vn-dti-district.dti", "district.csv"),
    ]
    for table, fw, csv_name in jobs:
        framework, out = FRAMEWORKS / fw, HERE / csv_name
        write(table, framework, out)
        units, columns, empty = verify(out, framework)
        print(f"wrote {out.relative_to(HERE.parent)}: {units} units × {columns} inputs "
              f"({empty} empty cells), header matches {fw}")


if __name__ == "__main__":
    main()
