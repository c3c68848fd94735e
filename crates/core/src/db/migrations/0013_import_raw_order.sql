-- Where each imported entry stood in its file, and when its key first came from that file. A
-- paper imported from several entries (an arXiv preprint and its published version under two
-- citation keys) is named by the oldest key, in file order within one file; importing the
-- file again keeps that order instead of making its keys the newest.
ALTER TABLE import_raw ADD COLUMN line INTEGER NOT NULL DEFAULT 0;
ALTER TABLE import_raw ADD COLUMN first_imported_at TEXT NOT NULL DEFAULT '';
UPDATE import_raw SET first_imported_at = imported_at;

-- What the paper pane lists of each entry: its type as the file names it, and whether it is
-- the arXiv preprint. Entries stored before this read their type from the text.
ALTER TABLE import_raw ADD COLUMN entry_type TEXT NOT NULL DEFAULT '';
ALTER TABLE import_raw ADD COLUMN preprint INTEGER NOT NULL DEFAULT 0;
UPDATE import_raw
   SET entry_type = lower(trim(substr(raw, 2, instr(raw, '{') - 2)))
 WHERE format = 'bibtex' AND raw LIKE '@%' AND raw NOT LIKE '@string%'
   AND instr(raw, '{') > 2;
