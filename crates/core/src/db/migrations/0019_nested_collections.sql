-- Collections nest: a collection may sit under a parent, and users and scripts name it by its
-- path, the names from the top joined by `/` ("Thesis/Chapter 2"). A top-level collection's
-- path is its name, so existing collections, queries and exports keep working.
--
-- Deleting a collection deletes its subtree (the papers stay in the library).
ALTER TABLE collections ADD COLUMN parent_key INTEGER REFERENCES collections (key) ON DELETE CASCADE;
CREATE INDEX collections_parent ON collections (parent_key);

-- `name_key` becomes the folded path (each name folded as before, joined by `/`), so its
-- UNIQUE constraint now says "names are unique under one parent", without rebuilding the
-- table. Every existing collection is top-level, so its folded path is its folded name.
--
-- `/` now separates the levels of a path and is refused inside a name. An old name holding
-- one would be misread as a path, so its `/` becomes `∕` (U+2215 DIVISION SLASH, which looks
-- the same). In the unlikely case the renamed name is taken already, the collection's key is
-- appended to keep it apart.
--
-- The papers of a renamed collection are logged as changed first, so the search index (whose
-- `collection` field holds the folded path) and the open mirror pick up the new name.
INSERT INTO changes (work_key)
    SELECT DISTINCT work_key FROM collection_works
    WHERE collection_key IN (SELECT key FROM collections WHERE instr(name, '/') > 0);

UPDATE collections
SET name = replace(name, '/', '∕') || CASE
        WHEN EXISTS (SELECT 1 FROM collections o
                     WHERE o.name_key = replace(collections.name_key, '/', '∕'))
        THEN ' (' || key || ')' ELSE '' END,
    name_key = replace(name_key, '/', '∕') || CASE
        WHEN EXISTS (SELECT 1 FROM collections o
                     WHERE o.name_key = replace(collections.name_key, '/', '∕'))
        THEN ' (' || key || ')' ELSE '' END
WHERE instr(name, '/') > 0;
