-- Identity beyond the arXiv id (published DOIs), which source supplied each field, the
-- external ids Semantic Scholar reports, and the citation graph cached for library papers.

-- Every published-version DOI known for a work (a conference and a journal version may both
-- exist). Lower-cased; arXiv's own 10.48550 DOIs are not stored, they map to the arXiv id.
CREATE TABLE work_dois (
    doi        TEXT PRIMARY KEY,
    work_key   INTEGER NOT NULL REFERENCES works (key) ON DELETE CASCADE,
    source     TEXT NOT NULL,
    first_seen TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX work_dois_by_work ON work_dois (work_key);

INSERT OR IGNORE INTO work_dois (doi, work_key, source, first_seen)
    SELECT lower(doi), key, 'library', modified_at FROM works WHERE doi IS NOT NULL AND doi != '';

-- The source that supplied the current value of each bibliographic field of a work.
CREATE TABLE field_provenance (
    work_key   INTEGER NOT NULL REFERENCES works (key) ON DELETE CASCADE,
    field      TEXT NOT NULL,
    source     TEXT NOT NULL,
    origin     TEXT NOT NULL,
    set_at     TEXT NOT NULL,
    PRIMARY KEY (work_key, field)
) WITHOUT ROWID;

ALTER TABLE work_signals ADD COLUMN external_ids TEXT NOT NULL DEFAULT '{}';  -- JSON object

-- References (papers a work cites) and citations (papers citing it), in Semantic Scholar's
-- order. The other paper is kept as S2 describes it; it need not be in the library.
CREATE TABLE s2_edges (
    work_key        INTEGER NOT NULL REFERENCES works (key) ON DELETE CASCADE,
    direction       TEXT NOT NULL CHECK (direction IN ('references', 'citations')),
    position        INTEGER NOT NULL,
    s2_paper_id     TEXT,
    arxiv_id        TEXT,
    doi             TEXT,
    title           TEXT,
    year            INTEGER,
    is_influential  INTEGER NOT NULL DEFAULT 0,
    intents         TEXT NOT NULL DEFAULT '[]',   -- JSON array
    contexts        TEXT NOT NULL DEFAULT '[]',   -- JSON array
    PRIMARY KEY (work_key, direction, position)
) WITHOUT ROWID;
CREATE INDEX s2_edges_by_arxiv ON s2_edges (arxiv_id) WHERE arxiv_id IS NOT NULL;

-- How far each edge list has been fetched: a sync killed between pages resumes from
-- next_offset, and a list is shown as complete only once its last page is written.
CREATE TABLE s2_edge_fetches (
    work_key     INTEGER NOT NULL REFERENCES works (key) ON DELETE CASCADE,
    direction    TEXT NOT NULL CHECK (direction IN ('references', 'citations')),
    next_offset  INTEGER,            -- NULL once complete
    fetched      INTEGER NOT NULL DEFAULT 0,
    started_at   TEXT NOT NULL,
    completed_at TEXT,
    PRIMARY KEY (work_key, direction)
) WITHOUT ROWID;

-- When each kept note version was replaced, so autosaves can keep one version per few
-- minutes of editing instead of one per keystroke pause.
ALTER TABLE note_versions ADD COLUMN replaced_at TEXT;

-- The list's other orders.
CREATE INDEX works_published ON works (published);
CREATE INDEX works_upvotes ON works (upvotes);
CREATE INDEX works_added ON works (added_at);
