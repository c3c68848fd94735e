//! Bounds on what the window may send: far above any real use, low enough that a bug or a
//! hostile page in the webview cannot make one call allocate without limit. Checked before a
//! command reaches the library.

use papershelf_core::PaperId;

use crate::error::IpcError;

/// A search query's length in bytes.
pub const MAX_QUERY_BYTES: usize = 4_096;
/// Results per page.
pub const MAX_PAGE: usize = 10_000;
/// A note's length in bytes (a long paper summary is ~50 kB).
pub const MAX_NOTE_BYTES: usize = 2 * 1024 * 1024;
/// Tags in one call, and the length of one tag.
pub const MAX_TAGS: usize = 200;
/// One tag's length in bytes.
pub const MAX_TAG_BYTES: usize = 200;
/// A paper id or a pasted id/URL, in bytes.
pub const MAX_ID_BYTES: usize = 512;
/// A collection name, in bytes (the core allows 80 characters; 4 bytes each at most).
pub const MAX_COLLECTION_NAME_BYTES: usize = 4 * papershelf_core::MAX_COLLECTION_NAME_CHARS;
/// A collection path, in bytes: the deepest path the core allows, each name at its longest
/// with the `/` before it.
pub const MAX_COLLECTION_PATH_BYTES: usize =
    papershelf_core::MAX_COLLECTION_DEPTH * (MAX_COLLECTION_NAME_BYTES + 1);

fn too_long(what: &str, limit: usize) -> IpcError {
    IpcError::invalid(format!("{what} is too long (at most {limit} bytes)"))
}

/// Checks a search query.
pub fn query(q: &str) -> Result<(), IpcError> {
    if q.len() > MAX_QUERY_BYTES {
        return Err(too_long("the query", MAX_QUERY_BYTES));
    }
    Ok(())
}

/// Checks a paper id (or a pasted id or URL).
pub fn id(id: &PaperId) -> Result<(), IpcError> {
    text_id(id.as_str())
}

/// Checks a pasted id or URL.
pub fn text_id(s: &str) -> Result<(), IpcError> {
    if s.len() > MAX_ID_BYTES {
        return Err(too_long("the id", MAX_ID_BYTES));
    }
    Ok(())
}

/// Checks a list of paper ids (a multi-selection): at most a page of them, each an id.
pub fn ids(ids: &[PaperId]) -> Result<(), IpcError> {
    if ids.len() > MAX_PAGE {
        return Err(IpcError::invalid(format!(
            "at most {MAX_PAGE} papers at once"
        )));
    }
    ids.iter().try_for_each(id)
}

/// Checks a collection path's length (the core checks the rest).
pub fn collection_path(path: &str) -> Result<(), IpcError> {
    if path.len() > MAX_COLLECTION_PATH_BYTES {
        return Err(too_long("the collection path", MAX_COLLECTION_PATH_BYTES));
    }
    Ok(())
}

/// Checks a note body.
pub fn note(body: &str) -> Result<(), IpcError> {
    if body.len() > MAX_NOTE_BYTES {
        return Err(too_long("the note", MAX_NOTE_BYTES));
    }
    Ok(())
}

/// Checks a list of tags.
pub fn tags(tags: &[String]) -> Result<(), IpcError> {
    if tags.len() > MAX_TAGS {
        return Err(IpcError::invalid(format!(
            "at most {MAX_TAGS} tags at once"
        )));
    }
    match tags.iter().find(|t| t.len() > MAX_TAG_BYTES) {
        Some(_) => Err(too_long("a tag", MAX_TAG_BYTES)),
        None => Ok(()),
    }
}

/// Clamps a page size.
pub fn page(limit: Option<usize>) -> Option<usize> {
    limit.map(|n| n.min(MAX_PAGE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oversized_arguments_are_refused_with_invalid_input() {
        assert!(query(&"a".repeat(MAX_QUERY_BYTES)).is_ok());
        let err = query(&"a".repeat(MAX_QUERY_BYTES + 1)).unwrap_err();
        assert_eq!(serde_json::to_value(&err).unwrap()["code"], "invalid-input");
        assert!(note(&"x".repeat(MAX_NOTE_BYTES + 1)).is_err());
        assert!(tags(&vec!["t".into(); MAX_TAGS + 1]).is_err());
        assert!(tags(&["t".repeat(MAX_TAG_BYTES + 1)]).is_err());
        assert!(id(&PaperId::new("9".repeat(MAX_ID_BYTES + 1))).is_err());
        assert_eq!(page(Some(usize::MAX)), Some(MAX_PAGE));
        assert!(ids(&vec![PaperId::new("2401.00001"); MAX_PAGE + 1]).is_err());
        let longest_name = "é".repeat(papershelf_core::MAX_COLLECTION_NAME_CHARS);
        let deepest = vec![longest_name; papershelf_core::MAX_COLLECTION_DEPTH].join("/");
        assert!(collection_path(&deepest).is_ok());
        assert!(collection_path(&"x".repeat(MAX_COLLECTION_PATH_BYTES + 1)).is_err());
    }
}
