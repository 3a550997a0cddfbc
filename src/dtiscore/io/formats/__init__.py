"""Readers and writers of data files, one module per format; `dtiscore.io.tables` picks one by
the file's extension."""
