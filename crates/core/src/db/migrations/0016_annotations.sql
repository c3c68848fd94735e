-- Highlights and pinned notes on a paper's PDF. Each carries both anchors: where it is (page
-- and rectangles in PDF user-space points) and what it marks (the exact text with some context
-- and its offset into the page's extracted text), so it can be found again in another version
-- of the PDF or when only the quote is known. Ids are UUIDs, which stay unique when libraries
-- on several devices are merged. A deleted annotation keeps its row with `deleted_at` set, so
-- a delete can be undone and, later, synced.
CREATE TABLE annotations (
    id            TEXT PRIMARY KEY,                 -- UUID
    work_key      INTEGER NOT NULL REFERENCES works (key) ON DELETE CASCADE,
    pdf_sha256    TEXT NOT NULL,                    -- the file it was made on
    kind          TEXT NOT NULL CHECK (kind IN ('highlight', 'note')),
    page          INTEGER NOT NULL CHECK (page >= 1),
    page_label    TEXT,                             -- the printed label, when the PDF has one
    color         TEXT NOT NULL,                    -- #rrggbb
    rects         TEXT NOT NULL DEFAULT '[]',       -- JSON [[x1, y1, x2, y2], …] in PDF points
    quote         TEXT,                             -- the exact text marked (NULL for a pinned note)
    quote_prefix  TEXT,
    quote_suffix  TEXT,
    quote_offset  INTEGER,                          -- of `quote` in the page text, in scalar values
    comment       TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    deleted_at    TEXT
);
CREATE INDEX annotations_work ON annotations (work_key, page);
