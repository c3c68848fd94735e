//! The [`Library`] side of the citation graph: identities to ask Semantic Scholar by, and the
//! cached reference and citation lists.

use crate::db::{self, edges, works};
use crate::error::Result;
use crate::library::Library;
use crate::model::PaperId;
use crate::sources::s2::Edge;

pub use crate::db::edges::{CachedEdge, Direction, EdgeList};

/// How a library work can be named to Semantic Scholar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphTarget {
    /// Internal key.
    pub(crate) key: i64,
    /// arXiv id, when known.
    pub arxiv_id: Option<String>,
    /// Published DOI, when known.
    pub doi: Option<String>,
}

impl Library {
    /// The cached references or citations of a paper (empty and incomplete when never
    /// fetched; see [`crate::sync::fetch_edges`]).
    pub fn edges(&self, id: &PaperId, direction: Direction) -> Result<EdgeList> {
        let conn = self.conn();
        let key = works::key_of(&conn, id)?;
        edges::list(&conn, key, direction)
    }

    /// The ids a paper can be looked up by at Semantic Scholar.
    pub fn graph_target(&self, id: &PaperId) -> Result<GraphTarget> {
        let conn = self.conn();
        let key = works::key_of(&conn, id)?;
        let (arxiv_id, doi) = works::external_ids(&conn, key)?;
        Ok(GraphTarget { key, arxiv_id, doi })
    }

    /// Library papers whose reference lists are due for a fetch: the ones the user engaged
    /// with (triaged out of the inbox, tagged or annotated), never fetched or fetched before
    /// `stale_before` (RFC 3339), most recently touched first.
    pub fn edges_due(&self, stale_before: &str, limit: usize) -> Result<Vec<PaperId>> {
        let conn = self.conn();
        Ok(edges::due(&conn, stale_before, limit)?
            .into_iter()
            .map(|(_, arxiv)| PaperId::new(arxiv))
            .collect())
    }

    pub(crate) fn edges_of_key(&self, key: i64, direction: Direction) -> Result<EdgeList> {
        edges::list(&self.conn(), key, direction)
    }

    pub(crate) fn edge_fetch_state(
        &self,
        key: i64,
        direction: Direction,
    ) -> Result<Option<edges::FetchState>> {
        edges::fetch_state(&self.conn(), key, direction)
    }

    pub(crate) fn restart_edges(&self, key: i64, direction: Direction) -> Result<()> {
        edges::restart(&self.conn(), key, direction, &db::now())
    }

    /// Writes one page of edges with the cursor in one transaction. Edges are not indexed
    /// text, so no index change is logged.
    pub(crate) fn put_edge_page(
        &self,
        key: i64,
        direction: Direction,
        offset: u64,
        page: &[Edge],
        next: Option<u64>,
    ) -> Result<()> {
        self.write(|tx, now| {
            edges::put_page(tx, key, direction, offset, page, next, now)?;
            Ok(((), Vec::new()))
        })
    }
}
