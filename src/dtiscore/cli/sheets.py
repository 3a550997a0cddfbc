"""Commands: template (an empty data-entry sheet for a framework), inspect (its tree)."""

from __future__ import annotations

from ..api import load
from ..errors import DtiError
from ..explain.wording import counted, points_text
from ..io.formats.terminal import _width as text_width
from ..io.template import write_template
from .core import lang_option, params_option, parse_params


def register(commands) -> None:
    template = commands.add_parser(
        "template", help="write an empty data-entry sheet (.csv or .xlsx) with one column per input")
    template.add_argument("framework", metavar="FILE.dti")
    template.add_argument("-o", "--output", required=True, metavar="FORM.xlsx|FORM.csv")
    template.add_argument("--unit", action="append", default=[], metavar="ID",
                          help="pre-fill a row for this unit (repeatable)")
    template.add_argument("--units", metavar="FILE", help="pre-fill rows for the unit ids in FILE, one a line")
    template.add_argument("--delimiter", default=",", metavar="CHAR",
                          help="CSV cell separator (default ','; ';' suits spreadsheets set up for a decimal comma)")
    params_option(template)
    template.set_defaults(run=_template)

    inspect = commands.add_parser("inspect", help="print the framework's tree: groups, points, criteria counts, tags")
    inspect.add_argument("framework", metavar="FILE.dti")
    inspect.add_argument("--criteria", action="store_true", help="list the criteria too")
    lang_option(inspect, "language of the counts")
    params_option(inspect)
    inspect.set_defaults(run=_inspect)


def _template(args) -> int:
    framework = load(args.framework, params=parse_params(args.param))
    units = list(args.unit)
    if args.units:
        try:
            with open(args.units, encoding="utf-8-sig") as handle:
                units += [line.strip() for line in handle if line.strip() and not line.startswith("#")]
        except OSError as error:
            raise DtiError(f"{args.units}: cannot read: {error.strerror or error}") from None
    delimiter = "\t" if args.delimiter.lower() == "tab" else args.delimiter
    if len(delimiter) != 1:
        raise DtiError(f"--delimiter {args.delimiter!r}: a delimiter is one character (or 'tab')")
    write_template(framework, args.output, units, delimiter)
    print(f"wrote {args.output}: {counted(len(framework.inputs), 'input')}"
          + (f", {counted(len(units), 'unit')}" if units else "") + f" ({framework.id})")
    return 0


def _inspect(args) -> int:
    framework = load(args.framework, params=parse_params(args.param))
    print(inspect_text(framework, args.criteria, args.lang or "en"), end="")
    return 0


def inspect_text(framework, criteria: bool = False, lang: str = "en") -> str:
    """The tree: per node its id, title and points; per group its criteria count, policy and
    own tags. Indentation shows depth."""
    rows: list[tuple[str, str, str, str, str]] = []

    def visit(node_id: str, depth: int) -> None:
        node = framework.node(node_id)
        if node.kind == "criterion" and not criteria:
            return
        ir_node = framework.ir_node(node_id)
        notes = []
        if node.kind != "criterion":
            notes.append(_count(framework, node_id, lang))
            if ir_node.on_exclude == "shrink":
                notes.append("shrink")
            if ir_node.cap:
                notes.append("cap")
        elif ir_node.replaces:
            notes.append(f"replaces {ir_node.replaces}")
        if node.max == 0:
            notes.append("not scored")
        notes += [f"{key}: {', '.join(values)}" for key, values in ir_node.tags]
        rows.append(("  " * depth + node_id, node.title, f"{node.max:g}", "  ".join(notes[:1]),
                     " · ".join(notes[1:])))
        for child in node.children:
            visit(child, depth + 1)

    for child in framework.root.children:
        visit(child, 0)
    root = framework.root
    head = (f"{framework.id}  {framework.title}\n"
            f"{points_text(root.max, lang)} · {counted(len(framework.groups), 'group', lang=lang)} · "
            f"{_count(framework, root.id, lang)} · {counted(len(framework.inputs), 'input', lang=lang)} · "
            f"{counted(len(framework.params), 'param', lang=lang)}"
            + (f" · on_exclude {framework.ir.root.on_exclude}" if framework.ir.root.on_exclude != "rescale" else "")
            + "\n\n")
    widths = [max((text_width(row[i]) for row in rows), default=0) for i in range(4)]
    lines = []
    for node_id, title, points, count, notes in rows:
        lines.append(("  ".join([_pad(node_id, widths[0]), _pad(title, widths[1]),
                                 points.rjust(widths[2]), _pad(count, widths[3]), notes])).rstrip())
    return head + "\n".join(lines) + "\n"


def _count(framework, node_id: str, lang: str = "en") -> str:
    """'10 criteria', '6 criteria + 1 substitute': criteria under a node (substitutes apart)."""
    places = substitutes = 0
    stack = [node_id]
    while stack:
        node = framework.node(stack.pop())
        if node.kind == "criterion":
            if framework.ir_node(node.id).replaces:
                substitutes += 1
            else:
                places += 1
        stack.extend(node.children)
    text = counted(places, "criterion", "criteria", lang)
    if substitutes:
        text += f" + {counted(substitutes, 'substitute', lang=lang)}"
    return text


def _pad(text: str, width: int) -> str:
    return text + " " * (width - text_width(text))
