-- The first Papershelf library: works, their sources, tags, status, notes, and the change log the
-- search index follows.

CREATE TABLE works (
    key              INTEGER PRIMARY KEY,
    id               TEXT NOT NULL UNIQUE,            -- public id: arXiv id or t-<hash of title>
    arxiv_id         TEXT UNIQUE,                     -- without version
    title            TEXT NOT NULL,
    title_key        TEXT NOT NULL,                   -- normalised title, for identity matching
    abstract         TEXT NOT NULL DEFAULT '',
    authors          TEXT NOT NULL DEFAULT '[]',      -- JSON array, in order
    author_count     INTEGER,                         -- when a source gives only a count
    organization     TEXT,
    published        TEXT,                            -- partial date sort key: 2023-10-04, ----05-22
    year             INTEGER,
    doi              TEXT,
    categories       TEXT NOT NULL DEFAULT '',        -- space separated, primary first
    journal_ref      TEXT,
    comments         TEXT,
    license          TEXT,
    upvotes          INTEGER,
    status           TEXT NOT NULL DEFAULT 'inbox'
                     CHECK (status IN ('inbox', 'to-read', 'reading', 'read', 'archived')),
    field_rank       INTEGER NOT NULL DEFAULT 0,      -- precedence of the best source that filled the fields
    content_hash     INTEGER NOT NULL DEFAULT 0,      -- of the source-supplied fields; skips no-op updates
    added_at         TEXT NOT NULL,
    modified_at      TEXT NOT NULL
);
CREATE INDEX works_title_key ON works (title_key);
CREATE INDEX works_status ON works (status);

-- Ids a work was known by before a merge gave it a better one (title id -> arXiv id).
CREATE TABLE work_aliases (
    alias     TEXT PRIMARY KEY,
    work_key  INTEGER NOT NULL REFERENCES works (key) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE work_versions (
    work_key  INTEGER NOT NULL REFERENCES works (key) ON DELETE CASCADE,
    version   INTEGER NOT NULL,
    created   TEXT NOT NULL,
    PRIMARY KEY (work_key, version)
) WITHOUT ROWID;

CREATE TABLE source_records (
    work_key    INTEGER NOT NULL REFERENCES works (key) ON DELETE CASCADE,
    source      TEXT NOT NULL,                        -- hf-page, arxiv-snapshot, ...
    origin      TEXT NOT NULL,                        -- file name, URL, query
    first_seen  TEXT NOT NULL,
    last_seen   TEXT NOT NULL,
    PRIMARY KEY (work_key, source, origin)
) WITHOUT ROWID;

CREATE TABLE tags (
    key   INTEGER PRIMARY KEY,
    name  TEXT NOT NULL UNIQUE COLLATE NOCASE
);

CREATE TABLE work_tags (
    work_key  INTEGER NOT NULL REFERENCES works (key) ON DELETE CASCADE,
    tag_key   INTEGER NOT NULL REFERENCES tags (key) ON DELETE CASCADE,
    added_at  TEXT NOT NULL,
    PRIMARY KEY (work_key, tag_key)
) WITHOUT ROWID;
CREATE INDEX work_tags_tag ON work_tags (tag_key);

CREATE TABLE notes (
    work_key    INTEGER PRIMARY KEY REFERENCES works (key) ON DELETE CASCADE,
    body        TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- Every transaction that changes indexed text appends the works it touched; the index applies
-- what comes after the seq stored in its last commit.
CREATE TABLE changes (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    work_key  INTEGER NOT NULL
);

-- Resumable bulk imports: how far a file got, committed with each batch.
CREATE TABLE import_jobs (
    path         TEXT PRIMARY KEY,
    fingerprint  TEXT NOT NULL,                       -- size and modification time of the file
    offset       INTEGER NOT NULL,                    -- bytes consumed
    line         INTEGER NOT NULL,                    -- lines consumed
    done         INTEGER NOT NULL DEFAULT 0,
    updated_at   TEXT NOT NULL
);

-- Small library-wide facts (e.g. whether the demo pages were loaded on first run).
CREATE TABLE meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) WITHOUT ROWID;
