-- Deleted papers go to a trash: the work keeps its row (and its notes, tags, status and
-- sources) with the time it was deleted, and leaves the search index, lists and counts.
ALTER TABLE works ADD COLUMN deleted_at TEXT;
CREATE INDEX works_deleted ON works (deleted_at) WHERE deleted_at IS NOT NULL;
