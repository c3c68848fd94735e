-- The text inside each stored PDF, extracted once per file (not per paper: papers sharing the
-- bytes share the text) and kept page by page so a search hit and a quote know their page.
-- A file whose extraction failed keeps its row with the reason, so it is not read again on
-- every search; a newer extractor (a different `extractor`) reads it again.
CREATE TABLE pdf_texts (
    sha256           TEXT PRIMARY KEY REFERENCES pdf_files (sha256) ON DELETE CASCADE,
    extractor        TEXT NOT NULL,      -- the program and version that read it, `pdftotext 22.12.0`
    extracted_at     TEXT NOT NULL,
    page_count       INTEGER NOT NULL,
    pages_with_text  INTEGER NOT NULL,
    error            TEXT                -- why no text could be read; NULL when it was
) WITHOUT ROWID;

CREATE TABLE pdf_pages (
    sha256   TEXT NOT NULL REFERENCES pdf_texts (sha256) ON DELETE CASCADE,
    page     INTEGER NOT NULL,           -- 1-based physical page
    garbled  INTEGER NOT NULL DEFAULT 0, -- the page's text was not words (a font without a Unicode map)
    text     TEXT NOT NULL,              -- the page's text: TEXT, or a zstd frame (db/packed.rs)
    PRIMARY KEY (sha256, page)
);
