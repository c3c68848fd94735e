-- Annotations made in other readers (Zotero's) come in kinds the reader did not make so far:
-- underlines, ink drawings, image (area) selections and text boxes. `shape` keeps what
-- rectangles cannot say, as JSON in PDF points (an ink drawing's paths and line width, a text
-- box's font size and rotation), so such annotations are kept whole even where they are not
-- drawn yet. SQLite cannot change a CHECK constraint in place, so the table is rebuilt;
-- nothing references it.
CREATE TABLE annotations_new (
    id            TEXT PRIMARY KEY,                 -- UUID
    work_key      INTEGER NOT NULL REFERENCES works (key) ON DELETE CASCADE,
    pdf_sha256    TEXT NOT NULL,                    -- the file it was made on; '' when that file never reached the library
    kind          TEXT NOT NULL CHECK (kind IN ('highlight', 'note', 'underline', 'ink', 'image', 'text')),
    page          INTEGER NOT NULL CHECK (page >= 1),
    page_label    TEXT,                             -- the printed label, when the PDF has one
    color         TEXT NOT NULL,                    -- #rrggbb
    rects         TEXT NOT NULL DEFAULT '[]',       -- JSON [[x1, y1, x2, y2], …] in PDF points
    shape         TEXT,                             -- JSON, for ink, image and text boxes
    quote         TEXT,                             -- the exact text marked (NULL for a pinned note)
    quote_prefix  TEXT,
    quote_suffix  TEXT,
    quote_offset  INTEGER,                          -- of `quote` in the page text, in scalar values
    comment       TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    deleted_at    TEXT
);
INSERT INTO annotations_new (id, work_key, pdf_sha256, kind, page, page_label, color, rects,
        quote, quote_prefix, quote_suffix, quote_offset, comment, created_at, updated_at,
        deleted_at)
    SELECT id, work_key, pdf_sha256, kind, page, page_label, color, rects, quote, quote_prefix,
           quote_suffix, quote_offset, comment, created_at, updated_at, deleted_at
      FROM annotations;
DROP TABLE annotations;
ALTER TABLE annotations_new RENAME TO annotations;
CREATE INDEX annotations_work ON annotations (work_key, page);
