-- PDF files kept in the library directory, content-addressed (`pdfs/<sha256>.pdf`), and which
-- paper each belongs to. A file is shared when two papers hold the same bytes; it is removed
-- from disk only when no paper names it any more (the trash keeps its papers' links until it
-- is emptied).
CREATE TABLE pdf_files (
    sha256    TEXT PRIMARY KEY,            -- lowercase hex of the bytes; the file's name
    size      INTEGER NOT NULL,
    added_at  TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE work_pdfs (
    work_key  INTEGER NOT NULL REFERENCES works (key) ON DELETE CASCADE,
    sha256    TEXT NOT NULL REFERENCES pdf_files (sha256),
    version   INTEGER,                     -- the arXiv version the file is, when known
    origin    TEXT NOT NULL,               -- the URL it came from, or `file:<name>` when attached
    added_at  TEXT NOT NULL,
    PRIMARY KEY (work_key, sha256)
) WITHOUT ROWID;
CREATE INDEX work_pdfs_sha256 ON work_pdfs (sha256);
