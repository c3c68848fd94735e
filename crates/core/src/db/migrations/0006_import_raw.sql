-- Entries read by the interchange importers (BibTeX, RIS, CSL-JSON, Markdown), exactly as they
-- appeared in the file: kept for round trips and for the fields Papershelf does not model.
CREATE TABLE import_raw (
    work_key     INTEGER NOT NULL REFERENCES works (key) ON DELETE CASCADE,
    format       TEXT NOT NULL,                       -- bibtex, ris, csl-json, markdown
    origin       TEXT NOT NULL,                       -- file name
    entry_key    TEXT NOT NULL DEFAULT '',            -- citation key / id in the file
    raw          TEXT NOT NULL,
    imported_at  TEXT NOT NULL,
    PRIMARY KEY (work_key, format, origin, entry_key)
) WITHOUT ROWID;
