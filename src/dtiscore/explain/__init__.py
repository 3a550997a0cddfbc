"""Explanations: why one unit has its points (`explanation`, `tree`, `reasons`), what the
next better outcome would take (`whatif`, `solve`), every lost point of every unit
(`ledger`), and their rendering (`render`, `wording`). Reads scored results; never re-scores."""
