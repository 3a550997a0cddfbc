"""Header names as input ids: a data file's header may name an input by its id (`online_rate`),
by a template's heading (`Tỷ lệ hồ sơ trực tuyến [online_rate]`, the label a reader reads
with the id the file keeps), or by the label alone (a heading whose bracket was deleted).
The readers take the header as written; scoring reads the columns by these ids."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Iterable, Mapping

import attrs

from ..errors import DataError, DataProblem
from .formats.common import Table

if TYPE_CHECKING:
    from ..engine.compiled import CompiledFramework

_BRACKETED = re.compile(r"\[\s*([^\[\]]+?)\s*\]\s*$")  # `Label [id]`: the id in the last brackets


def heading(name: str, label: str | None) -> str:
    """A template's heading of an input: its label with its id in brackets, or the id alone
    when it has no label."""
    return f"{label} [{name}]" if label else name


def input_ids(headers: Iterable[str], labels: Mapping[str, str | None] | None = None) -> list[str]:
    """Each header as the input id it names (`labels`: input id → label): the id itself, a
    heading `... [id]`, or a label that only one input has (compared without case, spacing
    or Unicode form); any other header as it is. Two headers naming one input are a
    `DataError` naming both. Without `labels` (a script filling a template): the id in a
    heading's brackets, any other header as it is."""
    by_label: dict[str, str | None] = {}
    for name, label in (labels or {}).items():
        if label:
            key = _key(label)
            by_label[key] = None if key in by_label else name  # a label two inputs share names neither
    out: list[str] = []
    named: dict[str, str] = {}  # input id (or header naming no input) → the header that named it
    for header in headers:
        text = str(header)
        bracketed = _BRACKETED.search(text)
        if labels is None:
            name = bracketed.group(1) if bracketed else text
        elif text in labels:
            name = text
        elif bracketed and bracketed.group(1) in labels:
            name = bracketed.group(1)
        else:
            name = by_label.get(_key(text)) or text
        if name in named:  # the readers let no header repeat: two headers name one input
            raise DataError([DataProblem(f"columns '{named[name]}' and '{text}' both name input '{name}': keep one",
                                         column=name)])
        named[name] = text
        out.append(name)
    return out


def with_input_ids(framework: "CompiledFramework", table: Table) -> Table:
    """The table with its columns keyed by the input ids their headers name (`input_ids`);
    the same table where every header already is an id or names no input."""
    ids = input_ids(list(table.columns), {name: info.label for name, info in framework.inputs.items()})
    if ids == list(table.columns):
        return table
    return attrs.evolve(table, columns=dict(zip(ids, table.columns.values())))


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())
