"""The language server (`dtiscore lsp`): diagnostics, hover, definitions, references,
symbols, completion and formatting for `.dti` files in any editor that speaks LSP.
`document` knows the file; `server` (needs the `lsp` extra, pygls) speaks the protocol."""
