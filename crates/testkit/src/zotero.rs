//! Small Zotero data directories for tests: a `zotero.sqlite` with the tables and columns
//! Zotero 5, 6 or 7 writes (from Zotero's published schema, `resource/schema/userdata.sql`,
//! reduced to what an importer reads), and a `storage/` folder with the attached files.
//!
//! Ids of item types, fields and creator types are deliberately not Zotero's own (and differ
//! between the versions built here), so an importer that joins by number instead of by name
//! fails its tests.

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection};

/// Which Zotero writes the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ZoteroVersion {
    /// Zotero 5: no annotations table, no `*Combined` tables.
    V5,
    /// Zotero 6: `itemAnnotations` and the `*Combined` tables.
    V6,
    /// Zotero 7.
    V7,
}

/// A Zotero data directory being written.
pub struct ZoteroDir {
    dir: PathBuf,
    conn: Connection,
    version: ZoteroVersion,
    next_key: u32,
}

const ITEM_TYPES: [&str; 10] = [
    "note",
    "attachment",
    "annotation",
    "journalArticle",
    "conferencePaper",
    "preprint",
    "book",
    "bookSection",
    "webpage",
    "report",
];

const FIELDS: [&str; 16] = [
    "title",
    "abstractNote",
    "date",
    "DOI",
    "url",
    "extra",
    "publicationTitle",
    "proceedingsTitle",
    "bookTitle",
    "archiveID",
    "volume",
    "pages",
    "conferenceName",
    "websiteTitle",
    "institution",
    "publisher",
];

/// (item type, type-specific field, base field).
const BASE_MAPPINGS: [(&str, &str, &str); 3] = [
    ("conferencePaper", "proceedingsTitle", "publicationTitle"),
    ("bookSection", "bookTitle", "publicationTitle"),
    ("webpage", "websiteTitle", "publicationTitle"),
];

const CREATOR_TYPES: [&str; 4] = ["author", "editor", "contributor", "translator"];

impl ZoteroDir {
    /// Creates the data directory `dir` (and its database) as `version` writes it.
    pub fn create(dir: &Path, version: ZoteroVersion) -> ZoteroDir {
        std::fs::create_dir_all(dir.join("storage")).expect("create the data directory");
        let conn = Connection::open(dir.join("zotero.sqlite")).expect("create zotero.sqlite");
        // Ids offset per version: joins must go by name.
        let offset = match version {
            ZoteroVersion::V5 => 0,
            ZoteroVersion::V6 => 100,
            ZoteroVersion::V7 => 200,
        };
        let userdata = match version {
            ZoteroVersion::V5 => 108,
            ZoteroVersion::V6 => 120,
            ZoteroVersion::V7 => 123,
        };
        conn.execute_batch(
            "CREATE TABLE version (schema TEXT PRIMARY KEY, version INT NOT NULL);
             CREATE TABLE settings (setting TEXT, key TEXT, value, PRIMARY KEY (setting, key));
             CREATE TABLE libraries (libraryID INTEGER PRIMARY KEY, type TEXT NOT NULL,
                 editable INT NOT NULL, filesEditable INT NOT NULL, version INT NOT NULL DEFAULT 0,
                 storageVersion INT NOT NULL DEFAULT 0, lastSync INT NOT NULL DEFAULT 0,
                 archived INT NOT NULL DEFAULT 0);
             CREATE TABLE groups (groupID INTEGER PRIMARY KEY, libraryID INT NOT NULL UNIQUE,
                 name TEXT NOT NULL, description TEXT NOT NULL, version INT NOT NULL);
             CREATE TABLE itemTypes (itemTypeID INTEGER PRIMARY KEY, typeName TEXT,
                 templateItemTypeID INT, display INT DEFAULT 1);
             CREATE TABLE fields (fieldID INTEGER PRIMARY KEY, fieldName TEXT, fieldFormatID INT);
             CREATE TABLE baseFieldMappings (itemTypeID INT, baseFieldID INT, fieldID INT,
                 PRIMARY KEY (itemTypeID, baseFieldID, fieldID));
             CREATE TABLE creatorTypes (creatorTypeID INTEGER PRIMARY KEY, creatorType TEXT);
             CREATE TABLE items (itemID INTEGER PRIMARY KEY, itemTypeID INT NOT NULL,
                 dateAdded TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
                 dateModified TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
                 clientDateModified TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
                 libraryID INT NOT NULL, key TEXT NOT NULL, version INT NOT NULL DEFAULT 0,
                 synced INT NOT NULL DEFAULT 0, UNIQUE (libraryID, key));
             CREATE TABLE itemDataValues (valueID INTEGER PRIMARY KEY, value UNIQUE);
             CREATE TABLE itemData (itemID INT, fieldID INT, valueID, PRIMARY KEY (itemID, fieldID));
             CREATE TABLE creators (creatorID INTEGER PRIMARY KEY, firstName TEXT, lastName TEXT,
                 fieldMode INT, UNIQUE (lastName, firstName, fieldMode));
             CREATE TABLE itemCreators (itemID INT NOT NULL, creatorID INT NOT NULL,
                 creatorTypeID INT NOT NULL DEFAULT 1, orderIndex INT NOT NULL DEFAULT 0,
                 PRIMARY KEY (itemID, creatorID, creatorTypeID, orderIndex),
                 UNIQUE (itemID, orderIndex));
             CREATE TABLE tags (tagID INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
             CREATE TABLE itemTags (itemID INT NOT NULL, tagID INT NOT NULL, type INT NOT NULL,
                 PRIMARY KEY (itemID, tagID));
             CREATE TABLE collections (collectionID INTEGER PRIMARY KEY,
                 collectionName TEXT NOT NULL, parentCollectionID INT DEFAULT NULL,
                 clientDateModified TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
                 libraryID INT NOT NULL, key TEXT NOT NULL, version INT NOT NULL DEFAULT 0,
                 synced INT NOT NULL DEFAULT 0, UNIQUE (libraryID, key));
             CREATE TABLE collectionItems (collectionID INT NOT NULL, itemID INT NOT NULL,
                 orderIndex INT NOT NULL DEFAULT 0, PRIMARY KEY (collectionID, itemID));
             CREATE TABLE itemNotes (itemID INTEGER PRIMARY KEY, parentItemID INT, note TEXT,
                 title TEXT);
             CREATE TABLE itemAttachments (itemID INTEGER PRIMARY KEY, parentItemID INT,
                 linkMode INT, contentType TEXT, charsetID INT, path TEXT,
                 syncState INT DEFAULT 0, storageModTime INT, storageHash TEXT);
             CREATE TABLE deletedItems (itemID INTEGER PRIMARY KEY,
                 dateDeleted DEFAULT CURRENT_TIMESTAMP NOT NULL);
             INSERT INTO libraries VALUES (1, 'user', 1, 1, 0, 0, 0, 0);",
        )
        .expect("create the schema");
        if version >= ZoteroVersion::V6 {
            conn.execute_batch(
                "CREATE TABLE itemAnnotations (itemID INTEGER PRIMARY KEY,
                     parentItemID INT NOT NULL, type INTEGER NOT NULL, authorName TEXT,
                     text TEXT, comment TEXT, color TEXT, pageLabel TEXT,
                     sortIndex TEXT NOT NULL, position TEXT NOT NULL,
                     isExternal INT NOT NULL);
                 CREATE TABLE itemTypesCombined (itemTypeID INT NOT NULL, typeName TEXT NOT NULL,
                     display INT DEFAULT 1 NOT NULL, custom INT NOT NULL, PRIMARY KEY (itemTypeID));
                 CREATE TABLE fieldsCombined (fieldID INT NOT NULL, fieldName TEXT NOT NULL,
                     label TEXT, fieldFormatID INT, custom INT NOT NULL, PRIMARY KEY (fieldID));
                 CREATE TABLE baseFieldMappingsCombined (itemTypeID INT, baseFieldID INT,
                     fieldID INT, PRIMARY KEY (itemTypeID, baseFieldID, fieldID));",
            )
            .expect("create the Zotero 6 tables");
        }
        conn.execute("INSERT INTO version VALUES ('userdata', ?1)", [userdata])
            .expect("version");
        for (i, name) in ITEM_TYPES.iter().enumerate() {
            let id = offset + i as i64 + 1;
            conn.execute(
                "INSERT INTO itemTypes VALUES (?1, ?2, NULL, 1)",
                params![id, name],
            )
            .expect("item type");
            if version >= ZoteroVersion::V6 {
                conn.execute(
                    "INSERT INTO itemTypesCombined VALUES (?1, ?2, 1, 0)",
                    params![id, name],
                )
                .expect("item type");
            }
        }
        for (i, name) in FIELDS.iter().enumerate() {
            let id = offset + i as i64 + 1;
            conn.execute(
                "INSERT INTO fields VALUES (?1, ?2, NULL)",
                params![id, name],
            )
            .expect("field");
            if version >= ZoteroVersion::V6 {
                conn.execute(
                    "INSERT INTO fieldsCombined VALUES (?1, ?2, NULL, NULL, 0)",
                    params![id, name],
                )
                .expect("field");
            }
        }
        for (t, f, b) in BASE_MAPPINGS {
            for table in ["baseFieldMappings", "baseFieldMappingsCombined"] {
                if table.ends_with("Combined") && version < ZoteroVersion::V6 {
                    continue;
                }
                conn.execute(
                    &format!(
                        "INSERT INTO {table} SELECT t.itemTypeID, b.fieldID, f.fieldID
                           FROM itemTypes t, fields f, fields b
                          WHERE t.typeName = ?1 AND f.fieldName = ?2 AND b.fieldName = ?3"
                    ),
                    params![t, f, b],
                )
                .expect("base field mapping");
            }
        }
        for (i, name) in CREATOR_TYPES.iter().enumerate() {
            conn.execute(
                "INSERT INTO creatorTypes VALUES (?1, ?2)",
                params![offset + i as i64 + 1, name],
            )
            .expect("creator type");
        }
        ZoteroDir {
            dir: dir.to_path_buf(),
            conn,
            version,
            next_key: 0,
        }
    }

    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The database, for what the helpers here do not cover.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The next eight-character key, from Zotero's alphabet.
    fn key(&mut self) -> String {
        const ALPHABET: &[u8] = b"23456789ABCDEFGHIJKLMNPQRSTUVWXYZ";
        self.next_key += 1;
        let mut n = self.next_key as usize * 7919;
        (0..8)
            .map(|_| {
                let c = ALPHABET[n % ALPHABET.len()] as char;
                n /= ALPHABET.len();
                n += 3;
                c
            })
            .collect()
    }

    fn new_item(&mut self, item_type: &str, added: &str) -> (i64, String) {
        let key = self.key();
        self.conn
            .execute(
                "INSERT INTO items (itemTypeID, dateAdded, dateModified, clientDateModified,
                                    libraryID, key)
                 SELECT itemTypeID, ?2, ?2, ?2, 1, ?3 FROM itemTypes WHERE typeName = ?1",
                params![item_type, added, key],
            )
            .expect("insert item");
        (self.conn.last_insert_rowid(), key)
    }

    /// Sets a field of an item.
    pub fn set_field(&self, item: i64, field: &str, value: &str) {
        self.conn
            .execute(
                "INSERT OR IGNORE INTO itemDataValues (value) VALUES (?1)",
                [value],
            )
            .expect("value");
        self.conn
            .execute(
                "INSERT OR REPLACE INTO itemData (itemID, fieldID, valueID)
                 SELECT ?1, f.fieldID, v.valueID FROM fields f, itemDataValues v
                  WHERE f.fieldName = ?2 AND v.value = ?3",
                params![item, field, value],
            )
            .expect("item data");
        self.conn
            .execute(
                "UPDATE items SET dateModified = '2025-06-01 10:00:00' WHERE itemID = ?1",
                [item],
            )
            .expect("modified");
    }

    /// Adds a regular item with `fields` and `creators` (`(type, first, last)`; an empty
    /// `first` makes a single-field name). Returns its id and key.
    pub fn item(
        &mut self,
        item_type: &str,
        fields: &[(&str, &str)],
        creators: &[(&str, &str, &str)],
    ) -> (i64, String) {
        let (id, key) = self.new_item(item_type, "2024-09-18 15:52:19");
        for (f, v) in fields {
            self.set_field(id, f, v);
        }
        for (i, (t, first, last)) in creators.iter().enumerate() {
            let mode = i64::from(first.is_empty());
            self.conn
                .execute(
                    "INSERT OR IGNORE INTO creators (firstName, lastName, fieldMode)
                     VALUES (?1, ?2, ?3)",
                    params![first, last, mode],
                )
                .expect("creator");
            self.conn
                .execute(
                    "INSERT INTO itemCreators (itemID, creatorID, creatorTypeID, orderIndex)
                     SELECT ?1, c.creatorID, t.creatorTypeID, ?5 FROM creators c, creatorTypes t
                      WHERE c.firstName = ?2 AND c.lastName = ?3 AND c.fieldMode = ?6
                        AND t.creatorType = ?4",
                    params![id, first, last, t, i as i64, mode],
                )
                .expect("item creator");
        }
        (id, key)
    }

    /// Tags an item (`automatic`: added by Zotero, type 1).
    pub fn tag(&self, item: i64, name: &str, automatic: bool) {
        self.conn
            .execute("INSERT OR IGNORE INTO tags (name) VALUES (?1)", [name])
            .expect("tag");
        self.conn
            .execute(
                "INSERT INTO itemTags (itemID, tagID, type)
                 SELECT ?1, tagID, ?3 FROM tags WHERE name = ?2",
                params![item, name, i64::from(automatic)],
            )
            .expect("item tag");
    }

    /// Adds a collection, inside `parent` when given. Returns its id.
    pub fn collection(&mut self, name: &str, parent: Option<i64>) -> i64 {
        let key = self.key();
        self.conn
            .execute(
                "INSERT INTO collections (collectionName, parentCollectionID, libraryID, key)
                 VALUES (?1, ?2, 1, ?3)",
                params![name, parent, key],
            )
            .expect("collection");
        self.conn.last_insert_rowid()
    }

    /// Puts an item in a collection.
    pub fn add_to(&self, collection: i64, item: i64) {
        self.conn
            .execute(
                "INSERT INTO collectionItems (collectionID, itemID, orderIndex)
                 VALUES (?1, ?2, (SELECT count(*) FROM collectionItems WHERE collectionID = ?1))",
                params![collection, item],
            )
            .expect("collection item");
    }

    /// Adds a note (HTML), a child of `parent` or standalone. Returns its id.
    pub fn note(&mut self, parent: Option<i64>, html: &str) -> i64 {
        let (id, _) = self.new_item("note", "2024-09-19 08:00:00");
        self.conn
            .execute(
                "INSERT INTO itemNotes (itemID, parentItemID, note, title) VALUES (?1, ?2, ?3, '')",
                params![id, parent, html],
            )
            .expect("note");
        id
    }

    /// Adds a stored file attachment of `parent` (`storage:<name>`): with `bytes`, the file
    /// is written under `storage/<key>/`, without, it is missing. Returns id and key.
    pub fn stored_file(
        &mut self,
        parent: i64,
        name: &str,
        content_type: &str,
        bytes: Option<&[u8]>,
    ) -> (i64, String) {
        let (id, key) = self.new_item("attachment", "2024-09-18 15:52:20");
        self.conn
            .execute(
                "INSERT INTO itemAttachments (itemID, parentItemID, linkMode, contentType, path)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    id,
                    parent,
                    if content_type == "text/html" { 1 } else { 0 },
                    content_type,
                    format!("storage:{name}")
                ],
            )
            .expect("attachment");
        if let Some(bytes) = bytes {
            let folder = self.dir.join("storage").join(&key);
            std::fs::create_dir_all(&folder).expect("storage folder");
            std::fs::write(folder.join(name), bytes).expect("stored file");
        }
        (id, key)
    }

    /// Adds a linked file attachment of `parent`.
    pub fn linked_file(&mut self, parent: i64, path: &str) -> i64 {
        let (id, _) = self.new_item("attachment", "2024-09-18 15:52:21");
        self.conn
            .execute(
                "INSERT INTO itemAttachments (itemID, parentItemID, linkMode, contentType, path)
                 VALUES (?1, ?2, 2, 'application/pdf', ?3)",
                params![id, parent, path],
            )
            .expect("attachment");
        id
    }

    /// Adds an annotation on attachment `attachment` (Zotero 6 and later): `kind` 1
    /// highlight, 2 note, 3 image, 4 ink, 5 underline, 6 text; `position` is Zotero's JSON.
    /// Returns its key.
    #[allow(clippy::too_many_arguments)]
    pub fn annotation(
        &mut self,
        attachment: i64,
        kind: i64,
        text: Option<&str>,
        comment: &str,
        color: &str,
        page_label: &str,
        position: &str,
    ) -> String {
        assert!(
            self.version >= ZoteroVersion::V6,
            "Zotero 5 has no annotations"
        );
        let (id, key) = self.new_item("annotation", "2024-09-20 09:30:00");
        let page: u32 = serde_json::from_str::<serde_json::Value>(position)
            .ok()
            .and_then(|v| v.get("pageIndex").and_then(|p| p.as_u64()))
            .unwrap_or(0) as u32;
        self.conn
            .execute(
                "INSERT INTO itemAnnotations (itemID, parentItemID, type, authorName, text,
                     comment, color, pageLabel, sortIndex, position, isExternal)
                 VALUES (?1, ?2, ?3, '', ?4, ?5, ?6, ?7, ?8, ?9, 0)",
                params![
                    id,
                    attachment,
                    kind,
                    text,
                    comment,
                    color,
                    page_label,
                    format!("{page:05}|000000|00000"),
                    position
                ],
            )
            .expect("annotation");
        key
    }

    /// Changes an annotation's comment, as editing it in Zotero does.
    pub fn set_annotation_comment(&self, key: &str, comment: &str) {
        self.conn
            .execute(
                "UPDATE itemAnnotations SET comment = ?2
                  WHERE itemID = (SELECT itemID FROM items WHERE key = ?1)",
                params![key, comment],
            )
            .expect("annotation comment");
        self.conn
            .execute(
                "UPDATE items SET dateModified = '2025-07-01 12:00:00' WHERE key = ?1",
                [key],
            )
            .expect("modified");
    }

    /// Moves an item to Zotero's trash.
    pub fn trash(&self, item: i64) {
        self.conn
            .execute("INSERT INTO deletedItems (itemID) VALUES (?1)", [item])
            .expect("trash");
    }
}
