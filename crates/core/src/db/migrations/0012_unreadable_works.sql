-- Works whose stored text could not be read back (a damaged compressed abstract, text that is
-- not UTF-8), recorded when the search index meets them so `papershelf stats` can name them.
-- `skipped` = 1: the work is not in the index at all; 0: it is indexed without the unreadable
-- field. A later write of the work's fields clears its row.
CREATE TABLE unreadable_works (
    work_key INTEGER PRIMARY KEY REFERENCES works (key) ON DELETE CASCADE,
    reason   TEXT NOT NULL,
    skipped  INTEGER NOT NULL DEFAULT 0,
    seen_at  TEXT NOT NULL
);
