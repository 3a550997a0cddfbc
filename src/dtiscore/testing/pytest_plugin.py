"""pytest plugin: every `*.cases.toml` file pytest meets is collected, one test item per
golden case; a failing case shows the differences, as `dtiscore test` does.

Installed with dtiscore (entry point `pytest11: dtiscore`), so a framework project's
`python -m pytest` runs its cases with no configuration; `-p no:dtiscore` turns it off.
"""

from __future__ import annotations

import pytest

from .cases import SUFFIX, Case, read_cases
from .cases_run import Outcome, populations, run_population
from ..errors import DtiError


def pytest_collect_file(file_path, parent):
    if file_path.name.endswith(SUFFIX):
        return CasesFile.from_parent(parent, path=file_path)
    return None


class CasesFile(pytest.File):
    """A `.cases.toml` file: its cases, scored one population at a time when first needed."""

    def collect(self):
        self.cases = read_cases(self.path)
        self._outcomes: dict[str, Outcome] = {}
        for case in self.cases.cases:
            yield CaseItem.from_parent(self, name=case.name, case=case)

    def outcome(self, case: Case) -> Outcome:
        if case.name not in self._outcomes:
            members = next(group for group in populations(self.cases.cases) if case in group)
            for outcome in run_population(self.cases, members):
                self._outcomes[outcome.case.name] = outcome
        return self._outcomes[case.name]

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, DtiError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


class CaseFailed(Exception):
    def __init__(self, outcome: Outcome):
        details = outcome.details()
        super().__init__(details[0] if details else "failed")
        self.outcome = outcome


class CaseItem(pytest.Item):
    def __init__(self, *, case: Case, **kwargs):
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        outcome = self.parent.outcome(self.case)
        if not outcome.passed:
            raise CaseFailed(outcome)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CaseFailed):  # the differences, the first one in the summary
            return "\n".join(excinfo.value.outcome.details())
        if isinstance(excinfo.value, DtiError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, max(0, self.case.line - 1), f"case: {self.case.name}"
