//! Reading a Zotero data directory (the folder holding `zotero.sqlite` and `storage/`) into
//! what Papershelf keeps: one [`Item`] per regular item with its [`Record`] (fields, creators,
//! tags, collection paths, notes as Markdown), its attachments and their annotations.
//!
//! Zotero's database is never opened where it lies: it is copied into a temporary folder and
//! the copy is read (checked whole, and copied again if Zotero wrote while it was copied), so
//! a running Zotero, which keeps its database locked, neither blocks the import nor is
//! disturbed by it. Writing into the library is `Library::import_zotero`'s.
//!
//! The item's fields are kept as JSON (see [`Item::raw`]) under its Zotero key, like the
//! entries of the other formats: a later import compares with it, so only what changed in
//! Zotero since then reaches the library and the user's edits in Papershelf stay.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Map, Value};

use crate::db::zotero::{self as rows, Rows};
use crate::error::{Error, Result};
use crate::interop::{arxiv_from, arxiv_in_text, clean_doi, keyword_to_tag, Record};
use crate::model::{AnnotationKind, NewPaper, PartialDate, PdfRect};
use crate::text::collapse_whitespace;

/// The database's file name in a Zotero data directory.
pub const DB_FILE: &str = "zotero.sqlite";

/// The folder of stored attachments in a Zotero data directory (`storage/<key>/<file>`).
pub const STORAGE_DIR: &str = "storage";

/// The `format` name Zotero items are kept under with the other imported entries.
pub const FORMAT_NAME: &str = "zotero";

/// Where Zotero keeps its data on Linux, under the home folder `home`: `~/Zotero` since
/// Zotero 5, else the data folder a profile's `prefs.js` names, else the folder inside the
/// profile older versions used. `None` when none of them holds a database.
pub fn default_data_dir(home: &Path) -> Option<PathBuf> {
    let mut candidates = vec![home.join("Zotero")];
    let profiles = home.join(".zotero").join("zotero");
    if let Ok(entries) = std::fs::read_dir(&profiles) {
        let mut dirs: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        dirs.sort();
        for profile in dirs.into_iter().filter(|p| p.is_dir()) {
            if let Some(dir) = std::fs::read_to_string(profile.join("prefs.js"))
                .ok()
                .and_then(|prefs| pref_string(&prefs, "extensions.zotero.dataDir"))
            {
                candidates.push(PathBuf::from(dir));
            }
            candidates.push(profile.join("zotero"));
        }
    }
    candidates
        .into_iter()
        .find(|dir| dir.join(DB_FILE).is_file())
}

/// [`default_data_dir`] under the user's home folder (`HOME`); `None` when it is not set or
/// holds no Zotero database.
pub fn users_data_dir() -> Option<PathBuf> {
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty())?;
    default_data_dir(Path::new(&home))
}

/// The string value of `user_pref("name", "value");` in a `prefs.js`.
fn pref_string(prefs: &str, name: &str) -> Option<String> {
    let needle = format!("user_pref(\"{name}\",");
    let at = prefs.find(&needle)?;
    let rest = prefs[at + needle.len()..].trim_start().strip_prefix('"')?;
    let mut value = String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => value.push(chars.next()?),
            '"' => return Some(value),
            c => value.push(c),
        }
    }
    None
}

/// A Zotero library read whole.
#[derive(Debug, Clone)]
pub struct ZoteroLibrary {
    /// The data directory it was read from.
    pub data_dir: PathBuf,
    /// Which Zotero library: `user` for the local user library, `users/<id>` once signed in
    /// (keys are unique per library, so they are remembered with it).
    pub library: String,
    /// The schema version (`userdata`), when the database says.
    pub schema_version: Option<i64>,
    /// Whether the database can hold annotations (Zotero 6 and later).
    pub has_annotations: bool,
    /// Regular items, in Zotero's order.
    pub items: Vec<Item>,
    /// Notes that belong to no item.
    pub standalone_notes: Vec<StandaloneNote>,
    /// Every collection's path (names joined by `/`), parents before children.
    pub collections: Vec<String>,
}

/// One regular item: a paper.
#[derive(Debug, Clone)]
pub struct Item {
    /// Its Zotero key.
    pub key: String,
    /// Its Zotero type (`journalArticle`, `preprint`, …).
    pub item_type: String,
    /// What it becomes: the paper, tags, collection paths and note; `raw` is the JSON kept
    /// for the next import. `None` with the reason when it cannot be imported (no title).
    pub record: std::result::Result<Record, String>,
    /// In Zotero's trash.
    pub trashed: bool,
    /// Its attachments.
    pub attachments: Vec<Attachment>,
}

/// A note that belongs to no item.
#[derive(Debug, Clone, PartialEq)]
pub struct StandaloneNote {
    /// Its Zotero key.
    pub key: String,
    /// Its text, as Markdown.
    pub markdown: String,
}

/// Where an attachment's content is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachmentFile {
    /// A file Zotero stored in its data directory: its path there, and whether it exists.
    Stored {
        /// `storage/<key>/<name>` under the data directory.
        path: PathBuf,
        /// Whether the file is there.
        exists: bool,
    },
    /// A file Zotero links to where it lies (not copied by Zotero either).
    Linked(String),
    /// A web link only.
    Url,
    /// No file recorded.
    None,
}

/// One attachment of an item.
#[derive(Debug, Clone)]
pub struct Attachment {
    /// Its Zotero key.
    pub key: String,
    /// Its MIME type, when known.
    pub content_type: Option<String>,
    /// Where its content is.
    pub file: AttachmentFile,
    /// In Zotero's trash.
    pub trashed: bool,
    /// The annotations made on it.
    pub annotations: Vec<ZoteroAnnotation>,
}

impl Attachment {
    /// Whether it is a PDF.
    pub fn is_pdf(&self) -> bool {
        match &self.content_type {
            Some(t) => t.eq_ignore_ascii_case("application/pdf"),
            None => match &self.file {
                AttachmentFile::Stored { path, .. } => path
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("pdf")),
                AttachmentFile::Linked(p) => p.to_ascii_lowercase().ends_with(".pdf"),
                _ => false,
            },
        }
    }

    /// Whether it is a saved web page.
    pub fn is_snapshot(&self) -> bool {
        matches!(self.file, AttachmentFile::Stored { .. })
            && self
                .content_type
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case("text/html"))
    }
}

/// One annotation, as Papershelf's annotation model reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoteroAnnotation {
    /// Its Zotero key.
    pub key: String,
    /// Highlight, underline, note, ink, image or text.
    pub kind: AnnotationKind,
    /// 1-based physical page (Zotero's `pageIndex` + 1).
    pub page: u32,
    /// The printed page number.
    pub page_label: Option<String>,
    /// `#rrggbb`.
    pub color: String,
    /// Rectangles in PDF points; for an ink drawing, the box around its paths.
    pub rects: Vec<PdfRect>,
    /// The whole position JSON for kinds rectangles do not describe (ink, image, text).
    pub shape: Option<String>,
    /// The marked text.
    pub quote: Option<String>,
    /// The comment (Markdown; Zotero's is plain text or simple HTML).
    pub comment: String,
    /// When it was made (RFC 3339).
    pub created: String,
    /// When it last changed (RFC 3339).
    pub updated: String,
    /// In Zotero's trash.
    pub trashed: bool,
}

impl ZoteroAnnotation {
    /// Its id in Papershelf: a UUID derived from the Zotero library and key, so importing it
    /// again finds it.
    pub fn id_in(&self, library: &str) -> String {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(format!("zotero:{library}:{}", self.key).as_bytes());
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&digest[..16]);
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .to_string()
    }
}

/// How often a copy is taken again when Zotero wrote while it was copied.
const COPY_ATTEMPTS: usize = 5;

/// Reads the user's own library from the Zotero data directory `data_dir` (group and feed
/// libraries are left out).
///
/// # Errors
/// [`Error::NotZotero`] when `data_dir` holds no readable Zotero database; [`Error::Io`] when
/// it cannot be copied.
pub fn read(data_dir: &Path) -> Result<ZoteroLibrary> {
    let db = data_dir.join(DB_FILE);
    if !db.is_file() {
        return Err(Error::NotZotero {
            path: data_dir.display().to_string(),
            reason: format!("no {DB_FILE} in it"),
        });
    }
    let scratch = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let copy = scratch.path().join(DB_FILE);
    let mut last_reason = String::new();
    for attempt in 0..COPY_ATTEMPTS {
        if attempt > 0 {
            std::thread::sleep(Duration::from_millis(200 * attempt as u64));
        }
        let before = stamp(&db)?;
        std::fs::copy(&db, &copy).map_err(|e| Error::io(&db, e))?;
        // A write-ahead log holds committed pages not yet in the file (Zotero does not use
        // one by default, but a database touched by other tools may).
        let wal = data_dir.join(format!("{DB_FILE}-wal"));
        let copy_wal = scratch.path().join(format!("{DB_FILE}-wal"));
        if wal.is_file() {
            std::fs::copy(&wal, &copy_wal).map_err(|e| Error::io(&wal, e))?;
        } else if copy_wal.exists() {
            std::fs::remove_file(&copy_wal).map_err(|e| Error::io(&copy_wal, e))?;
        }
        if stamp(&db)? != before {
            last_reason = "Zotero wrote to it while it was copied".into();
            continue;
        }
        let conn = match rows::open_copy(&copy) {
            Ok(Ok(conn)) => conn,
            Ok(Err(reason)) => {
                last_reason = reason;
                continue;
            }
            Err(e) => {
                return Err(Error::NotZotero {
                    path: db.display().to_string(),
                    reason: e.to_string(),
                })
            }
        };
        return read_open(data_dir, &conn);
    }
    Err(Error::NotZotero {
        path: db.display().to_string(),
        reason: format!("no whole copy after {COPY_ATTEMPTS} tries: {last_reason}"),
    })
}

/// Size and modification time: what changes when Zotero writes.
fn stamp(path: &Path) -> Result<(u64, Option<std::time::SystemTime>)> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    Ok((meta.len(), meta.modified().ok()))
}

/// Reads an open (copied) Zotero database.
fn read_open(data_dir: &Path, conn: &rusqlite::Connection) -> Result<ZoteroLibrary> {
    let not_zotero = |reason: String| Error::NotZotero {
        path: data_dir.join(DB_FILE).display().to_string(),
        reason,
    };
    let tables = rows::tables(conn).map_err(|e| not_zotero(e.to_string()))?;
    let missing: Vec<&str> = rows::REQUIRED_TABLES
        .iter()
        .copied()
        .filter(|t| !tables.contains(*t))
        .collect();
    if !missing.is_empty() {
        return Err(not_zotero(format!(
            "not a Zotero 5 or later database: no table {}",
            missing.join(", ")
        )));
    }
    let user = rows::libraries(conn)?
        .into_iter()
        .find(|l| l.kind == "user")
        .ok_or_else(|| not_zotero("it has no user library".into()))?;
    let library = match rows::user_id(conn)? {
        Some(id) => format!("users/{id}"),
        None => "user".to_string(),
    };
    let data = rows::read(conn, user.id)?;
    let mut lib = assemble(data_dir, &library, data);
    lib.schema_version = rows::version(conn, "userdata")?;
    lib.has_annotations = tables.contains("itemAnnotations");
    Ok(lib)
}

/// Turns the rows into items.
fn assemble(data_dir: &Path, library: &str, data: Rows) -> ZoteroLibrary {
    let keys: HashMap<i64, &rows::ItemRow> = data.items.iter().map(|i| (i.id, i)).collect();

    let mut fields: HashMap<i64, BTreeMap<String, String>> = HashMap::new();
    for f in &data.fields {
        let value = f.value.trim();
        if value.is_empty() {
            continue;
        }
        let name = f.base.clone().unwrap_or_else(|| f.field.clone());
        fields
            .entry(f.item)
            .or_default()
            .insert(name, value.to_string());
    }
    let mut creators: HashMap<i64, Vec<&rows::CreatorRow>> = HashMap::new();
    for c in &data.creators {
        creators.entry(c.item).or_default().push(c);
    }
    let mut tags: HashMap<i64, Vec<&rows::TagRow>> = HashMap::new();
    for t in &data.tags {
        tags.entry(t.item).or_default().push(t);
    }

    // Collection paths: names joined by `/`, a `/` inside a name written as `∕` so it is not
    // read as a level.
    let by_id: HashMap<i64, &rows::CollectionRow> =
        data.collections.iter().map(|c| (c.id, c)).collect();
    let path_of = |mut id: i64| -> String {
        let mut parts = Vec::new();
        let mut seen = std::collections::HashSet::new();
        while let Some(c) = by_id.get(&id) {
            if !seen.insert(id) || parts.len() > 64 {
                break; // a cycle, which Zotero never writes but a damaged file could hold
            }
            parts.push(collapse_whitespace(&c.name).replace('/', "\u{2215}"));
            match c.parent {
                Some(p) => id = p,
                None => break,
            }
        }
        parts.reverse();
        parts.join("/")
    };
    let mut all_paths: Vec<String> = data.collections.iter().map(|c| path_of(c.id)).collect();
    all_paths.sort_by_key(|p| p.matches('/').count());
    let mut collections_of: HashMap<i64, Vec<String>> = HashMap::new();
    for (collection, item) in &data.memberships {
        let path = path_of(*collection);
        if !path.is_empty() {
            collections_of.entry(*item).or_default().push(path);
        }
    }

    let mut notes_of: HashMap<i64, Vec<&rows::NoteRow>> = HashMap::new();
    let mut standalone_notes = Vec::new();
    for n in &data.notes {
        match n.parent {
            Some(p) => notes_of.entry(p).or_default().push(n),
            None => {
                if let Some(item) = keys.get(&n.item) {
                    if !data.trashed.contains(&n.item) {
                        standalone_notes.push(StandaloneNote {
                            key: item.key.clone(),
                            markdown: super::note_html::to_markdown(&n.html),
                        });
                    }
                }
            }
        }
    }

    let mut annotations_of: HashMap<i64, Vec<ZoteroAnnotation>> = HashMap::new();
    for a in &data.annotations {
        let Some(item) = keys.get(&a.item) else {
            continue;
        };
        if let Some(z) = annotation(a, item, data.trashed.contains(&a.item)) {
            annotations_of.entry(a.attachment).or_default().push(z);
        }
    }
    for list in annotations_of.values_mut() {
        // Zotero's own order: page, then place on the page.
        list.sort_by(|a, b| a.page.cmp(&b.page).then(a.key.cmp(&b.key)));
    }
    let mut attachments_of: HashMap<i64, Vec<Attachment>> = HashMap::new();
    for a in &data.attachments {
        let (Some(parent), Some(item)) = (a.parent, keys.get(&a.item)) else {
            continue;
        };
        let file = match (a.link_mode, a.path.as_deref()) {
            (0 | 1, Some(p)) if p.starts_with("storage:") => {
                let name = &p["storage:".len()..];
                // A name with a path separator or `..` could reach outside the folder.
                if name.is_empty() || name.contains(['/', '\\']) || name == ".." || name == "." {
                    AttachmentFile::None
                } else {
                    let path = data_dir.join(STORAGE_DIR).join(&item.key).join(name);
                    let exists = path.is_file();
                    AttachmentFile::Stored { path, exists }
                }
            }
            (2, Some(p)) => AttachmentFile::Linked(p.to_string()),
            (3, _) => AttachmentFile::Url,
            _ => AttachmentFile::None,
        };
        attachments_of.entry(parent).or_default().push(Attachment {
            key: item.key.clone(),
            content_type: a.content_type.clone().filter(|t| !t.is_empty()),
            file,
            trashed: data.trashed.contains(&a.item),
            annotations: annotations_of.remove(&a.item).unwrap_or_default(),
        });
    }

    let mut items = Vec::new();
    for row in &data.items {
        if matches!(row.item_type.as_str(), "attachment" | "note" | "annotation") {
            continue;
        }
        let notes: Vec<String> = notes_of
            .get(&row.id)
            .map(|ns| {
                ns.iter()
                    .filter(|n| !data.trashed.contains(&n.item))
                    .map(|n| super::note_html::to_markdown(&n.html))
                    .filter(|m| !m.trim().is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let mut item_tags: Vec<Value> = tags
            .get(&row.id)
            .map(|ts| {
                ts.iter()
                    .map(|t| json!({ "tag": t.name, "type": t.kind }))
                    .collect()
            })
            .unwrap_or_default();
        item_tags.dedup();
        let mut paths = collections_of.remove(&row.id).unwrap_or_default();
        paths.sort();
        paths.dedup();
        let creators: Vec<Value> = creators
            .get(&row.id)
            .map(|cs| {
                cs.iter()
                    .map(|c| {
                        if c.single_field {
                            json!({ "creatorType": c.creator_type, "name": c.last_name })
                        } else {
                            json!({
                                "creatorType": c.creator_type,
                                "firstName": c.first_name,
                                "lastName": c.last_name,
                            })
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let trashed = data.trashed.contains(&row.id);
        let mut raw = Map::new();
        raw.insert("key".into(), json!(row.key));
        raw.insert("library".into(), json!(library));
        raw.insert("itemType".into(), json!(row.item_type));
        raw.insert(
            "fields".into(),
            json!(fields.remove(&row.id).unwrap_or_default()),
        );
        raw.insert("creators".into(), Value::Array(creators));
        raw.insert("tags".into(), Value::Array(item_tags));
        raw.insert("collections".into(), json!(paths));
        if !notes.is_empty() {
            raw.insert("note".into(), json!(notes.join("\n\n---\n\n")));
        }
        if trashed {
            raw.insert("deleted".into(), json!(true));
        }
        raw.insert("dateAdded".into(), json!(rfc3339(&row.date_added)));
        let raw = Value::Object(raw).to_string();
        items.push(Item {
            key: row.key.clone(),
            item_type: row.item_type.clone(),
            record: parse_item(&raw),
            trashed,
            attachments: attachments_of.remove(&row.id).unwrap_or_default(),
        });
    }
    ZoteroLibrary {
        data_dir: data_dir.to_path_buf(),
        library: library.to_string(),
        schema_version: None,
        has_annotations: false,
        items,
        standalone_notes,
        collections: all_paths,
    }
}

/// One annotation row as Papershelf reads it; `None` for an annotation without a page.
fn annotation(
    a: &rows::AnnotationRow,
    item: &rows::ItemRow,
    trashed: bool,
) -> Option<ZoteroAnnotation> {
    let kind = match a.kind {
        1 => AnnotationKind::Highlight,
        2 => AnnotationKind::Note,
        3 => AnnotationKind::Image,
        4 => AnnotationKind::Ink,
        5 => AnnotationKind::Underline,
        6 => AnnotationKind::Text,
        _ => return None,
    };
    let position: Value = serde_json::from_str(&a.position).ok()?;
    let page_index = position.get("pageIndex")?.as_u64()?;
    let page = u32::try_from(page_index).ok()?.checked_add(1)?;
    let mut rects: Vec<PdfRect> = position
        .get("rects")
        .and_then(Value::as_array)
        .map(|rs| rs.iter().filter_map(rect).collect())
        .unwrap_or_default();
    if kind == AnnotationKind::Ink {
        // The box around the paths (`[x, y, x, y, …]` each), so lists and jumps can place it.
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        for path in position
            .get("paths")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for pair in path
                .as_array()
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .chunks(2)
            {
                if let [x, y] = pair {
                    if let (Some(x), Some(y)) = (x.as_f64(), y.as_f64()) {
                        xs.push(x);
                        ys.push(y);
                    }
                }
            }
        }
        if !xs.is_empty() {
            let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
            let max = |v: &[f64]| v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            rects = vec![[min(&xs), min(&ys), max(&xs), max(&ys)]];
        }
    }
    let shape = matches!(
        kind,
        AnnotationKind::Ink | AnnotationKind::Image | AnnotationKind::Text
    )
    .then(|| a.position.clone());
    let color = a
        .color
        .as_deref()
        .and_then(crate::model::parse_color)
        .unwrap_or_else(|| crate::model::DEFAULT_ANNOTATION_COLOR.to_string());
    let comment = a
        .comment
        .as_deref()
        .map(|c| {
            if c.contains('<') {
                super::note_html::to_markdown(c)
            } else {
                c.trim().to_string()
            }
        })
        .unwrap_or_default();
    Some(ZoteroAnnotation {
        key: item.key.clone(),
        kind,
        page,
        page_label: a.page_label.clone().filter(|l| !l.trim().is_empty()),
        color,
        rects,
        shape,
        quote: a.text.clone().filter(|t| !t.trim().is_empty()),
        comment,
        created: rfc3339(&item.date_added),
        updated: rfc3339(&item.date_modified),
        trashed,
    })
}

/// `[x1, y1, x2, y2]` from JSON, finite numbers only.
fn rect(v: &Value) -> Option<PdfRect> {
    let a = v.as_array()?;
    if a.len() != 4 {
        return None;
    }
    let mut r = [0.0; 4];
    for (i, x) in a.iter().enumerate() {
        r[i] = x.as_f64().filter(|f| f.is_finite())?;
    }
    Some(r)
}

/// Zotero's `YYYY-MM-DD HH:MM:SS` (UTC) as RFC 3339; other text is kept as it is.
fn rfc3339(zotero: &str) -> String {
    let t = zotero.trim();
    if t.len() == 19 && t.as_bytes()[10] == b' ' {
        format!("{}T{}Z", &t[..10], &t[11..])
    } else {
        t.to_string()
    }
}

/// The fields a venue is read from, in order.
const VENUE_FIELDS: [&str; 4] = [
    "publicationTitle",
    "proceedingsTitle",
    "conferenceName",
    "bookTitle",
];

/// Reads an item as kept (the JSON [`read`] writes into [`Record::raw`]) into a record.
/// `Err` with the reason when it has no title.
pub fn parse_item(raw: &str) -> std::result::Result<Record, String> {
    let v: Value = serde_json::from_str(raw).map_err(|e| format!("unreadable item: {e}"))?;
    let str_at = |obj: &Value, k: &str| -> Option<String> {
        obj.get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let key = str_at(&v, "key");
    let fields = v.get("fields").cloned().unwrap_or(Value::Null);
    let field = |k: &str| str_at(&fields, k);
    let title = field("title")
        .map(|t| collapse_whitespace(&t))
        .ok_or_else(|| "it has no title".to_string())?;
    let mut paper = NewPaper {
        title,
        abstract_text: field("abstractNote")
            .map(|a| collapse_whitespace(&a))
            .unwrap_or_default(),
        ..Default::default()
    };
    let creators = v
        .get("creators")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let name_of = |c: &Value| -> Option<String> {
        let name = match str_at(c, "name") {
            Some(n) => n,
            None => [str_at(c, "firstName"), str_at(c, "lastName")]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" "),
        };
        let name = collapse_whitespace(&name);
        (!name.is_empty()).then_some(name)
    };
    let authors: Vec<String> = creators
        .iter()
        .filter(|c| str_at(c, "creatorType").as_deref() == Some("author"))
        .filter_map(name_of)
        .collect();
    paper.authors = if authors.is_empty() {
        // Types whose main creator is not an `author` (a presenter, a programmer): their
        // creators in order, without editors and translators.
        creators
            .iter()
            .filter(|c| {
                !matches!(
                    str_at(c, "creatorType").as_deref(),
                    Some(
                        "editor" | "seriesEditor" | "translator" | "reviewedAuthor" | "contributor"
                    )
                )
            })
            .filter_map(name_of)
            .collect()
    } else {
        authors
    };
    paper.published = field("date").and_then(|d| zotero_date(&d));
    let extra = field("extra").unwrap_or_default();
    if let Some(d) = field("DOI").or_else(|| extra_value(&extra, "DOI")) {
        match clean_doi(&d) {
            Some(doi) => paper.doi = Some(doi),
            None => paper.arxiv_id = arxiv_from(&d),
        }
    }
    let mut url = None;
    if let Some(u) = field("url") {
        match arxiv_from(&u) {
            Some(id) => {
                paper.arxiv_id.get_or_insert(id);
            }
            None if u.to_ascii_lowercase().contains("doi.org/") => {
                if paper.doi.is_none() {
                    paper.doi = clean_doi(&u);
                }
                if paper.doi.is_none() {
                    url = Some(u);
                }
            }
            None => url = Some(u),
        }
    }
    let venue = VENUE_FIELDS.iter().find_map(|f| field(f));
    if paper.arxiv_id.is_none() {
        paper.arxiv_id = field("archiveID")
            .and_then(|a| arxiv_in_text(&a).or_else(|| arxiv_from(&a)))
            .or_else(|| field("number").and_then(|n| arxiv_in_text(&n)))
            .or_else(|| venue.as_deref().and_then(arxiv_in_text))
            .or_else(|| arxiv_in_text(&extra));
    }
    // `arXiv:1706.03762 [cs]` in the venue is the preprint's id, not a venue.
    paper.journal_ref = venue.filter(|v| !v.trim().to_ascii_lowercase().starts_with("arxiv"));
    let mut tags = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for t in v
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(tag) = str_at(t, "tag").and_then(|t| keyword_to_tag(&t)) {
            if seen.insert(tag.to_lowercase()) {
                tags.push(tag);
            }
        }
    }
    let collections = v
        .get("collections")
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .filter_map(|c| c.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    Ok(Record {
        line: 0,
        key: key.map(|k| match str_at(&v, "library") {
            Some(lib) => format!("{lib}/{k}"),
            None => k,
        }),
        kind: str_at(&v, "itemType"),
        paper,
        tags,
        note: str_at(&v, "note"),
        collections,
        status: None,
        files: Vec::new(),
        url,
        raw: raw.to_string(),
        context: String::new(),
    })
}

/// A `Name: value` line of Zotero's `extra` field.
fn extra_value(extra: &str, name: &str) -> Option<String> {
    extra.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        (k.trim().eq_ignore_ascii_case(name) && !v.trim().is_empty()).then(|| v.trim().to_string())
    })
}

/// Zotero's stored date, `YYYY-MM-DD original text` with `00` for an unknown part
/// (`2017-00-00 2017`); a date Zotero could not parse is stored as written, and its year is
/// taken when it has one.
fn zotero_date(stored: &str) -> Option<PartialDate> {
    let sql = stored.split_whitespace().next().unwrap_or("");
    let parts: Vec<&str> = sql.split('-').collect();
    if parts.len() == 3 && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit())) {
        let year: i32 = parts[0].parse().ok()?;
        let month: u8 = parts[1].parse().ok()?;
        let day: u8 = parts[2].parse().ok()?;
        if year == 0 {
            return None;
        }
        return Some(PartialDate {
            year: Some(year),
            month: (1..=12).contains(&month).then_some(month),
            day: ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some(day),
        });
    }
    // A free-text date: its first four-digit number that looks like a year.
    stored
        .split(|c: char| !c.is_ascii_digit())
        .filter(|w| w.len() == 4)
        .filter_map(|w| w.parse::<i32>().ok())
        .find(|y| (1000..=2999).contains(y))
        .map(|y| PartialDate {
            year: Some(y),
            month: None,
            day: None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(fields: Value) -> Record {
        let raw = json!({
            "key": "ABCD2345",
            "library": "user",
            "itemType": "journalArticle",
            "fields": fields,
            "creators": [
                {"creatorType": "author", "firstName": "Ashish", "lastName": "Vaswani"},
                {"creatorType": "editor", "firstName": "E", "lastName": "Ditor"},
                {"creatorType": "author", "name": "Google Brain"}
            ],
            "tags": [{"tag": "Computer Science - Machine Learning", "type": 1}, {"tag": "nlp", "type": 0}],
            "collections": ["NLP/Transformers"],
            "note": "# Notes",
        })
        .to_string();
        parse_item(&raw).unwrap()
    }

    #[test]
    fn fields_map_onto_a_paper() {
        let r = item(json!({
            "title": "Attention  is All you Need",
            "abstractNote": "The dominant models…",
            "date": "2017-00-00 2017",
            "publicationTitle": "Advances in Neural Information Processing Systems",
            "DOI": "https://doi.org/10.5555/3295222.3295349",
            "url": "https://papers.nips.cc/paper/7181",
            "extra": "arXiv: 1706.03762",
        }));
        assert_eq!(r.key.as_deref(), Some("user/ABCD2345"));
        assert_eq!(r.paper.title, "Attention is All you Need");
        assert_eq!(r.paper.authors, ["Ashish Vaswani", "Google Brain"]);
        assert_eq!(r.paper.published.unwrap().year, Some(2017));
        assert_eq!(r.paper.published.unwrap().month, None);
        assert_eq!(r.paper.doi.as_deref(), Some("10.5555/3295222.3295349"));
        assert_eq!(r.paper.arxiv_id.as_ref().unwrap().as_str(), "1706.03762");
        assert_eq!(
            r.paper.journal_ref.as_deref(),
            Some("Advances in Neural Information Processing Systems")
        );
        assert_eq!(r.url.as_deref(), Some("https://papers.nips.cc/paper/7181"));
        assert_eq!(r.tags, ["Computer-Science-Machine-Learning", "nlp"]);
        assert_eq!(r.collections, ["NLP/Transformers"]);
        assert_eq!(r.note.as_deref(), Some("# Notes"));
    }

    #[test]
    fn arxiv_preprints_are_found_by_archive_id_url_or_doi() {
        let r = item(json!({"title": "T", "archiveID": "arXiv:2106.09685"}));
        assert_eq!(r.paper.arxiv_id.unwrap().as_str(), "2106.09685");
        let r = item(json!({"title": "T", "url": "http://arxiv.org/abs/2106.09685v2"}));
        assert_eq!(r.paper.arxiv_id.unwrap().as_str(), "2106.09685");
        let r = item(json!({"title": "T", "DOI": "10.48550/arXiv.2106.09685"}));
        assert_eq!(r.paper.arxiv_id.unwrap().as_str(), "2106.09685");
        assert_eq!(r.paper.doi, None);
        let r = item(json!({"title": "T", "publicationTitle": "arXiv:2106.09685 [cs]"}));
        assert_eq!(r.paper.arxiv_id.unwrap().as_str(), "2106.09685");
        assert_eq!(r.paper.journal_ref, None);
    }

    #[test]
    fn an_item_without_title_is_refused_with_the_reason() {
        let raw = json!({"key": "K", "fields": {"date": "2020"}}).to_string();
        assert_eq!(parse_item(&raw).unwrap_err(), "it has no title");
    }

    #[test]
    fn dates_read_in_every_form_zotero_stores() {
        assert_eq!(
            zotero_date("2014-10-00 October 2014"),
            Some(PartialDate {
                year: Some(2014),
                month: Some(10),
                day: None
            })
        );
        assert_eq!(
            zotero_date("2024-03-05 5/3/2024"),
            Some(PartialDate::ymd(2024, 3, 5))
        );
        assert_eq!(
            zotero_date("Spring 2019"),
            Some(PartialDate {
                year: Some(2019),
                month: None,
                day: None
            })
        );
        assert_eq!(zotero_date("0000-00-00 n.d."), None);
        assert_eq!(zotero_date("soon"), None);
    }

    #[test]
    fn prefs_name_the_data_folder() {
        let prefs =
            r#"user_pref("extensions.zotero.dataDir", "/home/u/Research/Zotero \"data\"");"#;
        assert_eq!(
            pref_string(prefs, "extensions.zotero.dataDir").as_deref(),
            Some("/home/u/Research/Zotero \"data\"")
        );
        assert_eq!(pref_string(prefs, "other"), None);
    }

    #[test]
    fn annotation_ids_are_stable_uuids() {
        let a = ZoteroAnnotation {
            key: "ANNOTKEY".into(),
            kind: AnnotationKind::Highlight,
            page: 1,
            page_label: None,
            color: "#ffd400".into(),
            rects: vec![],
            shape: None,
            quote: None,
            comment: String::new(),
            created: String::new(),
            updated: String::new(),
            trashed: false,
        };
        let id = a.id_in("user");
        assert_eq!(id, a.id_in("user"));
        assert_ne!(id, a.id_in("users/42"));
        assert!(uuid::Uuid::parse_str(&id).is_ok());
    }
}
