//! BibTeX and BibLaTeX in and out.
//!
//! Reading uses the [`biblatex`] crate (typst's, maintained, MIT/Apache): it resolves `@string`
//! macros, `#` concatenation, month macros, nested braces and LaTeX accents and commands to
//! Unicode, and parses name lists (`Last, First and {Org}`, `van der` particles). It parses a
//! whole file or fails as a whole and its errors carry byte spans of its input, so this module
//! splits the file into entries itself (tracking lines and recovering from unbalanced braces at
//! the next line starting with `@type{`), and hands the crate one entry at a time with the
//! `@string` macros it uses. A malformed entry is reported with its line; the rest imports.
//!
//! Macros are expanded when they are defined, as BibTeX does (names ignore case), and capped
//! in size; the crate is only ever shown flat definitions, since it resolves macros, and
//! `crossref`/`xdata` links, by unbounded recursion. Links are kept in the raw entry but not
//! followed: an entry's `crossref` parent is not merged into it.
//!
//! Quirks handled: Zotero, Better BibTeX and JabRef exports; `@string` macros and `#`
//! concatenation; `month = jan` macros; `{\"o}`, `\"{o}`, `\'e`, `\c{c}`, `{\ss}` and other
//! accents; `{{Title Case Protected}}` and `{BERT}` braces; `\emph{…}`/`\textbf{…}` kept as their
//! text; `@comment` (JabRef's `jabref-meta`), `@preamble`, text between entries; `@type(…)`
//! delimiters (read as braces); `eprint` + `archivePrefix`/`eprinttype` + `primaryClass`/`eprintclass`, arXiv
//! URLs, the arXiv DOI `10.48550/arXiv.<id>` and `arXiv:<id>` in `note` as arXiv ids; `doi`
//! with or without a resolver prefix; `keywords` split on `,`/`;` into tags; `file` fields
//! (Zotero `desc:path:mime;…`, Better BibTeX plain paths) noted, never read; `annote`,
//! `annotation` (BibLaTeX) and `comment` (JabRef) as the note, newlines kept; CRLF line
//! endings and a byte-order mark.
//!
//! Writing escapes `& % $ # _ { } ~ ^ \` and keeps non-ASCII as UTF-8 (for biber, or BibTeX
//! with a UTF-8 aware setup such as `inputenc`); words with inner capitals are braced so styles
//! keep their case. Every field written is brace-balanced the way BibTeX and biber count
//! braces (every one, escaped or not; see [`escape`] and `balanced_raw`), so one truncated
//! `\footnote{` cannot make a reader reject the whole file.

use std::collections::{BTreeMap, HashMap};

use biblatex::{Bibliography, ChunksExt, RawBibliography, RawChunk, Spanned};

use super::record::{
    arxiv_from, arxiv_in_text, clean_doi, line_at, normalise_text, split_keywords, ExportEntry,
    LineIndex, Parsed, Record,
};
use crate::import::SkippedEntry;
use crate::model::{ArxivId, NewPaper, Paper, PartialDate};
use crate::text::collapse_whitespace;

/// One `@type{…}` block found by the splitter.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Block {
    /// Lower-case entry type.
    kind: String,
    /// Byte range in the (normalised) text.
    start: usize,
    end: usize,
    /// Delimited by `(`…`)`, which BibTeX allows and the crate does not read.
    parens: bool,
}

impl Block {
    /// The block's text, with `(`…`)` delimiters turned into braces (same length, so byte
    /// offsets and lines still match the file).
    fn text<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        let raw = &text[self.start..self.end];
        if !self.parens {
            return raw.into();
        }
        let open = raw.find('(').expect("a parenthesised block has its `(`");
        format!("{}{{{}}}", &raw[..open], &raw[open + 1..raw.len() - 1]).into()
    }
}

/// Splits `text` into `@type{…}` blocks; unterminated ones become skipped entries. Linear in
/// the text: every byte is looked at a bounded number of times, whatever it holds.
fn split(text: &str, lines: &LineIndex) -> (Vec<Block>, Vec<SkippedEntry>) {
    let bytes = text.as_bytes();
    let mut blocks = Vec::new();
    let mut skipped = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'@' {
            i += 1;
            continue;
        }
        let Some((kind, open_at)) = entry_head(bytes, i) else {
            if at_line_start(bytes, i) {
                skipped.push(SkippedEntry {
                    line: lines.line(i),
                    reason: "`@` not followed by an entry type and `{`; ignored".into(),
                });
            }
            i += 1;
            continue;
        };
        let close = if bytes[open_at] == b'(' { b')' } else { b'}' };
        let mut depth = 0usize;
        let mut j = open_at + 1;
        let mut end = None;
        let mut restart = None;
        while j < bytes.len() {
            match bytes[j] {
                b'\\' => j += 1,
                b'{' => depth += 1,
                b'}' if depth > 0 => depth -= 1,
                c if c == close && depth == 0 => {
                    end = Some(j + 1);
                    break;
                }
                b'\n' => {
                    // A new entry at the start of a line means this one never closed.
                    let mut k = j + 1;
                    while k < bytes.len() && (bytes[k] == b' ' || bytes[k] == b'\t') {
                        k += 1;
                    }
                    if k < bytes.len() && bytes[k] == b'@' && entry_head(bytes, k).is_some() {
                        restart = Some(k);
                        break;
                    }
                }
                _ => {}
            }
            j += 1;
        }
        match end {
            Some(end) => {
                blocks.push(Block {
                    kind,
                    start: i,
                    end,
                    parens: close == b')',
                });
                i = end;
            }
            None => {
                let reason = match restart {
                    Some(k) => format!(
                        "unbalanced braces: the entry is not closed before the next entry on line {}",
                        lines.line(k)
                    ),
                    None => "unbalanced braces: the entry is not closed before the end of the file"
                        .to_string(),
                };
                skipped.push(SkippedEntry {
                    line: lines.line(i),
                    reason,
                });
                i = restart.unwrap_or(bytes.len());
            }
        }
    }
    (blocks, skipped)
}

/// True when only spaces and tabs stand between the line's start and `i` (walking back over
/// those alone).
fn at_line_start(bytes: &[u8], i: usize) -> bool {
    bytes[..i]
        .iter()
        .rev()
        .find(|b| **b != b' ' && **b != b'\t')
        .is_none_or(|b| *b == b'\n')
}

/// `@type {` at `at`: the lower-case type and the offset of the opening delimiter.
fn entry_head(bytes: &[u8], at: usize) -> Option<(String, usize)> {
    let mut j = at + 1;
    while j < bytes.len() && bytes[j].is_ascii_whitespace() {
        j += 1;
    }
    let start = j;
    while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
        j += 1;
    }
    if j == start {
        return None;
    }
    let kind = String::from_utf8_lossy(&bytes[start..j]).to_ascii_lowercase();
    while j < bytes.len() && bytes[j].is_ascii_whitespace() {
        j += 1;
    }
    match bytes.get(j) {
        Some(b'{') | Some(b'(') => Some((kind, j)),
        _ => None,
    }
}

/// Parses a BibTeX/BibLaTeX file. Never fails: unreadable entries are reported in
/// [`Parsed::skipped`] with their line.
pub fn parse(text: &str) -> Parsed {
    let text = normalise_text(text);
    let lines = LineIndex::new(&text);
    let (blocks, mut skipped) = split(&text, &lines);
    let had_blocks = !blocks.is_empty();
    let mut records = Vec::new();
    let mut macros = Macros::default();
    for block in blocks {
        let line = lines.line(block.start);
        let braced = block.text(&text);
        match block.kind.as_str() {
            "comment" | "preamble" => {}
            "string" => macros.define(&braced, line, &mut skipped),
            _ => match parse_entry(&macros, &braced, line) {
                // The raw entry is kept as the file has it, parentheses and all.
                Ok(record) => records.push(Record {
                    raw: text[block.start..block.end].to_string(),
                    ..record
                }),
                Err(reason) => skipped.push(reason),
            },
        }
    }
    if records.is_empty() && skipped.is_empty() && !had_blocks {
        // Text without a single `@type{`: not BibTeX at all (a wrong file or the wrong kind).
        if let Some(at) = text.find(|c: char| !c.is_whitespace()) {
            skipped.push(SkippedEntry {
                line: lines.line(at),
                reason: "no BibTeX entry in the text (expected `@type{key, …}`)".into(),
            });
        }
    }
    skipped.sort_by_key(|s| s.line);
    Parsed { records, skipped }
}

/// Longest text one `@string` macro may expand to. Journal and proceedings names are far
/// shorter; the cap stops a file that doubles a macro in every definition.
const MAX_MACRO_BYTES: usize = 16 * 1024;

/// Longest text one entry may expand to once its macros are substituted.
const MAX_ENTRY_BYTES: usize = 1024 * 1024;

/// The `@string` macros defined so far, by lower-case name (BibTeX's names ignore case).
///
/// Each value is expanded when it is defined, as BibTeX does, so a definition only ever uses
/// earlier ones. The crate resolves macros recursively and lazily: handed `@string{a = a}`, or
/// two macros naming each other, it recurses until the stack runs out. Here it only ever sees
/// flat definitions.
#[derive(Debug, Default)]
struct Macros {
    values: HashMap<String, String>,
}

impl Macros {
    /// Reads one `@string{…}` block, defining its macros or reporting why not.
    fn define(&mut self, raw: &str, line: usize, skipped: &mut Vec<SkippedEntry>) {
        let parsed = match RawBibliography::parse(raw) {
            Ok(parsed) => parsed,
            Err(e) => {
                skipped.push(SkippedEntry {
                    line: line + line_at(raw, e.span.start.min(raw.len())) - 1,
                    reason: format!("@string definition unreadable: {}", e.kind),
                });
                return;
            }
        };
        for pair in &parsed.abbreviations {
            let name = pair.key.v;
            match self.expand(name, &pair.value.v) {
                Ok(value) => {
                    self.values.insert(name.to_lowercase(), value);
                }
                Err(reason) => skipped.push(SkippedEntry {
                    line: line + line_at(raw, pair.key.span.start.min(raw.len())) - 1,
                    reason,
                }),
            }
        }
    }

    /// The text of a macro's value, with the macros it uses substituted.
    fn expand(&self, name: &str, chunks: &[Spanned<RawChunk<'_>>]) -> Result<String, String> {
        let mut value = String::new();
        for chunk in chunks {
            match chunk.v {
                RawChunk::Normal(s) => value.push_str(s),
                RawChunk::Abbreviation(used) => match self.value(used) {
                    Some(text) => value.push_str(text),
                    None => {
                        return Err(format!(
                            "@string `{name}` uses `{used}`, which is not defined before it"
                        ))
                    }
                },
            }
            if value.len() > MAX_MACRO_BYTES {
                return Err(format!(
                    "@string `{name}` expands to more than {} KiB",
                    MAX_MACRO_BYTES / 1024
                ));
            }
        }
        if !braces_balance(&value) {
            return Err(format!("@string `{name}` has unbalanced braces"));
        }
        Ok(value)
    }

    /// A macro's text: a definition from the file, else a month macro (`jan` is "January").
    fn value(&self, name: &str) -> Option<&str> {
        self.values
            .get(&name.to_lowercase())
            .map(String::as_str)
            .or_else(|| month_name(name))
    }
}

/// English month names for BibTeX's predefined `jan`…`dec` macros ([`MONTH_MACROS`]).
fn month_name(macro_name: &str) -> Option<&'static str> {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    MONTH_MACROS
        .iter()
        .position(|abbr| abbr.eq_ignore_ascii_case(macro_name))
        .map(|i| NAMES[i])
}

/// True when every `{` is closed, in order, ignoring escaped braces.
fn braces_balance(s: &str) -> bool {
    let mut depth = 0usize;
    let mut escaped = false;
    for b in s.bytes() {
        match b {
            _ if escaped => escaped = false,
            b'\\' => escaped = true,
            b'{' => depth += 1,
            b'}' => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            _ => {}
        }
    }
    depth == 0 && !escaped
}

/// Fields the crate follows to other entries. Each entry is read alone, so they can only point
/// back at it (directly or through an `ids` alias), and the crate then recurses without end.
/// They stay in the raw entry.
const LINK_FIELDS: [&str; 3] = ["crossref", "xdata", "ids"];

fn parse_entry(macros: &Macros, raw: &str, line: usize) -> Result<Record, SkippedEntry> {
    let unreadable = |e: biblatex::ParseError, prelude: usize| SkippedEntry {
        line,
        reason: format!(
            "unreadable entry: {} (line {})",
            e.kind,
            line + line_at(raw, e.span.start.saturating_sub(prelude).min(raw.len())) - 1
        ),
    };
    let alone = RawBibliography::parse(raw).map_err(|e| unreadable(e, 0))?;
    let Some(raw_entry) = alone.entries.first() else {
        return Err(SkippedEntry {
            line,
            reason: "unreadable entry".into(),
        });
    };
    let key = raw_entry.v.key.v.trim().to_string();
    if key.is_empty() {
        return Err(SkippedEntry {
            line,
            reason: "entry has no citation key".into(),
        });
    }
    // The macros this entry uses, defined flat ahead of it under the names it spells them with.
    let mut prelude = String::new();
    let mut defined: Vec<&str> = Vec::new();
    let mut expanded = 0usize;
    for pair in &raw_entry.v.fields {
        for chunk in &pair.value.v {
            expanded += match chunk.v {
                RawChunk::Normal(s) => s.len(),
                RawChunk::Abbreviation(name) => match macros.values.get(&name.to_lowercase()) {
                    Some(value) => {
                        if !defined.contains(&name) {
                            defined.push(name);
                            prelude.push_str(&format!("@string{{{name} = {{{value}}}}}\n"));
                        }
                        value.len()
                    }
                    None => name.len(),
                },
            };
        }
    }
    if expanded > MAX_ENTRY_BYTES {
        return Err(SkippedEntry {
            line,
            reason: format!(
                "entry `{key}` expands to more than {} MiB with its @string macros",
                MAX_ENTRY_BYTES / (1024 * 1024)
            ),
        });
    }
    let source = format!("{prelude}{raw}");
    let mut raw_bib = RawBibliography::parse(&source).map_err(|e| unreadable(e, prelude.len()))?;
    for entry in &mut raw_bib.entries {
        entry
            .v
            .fields
            .retain(|pair| !LINK_FIELDS.contains(&pair.key.v.to_ascii_lowercase().as_str()));
    }
    let mut raw_fields: BTreeMap<String, String> = BTreeMap::new();
    for pair in &raw_entry.v.fields {
        let mut value = String::new();
        for chunk in &pair.value.v {
            match chunk.v {
                RawChunk::Normal(s) | RawChunk::Abbreviation(s) => value.push_str(s),
            }
        }
        raw_fields.insert(pair.key.v.to_ascii_lowercase(), value);
    }
    let bib = Bibliography::from_raw(raw_bib).map_err(|e| SkippedEntry {
        line,
        reason: format!(
            "entry `{key}`: {} (line {})",
            e.kind,
            line + line_at(
                raw,
                e.span.start.saturating_sub(prelude.len()).min(raw.len())
            ) - 1
        ),
    })?;
    let Some(entry) = bib.iter().next() else {
        return Err(SkippedEntry {
            line,
            reason: format!("entry `{key}` unreadable"),
        });
    };
    let field = |name: &str| -> Option<String> {
        entry
            .get(name)
            .map(|c| clean_latex(&c.format_verbatim()))
            .filter(|s| !s.is_empty())
    };
    // A title that is nothing but formatting (`\textbf{}`) keeps its text as written rather
    // than losing the entry.
    let title = field("title").or_else(|| {
        entry
            .get("title")
            .map(|c| c.format_verbatim().trim().to_string())
            .filter(|s| !s.is_empty())
    });
    let Some(title) = title else {
        return Err(SkippedEntry {
            line,
            reason: format!("entry `{key}` has no title"),
        });
    };

    let mut paper = NewPaper {
        title,
        ..Default::default()
    };
    if let Ok(people) = entry.author() {
        paper.authors = people
            .iter()
            .map(|p| {
                let name = [
                    p.given_name.as_str(),
                    p.prefix.as_str(),
                    p.name.as_str(),
                    p.suffix.as_str(),
                ]
                .iter()
                .filter(|s| !s.trim().is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" ");
                clean_latex(&name)
            })
            .filter(|n| !n.is_empty())
            .collect();
    }
    paper.abstract_text = field("abstract").unwrap_or_default();
    paper.published = date_of(field("date"), field("year"), field("month"));
    paper.journal_ref = field("journal")
        .or_else(|| field("journaltitle"))
        .or_else(|| field("booktitle"));

    // arXiv: eprint fields first, then the DOI alias, the URL and a note.
    let archive = field("archiveprefix")
        .or_else(|| field("eprinttype"))
        .map(|a| a.to_ascii_lowercase());
    if let Some(eprint) = field("eprint") {
        if archive.as_deref().is_none_or(|a| a == "arxiv") {
            paper.arxiv_id = arxiv_from(&eprint);
        }
    }
    let mut url = field("url");
    if let Some(doi) = field("doi").map(|d| d.replace("\\_", "_")) {
        match clean_doi(&doi) {
            Some(d) => paper.doi = Some(d),
            None => {
                if paper.arxiv_id.is_none() {
                    paper.arxiv_id = arxiv_from(&doi);
                }
            }
        }
    }
    if let Some(u) = &url {
        if let Some(id) = arxiv_from(u) {
            paper.arxiv_id.get_or_insert(id);
            url = None;
        } else if let Some(d) = clean_doi(u) {
            paper.doi.get_or_insert(d);
            url = None;
        }
    }
    if paper.arxiv_id.is_none() {
        paper.arxiv_id = field("note").as_deref().and_then(arxiv_in_text);
    }
    if let Some(class) = field("primaryclass").or_else(|| field("eprintclass")) {
        paper.categories = vec![class];
    }

    let tags = field("keywords")
        .map(|k| split_keywords(&k))
        .unwrap_or_default();
    let note = ["annote", "annotation", "comment"]
        .iter()
        .find_map(|f| raw_fields.get(*f))
        .map(|n| unescape_note(n))
        .filter(|n| !n.is_empty());
    let files = raw_fields
        .get("file")
        .map(|f| file_paths(f))
        .unwrap_or_default();
    Ok(Record {
        line,
        key: Some(key),
        kind: Some(raw_entry.v.kind.v.to_string()),
        paper,
        tags,
        collections: field("groups")
            .map(|g| super::record::split_groups(&g))
            .unwrap_or_default(),
        note,
        status: None,
        files,
        url,
        raw: raw.to_string(),
        context: prelude,
    })
}

/// The date from BibLaTeX `date` (`2017-06-12`, `2017-06`) or BibTeX `year` + `month`.
fn date_of(
    date: Option<String>,
    year: Option<String>,
    month: Option<String>,
) -> Option<PartialDate> {
    if let Some(d) = date {
        let parts: Vec<&str> = d.split(['-', '/']).map(str::trim).collect();
        let y = parts.first().and_then(|p| first_year(p));
        if y.is_some() {
            return Some(PartialDate {
                year: y,
                month: parts
                    .get(1)
                    .and_then(|m| m.parse().ok())
                    .filter(|m| (1..=12).contains(m)),
                day: parts
                    .get(2)
                    .and_then(|m| m.parse().ok())
                    .filter(|d| (1..=31).contains(d)),
            });
        }
    }
    let year = year.as_deref().and_then(first_year)?;
    let month = month.and_then(|m| {
        m.trim()
            .parse::<u8>()
            .ok()
            .filter(|m| (1..=12).contains(m))
            .or_else(|| PartialDate::month_from_name(&m))
    });
    Some(PartialDate {
        year: Some(year),
        month,
        day: None,
    })
}

fn first_year(s: &str) -> Option<i32> {
    let digits: Vec<char> = s.chars().collect();
    digits
        .windows(4)
        .find(|w| w.iter().all(char::is_ascii_digit))
        .and_then(|w| w.iter().collect::<String>().parse().ok())
}

/// Paths named by a `file` field: Zotero/JabRef `description:path:mime;…` or plain paths.
fn file_paths(field: &str) -> Vec<String> {
    field
        .split(';')
        .map(|item| item.trim().replace("\\:", "\u{0}"))
        .filter(|item| !item.is_empty())
        .map(|item| {
            let parts: Vec<&str> = item.split(':').collect();
            let path = if parts.len() >= 3 {
                parts[1..parts.len() - 1].join(":")
            } else {
                item.clone()
            };
            path.replace('\u{0}', ":")
        })
        .filter(|p| !p.is_empty())
        .collect()
}

/// Formatting commands whose argument is the text (`\emph{deep}` → `deep`).
const TEXT_COMMANDS: [&str; 10] = [
    "emph",
    "textit",
    "textbf",
    "textsc",
    "texttt",
    "textrm",
    "textsf",
    "textup",
    "mkbibquote",
    "enquote",
];

/// Drops formatting commands around text (`\emph{deep}` → `deep`, nested ones too; one
/// whose brace is never closed is kept as written) and collapses whitespace. One pass over the
/// braces, so a field of many or deeply nested commands costs its length, not its square.
pub fn clean_latex(s: &str) -> String {
    let bytes = s.as_bytes();
    // Byte ranges to drop: each matched command's `\cmd{` and its closing `}`.
    let mut drop: Vec<(usize, usize)> = Vec::new();
    // Open braces not yet closed: (offset of the `{`, start of its `\cmd` when a command's).
    let mut open: Vec<(usize, Option<usize>)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                let rest = &s[i + 1..];
                if let Some(cmd) = TEXT_COMMANDS
                    .iter()
                    .find(|c| rest.starts_with(*c) && rest[c.len()..].starts_with('{'))
                {
                    let brace = i + 1 + cmd.len();
                    open.push((brace, Some(i)));
                    i = brace + 1;
                    continue;
                }
            }
            b'{' => open.push((i, None)),
            b'}' => {
                if let Some((brace, Some(cmd_start))) = open.pop() {
                    drop.push((cmd_start, brace + 1));
                    drop.push((i, i + 1));
                }
            }
            _ => {}
        }
        i += 1;
    }
    drop.sort_unstable();
    let mut out = String::with_capacity(s.len());
    let mut at = 0;
    for (from, to) in drop {
        out.push_str(&s[at..from]);
        at = to;
    }
    out.push_str(&s[at..]);
    collapse_whitespace(&out)
}

/// Undoes [`escape`] in a raw note field, keeping line breaks.
fn unescape_note(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(pos) = rest.find(['\\', '{']) {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        if rest.starts_with('{') {
            // `{@}`: a braced `@` (see [`escape`]); any other brace is kept as written.
            if let Some(r) = rest.strip_prefix("{@}") {
                out.push('@');
                rest = r;
            } else if let Some(r) = rest.strip_prefix("{}") {
                // An empty group (`-{}-`, see [`escape`]) stands for nothing.
                rest = r;
            } else {
                out.push('{');
                rest = &rest[1..];
            }
            continue;
        }
        let mut matched = false;
        for (cmd, ch) in [
            ("\\textbackslash{}", '\\'),
            ("\\textasciitilde{}", '~'),
            ("\\textasciicircum{}", '^'),
            ("\\textbraceleft{}", '{'),
            ("\\textbraceright{}", '}'),
        ] {
            if let Some(r) = rest.strip_prefix(cmd) {
                out.push(ch);
                rest = r;
                matched = true;
                break;
            }
        }
        if matched {
            continue;
        }
        let mut chars = rest[1..].chars();
        match chars.next() {
            Some(c) if "{}&%$#_".contains(c) => {
                out.push(c);
                rest = &rest[1 + c.len_utf8()..];
            }
            _ => {
                out.push('\\');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out.trim().to_string()
}

/// Offsets of the `{` and `}` in `s` that pair with no other (matched innermost first, as a
/// brace count does); sorted.
fn unmatched_braces(s: &str) -> Vec<usize> {
    let mut open = Vec::new();
    let mut unmatched = Vec::new();
    for (i, c) in s.char_indices() {
        match c {
            '{' => open.push(i),
            '}' if open.pop().is_none() => unmatched.push(i),
            _ => {}
        }
    }
    unmatched.extend(open);
    unmatched.sort_unstable();
    unmatched
}

/// Characters no BibTeX field carries: C0 controls other than tab and line breaks, and DEL.
/// They mean nothing to TeX, and a NUL aborts biber (its parser is C).
fn is_dropped_control(c: char) -> bool {
    c.is_ascii_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// Writes plain text as the inside of a braced BibTeX value (see [`escape`]), keeping the
/// state that spans the pieces of one field.
struct Escaper {
    out: String,
    /// Offsets (in the whole field) of the braces that pair with no other.
    unmatched: Vec<usize>,
    /// How many of `unmatched` lie before the text written so far.
    passed: usize,
    line_start: bool,
    prev: Option<char>,
}

impl Escaper {
    fn new(field: &str) -> Escaper {
        Escaper {
            out: String::with_capacity(field.len() + 8),
            unmatched: unmatched_braces(field),
            passed: 0,
            line_start: false,
            prev: None,
        }
    }

    /// Writes `piece`, which starts at byte `offset` of the field given to [`Escaper::new`].
    fn write(&mut self, piece: &str, offset: usize) {
        for (i, c) in piece.char_indices() {
            let at = offset + i;
            while self.unmatched.get(self.passed).is_some_and(|u| *u < at) {
                self.passed += 1;
            }
            let unmatched = self.unmatched.get(self.passed) == Some(&at);
            let out = &mut self.out;
            match c {
                '\\' => out.push_str("\\textbackslash{}"),
                '~' => out.push_str("\\textasciitilde{}"),
                '^' => out.push_str("\\textasciicircum{}"),
                // BibTeX and biber count every brace, escaped or not: `\{` alone would leave the
                // field open and end the file in a syntax error. A brace with a partner is
                // written `\{`…`\}` (the pair balances); one without is a command.
                '{' if unmatched => out.push_str("\\textbraceleft{}"),
                '}' if unmatched => out.push_str("\\textbraceright{}"),
                '{' | '}' | '&' | '%' | '$' | '#' | '_' => {
                    out.push('\\');
                    out.push(c);
                }
                '@' if self.line_start => out.push_str("{@}"),
                // `--` would read back as an en dash (a TeX ligature): `-{}-` keeps both hyphens.
                '-' if self.prev == Some('-') => out.push_str("{}-"),
                c if is_dropped_control(c) => continue,
                _ => out.push(c),
            }
            self.prev = Some(c);
            // A lone `\r` ends a line too: the reader turns it into `\n`.
            self.line_start = match c {
                '\n' | '\r' => true,
                ' ' | '\t' => self.line_start,
                _ => false,
            };
        }
    }
}

/// Escapes BibTeX's special characters; non-ASCII stays UTF-8; `--` is written `-{}-`.
///
/// The result is balanced for every reader: a `{` and `}` that pair up in `s` are written
/// `\{`…`\}`, one without a partner (a truncated `\footnote{…`) `\textbraceleft{}` or
/// `\textbraceright{}`. An `@` that starts a line (a note quoting a BibTeX entry) is braced,
/// `{@}`: readers take a line-leading `@type{` for the next entry when recovering from
/// unbalanced braces, so left bare it would cut the entry. Control characters other than tab
/// and line breaks are dropped.
pub fn escape(s: &str) -> String {
    let mut e = Escaper::new(s);
    e.write(s, 0);
    e.out
}

/// A verbatim field's value (`doi`, `url`, `eprint`): nothing escaped, so braces and control
/// characters are dropped, and a trailing backslash, which would escape the closing brace for
/// readers that honour `\}`.
fn verbatim(s: &str) -> String {
    let kept: String = s
        .chars()
        .filter(|c| !matches!(c, '{' | '}') && !is_dropped_control(*c))
        .collect();
    kept.trim_end_matches('\\').to_string()
}

/// Escapes a title and braces words with a capital after the first letter (`BERT`,
/// `ImageNet`) so bibliography styles keep their case. Braces are paired over the whole title.
fn escape_title(title: &str) -> String {
    let mut e = Escaper::new(title);
    let mut at = 0;
    for (n, word) in title.split(' ').enumerate() {
        if n > 0 {
            e.write(" ", at - 1);
        }
        let protect =
            word.chars().skip(1).any(char::is_uppercase) && !word.contains(['{', '}', '\\']);
        if protect {
            e.out.push('{');
        }
        e.write(word, at);
        if protect {
            e.out.push('}');
        }
        at += word.len() + 1;
    }
    e.out
}

/// A field's BibTeX text, carried through from an import, made balanced for every reader.
///
/// The `biblatex` crate (and so the import) skips escaped braces when it finds a value's end,
/// but BibTeX and biber count them: `{a \{ b}` imports, yet never closes for biber. Bare
/// braces are paired among themselves and escaped ones among themselves; one without a
/// partner becomes `\textbraceleft{}`/`\textbraceright{}`, so both ways of counting balance.
/// A line-leading `@` is braced and control characters dropped, as in [`escape`].
fn balanced_raw(text: &str) -> String {
    // Offsets of the openers not yet closed: bare `{`, and the backslash of `\{`.
    let mut bare = Vec::new();
    let mut escaped = Vec::new();
    let mut unmatched = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1)) {
            (b'\\', Some(b'{')) => escaped.push(i),
            (b'\\', Some(b'}')) if escaped.pop().is_none() => unmatched.push(i),
            (b'{', _) => bare.push(i),
            (b'}', _) if bare.pop().is_none() => unmatched.push(i),
            _ => {}
        }
        // A backslash takes the next character with it (`\\{` is `\\` and a bare brace).
        i += if bytes[i] == b'\\' { 2 } else { 1 };
    }
    unmatched.extend(bare);
    unmatched.extend(escaped);
    unmatched.sort_unstable();

    let mut out = String::with_capacity(text.len() + 8);
    let mut next = unmatched.into_iter().peekable();
    let mut line_start = false;
    let mut chars = text.char_indices();
    while let Some((at, c)) = chars.next() {
        let last = if next.peek() == Some(&at) {
            next.next();
            // `{`, `}`, or the backslash of `\{`/`\}` (the brace goes with it).
            let brace = if c == '\\' {
                chars.next().map_or('{', |(_, b)| b)
            } else {
                c
            };
            out.push_str(if brace == '{' {
                "\\textbraceleft{}"
            } else {
                "\\textbraceright{}"
            });
            brace
        } else {
            match c {
                '@' if line_start => out.push_str("{@}"),
                '\\' => match chars.next() {
                    // A command or escaped character: the character goes with its backslash.
                    Some((_, e)) if !is_dropped_control(e) => {
                        out.push('\\');
                        out.push(e);
                        line_start = matches!(e, '\n' | '\r');
                        continue;
                    }
                    Some(_) => continue,
                    // A lone backslash at the end would escape the value's closing brace.
                    None => out.push_str("\\textbackslash{}"),
                },
                c if is_dropped_control(c) => continue,
                _ => out.push(c),
            }
            c
        };
        line_start = match last {
            '\n' | '\r' => true,
            ' ' | '\t' => line_start,
            _ => false,
        };
    }
    out
}

/// An author as BibTeX wants it: `Last, First`, or `{Name}` for a single-word name or
/// organisation (braced so it is not split).
fn bib_name(name: &str) -> String {
    // A comma or a word `and` would split the name for every reader ("too many commas"
    // makes biber skip the entry): such a name goes out as one braced unit.
    if name.contains(',')
        || name
            .split_whitespace()
            .any(|w| w.eq_ignore_ascii_case("and"))
    {
        return format!("{{{}}}", escape(name));
    }
    let (given, family) = super::record::split_name(name);
    if given.is_empty() {
        format!("{{{}}}", escape(&family))
    } else {
        format!("{}, {}", escape(&family), escape(&given))
    }
}

/// A citation key as written: the library's keys are ASCII letters, digits and `_-:./+`
/// already ([`super::citekey`]); anything else (a space, a comma or a brace would end or break
/// the entry for every reader) becomes `_`.
fn bib_key(key: &str) -> String {
    let key: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_-:./+".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if key.is_empty() {
        "_".into()
    } else {
        key
    }
}

const MONTH_MACROS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// Writes entries as BibTeX: a paper imported from BibTeX as one entry per citation key it
/// came with, each as imported with the library's changes merged in; any other paper as one
/// `@misc`/`@article` with fields in a fixed order.
pub fn write(entries: &[ExportEntry]) -> String {
    let mut out = String::from(
        "% Exported by Papershelf. UTF-8: use biber, or BibTeX with a UTF-8 aware setup.\n",
    );
    for e in entries {
        write_entry(&mut out, e);
    }
    out
}

/// Papershelf's own rendering of a paper: entry type and fields, in a fixed order.
fn generated(e: &ExportEntry) -> (&'static str, Vec<(&'static str, String)>) {
    let p = &e.paper;
    let kind = if p.journal_ref.is_some() {
        "article"
    } else {
        "misc"
    };
    let mut fields: Vec<(&'static str, String)> =
        vec![("title", format!("{{{}}}", escape_title(&p.title)))];
    if !p.authors.is_empty() {
        let names: Vec<String> = p.authors.iter().map(|a| bib_name(a)).collect();
        fields.push(("author", format!("{{{}}}", names.join(" and "))));
    } else if let Some(org) = &p.organization {
        fields.push(("author", format!("{{{{{}}}}}", escape(org))));
    }
    if let Some(j) = &p.journal_ref {
        fields.push(("journal", format!("{{{}}}", escape(j))));
    }
    let date = p.published.filter(|d| d.year.is_some());
    if let Some(year) = date.and_then(|d| d.year).or(p.year) {
        fields.push(("year", format!("{{{year}}}")));
    }
    if let Some(m) = date.and_then(|d| d.month).filter(|m| (1..=12).contains(m)) {
        fields.push(("month", MONTH_MACROS[m as usize - 1].to_string()));
    }
    if let Some(a) = &p.arxiv_id {
        fields.push(("eprint", format!("{{{}}}", verbatim(a))));
        fields.push(("archivePrefix", "{arXiv}".into()));
        if let Some(c) = p.categories.first() {
            fields.push(("primaryClass", format!("{{{}}}", escape(c))));
        }
    }
    if let Some(d) = &p.doi {
        // `doi`, `eprint` and `url` are verbatim fields: written as they are.
        fields.push(("doi", format!("{{{}}}", verbatim(d))));
    }
    if let Some(a) = p.arxiv_id.as_deref().and_then(|a| ArxivId::parse(a).ok()) {
        fields.push(("url", format!("{{{}}}", a.0.abs_url())));
    }
    if !p.abstract_text.is_empty() {
        fields.push(("abstract", format!("{{{}}}", escape(&p.abstract_text))));
    }
    if !p.tags.is_empty() {
        fields.push(("keywords", format!("{{{}}}", escape(&p.tags.join(", ")))));
    }
    if !p.collections.is_empty() {
        // JabRef's field for group membership: other tools keep it, JabRef shows the groups.
        // Each is a collection's path, so importing it back rebuilds the tree.
        fields.push((
            "groups",
            format!("{{{}}}", escape(&p.collections.join(", "))),
        ));
    }
    if let Some(n) = p.note.as_ref().filter(|n| !n.body.trim().is_empty()) {
        fields.push(("annote", format!("{{{}}}", escape(n.body.trim()))));
    }
    (kind, fields)
}

/// Writes a paper's entries: one per imported record that has a key (each with its own entry
/// type and fields), or Papershelf's own rendering under the paper's key when there is none.
fn write_entry(out: &mut String, e: &ExportEntry) {
    let (kind, ours) = generated(e);
    let records: Vec<(Option<&str>, Option<Imported>)> = e
        .bibtex
        .iter()
        .map(|r| (r.key.as_deref(), read_imported(&r.raw)))
        .collect();
    let siblings: Vec<&Record> = records
        .iter()
        .filter_map(|(_, i)| i.as_ref().map(|i| &i.record))
        .collect();
    let mut wrote = false;
    for (key, imported) in &records {
        let Some(key) = key else { continue };
        let (kind, fields) = match imported {
            Some(imported) => merge_with_imported(&e.paper, &ours, imported, &siblings),
            // A stored entry that no longer reads: the library's rendering, under its key.
            None => (kind.to_string(), owned(&ours)),
        };
        push_entry(out, &kind, key, &fields);
        wrote = true;
    }
    if !wrote {
        push_entry(out, kind, &e.key, &owned(&ours));
    }
}

fn owned(fields: &[(&'static str, String)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn push_entry(out: &mut String, kind: &str, key: &str, fields: &[(String, String)]) {
    if !out.ends_with("\n\n") {
        out.push('\n');
    }
    out.push_str(&format!("@{kind}{{{},\n", bib_key(key)));
    let width = fields.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (k, v) in fields {
        out.push_str(&format!("  {k:<width$} = {v},\n"));
    }
    out.push_str("}\n");
}

/// A paper's BibTeX entry as it was imported, read back for the export.
#[derive(Debug)]
struct Imported {
    /// Entry type as written (`inproceedings`).
    kind: String,
    /// Fields in file order: name as written, value as BibTeX text with macros expanded.
    fields: Vec<(String, String)>,
    /// What the import made of the entry, to tell what the library has changed since.
    record: Record,
}

/// Reads a stored entry (its `@string` macros, then the entry itself).
fn read_imported(stored: &str) -> Option<Imported> {
    let text = normalise_text(stored);
    let lines = LineIndex::new(&text);
    let (blocks, _) = split(&text, &lines);
    let mut macros = Macros::default();
    let mut ignored = Vec::new();
    for block in blocks {
        let braced = block.text(&text);
        match block.kind.as_str() {
            "string" => macros.define(&braced, 1, &mut ignored),
            "comment" | "preamble" => {}
            _ => {
                let record = parse_entry(&macros, &braced, 1).ok()?;
                let raw = RawBibliography::parse(&braced).ok()?;
                let entry = raw.entries.into_iter().next()?;
                let fields = entry
                    .v
                    .fields
                    .iter()
                    .map(|pair| (pair.key.v.to_string(), flat_value(&pair.value.v, &macros)))
                    .collect();
                return Some(Imported {
                    kind: entry.v.kind.v.to_string(),
                    fields,
                    record,
                });
            }
        }
    }
    None
}

/// A field's value as one braced BibTeX value, macros substituted: the exported file does not
/// carry the importing file's `@string` definitions. A lone month macro stays one (`jan`),
/// since every style defines those.
fn flat_value(chunks: &[Spanned<RawChunk<'_>>], macros: &Macros) -> String {
    if let [only] = chunks {
        if let RawChunk::Abbreviation(name) = only.v {
            if month_name(name).is_some() && !macros.values.contains_key(&name.to_lowercase()) {
                return name.to_ascii_lowercase();
            }
        }
    }
    let mut text = String::new();
    for chunk in chunks {
        match chunk.v {
            RawChunk::Normal(s) => text.push_str(s),
            RawChunk::Abbreviation(name) => text.push_str(macros.value(name).unwrap_or(name)),
        }
    }
    format!("{{{}}}", balanced_raw(&text))
}

/// One thing Papershelf models, the imported fields that carried it, and whether the library
/// still holds what an import read from them.
struct Concept {
    /// Lower-case names of the imported fields it was read from.
    imported: &'static [&'static str],
    /// Names of the generated fields that write it.
    generated: &'static [&'static str],
    /// The library's value is still the imported one.
    unchanged: bool,
}

/// Papershelf's fields merged into the imported entry: the entry type, field order and every
/// field Papershelf does not model (`pages`, `publisher`, `editor`, …) stay as imported; a
/// modelled field the library still holds as imported is written as it was (LaTeX accents,
/// protective braces and all); one the library has changed since (an edited title, new tags,
/// a note, ids found by a sync) is written from the library.
///
/// `siblings` are what the import made of every entry of the paper (this one among them): a
/// bibliographic field the library holds as one of them read it (the published version's
/// venue, merged into the paper from its entry) is not a change, so each entry keeps its own.
/// Tags, collections and the note are the library's in every entry.
fn merge_with_imported(
    p: &Paper,
    ours: &[(&'static str, String)],
    imported: &Imported,
    siblings: &[&Record],
) -> (String, Vec<(String, String)>) {
    let r = &imported.record;
    let any = |same: &dyn Fn(&Record) -> bool| same(r) || siblings.iter().any(|s| same(s));
    let sorted = |v: &[String]| {
        let mut v: Vec<String> = v.iter().map(|s| s.to_lowercase()).collect();
        v.sort();
        v.dedup();
        v
    };
    let note_field = ["annote", "annotation", "comment"].into_iter().find(|f| {
        imported
            .fields
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case(f))
    });
    let ids_unchanged = any(&|s| p.arxiv_id == s.paper.arxiv_id.as_ref().map(ToString::to_string))
        && any(&|s| p.doi == s.paper.doi);
    let library_note = p
        .note
        .as_ref()
        .map(|n| n.body.trim())
        .filter(|n| !n.is_empty());
    let concepts = [
        Concept {
            imported: &["title"],
            generated: &["title"],
            unchanged: any(&|s| p.title == s.paper.title),
        },
        Concept {
            imported: &["author"],
            generated: &["author"],
            unchanged: any(&|s| p.authors == s.paper.authors),
        },
        Concept {
            imported: &["journal", "journaltitle", "booktitle"],
            generated: &["journal"],
            unchanged: any(&|s| p.journal_ref == s.paper.journal_ref),
        },
        Concept {
            imported: &["year", "month", "date"],
            generated: &["year", "month"],
            unchanged: any(&|s| p.published == s.paper.published),
        },
        Concept {
            imported: &[
                "eprint",
                "archiveprefix",
                "eprinttype",
                "primaryclass",
                "eprintclass",
                "doi",
                "url",
            ],
            generated: &["eprint", "archivePrefix", "primaryClass", "doi", "url"],
            unchanged: ids_unchanged,
        },
        Concept {
            imported: &["abstract"],
            generated: &["abstract"],
            unchanged: any(&|s| p.abstract_text == s.paper.abstract_text),
        },
        Concept {
            imported: &["keywords"],
            generated: &["keywords"],
            unchanged: sorted(&p.tags) == sorted(&r.tags),
        },
        Concept {
            imported: &["groups"],
            generated: &["groups"],
            unchanged: sorted(&p.collections) == sorted(&r.collections),
        },
        Concept {
            imported: match note_field {
                Some("annotation") => &["annotation"],
                Some("comment") => &["comment"],
                _ => &["annote"],
            },
            generated: &["annote"],
            unchanged: library_note == r.note.as_deref().map(str::trim),
        },
    ];
    let concept_of = |name: &str| {
        concepts
            .iter()
            .position(|c| c.imported.iter().any(|f| f.eq_ignore_ascii_case(name)))
    };
    let library_fields = |c: &Concept| -> Vec<(String, String)> {
        ours.iter()
            .filter(|(k, _)| c.generated.contains(k))
            .map(|(k, v)| {
                // The note goes back under the field it came from (`annotation`, `comment`).
                let name = match (*k, note_field) {
                    ("annote", Some(f)) => f.to_string(),
                    // An `@inproceedings` names its venue `booktitle`, as it was imported.
                    ("journal", _) if imported_has(imported, "booktitle") => "booktitle".into(),
                    _ => k.to_string(),
                };
                (name, v.clone())
            })
            .collect()
    };
    let mut fields = Vec::new();
    let mut written = vec![false; concepts.len()];
    for (name, value) in &imported.fields {
        match concept_of(name) {
            None => fields.push((name.clone(), value.clone())),
            Some(c) if concepts[c].unchanged => fields.push((name.clone(), value.clone())),
            // Changed: the library's fields go where the first imported one stood.
            Some(c) if !written[c] => {
                written[c] = true;
                fields.extend(library_fields(&concepts[c]));
            }
            Some(_) => {}
        }
    }
    for (c, concept) in concepts.iter().enumerate() {
        if !concept.unchanged && !written[c] {
            fields.extend(library_fields(concept));
        }
    }
    (imported.kind.clone(), fields)
}

fn imported_has(imported: &Imported, name: &str) -> bool {
    imported
        .fields
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_concatenation_months_and_accents_resolve() {
        let p = parse(
            "@string{nips = \"Advances in Neural \" # \"Information Processing Systems\"}\n\
             @inproceedings{a, title = {{BERT}: Pre-training of Schr{\\\"o}dinger \\\"{o} \\emph{deep}},\n\
             author = {M{\\\"u}ller, J{\\\"o}rg and van der Berg, Anna and {OpenAI}},\n\
             booktitle = nips, month = jan, year = 2019}\n",
        );
        assert!(p.skipped.is_empty(), "{:?}", p.skipped);
        let r = &p.records[0];
        assert_eq!(r.paper.title, "BERT: Pre-training of Schrödinger ö deep");
        assert_eq!(
            r.paper.authors,
            vec!["Jörg Müller", "Anna van der Berg", "OpenAI"]
        );
        assert_eq!(
            r.paper.journal_ref.as_deref(),
            Some("Advances in Neural Information Processing Systems")
        );
        assert_eq!(r.paper.published.unwrap().month, Some(1));
        assert_eq!(r.line, 2);
    }

    #[test]
    fn macros_expand_when_defined_ignoring_case() {
        let p = parse(
            "@string{IEEE = {IEEE Transactions}}\n\
             @string{tpami = ieee # { on Pattern Analysis, } # jan}\n\
             @string{ieee = {redefined later}}\n\
             @article(a, title = {T}, journal = TPAMI)\n",
        );
        assert!(p.skipped.is_empty(), "{:?}", p.skipped);
        // `tpami` took `ieee` as it was when `tpami` was defined.
        assert_eq!(
            p.records[0].paper.journal_ref.as_deref(),
            Some("IEEE Transactions on Pattern Analysis, January")
        );
        assert_eq!(
            p.records[0].raw,
            "@article(a, title = {T}, journal = TPAMI)"
        );
    }

    #[test]
    fn a_macro_doubled_in_every_definition_stops_at_the_cap() {
        let mut text = String::from("@string{m0 = {0123456789abcdef}}\n");
        for i in 1..64 {
            text.push_str(&format!("@string{{m{i} = m{} # m{}}}\n", i - 1, i - 1));
        }
        text.push_str("@misc{k, title = {T}, note = m63}\n");
        let p = parse(&text);
        // 16 bytes doubled: m10 is 16 KiB, m11 is refused, and so everything built on it.
        assert_eq!(p.skipped[0].line, 12);
        assert!(p.skipped[0]
            .reason
            .contains("`m11` expands to more than 16 KiB"));
        assert!(p.skipped[1].reason.contains("`m12` uses `m11`"));
        assert!(p.records.is_empty());
        assert!(p.skipped.last().unwrap().reason.contains("m63"));
    }

    #[test]
    fn an_entry_expanding_past_the_cap_is_refused() {
        let big = "x".repeat(MAX_MACRO_BYTES);
        let uses = vec!["big"; MAX_ENTRY_BYTES / MAX_MACRO_BYTES + 1].join(" # ");
        let p = parse(&format!(
            "@string{{big = {{{big}}}}}\n@misc{{k, title = {{T}}, note = {uses}}}\n"
        ));
        assert!(p.records.is_empty());
        assert_eq!(p.skipped.len(), 1, "{:?}", p.skipped);
        assert!(p.skipped[0].reason.contains("expands to more than 1 MiB"));
    }

    #[test]
    fn an_unbalanced_entry_is_reported_and_the_next_one_still_reads() {
        let p = parse(
            "@article{bad, title = {Open {brace}, year = 2020,\n\
             \n\
             @article{good, title = {Fine}, year = 2021}\n",
        );
        assert_eq!(p.records.len(), 1);
        assert_eq!(p.records[0].paper.title, "Fine");
        assert_eq!(p.skipped.len(), 1);
        assert_eq!(p.skipped[0].line, 1);
        assert!(
            p.skipped[0].reason.contains("line 3"),
            "{}",
            p.skipped[0].reason
        );
    }

    #[test]
    fn escaping_round_trips_through_the_parser() {
        let nasty = "50% of A & B cost $5 #1 under_score {x} ~ ^ back\\slash";
        let text = format!(
            "@misc{{k, title = {{{}}}, annote = {{{}}}}}",
            escape(nasty),
            escape("line 1\n\n{line} 2 & 50%")
        );
        let p = parse(&text);
        assert!(p.skipped.is_empty(), "{:?}", p.skipped);
        assert_eq!(p.records[0].paper.title, nasty);
        assert_eq!(
            p.records[0].note.as_deref(),
            Some("line 1\n\n{line} 2 & 50%")
        );
    }

    #[test]
    fn zotero_file_fields_are_noted() {
        assert_eq!(
            file_paths("Full Text PDF:/home/u/Zotero/storage/X/x.pdf:application/pdf;Snapshot:/s/y.html:text/html"),
            vec!["/home/u/Zotero/storage/X/x.pdf", "/s/y.html"]
        );
        assert_eq!(file_paths("C\\:/Papers/x.pdf"), vec!["C:/Papers/x.pdf"]);
    }

    #[test]
    fn text_without_any_entry_is_reported_at_its_first_line() {
        let p = parse("\n\n  Attention Is All You Need\nVaswani et al.\n");
        assert!(p.records.is_empty());
        assert_eq!(p.skipped.len(), 1, "{:?}", p.skipped);
        assert_eq!(p.skipped[0].line, 3);
        assert!(p.skipped[0].reason.contains("no BibTeX entry"));
        // Blank text and a file of only comments and macros are not reported.
        assert!(parse(" \n\t\n").skipped.is_empty());
        assert!(parse("@comment{x}\n@string{a = \"b\"}\n")
            .skipped
            .is_empty());
    }

    #[test]
    fn pathological_files_parse_in_linear_time() {
        // Lines were counted from the start of the file for every entry and every reported
        // `@`: quadratic in the file (some 10^12 bytes counted for the million bad lines below).
        let at_signs = "@".repeat(4 << 20);
        let p = parse(&at_signs);
        assert!(p.records.is_empty());
        assert_eq!(
            p.skipped.len(),
            1,
            "only the `@` at the line start is reported"
        );
        let spaced = " @".repeat(2 << 20);
        assert!(parse(&spaced).records.is_empty());
        let bad_lines = "@ x\n".repeat(1 << 20);
        let p = parse(&bad_lines);
        assert_eq!(p.skipped.len(), 1 << 20);
        assert_eq!(p.skipped.last().map(|s| s.line), Some(1 << 20));
        let entries: String = (0..20_000)
            .map(|i| format!("@misc{{k{i},\n  title = {{Paper {i}}},\n  year = 2020\n}}\n"))
            .collect();
        let p = parse(&entries);
        assert_eq!(p.records.len(), 20_000);
        assert_eq!(p.records[19_999].line, 4 * 19_999 + 1);
    }

    #[test]
    fn an_at_after_a_lone_carriage_return_is_braced() {
        // Found by `bibtex_escaping_round_trips_any_text`: `\r@0(` was read as a new entry.
        for title in ["\r@0(", "a\r\r @misc{x,", "\r\n@b{"] {
            let entry = format!("@misc{{k, title = {{{}}}}}\n", escape(title));
            let p = parse(&entry);
            assert_eq!(p.records.len(), 1, "{entry}: {:?}", p.skipped);
            assert_eq!(p.records[0].paper.title, collapse_whitespace(title));
        }
    }

    #[test]
    fn a_note_quoting_a_bibtex_entry_stays_in_its_entry() {
        let note = "Cite as:\n@article{other,\n  title = {X}\n}\n  @misc{y, mail me@example.org";
        let text = format!(
            "@misc{{k,\n  title = {{A {}}},\n  annote = {{{}}}\n}}\n@misc{{next, title = {{B}}}}\n",
            escape("@ at"),
            escape(note)
        );
        let p = parse(&text);
        assert!(p.skipped.is_empty(), "{:?}\n{text}", p.skipped);
        assert_eq!(p.records.len(), 2, "{text}");
        assert_eq!(p.records[0].paper.title, "A @ at");
        assert_eq!(p.records[0].note.as_deref(), Some(note));
        // A literal `{@}` in a note is escaped and comes back as written.
        let text = format!(
            "@misc{{k, title = {{T}}, annote = {{{}}}}}",
            escape("a {@} b")
        );
        assert_eq!(parse(&text).records[0].note.as_deref(), Some("a {@} b"));
    }

    #[test]
    fn formatting_commands_are_dropped_in_one_pass() {
        assert_eq!(clean_latex("\\emph{a \\textbf{b}}  c"), "a b c");
        assert_eq!(clean_latex("{\\emph{x}} {y}"), "{x} {y}");
        assert_eq!(
            clean_latex("\\emph{unclosed \\textit{i}"),
            "\\emph{unclosed i"
        );
        assert_eq!(clean_latex("\\\\emph{x}"), "\\x");
        // 200,000 nested commands: one pass (this was quadratic, a search per command).
        let n = 200_000;
        let nested = format!("{}deep{}", "\\emph{".repeat(n), "}".repeat(n));
        assert_eq!(clean_latex(&nested), "deep");
    }

    /// True when BibTeX and biber read `s` as balanced: they count every brace, escaped or not.
    fn counts_balance(s: &str) -> bool {
        let mut depth = 0i64;
        for c in s.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            if depth < 0 {
                return false;
            }
        }
        depth == 0
    }

    #[test]
    fn unbalanced_braces_are_written_balanced_and_read_back() {
        for text in [
            "A truncated \\footnote{see",
            "closing } first",
            "}{",
            "{BERT} and {",
            "a {b {c} d",
            "}}} {{{ x",
            "{Deep ImageNet} {",
            "50% of {x} & } #1",
            "line\n@misc{x,\n",
        ] {
            let title = escape_title(text);
            let note = escape(text);
            for written in [&title, &note] {
                assert!(
                    counts_balance(written) && braces_balance(written),
                    "{text:?} -> {written}"
                );
            }
            let entry = format!("@misc{{k,\n  title = {{{title}}},\n  annote = {{{note}}}\n}}\n");
            let p = parse(&entry);
            assert_eq!(p.records.len(), 1, "{entry}: {:?}", p.skipped);
            let r = &p.records[0];
            assert_eq!(r.paper.title, collapse_whitespace(text), "{entry}");
            assert_eq!(r.note.as_deref(), Some(text.trim()), "{entry}");
        }
        // A pair the user wrote stays a pair; only the lone brace is a command.
        assert_eq!(escape("{BERT} {"), "\\{BERT\\} \\textbraceleft{}");
        assert_eq!(escape("a } b"), "a \\textbraceright{} b");
        assert_eq!(
            escape_title("{x} ImageNet }"),
            "\\{x\\} {ImageNet} \\textbraceright{}"
        );
    }

    #[test]
    fn control_characters_are_dropped_from_written_fields() {
        assert_eq!(escape("a\u{0}b\u{1b}[0m\u{7f}c\td\ne"), "ab[0mc\td\ne");
        assert_eq!(verbatim("10.1000/a\u{0}b}\\\\"), "10.1000/ab");
    }

    #[test]
    fn imported_fields_are_made_balanced_for_bibtex() {
        for (raw, want) in [
            ("a \\{ b", "a \\textbraceleft{} b"),
            ("\\}x{y}", "\\textbraceright{}x{y}"),
            ("{a \\{ b} \\}", "{a \\{ b} \\}"),
            ("\\\\{x}", "\\\\{x}"),
            ("{\\\"o} \\emph{x}", "{\\\"o} \\emph{x}"),
            ("{", "\\textbraceleft{}"),
            ("x}", "x\\textbraceright{}"),
            ("line\n@misc{x}", "line\n{@}misc{x}"),
            ("a\\\n@b", "a\\\n{@}b"),
            ("end\\", "end\\textbackslash{}"),
            ("a\u{0}b\\\u{1}c", "abc"),
        ] {
            let out = balanced_raw(raw);
            assert_eq!(out, want, "{raw:?}");
            assert!(
                counts_balance(&out) && braces_balance(&out),
                "{raw:?} -> {out}"
            );
        }
        // Many openers of one kind and closers of the other: linear, and balanced.
        let n = 200_000;
        let mixed = format!("{}{}", "\\{".repeat(n), "}".repeat(n));
        let out = balanced_raw(&mixed);
        assert!(counts_balance(&out) && braces_balance(&out));
        assert_eq!(out.matches("\\textbraceleft{}").count(), n);
    }

    #[test]
    fn citation_keys_are_written_in_a_safe_alphabet() {
        assert_eq!(bib_key("DBLP:conf/nips/X17"), "DBLP:conf/nips/X17");
        assert_eq!(bib_key("a b,{c}%"), "a_b__c__");
        assert_eq!(bib_key(""), "_");
    }
}
