//! Zotero notes are HTML (`<div data-schema-version="…"><h1>…</h1><p>…</p></div>`); Papershelf
//! notes are Markdown. [`to_markdown`] turns the one into the other for what notes hold:
//! paragraphs, headings, emphasis, links, lists, quotes, code and tables. Nothing of the HTML
//! passes through as markup: unknown tags keep only their text, scripts and styles are dropped
//! whole, links keep only `http`, `https` and `mailto` targets, and every character Markdown or
//! HTML would read as syntax is escaped. The note is still rendered through the app's
//! sanitiser; this only makes sure it reads as the user wrote it.

/// Most nesting of lists and quotes kept; deeper content is flattened into the deepest level
/// (a hostile note could nest thousands).
const MAX_DEPTH: usize = 16;

/// Converts a Zotero note's HTML to Markdown.
pub fn to_markdown(html: &str) -> String {
    let mut w = Writer::default();
    let mut rest = html;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        if rest.starts_with('<') {
            if let Some((tag, after)) = read_tag(rest) {
                rest = after;
                if !tag.closing && matches!(tag.name.as_str(), "script" | "style" | "head") {
                    // Dropped with everything up to the matching end tag.
                    let end = format!("</{}", tag.name);
                    rest = find_ci(rest, &end).map_or("", |at| {
                        let tail = &rest[at..];
                        tail.find('>').map_or("", |gt| &tail[gt + 1..])
                    });
                    continue;
                }
                w.tag(&tag);
                continue;
            }
        }
        // From after the first character (a `<` that opened no tag is text too).
        let first = rest.chars().next().map_or(1, char::len_utf8);
        let next = rest[first..].find('<').map_or(rest.len(), |i| i + first);
        w.text(&decode_entities(&rest[..next]));
        rest = &rest[next..];
    }
    w.finish()
}

/// A start or end tag with the attributes the conversion uses.
#[derive(Debug, Default)]
struct Tag {
    name: String,
    closing: bool,
    href: Option<String>,
}

/// Reads one tag at the start of `s` (which starts with `<`); `None` when it is not a tag
/// (a lone `<` in text).
fn read_tag(s: &str) -> Option<(Tag, &str)> {
    let body = &s[1..];
    let (closing, body) = match body.strip_prefix('/') {
        Some(b) => (true, b),
        None => (false, body),
    };
    let name_len = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == ':'))
        .unwrap_or(body.len());
    if name_len == 0 && !body.starts_with('!') && !body.starts_with('?') {
        return None;
    }
    let name = body[..name_len].to_ascii_lowercase();
    // The tag ends at the first `>` outside a quoted attribute value.
    let mut quote = None;
    let mut end = None;
    for (i, c) in body.char_indices().skip(name_len) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => {
                end = Some(i);
                break;
            }
            _ => {}
        }
    }
    let end = end?;
    let attrs = &body[name_len..end];
    let href = if name == "a" {
        attribute(attrs, "href")
    } else {
        None
    };
    Some((
        Tag {
            name,
            closing,
            href,
        },
        &body[end + 1..],
    ))
}

/// The value of attribute `name` in a tag's attribute text, entities decoded.
fn attribute(attrs: &str, name: &str) -> Option<String> {
    let lower = attrs.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find(name) {
        let start = from + at;
        let before_ok = start == 0 || lower.as_bytes()[start - 1].is_ascii_whitespace();
        let rest = attrs[start + name.len()..].trim_start();
        if before_ok {
            if let Some(rest) = rest.strip_prefix('=') {
                let rest = rest.trim_start();
                let value = match rest.chars().next() {
                    Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or(""),
                    _ => rest.split(|c: char| c.is_whitespace()).next().unwrap_or(""),
                };
                return Some(decode_entities(value));
            }
        }
        from = start + name.len();
    }
    None
}

/// Finds `needle` in `hay` ignoring ASCII case.
fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let hay_l = hay.to_ascii_lowercase();
    hay_l.find(&needle.to_ascii_lowercase())
}

/// Decodes the character references notes use: the common named ones and numeric ones.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let end = tail
            .char_indices()
            .take(12)
            .find(|(_, c)| *c == ';')
            .map(|(i, _)| i);
        let decoded = end.and_then(|end| entity(&tail[1..end]).map(|c| (c, end)));
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &tail[end + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).filter(|c| *c != '\0');
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "times" => '×',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "deg" => '°',
        "middot" => '·',
        "bull" => '•',
        _ => return None,
    })
}

/// What an open block adds to each line inside it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Block {
    Quote,
    /// A list: ordered ones count their items.
    List {
        ordered: bool,
        next: u32,
    },
}

#[derive(Default)]
struct Writer {
    out: String,
    /// The current line, not yet written.
    line: String,
    blocks: Vec<Block>,
    /// The marker of a list item whose first line is not written yet.
    pending_marker: Option<String>,
    /// Inside `<pre>`: white space kept.
    pre: usize,
    /// An `<a href>` being written: its target, once its text is done.
    links: Vec<Option<String>>,
    /// A blank line is due before the next block's text.
    para_break: bool,
    /// How many quotes the last written line was inside.
    last_quotes: usize,
    /// Cells of the table row being read.
    row: Option<Vec<String>>,
    /// Text of the cell being read.
    cell: Option<String>,
}

impl Writer {
    fn prefix(&self, first_line_of_item: bool) -> String {
        let mut p = String::new();
        let lists = self
            .blocks
            .iter()
            .filter(|b| matches!(b, Block::List { .. }))
            .count();
        let mut list_seen = 0;
        for b in &self.blocks {
            match b {
                Block::Quote => p.push_str("> "),
                Block::List { .. } => {
                    list_seen += 1;
                    if list_seen < lists || !first_line_of_item {
                        p.push_str("  ");
                    }
                }
            }
        }
        p
    }

    /// Ends the current line.
    fn newline(&mut self) {
        let text = std::mem::take(&mut self.line);
        let text = text.trim_end();
        if text.is_empty() && self.pending_marker.is_none() {
            return;
        }
        let quotes = self.blocks.iter().filter(|b| **b == Block::Quote).count();
        if self.para_break && !self.out.is_empty() {
            // The blank line is inside the quotes both neighbours share.
            let shared = quotes.min(self.last_quotes);
            self.out.push_str(&vec![">"; shared].join(" "));
            self.out.push('\n');
        }
        self.last_quotes = quotes;
        self.para_break = false;
        let marker = self.pending_marker.take();
        let prefix = self.prefix(marker.is_some());
        self.out.push_str(&prefix);
        if let Some(m) = marker {
            self.out.push_str(&m);
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// Ends the current block: its text written, a blank line before the next one.
    fn block_end(&mut self) {
        self.newline();
        self.para_break = true;
    }

    fn push(&mut self, s: &str) {
        if let Some(cell) = &mut self.cell {
            cell.push_str(s);
        } else if self.row.is_none() {
            self.line.push_str(s);
        }
    }

    fn text(&mut self, raw: &str) {
        if self.pre > 0 {
            let mut lines = raw.split('\n');
            if let Some(first) = lines.next() {
                self.push(&first.replace('`', "\u{2032}"));
            }
            for l in lines {
                self.newline();
                self.push(&l.replace('`', "\u{2032}"));
            }
            return;
        }
        let mut s = String::with_capacity(raw.len());
        let mut space = raw.starts_with(char::is_whitespace);
        for word in raw.split_whitespace() {
            if space {
                s.push(' ');
            }
            s.push_str(&escape(word));
            space = true;
        }
        if raw.ends_with(char::is_whitespace) && !s.is_empty() {
            s.push(' ');
        }
        let at_line_start = match &self.cell {
            Some(c) => c.is_empty(),
            None => self.line.is_empty(),
        };
        let s = if at_line_start { s.trim_start() } else { &s };
        if s.is_empty() {
            return;
        }
        let s = if at_line_start {
            escape_line_start(s)
        } else {
            s.to_string()
        };
        self.push(&s);
    }

    fn tag(&mut self, t: &Tag) {
        let name = t.name.as_str();
        match (name, t.closing) {
            ("p" | "div" | "section" | "article", _) => self.block_end(),
            ("br", _) => {
                if self.cell.is_some() {
                    self.push(" ");
                } else {
                    self.newline();
                }
            }
            ("hr", _) => {
                self.block_end();
                self.line.push_str("---");
                self.block_end();
            }
            ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", false) => {
                self.block_end();
                let level = name[1..].parse::<usize>().unwrap_or(1);
                self.line.push_str(&"#".repeat(level));
                self.line.push(' ');
            }
            ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", true) => self.block_end(),
            ("strong" | "b", _) => self.push("**"),
            ("em" | "i", _) => self.push("*"),
            ("s" | "del" | "strike", _) => self.push("~~"),
            ("code", _) if self.pre == 0 => self.push("`"),
            ("pre", false) => {
                self.block_end();
                self.line.push_str("```");
                self.newline();
                self.pre += 1;
            }
            ("pre", true) if self.pre > 0 => {
                self.pre -= 1;
                self.newline();
                self.line.push_str("```");
                self.block_end();
            }
            ("blockquote", false) => {
                self.block_end();
                if self.blocks.len() < MAX_DEPTH {
                    self.blocks.push(Block::Quote);
                }
            }
            ("blockquote", true) => {
                self.block_end();
                if let Some(at) = self.blocks.iter().rposition(|b| *b == Block::Quote) {
                    self.blocks.truncate(at);
                }
            }
            ("ul" | "ol", false) => {
                self.newline();
                if self.blocks.len() < MAX_DEPTH {
                    self.blocks.push(Block::List {
                        ordered: name == "ol",
                        next: 1,
                    });
                }
            }
            ("ul" | "ol", true) => {
                self.newline();
                if let Some(at) = self
                    .blocks
                    .iter()
                    .rposition(|b| matches!(b, Block::List { .. }))
                {
                    self.blocks.truncate(at);
                }
                self.para_break = true;
            }
            ("li", false) => {
                self.newline();
                let list = self
                    .blocks
                    .iter_mut()
                    .rev()
                    .find(|b| matches!(b, Block::List { .. }));
                let (marker, first) = match list {
                    Some(Block::List { ordered, next }) => {
                        let m = if *ordered {
                            format!("{next}. ")
                        } else {
                            "- ".to_string()
                        };
                        *next += 1;
                        (m, *next == 2)
                    }
                    _ => ("- ".to_string(), true),
                };
                // Items follow each other without blank lines; the list is set apart.
                if !first {
                    self.para_break = false;
                }
                self.pending_marker = Some(marker);
            }
            ("li", true) => self.newline(),
            ("a", false) => {
                let safe = t.href.as_deref().map(str::trim).filter(|h| {
                    let l = h.to_ascii_lowercase();
                    l.starts_with("https://")
                        || l.starts_with("http://")
                        || l.starts_with("mailto:")
                });
                let safe = safe.map(|h| {
                    h.replace(' ', "%20")
                        .replace(')', "%29")
                        .replace('<', "%3C")
                        .replace('>', "%3E")
                        .replace('"', "%22")
                });
                if safe.is_some() {
                    self.push("[");
                }
                self.links.push(safe);
            }
            ("a", true) => {
                if let Some(Some(href)) = self.links.pop() {
                    self.push(&format!("]({href})"));
                }
            }
            ("table", _) => self.block_end(),
            ("tr", false) => {
                self.newline();
                self.row = Some(Vec::new());
            }
            ("tr", true) => {
                if let Some(cells) = self.row.take() {
                    if !cells.is_empty() {
                        self.line = format!("| {} |", cells.join(" | "));
                        self.newline();
                    }
                }
            }
            ("td" | "th", false) => self.cell = Some(String::new()),
            ("td" | "th", true) => {
                if let (Some(cell), Some(row)) = (self.cell.take(), &mut self.row) {
                    // `escape` has escaped `|` in the text already.
                    row.push(cell.trim().to_string());
                }
            }
            _ => {}
        }
    }

    fn finish(mut self) -> String {
        self.newline();
        while self.pre > 0 {
            self.pre -= 1;
            self.out.push_str("```\n");
        }
        self.out.trim().to_string()
    }
}

/// Escapes what Markdown or HTML would read as syntax inside a line of text.
fn escape(word: &str) -> String {
    let mut s = String::with_capacity(word.len());
    for c in word.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '|' | '~'
        ) {
            s.push('\\');
        }
        s.push(c);
    }
    s
}

/// Escapes what Markdown reads as a block marker at the start of a line: `#`, `+`, `-`, `=`
/// and `1.`.
fn escape_line_start(s: &str) -> String {
    let first = s.chars().next().unwrap_or(' ');
    if matches!(first, '#' | '+' | '-' | '=') {
        return format!("\\{s}");
    }
    let digits = s.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && s[digits..].starts_with(['.', ')']) {
        return format!("{}\\{}", &s[..digits], &s[digits..]);
    }
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zotero_note_becomes_markdown() {
        let html = r#"<div data-schema-version="9"><h1>Reading notes</h1>
<p>The <strong>key</strong> idea is <em>attention</em> &amp; more.</p>
<ul><li>first</li><li>second with <a href="https://arxiv.org/abs/1706.03762">a link</a></li></ul>
<ol><li>one</li><li>two</li></ol>
<blockquote><p>“A quote”</p></blockquote>
<pre>let x = 1;
let y = 2;</pre></div>"#;
        let md = to_markdown(html);
        assert_eq!(
            md,
            "# Reading notes\n\nThe **key** idea is *attention* & more.\n\n- first\n- second with [a link](https://arxiv.org/abs/1706.03762)\n\n1. one\n2. two\n\n> “A quote”\n\n```\nlet x = 1;\nlet y = 2;\n```"
        );
    }

    #[test]
    fn nothing_of_the_html_survives_as_markup() {
        let md = to_markdown(
            r#"<p>x<script>alert(1)</script> <img src=x onerror=alert(1)> &lt;b&gt;bold&lt;/b&gt; <a href="javascript:alert(1)">click</a></p><style>p{}</style>"#,
        );
        assert!(!md.contains("alert"), "{md}");
        assert!(!md.contains('<') || md.contains("\\<"), "{md}");
        assert!(md.contains("\\<b\\>bold\\</b\\>"), "{md}");
        assert!(md.contains("click") && !md.contains("javascript"), "{md}");
        let md = to_markdown(r#"<a href="https://x.org/<b>(y)">z</a>"#);
        assert_eq!(md, "[z](https://x.org/%3Cb%3E(y%29)");
    }

    #[test]
    fn text_that_looks_like_markdown_is_escaped() {
        assert_eq!(to_markdown("<p># not a heading</p>"), "\\# not a heading");
        assert_eq!(to_markdown("<p>1. not a list</p>"), "1\\. not a list");
        assert_eq!(to_markdown("<p>a*b_c</p>"), "a\\*b\\_c");
    }

    #[test]
    fn entities_decode() {
        assert_eq!(
            decode_entities("a&nbsp;b &#233; &#x4E2D; &bogus; &"),
            "a\u{a0}b é 中 &bogus; &"
        );
    }

    #[test]
    fn tables_become_rows_and_nesting_is_bounded() {
        let md = to_markdown(
            "<table><tr><th>a</th><th>b|c</th></tr><tr><td>1</td><td>2</td></tr></table>",
        );
        assert_eq!(md, "| a | b\\|c |\n| 1 | 2 |");
        let deep = "<ul><li>".repeat(10_000) + "x";
        let md = to_markdown(&deep);
        assert!(md.ends_with('x'));
        assert!(md.lines().all(|l| l.len() < 200));
    }

    proptest::proptest! {
        #[test]
        fn any_text_converts_without_markup_getting_through(html in "(<[a-z/!]{0,6}[^>]{0,12}>?|&#?[a-z0-9]{0,6};?|[^<&]{0,12}){0,40}") {
            let md = to_markdown(&html);
            // Outside code blocks every `<` is escaped.
            let mut fenced = false;
            for line in md.lines() {
                if line.trim_start_matches(['>', ' ']).starts_with("```") {
                    fenced = !fenced;
                    continue;
                }
                if !fenced {
                    let mut prev = ' ';
                    for c in line.chars() {
                        proptest::prop_assert!(c != '<' || prev == '\\', "{line:?} from {html:?}");
                        prev = c;
                    }
                }
            }
        }
    }

    #[test]
    fn text_may_start_with_any_character() {
        assert_eq!(to_markdown("“quoted” <b>é</b>"), "“quoted” **é**");
    }

    #[test]
    fn broken_html_keeps_its_text() {
        assert_eq!(
            to_markdown("<p>a < b and <unclosed"),
            "a \\< b and \\<unclosed"
        );
        assert_eq!(to_markdown("plain text"), "plain text");
        assert_eq!(to_markdown(""), "");
    }
}
