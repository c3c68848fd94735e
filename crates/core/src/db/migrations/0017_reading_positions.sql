-- Where the reader was in each paper's PDF, so reopening it lands there. One row per work:
-- the file it was read in (a newer version starts at its top), the 1-based page at the top
-- of the window, how far down that page (0 to 1), and the zoom ('page-width', 'page-fit' or
-- a scale such as '1.25').
CREATE TABLE reading_positions (
    work_key    INTEGER PRIMARY KEY REFERENCES works (key) ON DELETE CASCADE,
    pdf_sha256  TEXT NOT NULL,
    page        INTEGER NOT NULL CHECK (page >= 1),
    page_top    REAL NOT NULL DEFAULT 0 CHECK (page_top >= 0 AND page_top <= 1),
    zoom        TEXT NOT NULL DEFAULT 'page-width',
    updated_at  TEXT NOT NULL
);
