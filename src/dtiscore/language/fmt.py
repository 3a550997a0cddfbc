"""`dtiscore fmt`: a `.dti` file in the canonical layout, its comments kept.

The layout is made from the AST, so it is the same however the file was spaced:

- 4 spaces of indentation per level; one declaration, option line or clause per line;
  a node's options (`max`, `cap`, `on_exclude`, `tags`) on its header line, as written;
- `steps` bands and `cases` whens one per line, each block closed on its own line;
- a blank line before and after every group; other blank lines are kept where the source
  has one (several become one), never right after `{` or before `}`;
- numbers and percents as written, titles re-escaped, expressions with every parenthesis
  the author wrote and only those the precedence needs besides (an `if` that is not the
  last operand);
- runs of consecutive `input` lines align their name and type columns, runs of `param`
  lines their labels; trailing comments the author lined up (in one source column, on lines
  of one depth, however far apart) stay in that column where the code leaves room, the
  others align their `#` over runs of consecutive lines.

Comments come from the lexer with their positions (`parse.tokens`). A comment alone on its
line goes before the next line printed from below it, at that line's indentation (one
level deeper before a closing brace); a comment after code goes at the end of the printed
line whose source ends last before it. So `parse(format_text(x)) == parse(x)` and
`format_text(format_text(x)) == format_text(x)`.
"""

from __future__ import annotations

import bisect
from typing import Iterable

import attrs

from . import ast
from .fmt_expr import expr_source, quote
from .parse import Lexeme, parse, tokens

INDENT = "    "

Pos = tuple[int, int]  # (line, column), 1-based


def format_text(text: str, filename: str = "<string>") -> str:
    """`text` (a whole `.dti` file) in the canonical layout. Raises `DtiSyntaxError` where
    the text does not parse (a file that parses is formatted whatever the checker says)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    tree = parse(text, filename)
    lexemes = tokens(text, filename)
    printer = _Printer(lexemes)
    printer.framework(tree)
    source = text.split("\n")
    comments = [_Comment.of(lexeme, source) for lexeme in lexemes if lexeme.type == "COMMENT"]
    footer = _attach(printer.lines, comments)
    return _render(printer.lines, footer, source)


# ---- printed lines -----------------------------------------------------------------------


@attrs.define
class _Comment:
    text: str
    pos: Pos
    alone: bool  # nothing but spaces before it on its line

    @classmethod
    def of(cls, lexeme: Lexeme, source: list[str]) -> "_Comment":
        span = lexeme.span
        before = source[span.line - 1][: span.column - 1]
        return cls(lexeme.text.rstrip(), (span.line, span.column), not before.strip())


@attrs.define
class _Line:
    """One printed line of code and the source it was printed from."""

    depth: int
    cells: tuple[str, ...]  # the text; `align` lines pad all cells but the last into columns
    start: Pos
    end: Pos  # just after the last character printed on this line
    kind: str = "item"  # item | open (ends with '{') | close ('}') | inner (a band, a when)
    align: str | None = None  # input | param
    keep_blank: bool = True  # a blank line above it in the source is kept
    comments_keep_blank: bool = True  # ... above a comment that goes before it
    blank_before: bool = False  # a group starts here
    blank_after: bool = False  # a group ends here
    leading: list[_Comment] = attrs.field(factory=list)
    trailing: list[_Comment] = attrs.field(factory=list)


def _start(span) -> Pos:
    return (span.line, span.column)


def _end(span) -> Pos:
    return (span.end_line, span.end_column)


# ---- the AST, printed --------------------------------------------------------------------


class _Printer:
    def __init__(self, lexemes: Iterable[Lexeme]):
        self.lines: list[_Line] = []
        by_type: dict[str, list[Pos]] = {}
        for lexeme in lexemes:
            by_type.setdefault(lexeme.type, []).append(_start(lexeme.span))
        self._positions = by_type

    def _next(self, kind: str, after: Pos) -> Pos:
        """Where the first `kind` token (LBRACE, ELSE) at or after `after` stands."""
        positions = self._positions.get(kind, [])
        i = bisect.bisect_left(positions, after)
        return positions[i] if i < len(positions) else after

    def _last(self, kind: str, before: Pos) -> Pos:
        positions = self._positions.get(kind, [])
        i = bisect.bisect_left(positions, before)
        return positions[i - 1] if i else before

    def add(self, depth: int, text: str | tuple[str, ...], start: Pos, end: Pos, **kwargs) -> _Line:
        cells = (text,) if isinstance(text, str) else text
        line = _Line(depth, cells, start, end, **kwargs)
        self.lines.append(line)
        return line

    def _open(self, depth: int, text: str, span, **kwargs) -> _Line:
        brace = self._next("LBRACE", _start(span))
        return self.add(depth, text + " {", _start(span), (brace[0], brace[1] + 1), kind="open", **kwargs)

    def _close(self, depth: int, span, keep_blank_inside: bool = True) -> _Line:
        return self.add(depth, "}", (span.end_line, span.end_column - 1), _end(span), kind="close",
                        keep_blank=False, comments_keep_blank=keep_blank_inside)

    # ---- nodes
    def framework(self, node: ast.Framework) -> None:
        self._open(0, f"framework {node.id} {quote(node.title)}", node.span)
        self.items(node.items, 1)
        self._close(0, node.span)

    def items(self, items: Iterable, depth: int) -> None:
        for item in items:
            if isinstance(item, ast.Group):
                self.group(item, depth)
            elif isinstance(item, ast.Criterion):
                self.criterion(item, depth)
            elif isinstance(item, ast.InputDecl):
                self.input(item, depth)
            elif isinstance(item, ast.ParamDecl):
                cells = (f"param {item.name} = {expr_source(item.expr)}",)
                if item.label is not None:
                    cells += (quote(item.label),)
                self.add(depth, cells, _start(item.span), _end(item.span), align="param")
            elif isinstance(item, ast.LetDecl):
                self.add(depth, f"let {item.name} = {expr_source(item.expr)}", _start(item.span), _end(item.span))
            elif isinstance(item, ast.Bands):
                self.bands(item, depth)
            elif isinstance(item, ast.RankExclude):
                reason = f" {quote(item.reason)}" if item.reason is not None else ""
                self.add(depth, f"rank exclude when {expr_source(item.cond)}{reason}", _start(item.span), _end(item.span))
            else:  # a framework's own option: max, cap, on_exclude, on_missing
                self.add(depth, _option(item), _start(item.span), _end(item.span))

    def group(self, node: ast.Group, depth: int) -> None:
        self._open(depth, _header("group", node.id, node.title, node.options), node.span, blank_before=True)
        self.items(node.items, depth + 1)
        self._close(depth, node.span).blank_after = True

    def criterion(self, node: ast.Criterion, depth: int) -> None:
        head = [o for o in node.options if not isinstance(o, ast.OnMissing)]
        self._open(depth, _header("criterion", node.id, node.title, head), node.span)
        # `on_missing` stands among the clauses; the parser files it with the options
        body = [o for o in node.options if isinstance(o, ast.OnMissing)] + list(node.clauses)
        for clause in sorted(body, key=lambda c: _start(c.span)):
            self.clause(clause, depth + 1)
        self._close(depth, node.span)

    def input(self, node: ast.InputDecl, depth: int) -> None:
        kind = node.type.kind
        if kind == "choice":
            kind = f"choice({', '.join(node.type.options)})"
        rest = ([quote(node.label)] if node.label is not None else []) + [_input_option(o) for o in node.options]
        self.add(depth, (f"input {node.name}", kind, " ".join(rest)), _start(node.span), _end(node.span),
                 align="input")

    def bands(self, node: ast.Bands, depth: int) -> None:
        """`bands index {`, one band a line, like `steps`."""
        self._open(depth, f"bands {node.target.id}", node.span)
        for band in node.bands:
            self.add(depth + 1, f"{band.op} {_constant(band.threshold)}: {quote(band.label)}",
                     _start(band.span), _end(band.span), kind="inner", keep_blank=False)
        self._else(depth + 1, quote(node.otherwise), node.otherwise_span)
        self._close(depth, node.span, keep_blank_inside=False)

    # ---- clauses
    def clause(self, clause, depth: int) -> None:
        span = clause.span
        if isinstance(clause, ast.Steps):
            brace = self._next("LBRACE", _end(clause.expr.span))
            self.add(depth, f"steps {expr_source(clause.expr)} {{", _start(span), (brace[0], brace[1] + 1),
                     kind="open")
            for band in clause.bands:
                self.add(depth + 1, f"{band.op} {_constant(band.threshold)}: {_constant(band.points)}",
                         _start(band.span), _end(band.span), kind="inner", keep_blank=False)
            self._else(depth + 1, _constant(clause.otherwise), clause.otherwise.span)
            self._close(depth, span, keep_blank_inside=False)
        elif isinstance(clause, ast.Cases):
            self._open(depth, "cases", span)
            for when in clause.whens:
                self.add(depth + 1, f"when {expr_source(when.cond)}: {expr_source(when.points)}",
                         _start(when.span), _end(when.span), kind="inner", keep_blank=False)
            self._else(depth + 1, expr_source(clause.otherwise), clause.otherwise.span)
            self._close(depth, span, keep_blank_inside=False)
        else:
            self.add(depth, _clause(clause), _start(span), _end(span))

    def _else(self, depth: int, text: str, span) -> None:
        self.add(depth, f"else: {text}", self._last("ELSE", _start(span)), _end(span), kind="inner",
                 keep_blank=False)


def _header(keyword: str, id: str, title: str, options) -> str:
    return " ".join([f"{keyword} {id} {quote(title)}", *(_option(o) for o in options)])


def _option(option) -> str:
    if isinstance(option, ast.MaxDecl):
        return f"max {option.value.text}"
    if isinstance(option, ast.CapDecl):
        return "cap"
    if isinstance(option, ast.OnExclude):
        return f"on_exclude {option.policy}"
    if isinstance(option, ast.OnMissing):
        return f"on_missing {option.policy}"
    if isinstance(option, ast.Tags):
        return "tags " + ", ".join(
            f"{key}: {values[0]}" if len(values) == 1 else f"{key}: [{', '.join(values)}]"
            for key, values in option.pairs)
    raise TypeError(f"not an option: {option!r}")


def _input_option(option) -> str:
    if isinstance(option, ast.AtMost):
        return f"<= {option.other.id}"
    if isinstance(option, ast.Within):
        return f"in {option.low.text}..{option.high.text}"
    if isinstance(option, ast.Better):
        return f"better {option.direction}"
    return _option(option)  # on_missing


def _constant(value: ast.Number | ast.Name) -> str:
    return value.text if isinstance(value, ast.Number) else value.id


def _clause(clause) -> str:
    if isinstance(clause, ast.Score):
        return f"score {expr_source(clause.expr)}"
    if isinstance(clause, ast.Award):
        return f"award when {expr_source(clause.cond)}"
    if isinstance(clause, ast.Proportional):
        target = f" target {expr_source(clause.target)}" if clause.target is not None else ""
        return f"proportional {expr_source(clause.expr)}{target}"
    if isinstance(clause, ast.Linear):
        return (f"linear {expr_source(clause.expr)} from {expr_source(clause.start)} "
                f"to {expr_source(clause.end)}")
    if isinstance(clause, ast.Deduct):
        return f"deduct {expr_source(clause.amount)} per {expr_source(clause.per)}"
    if isinstance(clause, ast.Exclude):
        reason = f" {quote(clause.reason)}" if clause.reason is not None else ""
        return f"exclude when {expr_source(clause.cond)}{reason}"
    if isinstance(clause, ast.Evidence):
        return f"evidence {clause.name.id}"
    if isinstance(clause, ast.Replaces):
        return f"replaces {clause.name.id}"
    if isinstance(clause, ast.OnMissing):
        return f"on_missing {clause.policy}"
    raise TypeError(f"not a clause: {clause!r}")


# ---- comments back in place --------------------------------------------------------------


def _attach(lines: list[_Line], comments: list[_Comment]) -> list[_Comment]:
    """Give each comment to the line it belongs with; returns those after the last line."""
    order = sorted(range(len(lines)), key=lambda i: lines[i].start)
    starts = [lines[i].start for i in order]
    ending: dict[int, list[int]] = {}
    for i, line in enumerate(lines):
        ending.setdefault(line.end[0], []).append(i)
    footer: list[_Comment] = []

    def holder(pos: Pos) -> int | None:
        """The line whose source runs across `pos` (a comment inside a printed line)."""
        k = bisect.bisect_right(starts, pos)
        if k and lines[order[k - 1]].end > pos:
            return order[k - 1]
        return None

    for comment in comments:
        if not comment.alone:
            before = [i for i in ending.get(comment.pos[0], ()) if lines[i].end <= comment.pos]
            if before:
                lines[max(before, key=lambda i: (lines[i].end, i))].trailing.append(comment)
                continue
            across = [i for i, line in enumerate(lines) if line.start[0] <= comment.pos[0] <= line.end[0]]
            if across:
                lines[across[-1]].trailing.append(comment)
                continue
        inside = holder(comment.pos)
        if inside is not None:
            lines[inside].leading.append(comment)
            continue
        k = bisect.bisect_right(starts, comment.pos)
        if k < len(order):
            lines[order[k]].leading.append(comment)
        else:
            footer.append(comment)
    for line in lines:  # several comments after one line: all but the last go above it
        if len(line.trailing) > 1:
            line.leading.extend(line.trailing[:-1])
            del line.trailing[:-1]
        line.leading.sort(key=lambda c: c.pos)
    return footer


# ---- the text ------------------------------------------------------------------------------


@attrs.define
class _Out:
    """A line of output: code or a comment alone, and what decides the blank line above."""

    depth: int
    cells: tuple[str, ...]
    first: int  # source lines it comes from
    last: int
    kind: str
    align: str | None = None
    keep_blank: bool = True
    blank_before: bool = False
    blank_after: bool = False
    comment: str | None = None  # trailing
    comment_column: int = 0  # where the trailing comment stands in the source
    blank: bool = False  # a blank line above it
    text: str = ""


def _render(lines: list[_Line], footer: list[_Comment], source: list[str]) -> str:
    out: list[_Out] = []
    for line in lines:
        depth = line.depth + (1 if line.kind == "close" else 0)
        for i, comment in enumerate(line.leading):
            out.append(_Out(depth, (comment.text,), comment.pos[0], comment.pos[0], "comment",
                            keep_blank=line.comments_keep_blank, blank_before=line.blank_before and i == 0))
        out.append(_Out(line.depth, line.cells, line.start[0], line.end[0], line.kind, line.align,
                        line.keep_blank, line.blank_before and not line.leading, line.blank_after,
                        line.trailing[0].text if line.trailing else None,
                        line.trailing[0].pos[1] if line.trailing else 0))
    out += [_Out(0, (c.text,), c.pos[0], c.pos[0], "comment") for c in footer]

    for previous, this in zip(out, out[1:]):
        if this.kind == "close" or previous.kind == "open":
            continue
        kept = this.keep_blank and any(not source[n - 1].strip() for n in range(previous.last + 1, this.first))
        this.blank = previous.blank_after or this.blank_before or kept

    _align_cells(out)
    _align_comments(out)
    text = []
    for entry in out:
        if entry.blank:
            text.append("")
        text.append((INDENT * entry.depth + entry.text).rstrip())
    return "\n".join(text) + "\n"


def _runs(out: list[_Out], key, transparent=lambda entry: False) -> list[list[_Out]]:
    """Maximal runs of consecutive entries with the same `key(entry)` (not None), at one
    depth, with no blank line between; `transparent` entries neither join nor break a run."""
    runs: list[list[_Out]] = []
    run: list[_Out] = []
    for entry in out:
        if transparent(entry) and not entry.blank:
            continue
        k = key(entry)
        if k is not None and run and not entry.blank and run[-1].depth == entry.depth and key(run[-1]) == k:
            run.append(entry)
            continue
        if run:
            runs.append(run)
        run = [entry] if k is not None else []
    if run:
        runs.append(run)
    return runs


def _cell_width(cell: str) -> int:
    return 0 if cell.startswith("choice(") else len(cell)  # a long choice type sticks out


def _align_cells(out: list[_Out]) -> None:
    for entry in out:
        entry.text = " ".join(c for c in entry.cells if c)
    for run in _runs(out, lambda e: e.align, transparent=lambda e: e.kind == "comment"):
        if len(run) < 2:
            continue
        columns = max(len(e.cells) for e in run)
        widths = [max((_cell_width(e.cells[k]) for e in run if k < len(e.cells) - 1), default=0)
                  for k in range(columns)]
        for entry in run:
            cells = list(entry.cells)
            while len(cells) > 1 and not cells[-1]:
                cells.pop()
            padded = [cell.ljust(widths[k]) for k, cell in enumerate(cells[:-1])] + cells[-1:]
            entry.text = " ".join(padded)


def _align_comments(out: list[_Out]) -> None:
    """The `#` of trailing comments that stood in one source column, on lines of one depth,
    in that column again where the code leaves room (the author lined them up, however far
    apart); each run of other consecutive commented lines aligned two spaces after its
    longest line."""
    by_column: dict[tuple[int, int], list[_Out]] = {}
    for entry in out:
        if entry.comment is not None:
            by_column.setdefault((entry.depth, entry.comment_column), []).append(entry)
    lined_up = [(column - 1, entries) for (_, column), entries in by_column.items() if len(entries) > 1]
    taken = {id(entry) for _, entries in lined_up for entry in entries}
    loose = _runs(out, lambda e: True if e.comment is not None and id(e) not in taken else None)
    for at_least, run in lined_up + [(0, run) for run in loose]:
        column = max([at_least] + [len(INDENT * e.depth + e.text.rstrip()) + 2 for e in run])
        for entry in run:
            entry.text = entry.text.rstrip().ljust(column - len(INDENT * entry.depth)) + entry.comment
