"""Commands: compare (two data files of the same units), sustain (several periods),
report (one self-contained HTML page), deductions (the ledger of every lost point), diff
(two versions of a framework), sensitivity (rank intervals over ranges of params), robustness (ranks after rejected
evidence)."""

from __future__ import annotations

import json
import sys

from ..api import load
from ..analyses.compare import Comparison, compare
from ..analyses.diff import framework_diff, score_where_allowed
from ..errors import DataError, DtiError
from ..analyses.html_report import render_html
from ..analyses.robustness import robustness
from ..analyses.sensitivity import sensitivity
from ..analyses.sustain import sustainability
from ..io.ahead import read_ahead
from ..io.output import STREAMED_FORMATS, output_format, write_table, writing
from ..io.tables import locate, read_table, scoring_columns
from ..explain.wording import LANGS, counted, word
from .core import (STDOUT_FORMATS, data_options, file_progress, output_option, params_option, parse_params,
                   read_and_score, write_columns)
from .progress import shown


def register(commands) -> None:
    cmp = commands.add_parser("compare", help="compare two data files of the same units: year over year, "
                                              "or a self-assessment against the reviewed score")
    cmp.add_argument("framework", metavar="FILE.dti", help="the framework of NEW (and of OLD, unless --old-framework)")
    cmp.add_argument("old", metavar="OLD")
    cmp.add_argument("new", metavar="NEW")
    cmp.add_argument("--old-framework", metavar="OLD.dti", help="OLD's framework, when it is another version")
    cmp.add_argument("--unit", metavar="ID", help="one unit's change, criterion by criterion")
    cmp.add_argument("--labels", default="before,after", metavar="A,B", help="column names (default before,after)")
    _output_options(cmp)
    params_option(cmp)
    data_options(cmp)
    cmp.set_defaults(run=_compare)

    sustain = commands.add_parser("sustain", help="which criteria each unit held at full points in every period")
    sustain.add_argument("framework", metavar="FILE.dti", help="the framework of the latest period (and of the "
                                                                "others, unless --frameworks)")
    sustain.add_argument("data", metavar="DATA", nargs="+", help="one data file per period, oldest first")
    sustain.add_argument("--frameworks", metavar="F1.dti,F2.dti,...",
                         help="one framework per period, oldest first, when they differ")
    sustain.add_argument("--threshold", type=float, default=1.0, metavar="SHARE",
                         help="points / max needed in every period (default 1.0: full points)")
    sustain.add_argument("--unit", metavar="ID", help="one unit's sustained and unsustained criteria by group")
    _output_options(sustain)
    params_option(sustain)
    data_options(sustain)
    sustain.set_defaults(run=_sustain)

    report = commands.add_parser("report", help="write one self-contained HTML page: ranking, group "
                                                "profiles, biggest deductions")
    report.add_argument("framework", metavar="FILE.dti")
    report.add_argument("data", metavar="DATA")
    report.add_argument("-o", "--output", required=True, metavar="REPORT.html")
    report.add_argument("--lang", choices=LANGS, help="vi or en (default: vi for a framework with a Vietnamese title)")
    report.add_argument("--rows", type=int, default=60, metavar="N", help="units shown in the ranking (default 60)")
    _vary_options(report, "also draw each unit's rank interval when params vary: ")
    params_option(report)
    data_options(report)
    report.set_defaults(run=_report)

    ledger = commands.add_parser("deductions", help="every lost point of every unit: unit, criterion, path, "
                                                    "max, points, lost, status, reason")
    ledger.add_argument("framework", metavar="FILE.dti")
    ledger.add_argument("data", metavar="DATA")
    output_option(ledger)
    ledger.add_argument("--format", choices=STDOUT_FORMATS, help="csv (default), tsv, json, jsonl or table")
    ledger.add_argument("--top", type=int, metavar="K", help="only each unit's K biggest deductions")
    ledger.add_argument("--lang", choices=LANGS, help="language of the reasons (default: vi for a framework with a "
                        "Vietnamese title) and, where given, of the statuses (vi: thiếu số liệu, không áp dụng, ...)")
    params_option(ledger)
    data_options(ledger)
    ledger.set_defaults(run=_deductions)

    changes = commands.add_parser("diff", help="what changed between two versions of a framework: nodes added, "
                                               "removed, renamed, moved; maxima, formulas, policies, params")
    changes.add_argument("old", metavar="OLD.dti")
    changes.add_argument("new", metavar="NEW.dti")
    changes.add_argument("--data", metavar="FILE", help="also score this data file under both: each unit's change")
    changes.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or json")
    changes.add_argument("--lang", choices=LANGS, help="language of numbers in the text")
    params_option(changes)
    data_options(changes)
    changes.set_defaults(run=_diff)

    vary = commands.add_parser("sensitivity", help="each unit's rank interval when params are drawn from ranges: "
                                                   "unit, rank, rank_median, rank_low, rank_high")
    vary.add_argument("framework", metavar="FILE.dti")
    vary.add_argument("data", metavar="DATA")
    _vary_options(vary, "")
    output_option(vary)
    vary.add_argument("--format", choices=STDOUT_FORMATS, help="csv (default), tsv, json, jsonl or table")
    params_option(vary)
    data_options(vary)
    vary.set_defaults(run=_sensitivity)

    reject = commands.add_parser("robustness", help="each unit's worst rank if up to K of its evidence items were "
                                                    "rejected, and which: unit, rank, worst_rank, items")
    reject.add_argument("framework", metavar="FILE.dti")
    reject.add_argument("data", metavar="DATA")
    reject.add_argument("--reject", type=int, required=True, metavar="K", help="evidence items rejected, at most")
    output_option(reject)
    reject.add_argument("--format", choices=STDOUT_FORMATS, help="csv (default), tsv, json, jsonl or table")
    params_option(reject)
    data_options(reject)
    reject.set_defaults(run=_robustness)


def _vary_options(command, purpose: str) -> None:
    command.add_argument("--vary", action="append", default=[], metavar="NAME=LO..HI",
                         help=purpose + "a param and its range (repeatable); LO and HI are numbers or percents, "
                                        "e.g. 40%%..60%%")
    command.add_argument("--vary-weights", metavar="±P%", help="multiply each top-level group's points by a factor "
                         "drawn from 1 − P to 1 + P (e.g. ±10%%)")
    command.add_argument("--samples", type=int, default=1000, metavar="N", help="draws of the params (default 1000)")
    command.add_argument("--seed", type=int, default=0, metavar="S",
                         help="the same seed draws the same samples (default 0)")


def _varied(result, args):
    """The sensitivity analysis the --vary options ask for, or None."""
    if not args.vary and args.vary_weights is None:
        return None
    ranges = dict(_range(text) for text in args.vary)
    weights = None if args.vary_weights is None else _share(args.vary_weights)
    return sensitivity(result, ranges, samples=args.samples, seed=args.seed, weights=weights)


def _output_options(command) -> None:
    output_option(command)
    command.add_argument("--format", choices=("text",) + STDOUT_FORMATS,
                         help="text (default for --unit), csv (default), tsv, json, jsonl or table")
    command.add_argument("--lang", choices=LANGS, help="language of the text")


def _score_file(framework, path, args):
    with shown(file_progress(args, path)) as progress:
        return read_and_score(args, progress, framework, path)[0]


def _score_old(framework, args):
    """OLD scored; when it lacks the framework's columns and no --old-framework is given,
    the error says how to name OLD's own framework."""
    try:
        return _score_file(framework, args.old, args)
    except DataError as error:
        if args.old_framework or not any("missing column" in p.message for p in error.details):
            raise
        raise DtiError(f"{error}\n{args.old} lacks columns of {args.framework}: if OLD was scored with another "
                       f"version of the framework, name it with --old-framework OLD.dti") from None


def _write(columns: dict, args) -> None:
    write_columns(args.output or sys.stdout, columns, None if args.format in (None, "text") else args.format,
                  args.lang, args.decimal_comma)


def _compare(args) -> int:
    params = parse_params(args.param)
    new_framework = load(args.framework, params=params)
    old_framework = load(args.old_framework, params=params) if args.old_framework else new_framework
    labels = tuple(part.strip() for part in args.labels.split(","))
    if len(labels) != 2 or not all(labels):
        raise DtiError(f"--labels {args.labels!r}: write two names, e.g. self,reviewed")
    comparison = compare(_score_old(old_framework, args), _score_file(new_framework, args.new, args), labels)
    lang = args.lang or new_framework_lang(new_framework)
    if args.unit is not None:
        unit = comparison.unit(args.unit)
        if args.format == "json":
            print(json.dumps({"unit": unit.unit, labels[0]: unit.before, labels[1]: unit.after,
                              "delta": unit.delta, "up": unit.up, "down": unit.down, "unchanged": unit.unchanged,
                              "groups": unit.groups,
                              "pillars": [{"key": p.key, "value": p.value, labels[0]: p.before, labels[1]: p.after,
                                           "delta": p.delta} for p in unit.pillars],
                              "rank": {labels[0]: unit.rank_before, labels[1]: unit.rank_after},
                              "criteria": [{"id": c.criterion, labels[0]: c.before, labels[1]: c.after,
                                            "delta": c.delta} for c in unit.changes],
                              "contributions": [{"criterion": c.criterion, "kind": c.kind, "points": c.points}
                                                for c in unit.contributions],
                              "passed": [_overtaking(o) for o in unit.passed],
                              "passed_by": [_overtaking(o) for o in unit.passed_by]},
                             ensure_ascii=False, indent=2))
        else:
            print(unit.text(lang))
        return 0
    if comparison.added or comparison.removed:
        print(f"criteria added: {', '.join(comparison.added) or '-'}; removed: {', '.join(comparison.removed) or '-'}",
              file=sys.stderr)
    _write(comparison.table(), args)
    return 0


def _overtaking(overtaking) -> dict:
    return {"unit": overtaking.neighbour, "criteria": [{"criterion": c, "points": p} for c, p in overtaking.criteria]}


def new_framework_lang(framework) -> str:
    from ..explain.wording import default_lang

    return default_lang(framework.title)


def _sustain(args) -> int:
    params = parse_params(args.param)
    latest = load(args.framework, params=params)
    if args.frameworks:
        paths = [p.strip() for p in args.frameworks.split(",")]
        if len(paths) != len(args.data):
            raise DtiError(f"--frameworks names {counted(len(paths), 'framework')} for "
                           f"{counted(len(args.data), 'data file')}")
        frameworks = [load(p, params=params) for p in paths]
    else:
        frameworks = [latest] * len(args.data)
    results = [_score_file(f, path, args) for f, path in zip(frameworks, args.data)]
    s = sustainability(results, args.threshold)
    lang = args.lang or new_framework_lang(latest)
    if args.unit is not None:
        unit = s.unit(args.unit)
        if args.format == "json":
            print(json.dumps({"unit": unit.unit, "sustained": list(unit.sustained),
                              "unsustained": list(unit.unsustained),
                              "total": _tally(unit.total), "groups": {g: _tally(t) for g, t in unit.groups.items()}},
                             ensure_ascii=False, indent=2))
        else:
            print(unit.text(lang))
        return 0
    _write(s.table(), args)
    return 0


def _tally(t) -> dict:
    return {"sustained": t.sustained, "sustained_points": t.sustained_points,
            "unsustained": t.unsustained, "unsustained_points": t.unsustained_points}


def _report(args) -> int:
    framework = load(args.framework, params=parse_params(args.param))
    with shown(file_progress(args)) as progress:
        result = read_and_score(args, progress, framework)[0]
        progress.stage("writing the report")
        page = render_html(result, lang=args.lang, rows=args.rows, source=str(args.data),
                           sensitivity=_varied(result, args))
    try:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(page)
    except OSError as error:
        raise DtiError(f"{args.output}: cannot write: {error.strerror or error}") from None
    print(f"wrote {args.output}: {counted(len(result), 'unit')}", file=sys.stderr)
    return 0


def _deductions(args) -> int:
    """The ledger written a block of units at a time (its reason texts made a block at a
    time; CSV's text columns handed over as Arrow arrays), with progress on a terminal. The
    next block is made on another thread while the last is written (writing is Arrow's
    kernels and the file's, which leave the GIL)."""
    framework = load(args.framework, params=parse_params(args.param))
    with shown(file_progress(args)) as progress:
        result = read_and_score(args, progress, framework)[0]
        progress.stage("listing deductions")
        ledger = result.deductions(lang=args.lang)
        if args.top is not None:
            ledger = ledger.top(args.top)
        target = args.output or sys.stdout
        format = output_format(target, args.format)
        if format not in STREAMED_FORMATS:
            write_table(target, _worded(ledger.to_dict(), args.lang), format, args.decimal_comma)
            return 0
        with writing(target, format, args.decimal_comma) as writer:
            for columns in read_ahead(ledger.blocks(LEDGER_BLOCK, arrow=format in ("csv", "tsv"))):
                writer.write(_worded(columns, args.lang))
                progress.stage(f"writing deductions: unit {_last(columns['unit'])}")
    return 0


LEDGER_BLOCK = 5_000  # units written at a time: ~300k ledger rows, their texts a few tens of MB


def _last(values) -> object:
    return values[len(values) - 1] if hasattr(values, "dtype") else values[-1].as_py()


def _worded(columns: dict, lang: str | None) -> dict:
    """A ledger's statuses as words of the language asked for (`--lang`); reason_code stays
    the code, and without --lang the statuses stay the names programs read."""
    if not lang:
        return columns
    status = columns["status"]
    if hasattr(status, "dictionary"):  # Arrow's names by position: the names put into words
        import pyarrow as pa

        words = pa.array([word(name, lang) for name in status.dictionary.to_pylist()], pa.string())
        return {**columns, "status": pa.DictionaryArray.from_arrays(status.indices, words)}
    words = {status: word(status, lang) for status in set(status)}
    return {**columns, "status": [words[status] for status in columns["status"]]}


def _diff(args) -> int:
    params = parse_params(args.param)
    old, new = load(args.old, params=params), load(args.new, params=params)
    comparison, absent = None, ((), ())
    if args.data:
        with shown(file_progress(args)) as progress:
            table = read_table(args.data, delimiter=args.delimiter, sheet=args.sheet, progress=progress.reading)
        scored = []
        for framework, path in ((old, args.old), (new, args.new)):
            try:
                scored.append(score_where_allowed(framework, scoring_columns(framework, table, args.decimal_comma),
                                                  table.units))
            except DtiError as error:
                located = locate(error, table) if isinstance(error, DataError) else error
                raise DtiError(f"{args.data} cannot be scored under {path}:\n{located}") from None
        comparison = Comparison(scored[0][0], scored[1][0], labels=("old", "new"))
        absent = (scored[0][1], scored[1][1])
    found = framework_diff(old, new, comparison, absent)
    if args.format == "json":
        print(json.dumps(found.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(found.text(args.lang or new_framework_lang(new)))
    return 0


def _sensitivity(args) -> int:
    framework = load(args.framework, params=parse_params(args.param))
    result = _score_file(framework, args.data, args)
    found = _varied(result, args)
    if found is None:
        raise DtiError("name at least one param to vary, or vary the weights (--vary NAME=LO..HI, --vary-weights ±P%)")
    write_table(args.output or sys.stdout, found.table(), args.format, args.decimal_comma)
    return 0


def _robustness(args) -> int:
    framework = load(args.framework, params=parse_params(args.param))
    found = robustness(_score_file(framework, args.data, args), args.reject)
    write_table(args.output or sys.stdout, found.table(), args.format, args.decimal_comma)
    return 0


def _share(text: str) -> float:
    """±P% (or P%, or a fraction) → P as a fraction."""
    value = parse_params([f"weights={text.strip().lstrip('±').removeprefix('+-')}"])["weights"]
    if isinstance(value, bool):
        raise DtiError(f"--vary-weights {text!r}: write a percent such as ±10%")
    return value


def _range(text: str) -> tuple[str, tuple[float, float]]:
    """NAME=LO..HI, each end a number or a percent."""
    name, sep, bounds = text.partition("=")
    low, dots, high = bounds.partition("..")
    if not (sep and dots and name.strip()):
        raise DtiError(f"--vary {text!r}: write NAME=LO..HI, e.g. online_target=40%..60%")
    ends = parse_params([f"low={low}", f"high={high}"])
    if isinstance(ends["low"], bool) or isinstance(ends["high"], bool):
        raise DtiError(f"--vary {text!r}: a range goes between two numbers")
    return name.strip(), (ends["low"], ends["high"])
