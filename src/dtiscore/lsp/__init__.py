"""Editors: the language server (`dtiscore lsp`): diagnostics, hover, definitions,
references, symbols, completion and formatting for `.dti` files in any editor that speaks
LSP. `document` knows the file; `server` (needs the `lsp` extra, pygls) speaks the protocol;
`highlight` is the pygments lexer `dti` (the `highlight` extra), for code blocks in docs."""
