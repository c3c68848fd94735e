-- Field provenance, compacted (and an index for the sidebar's counts, at the end): a row per field named the source, origin and time in full, which
-- for a bulk import repeated the same three strings ten times per work (about 0.8 KB a work, the
-- largest table of a million-paper library). The strings now live once in `provenance_origins`
-- (one row per source, origin and transaction time) and each field row points at one.

CREATE TABLE provenance_origins (
    id      INTEGER PRIMARY KEY,
    source  TEXT NOT NULL,
    origin  TEXT NOT NULL,
    set_at  TEXT NOT NULL,
    UNIQUE (source, origin, set_at)
);

INSERT INTO provenance_origins (source, origin, set_at)
    SELECT DISTINCT source, origin, set_at FROM field_provenance;

CREATE TABLE field_sources (
    work_key   INTEGER NOT NULL REFERENCES works (key) ON DELETE CASCADE,
    field      TEXT NOT NULL,
    origin_id  INTEGER NOT NULL REFERENCES provenance_origins (id),
    PRIMARY KEY (work_key, field)
) WITHOUT ROWID;

INSERT INTO field_sources (work_key, field, origin_id)
    SELECT p.work_key, p.field, o.id
    FROM field_provenance p
    JOIN provenance_origins o ON o.source = p.source AND o.origin = p.origin AND o.set_at = p.set_at;

DROP TABLE field_provenance;

-- The sidebar counts live papers by status in one pass over this index, not a table scan each.
CREATE INDEX works_live_status ON works (deleted_at, status);
