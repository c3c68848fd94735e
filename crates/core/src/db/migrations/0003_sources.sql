-- Pulling from the sources: what the user follows, HTTP validators for conditional requests,
-- and the per-source signals that are not bibliographic fields (counts, links, summaries).

CREATE TABLE subscriptions (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL
                    CHECK (kind IN ('hf-daily', 'hf-search', 'arxiv-category', 'arxiv-query')),
    query           TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    last_synced_at  TEXT,
    cursor          TEXT,        -- hf-daily: last day fully synced (YYYY-MM-DD)
    UNIQUE (kind, query)
);

CREATE TABLE http_cache (
    url            TEXT PRIMARY KEY,
    etag           TEXT,
    last_modified  TEXT,
    fetched_at     TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE work_signals (
    work_key        INTEGER PRIMARY KEY REFERENCES works (key) ON DELETE CASCADE,
    hf_comments     INTEGER,
    github_repo     TEXT,
    github_stars    INTEGER,
    project_page    TEXT,
    ai_summary      TEXT,
    ai_keywords     TEXT NOT NULL DEFAULT '[]',   -- JSON array
    hf_featured_at  TEXT,
    withdrawn       INTEGER NOT NULL DEFAULT 0,
    new_version     INTEGER NOT NULL DEFAULT 0,   -- a newer arXiv version arrived since it was added
    s2_paper_id     TEXT,
    venue           TEXT,
    citation_count  INTEGER,
    influential_citation_count INTEGER,
    reference_count INTEGER,
    tldr            TEXT,
    s2_checked_at   TEXT,                         -- last enrichment attempt, found or not
    updated_at      TEXT NOT NULL
);
