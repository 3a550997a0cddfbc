"""The language: `.dti` text → AST (`parse`) → checked IR (`check`), the canonical layout
(`fmt`), and the reference interpreter, the executable meaning of the IR (`reference`).
Imports nothing of dtiscore but `errors`."""
