"""Data in and out: file formats (`formats`), tables read and written (`tables`), data-entry
templates, streaming of files larger than memory, and pandas frames."""
