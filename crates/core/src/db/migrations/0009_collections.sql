-- Collections: named sets of papers the user curates by hand (a thesis chapter, a reading
-- group's list). A paper can be in any number of them. `name_key` is the name folded to
-- lower case by the core (Unicode-aware, which SQLite's NOCASE is not), so "Été" and "été"
-- are one collection; the name keeps the case the user typed.
CREATE TABLE collections (
    key         INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL
);

-- Membership survives the trash (a restored paper is back in its collections) and goes with
-- the paper when it is purged.
CREATE TABLE collection_works (
    collection_key  INTEGER NOT NULL REFERENCES collections (key) ON DELETE CASCADE,
    work_key        INTEGER NOT NULL REFERENCES works (key) ON DELETE CASCADE,
    added_at        TEXT NOT NULL,
    PRIMARY KEY (collection_key, work_key)
) WITHOUT ROWID;
CREATE INDEX collection_works_work ON collection_works (work_key);
