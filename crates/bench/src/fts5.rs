//! The baseline: the same corpus in a well-built SQLite FTS5 index.
//!
//! An external-content FTS5 table over a plain `papers` table, tokenised with
//! `unicode61 remove_diacritics 2`, ranked by `bm25()` with the title weighted like
//! Papershelf's (title 3, authors 2, abstract 1), and a title highlight plus an abstract
//! `snippet()` for every hit. Queries are translated from the generator's syntax by
//! [`translate`].

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use anyhow::Context;
use papershelf_core::import::arxiv_jsonl;
use rusqlite::{params, Connection};

/// Rows per import transaction.
const BATCH: usize = 10_000;

const SCHEMA: &str = "
    CREATE TABLE papers (
        id INTEGER PRIMARY KEY,
        arxiv_id TEXT,
        title TEXT NOT NULL,
        authors TEXT NOT NULL,
        abstract TEXT NOT NULL
    );
    CREATE VIRTUAL TABLE papers_fts USING fts5(
        title, authors, abstract,
        content = 'papers', content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2'
    );";

/// Top 20 with a highlighted title and an abstract snippet, best bm25 first.
const SEARCH: &str = "
    SELECT p.id, p.arxiv_id, p.title,
           highlight(papers_fts, 0, char(2), char(3)),
           snippet(papers_fts, 2, char(2), char(3), '…', 32)
    FROM papers_fts JOIN papers p ON p.id = papers_fts.rowid
    WHERE papers_fts MATCH ?1
    ORDER BY bm25(papers_fts, 3.0, 2.0, 1.0)
    LIMIT 20";

/// Opens (or creates) the baseline database with the pragmas used for both import and search.
pub fn open(path: &Path) -> anyhow::Result<Connection> {
    let conn = Connection::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536;",
    )?;
    Ok(conn)
}

/// Imports an arXiv JSONL corpus (parsed by the same parser as Papershelf) into a fresh
/// database at `path`; returns the number of papers.
pub fn import(corpus: &Path, path: &Path) -> anyhow::Result<u64> {
    for suffix in ["", "-wal", "-shm"] {
        let p = path.with_file_name(format!(
            "{}{suffix}",
            path.file_name().unwrap_or_default().to_string_lossy()
        ));
        let _ = std::fs::remove_file(p);
    }
    let mut conn = open(path)?;
    conn.execute_batch(SCHEMA)?;
    let file = File::open(corpus).with_context(|| format!("cannot open {}", corpus.display()))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut buf = Vec::with_capacity(4096);
    let mut n = 0u64;
    let mut eof = false;
    while !eof {
        let tx = conn.transaction()?;
        {
            let mut put = tx.prepare_cached(
                "INSERT INTO papers (arxiv_id, title, authors, abstract) VALUES (?1, ?2, ?3, ?4)",
            )?;
            let mut put_fts = tx.prepare_cached(
                "INSERT INTO papers_fts (rowid, title, authors, abstract) VALUES (?1, ?2, ?3, ?4)",
            )?;
            let mut in_batch = 0;
            while in_batch < BATCH {
                buf.clear();
                if reader.read_until(b'\n', &mut buf)? == 0 {
                    eof = true;
                    break;
                }
                let Ok(p) = arxiv_jsonl::parse_line_bytes(&buf) else {
                    continue;
                };
                let authors = p.authors.join(", ");
                let arxiv_id = p.arxiv_id.as_ref().map(|a| a.to_string());
                put.execute(params![arxiv_id, p.title, authors, p.abstract_text])?;
                let id = tx.last_insert_rowid();
                put_fts.execute(params![id, p.title, authors, p.abstract_text])?;
                in_batch += 1;
                n += 1;
            }
        }
        tx.commit()?;
    }
    // What a well-built index does after a bulk load: merge the b-trees, checkpoint.
    conn.execute(
        "INSERT INTO papers_fts (papers_fts) VALUES ('optimize')",
        [],
    )?;
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    Ok(n)
}

/// One FTS5 hit.
#[derive(Debug)]
pub struct Hit {
    /// arXiv id.
    pub arxiv_id: Option<String>,
    /// Title.
    pub title: String,
}

/// Runs an FTS5 MATCH expression, top 20 with snippets.
pub fn search(conn: &Connection, expr: &str) -> rusqlite::Result<Vec<Hit>> {
    let mut stmt = conn.prepare_cached(SEARCH)?;
    let rows = stmt.query_map([expr], |r| {
        let _highlight: String = r.get(3)?;
        let _snippet: String = r.get(4)?;
        Ok(Hit {
            arxiv_id: r.get(1)?,
            title: r.get(2)?,
        })
    })?;
    rows.collect()
}

/// Adds one paper and commits; the next MATCH sees it.
pub fn add_one(conn: &Connection, title: &str, abstract_text: &str) -> rusqlite::Result<()> {
    let tx = conn.unchecked_transaction()?;
    tx.execute(
        "INSERT INTO papers (arxiv_id, title, authors, abstract) VALUES (NULL, ?1, '', ?2)",
        params![title, abstract_text],
    )?;
    let id = tx.last_insert_rowid();
    tx.execute(
        "INSERT INTO papers_fts (rowid, title, authors, abstract) VALUES (?1, ?2, '', ?3)",
        params![id, title, abstract_text],
    )?;
    tx.commit()
}

/// A word as an FTS5 string (quoted, so operators and punctuation are text).
fn quoted(word: &str) -> String {
    format!("\"{}\"", word.replace('"', "\"\""))
}

/// Bare words of `text` as quoted FTS5 strings.
fn bare(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .map(quoted)
        .collect()
}

/// Translates a generator query of `kind` into an FTS5 MATCH expression, as fairly as the
/// syntax allows: phrases stay phrases, a prefix's last word gets `*`, `field:` becomes a
/// column filter, author names are matched in the authors column, and typos run as typed
/// (FTS5 has no fuzzy matching).
pub fn translate(kind: &str, q: &str) -> String {
    match kind {
        "phrase" => quoted(q.trim().trim_matches('"')),
        "prefix" => {
            let mut words = bare(q);
            if let Some(last) = words.last_mut() {
                last.push('*');
            }
            words.join(" ")
        }
        "author" => format!("{{authors}} : ({})", bare(q).join(" ")),
        "fielded" => fielded(q),
        _ => bare(q).join(" "),
    }
}

/// `title:x`, `author:x`, `abstract:"x y"`, optionally followed by bare words.
fn fielded(q: &str) -> String {
    let Some((field, rest)) = q.split_once(':') else {
        return bare(q).join(" ");
    };
    let column = match field.trim() {
        "title" | "ti" => "title",
        "author" | "authors" | "au" => "authors",
        "abstract" | "abs" => "abstract",
        _ => return bare(q).join(" "),
    };
    let (value, tail) = if let Some(quoted_value) = rest.strip_prefix('"') {
        match quoted_value.split_once('"') {
            Some((v, tail)) => (quoted(v), tail),
            None => (quoted(quoted_value), ""),
        }
    } else {
        let mut parts = rest.splitn(2, char::is_whitespace);
        let v = parts.next().unwrap_or_default();
        (quoted(v), parts.next().unwrap_or_default())
    };
    let mut out = format!("{{{column}}} : {value}");
    for w in bare(tail) {
        out.push(' ');
        out.push_str(&w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translations_follow_the_generator_kinds() {
        assert_eq!(
            translate("term", "graph attention"),
            r#""graph" "attention""#
        );
        assert_eq!(
            translate("phrase", r#""neural networks""#),
            r#""neural networks""#
        );
        assert_eq!(
            translate("prefix", "sparse autoen"),
            r#""sparse" "autoen"*"#
        );
        assert_eq!(
            translate("author", "Wei Zhang"),
            r#"{authors} : ("Wei" "Zhang")"#
        );
        assert_eq!(
            translate("fielded", "title:diffusion"),
            r#"{title} : "diffusion""#
        );
        assert_eq!(
            translate("fielded", "title:transformer memory"),
            r#"{title} : "transformer" "memory""#
        );
        assert_eq!(
            translate("fielded", r#"abstract:"latent space""#),
            r#"{abstract} : "latent space""#
        );
        assert_eq!(translate("typo", "trasnformer"), r#""trasnformer""#);
    }

    #[test]
    fn translated_queries_run_on_a_real_fts5_table() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(SCHEMA).unwrap();
        add_one(
            &conn,
            "Sparse Autoencoders for Graph Attention",
            "We study neural networks in a latent space.",
        )
        .unwrap();
        conn.execute(
            "UPDATE papers SET authors = 'Wei Zhang, José Müller' WHERE id = 1",
            [],
        )
        .unwrap();
        conn.execute("INSERT INTO papers_fts (papers_fts) VALUES ('rebuild')", [])
            .unwrap();
        for (kind, q, hits) in [
            ("term", "graph attention", 1),
            ("phrase", r#""neural networks""#, 1),
            ("prefix", "sparse autoen", 1),
            ("author", "Wei Zhang", 1),
            ("author", "Jose Muller", 1),
            ("fielded", "title:sparse graph", 1),
            ("fielded", "author:Zhang", 1),
            ("fielded", r#"abstract:"latent space""#, 1),
            ("fielded", "title:latent", 0),
            ("typo", "atention", 0),
            ("term", r#"odd "quote" (paren) AND -x"#, 0),
        ] {
            let found = search(&conn, &translate(kind, q)).unwrap();
            assert_eq!(found.len(), hits, "{kind} {q}");
        }
    }
}
