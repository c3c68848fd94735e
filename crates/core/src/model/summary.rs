//! How lists show papers: [`PaperSummary`] (one row of a list or a search hit), the filter and
//! order of a list, and tag counts. Shared by the library facade and search.

use serde::Serialize;

use super::{PaperId, PartialDate, Status};

/// A paper as lists and search results show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PaperSummary {
    /// Stable id.
    pub id: PaperId,
    /// arXiv id, when known.
    pub arxiv_id: Option<String>,
    /// Title.
    pub title: String,
    /// Authors in order.
    pub authors: Vec<String>,
    /// Author count when only a count is known.
    pub author_count: Option<u32>,
    /// Organisation named instead of authors.
    pub organization: Option<String>,
    /// Publication year.
    pub year: Option<i32>,
    /// Publication date as known.
    pub published: Option<PartialDate>,
    /// Hugging Face upvotes.
    pub upvotes: Option<u32>,
    /// Tags, sorted.
    pub tags: Vec<String>,
    /// Reading status.
    pub status: Status,
    /// True when the paper has a note.
    pub has_note: bool,
    /// True when the paper has a PDF in the library.
    pub has_pdf: bool,
    /// How many highlights and pinned notes its PDFs carry.
    pub annotations: u32,
    /// When it entered the library.
    pub added_at: String,
}

/// What to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    /// Only this status.
    pub status: Option<Status>,
    /// Only papers with this tag.
    pub tag: Option<String>,
    /// Only papers in the collection at this path (any case).
    pub collection: Option<String>,
    /// At most this many (default 100).
    pub limit: Option<usize>,
    /// Skip this many.
    pub offset: usize,
    /// Order (default: newest added first).
    pub sort: ListSort,
}

/// How [`Library::list`] orders papers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum ListSort {
    /// Newest added to the library first.
    #[default]
    Added,
    /// Newest published first; papers with no date last.
    Published,
    /// Most Hugging Face upvotes first; papers without upvotes last.
    Upvotes,
}

impl std::str::FromStr for ListSort {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "added" => Ok(ListSort::Added),
            "published" => Ok(ListSort::Published),
            "upvotes" => Ok(ListSort::Upvotes),
            other => Err(format!(
                "unknown sort '{other}' (expected added, published or upvotes)"
            )),
        }
    }
}

/// A tag and how many papers carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TagCount {
    /// Tag name.
    pub name: String,
    /// Papers carrying it.
    pub count: u64,
}
