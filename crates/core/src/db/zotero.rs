//! Reading a Zotero database (`zotero.sqlite`), never writing it: the rows the Zotero importer
//! needs, joined by name, since item types, fields and creator types have different numeric
//! ids in every install. Tables and columns are looked up by name too: Zotero 5 has no
//! `itemAnnotations`, and the `*Combined` views of custom types arrived later than the tables
//! they combine.
//!
//! The caller opens a private copy of the file (see `import::zotero`), so Zotero running and
//! holding its own lock meanwhile neither blocks nor tears the read.

use std::collections::{HashMap, HashSet};

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;

/// One Zotero library in the database: the user's own, a group's, or a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryRow {
    /// `libraries.libraryID`.
    pub id: i64,
    /// `user`, `group` or `feed`.
    pub kind: String,
    /// The group's id at zotero.org, for a group library.
    pub group_id: Option<i64>,
    /// The group's name, for a group library.
    pub name: Option<String>,
}

/// One item of any type (regular items, notes, attachments and annotations are all items).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRow {
    /// `items.itemID`, the key of every other table's rows.
    pub id: i64,
    /// The eight-character key, stable across syncs.
    pub key: String,
    /// The type's name (`journalArticle`, `attachment`, `note`, `annotation`, …).
    pub item_type: String,
    /// `dateAdded` as Zotero stores it (`YYYY-MM-DD HH:MM:SS`, UTC).
    pub date_added: String,
    /// `dateModified`, the same form.
    pub date_modified: String,
}

/// One field value of an item, with the base field it maps to (`bookTitle` →
/// `publicationTitle`) when it is a type-specific field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRow {
    /// The item.
    pub item: i64,
    /// The field's own name.
    pub field: String,
    /// The base field's name, when the field is mapped to one.
    pub base: Option<String>,
    /// The value.
    pub value: String,
}

/// One creator of an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatorRow {
    /// The item.
    pub item: i64,
    /// Position among the item's creators.
    pub order: i64,
    /// `author`, `editor`, …
    pub creator_type: String,
    /// Given name (empty for a single-field name).
    pub first_name: String,
    /// Family name, or the whole name when `single_field`.
    pub last_name: String,
    /// The name is one field (an institution).
    pub single_field: bool,
}

/// One tag on an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagRow {
    /// The item.
    pub item: i64,
    /// The tag's name.
    pub name: String,
    /// 0 for a tag the user added, 1 for one added automatically.
    pub kind: i64,
}

/// One collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectionRow {
    /// `collectionID`.
    pub id: i64,
    /// Its key.
    pub key: String,
    /// Its name.
    pub name: String,
    /// The collection it is inside, if any.
    pub parent: Option<i64>,
}

/// One note item: a child note (with `parent`) or a standalone one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteRow {
    /// The note's item id.
    pub item: i64,
    /// The item it belongs to, when it is a child note.
    pub parent: Option<i64>,
    /// The note as HTML.
    pub html: String,
}

/// One attachment item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRow {
    /// The attachment's item id.
    pub item: i64,
    /// The item it belongs to, when it is a child attachment.
    pub parent: Option<i64>,
    /// 0 imported file, 1 imported URL (snapshot), 2 linked file, 3 linked URL, 4 embedded
    /// image.
    pub link_mode: i64,
    /// MIME type, when known.
    pub content_type: Option<String>,
    /// `storage:<name>` for a stored file, a path for a linked one.
    pub path: Option<String>,
}

/// One annotation on a PDF attachment (Zotero 6 and later).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnotationRow {
    /// The annotation's item id.
    pub item: i64,
    /// The attachment it was made on.
    pub attachment: i64,
    /// 1 highlight, 2 note, 3 image, 4 ink, 5 underline, 6 text.
    pub kind: i64,
    /// The marked text.
    pub text: Option<String>,
    /// The user's comment.
    pub comment: Option<String>,
    /// `#rrggbb`.
    pub color: Option<String>,
    /// The printed page number.
    pub page_label: Option<String>,
    /// `PPPPP|OOOOOO|TTTTT`: page, offset, top; orders annotations as on the page.
    pub sort_index: String,
    /// JSON: `{"pageIndex": N, "rects": [[x1, y1, x2, y2], …]}` (ink: `paths`).
    pub position: String,
}

/// Everything the importer reads from one Zotero library.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rows {
    /// Every item of the library, annotations included.
    pub items: Vec<ItemRow>,
    /// Field values.
    pub fields: Vec<FieldRow>,
    /// Creators, by item then order.
    pub creators: Vec<CreatorRow>,
    /// Tags.
    pub tags: Vec<TagRow>,
    /// Collections of the library.
    pub collections: Vec<CollectionRow>,
    /// (collection, item) memberships, in the collection's order.
    pub memberships: Vec<(i64, i64)>,
    /// Notes.
    pub notes: Vec<NoteRow>,
    /// Attachments.
    pub attachments: Vec<AttachmentRow>,
    /// Annotations; empty before Zotero 6.
    pub annotations: Vec<AnnotationRow>,
    /// Items in the trash.
    pub trashed: HashSet<i64>,
}

/// The tables every Zotero database since version 5 has; a file without them is not one.
pub const REQUIRED_TABLES: [&str; 9] = [
    "items",
    "itemData",
    "itemDataValues",
    "creators",
    "itemCreators",
    "tags",
    "itemTags",
    "collections",
    "libraries",
];

/// The tables of the database, by name.
pub fn tables(conn: &Connection) -> Result<HashSet<String>> {
    let mut stmt =
        conn.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")?;
    let names = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<HashSet<_>>>()?;
    Ok(names)
}

/// The columns of `table`, by name.
pub fn columns(conn: &Connection, table: &str) -> Result<HashSet<String>> {
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1)")?;
    let names = stmt
        .query_map([table], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<HashSet<_>>>()?;
    Ok(names)
}

/// A value of the `version` table (`userdata` is the schema's version), if present.
pub fn version(conn: &Connection, schema: &str) -> Result<Option<i64>> {
    if !tables(conn)?.contains("version") {
        return Ok(None);
    }
    Ok(conn
        .query_row(
            "SELECT version FROM version WHERE schema = ?1",
            [schema],
            |r| r.get::<_, i64>(0),
        )
        .optional()?)
}

/// The zotero.org user id the database is signed in as, when it is.
pub fn user_id(conn: &Connection) -> Result<Option<String>> {
    if !tables(conn)?.contains("settings") {
        return Ok(None);
    }
    let value: Option<rusqlite::types::Value> = conn
        .query_row(
            "SELECT value FROM settings WHERE setting = 'account' AND key = 'userID'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    Ok(value.and_then(|v| match v {
        rusqlite::types::Value::Integer(i) => Some(i.to_string()),
        rusqlite::types::Value::Text(t) if !t.trim().is_empty() => Some(t.trim().to_string()),
        _ => None,
    }))
}

/// Every library in the database.
pub fn libraries(conn: &Connection) -> Result<Vec<LibraryRow>> {
    let have = tables(conn)?;
    let sql = if have.contains("groups") {
        "SELECT l.libraryID, l.type, g.groupID, g.name
           FROM libraries l LEFT JOIN groups g ON g.libraryID = l.libraryID
          ORDER BY l.libraryID"
    } else {
        "SELECT libraryID, type, NULL, NULL FROM libraries ORDER BY libraryID"
    };
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt
        .query_map([], |r| {
            Ok(LibraryRow {
                id: r.get(0)?,
                kind: r.get(1)?,
                group_id: r.get(2)?,
                name: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The first of `names` that the database has.
fn first_table<'a>(have: &HashSet<String>, names: &[&'a str]) -> Option<&'a str> {
    names.iter().copied().find(|n| have.contains(*n))
}

/// Reads library `library`'s items and everything hanging off them.
pub fn read(conn: &Connection, library: i64) -> Result<Rows> {
    let have = tables(conn)?;
    let item_types = first_table(&have, &["itemTypesCombined", "itemTypes"]).unwrap_or("itemTypes");
    let fields = first_table(&have, &["fieldsCombined", "fields"]).unwrap_or("fields");
    let base_map = first_table(&have, &["baseFieldMappingsCombined", "baseFieldMappings"]);
    let mut rows = Rows::default();

    let mut stmt = conn.prepare(&format!(
        "SELECT i.itemID, i.key, t.typeName, i.dateAdded, i.dateModified
           FROM items i JOIN {item_types} t ON t.itemTypeID = i.itemTypeID
          WHERE i.libraryID = ?1
          ORDER BY i.itemID"
    ))?;
    rows.items = stmt
        .query_map([library], |r| {
            Ok(ItemRow {
                id: r.get(0)?,
                key: r.get(1)?,
                item_type: r.get(2)?,
                date_added: text(r.get_ref(3)?),
                date_modified: text(r.get_ref(4)?),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;

    // The base field of a type-specific one, per item type: (type, field) → base name.
    let mut bases: HashMap<(i64, i64), String> = HashMap::new();
    if let Some(map) = base_map {
        let mut stmt = conn.prepare(&format!(
            "SELECT m.itemTypeID, m.fieldID, b.fieldName
               FROM {map} m JOIN {fields} b ON b.fieldID = m.baseFieldID"
        ))?;
        for row in stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
            ))
        })? {
            let (item_type, field, base) = row?;
            bases.insert((item_type, field), base);
        }
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT d.itemID, i.itemTypeID, d.fieldID, f.fieldName, v.value
           FROM itemData d
           JOIN items i ON i.itemID = d.itemID
           JOIN {fields} f ON f.fieldID = d.fieldID
           JOIN itemDataValues v ON v.valueID = d.valueID
          WHERE i.libraryID = ?1
          ORDER BY d.itemID, d.fieldID"
    ))?;
    for row in stmt.query_map([library], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, String>(3)?,
            text(r.get_ref(4)?),
        ))
    })? {
        let (item, item_type, field_id, field, value) = row?;
        rows.fields.push(FieldRow {
            item,
            base: bases.get(&(item_type, field_id)).cloned(),
            field,
            value,
        });
    }

    let mut stmt = conn.prepare(
        "SELECT ic.itemID, ic.orderIndex, ct.creatorType, c.firstName, c.lastName, c.fieldMode
           FROM itemCreators ic
           JOIN items i ON i.itemID = ic.itemID
           JOIN creators c ON c.creatorID = ic.creatorID
           JOIN creatorTypes ct ON ct.creatorTypeID = ic.creatorTypeID
          WHERE i.libraryID = ?1
          ORDER BY ic.itemID, ic.orderIndex",
    )?;
    rows.creators = stmt
        .query_map([library], |r| {
            Ok(CreatorRow {
                item: r.get(0)?,
                order: r.get(1)?,
                creator_type: r.get(2)?,
                first_name: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                last_name: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
                single_field: r.get::<_, Option<i64>>(5)?.unwrap_or(0) == 1,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;

    let mut stmt = conn.prepare(
        "SELECT it.itemID, t.name, it.type
           FROM itemTags it
           JOIN items i ON i.itemID = it.itemID
           JOIN tags t ON t.tagID = it.tagID
          WHERE i.libraryID = ?1
          ORDER BY it.itemID, t.name",
    )?;
    rows.tags = stmt
        .query_map([library], |r| {
            Ok(TagRow {
                item: r.get(0)?,
                name: r.get(1)?,
                kind: r.get::<_, Option<i64>>(2)?.unwrap_or(0),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;

    let mut stmt = conn.prepare(
        "SELECT collectionID, key, collectionName, parentCollectionID
           FROM collections WHERE libraryID = ?1 ORDER BY collectionID",
    )?;
    rows.collections = stmt
        .query_map([library], |r| {
            Ok(CollectionRow {
                id: r.get(0)?,
                key: r.get(1)?,
                name: r.get(2)?,
                parent: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if have.contains("collectionItems") {
        let mut stmt = conn.prepare(
            "SELECT ci.collectionID, ci.itemID
               FROM collectionItems ci JOIN collections c ON c.collectionID = ci.collectionID
              WHERE c.libraryID = ?1
              ORDER BY ci.collectionID, ci.orderIndex, ci.itemID",
        )?;
        rows.memberships = stmt
            .query_map([library], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
    }

    if have.contains("itemNotes") {
        let mut stmt = conn.prepare(
            "SELECT n.itemID, n.parentItemID, n.note
               FROM itemNotes n JOIN items i ON i.itemID = n.itemID
              WHERE i.libraryID = ?1
              ORDER BY n.itemID",
        )?;
        rows.notes = stmt
            .query_map([library], |r| {
                Ok(NoteRow {
                    item: r.get(0)?,
                    parent: r.get(1)?,
                    html: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
    }

    if have.contains("itemAttachments") {
        let mut stmt = conn.prepare(
            "SELECT a.itemID, a.parentItemID, a.linkMode, a.contentType, a.path
               FROM itemAttachments a JOIN items i ON i.itemID = a.itemID
              WHERE i.libraryID = ?1
              ORDER BY a.itemID",
        )?;
        rows.attachments = stmt
            .query_map([library], |r| {
                Ok(AttachmentRow {
                    item: r.get(0)?,
                    parent: r.get(1)?,
                    link_mode: r.get::<_, Option<i64>>(2)?.unwrap_or(-1),
                    content_type: r.get(3)?,
                    path: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
    }

    if have.contains("itemAnnotations") {
        let cols = columns(conn, "itemAnnotations")?;
        let col = |name: &str| {
            if cols.contains(name) {
                format!("a.{name}")
            } else {
                "NULL".to_string()
            }
        };
        let mut stmt = conn.prepare(&format!(
            "SELECT a.itemID, a.parentItemID, a.type, {}, {}, {}, {}, {}, {}
               FROM itemAnnotations a JOIN items i ON i.itemID = a.itemID
              WHERE i.libraryID = ?1
              ORDER BY a.parentItemID, a.itemID",
            col("text"),
            col("comment"),
            col("color"),
            col("pageLabel"),
            col("sortIndex"),
            col("position"),
        ))?;
        rows.annotations = stmt
            .query_map(params![library], |r| {
                Ok(AnnotationRow {
                    item: r.get(0)?,
                    attachment: r.get(1)?,
                    kind: r.get(2)?,
                    text: r.get(3)?,
                    comment: r.get(4)?,
                    color: r.get(5)?,
                    page_label: r.get(6)?,
                    sort_index: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
                    position: r.get::<_, Option<String>>(8)?.unwrap_or_default(),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
    }

    if have.contains("deletedItems") {
        let mut stmt = conn.prepare(
            "SELECT d.itemID FROM deletedItems d JOIN items i ON i.itemID = d.itemID
              WHERE i.libraryID = ?1",
        )?;
        rows.trashed = stmt
            .query_map([library], |r| r.get::<_, i64>(0))?
            .collect::<rusqlite::Result<HashSet<_>>>()?;
    }
    Ok(rows)
}

/// A value read as text whatever its storage class (Zotero stores some numbers as text and
/// some dates as numbers).
fn text(v: rusqlite::types::ValueRef<'_>) -> String {
    use rusqlite::types::ValueRef;
    match v {
        ValueRef::Null => String::new(),
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(f) => f.to_string(),
        ValueRef::Text(t) | ValueRef::Blob(t) => String::from_utf8_lossy(t).into_owned(),
    }
}

/// Opens a private copy of a Zotero database read-only and checks that it is whole (a copy
/// taken while Zotero wrote can be torn: the caller copies again). `Ok(Err(reason))` for a
/// file that SQLite opens but finds damaged.
pub fn open_copy(path: &std::path::Path) -> Result<std::result::Result<Connection, String>> {
    use rusqlite::OpenFlags;
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let check: rusqlite::Result<String> = conn.query_row("PRAGMA quick_check", [], |r| r.get(0));
    match check {
        Ok(s) if s == "ok" => Ok(Ok(conn)),
        Ok(s) => Ok(Err(s)),
        Err(e) => Ok(Err(e.to_string())),
    }
}
