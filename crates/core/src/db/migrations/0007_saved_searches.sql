-- Searches the user saved by name: the query text as typed and an optional sort
-- (relevance, added, published, upvotes). Names are unique regardless of case.
CREATE TABLE saved_searches (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    query       TEXT NOT NULL,
    sort        TEXT,
    created_at  TEXT NOT NULL
);
