-- Earlier versions of a note are kept so an overwrite can be undone.
CREATE TABLE note_versions (
    id          INTEGER PRIMARY KEY,
    work_key    INTEGER NOT NULL REFERENCES works (key) ON DELETE CASCADE,
    body        TEXT NOT NULL,
    saved_at    TEXT NOT NULL
);
CREATE INDEX note_versions_work ON note_versions (work_key, id);
