"""Explanations: why one unit has its points (`explanation`, `tree`, `reasons`), what the
next better outcome would take (`whatif`, `solve`), every lost point of every unit
(`ledger`), and their rendering (`wording`). Reads scored results; never re-scores.

One unit is worked out in plain floats by the reference interpreter (a rule's points,
lost points; `solve.Solver`, `tree.UnitTree`); many units by `values.Values`, vectorised.

A new rule kind is registered here in two places, one per module, both dispatched on its IR
rule type: `reasons.scored_reasons` (its reason codes, the branches that give them and their
data; the texts of new codes go in `reasons._EN`/`_VI`) and `whatif._rule_ladder` (its better
outcomes). Its points come from the reference interpreter (`Reference.rule`).
"""
