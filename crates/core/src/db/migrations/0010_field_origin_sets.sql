-- Field provenance as one row per work and origin with the set of fields it supplied (a bit
-- per field), instead of a row per field: a bulk import wrote eight to ten field rows for every
-- paper, the most statements of its insert and 16 MB per 100,000 papers. Bits, in
-- `works::PROVENANCE_FIELDS` order: arxivId 1, title 2, abstract 4, authors 8, authorCount 16,
-- organization 32, published 64, doi 128, categories 256, journalRef 512, comments 1024,
-- license 2048, upvotes 4096.

CREATE TABLE field_origin_sets (
    work_key   INTEGER NOT NULL REFERENCES works (key) ON DELETE CASCADE,
    origin_id  INTEGER NOT NULL REFERENCES provenance_origins (id),
    fields     INTEGER NOT NULL CHECK (fields > 0),
    PRIMARY KEY (work_key, origin_id)
) WITHOUT ROWID;

INSERT INTO field_origin_sets (work_key, origin_id, fields)
    SELECT work_key, origin_id, SUM(bit) FROM (
        SELECT work_key, origin_id, CASE field
            WHEN 'arxivId' THEN 1 WHEN 'title' THEN 2 WHEN 'abstract' THEN 4
            WHEN 'authors' THEN 8 WHEN 'authorCount' THEN 16 WHEN 'organization' THEN 32
            WHEN 'published' THEN 64 WHEN 'doi' THEN 128 WHEN 'categories' THEN 256
            WHEN 'journalRef' THEN 512 WHEN 'comments' THEN 1024 WHEN 'license' THEN 2048
            WHEN 'upvotes' THEN 4096 ELSE 0 END AS bit
        FROM field_sources
    )
    WHERE bit > 0
    GROUP BY work_key, origin_id;

DROP TABLE field_sources;
