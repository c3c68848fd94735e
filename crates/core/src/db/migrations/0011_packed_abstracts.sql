-- Abstracts written from this version on may be BLOBs holding one zstd frame (see
-- `db::packed`); rows written before stay TEXT and read as they are. Nothing to change in the
-- tables: the version number itself is the change, so an older Papershelf, which would read
-- such a BLOB as damaged, refuses the library and asks to be upgraded instead.
SELECT 1;
