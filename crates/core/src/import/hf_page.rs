//! Hugging Face paper-search / Daily Papers page text, as users copy it from the browser.
//!
//! Browsers flatten a page into lines in one of two shapes, and one page may mix their quirks:
//!
//! * blank-line separated blocks: a title, its abstract, then a trailer such as
//!   `  • 7 authors` / `·` / `Oct 4, 2023` (the date may lack its year and may carry the upvote
//!   count glued after it: `May 21 2`). An organisation may stand in for the author count, as
//!   its handle and display name on one line with no separator (`acme-lab Acme Lab` / `·` /
//!   `May 22`), and one page mixes both kinds;
//! * alternating title / abstract lines with no blank lines and no trailer, behind a header glued
//!   to the first title (`SubscribeAnalyzing Vision Transformers…`).
//!
//! Parsing runs in two passes. First every line is classified on its own: blank, page chrome,
//! trailer (author count, organisation, date, upvotes), or prose. Then a small state machine walks
//! the lines: a title opens a paper, the next prose line becomes its abstract when it can be one,
//! and a trailer date completes it. Whether prose is a title or an abstract is decided by a shape
//! score *and* by the slot the line would fill, so an odd line costs at most its own entry and
//! never shifts the pairings after it.

use super::SkippedEntry;
use crate::model::{NewPaper, PartialDate};
use crate::text::collapse_whitespace;

/// What a page yielded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HfPageParse {
    /// Papers in page order.
    pub papers: Vec<NewPaper>,
    /// Blocks that looked like papers but could not be read.
    pub skipped: Vec<SkippedEntry>,
}

/// Longest line read as a title or an abstract (real abstracts are a few kilobytes).
const MAX_LINE_BYTES: usize = 256 << 10;

/// Parses the text of one page.
///
/// Never fails: lines that are page chrome are dropped silently, and entries that look like
/// papers but cannot be read (an abstract with no title before it, a lone one-word line) are
/// reported in [`HfPageParse::skipped`] with their 1-based line number. Titles and abstracts are
/// whitespace-collapsed, dates are kept partial (a year is never invented) and `arxiv_id` is left
/// empty, since page text carries no ids.
pub fn parse(text: &str) -> HfPageParse {
    // Every line is classified first: whether a prose line is an organisation trailer depends
    // on the lines after it.
    let kinds: Vec<Kind> = split_lines(text)
        .into_iter()
        .map(|raw| {
            if raw.len() > MAX_LINE_BYTES {
                Kind::TooLong
            } else {
                classify(&normalize_line(raw))
            }
        })
        .collect();
    let mut parser = Parser::default();
    // Set after a bare `Submitted by` line: the next line is the submitter's user name.
    let mut expect_submitter = false;
    for (index, kind) in kinds.iter().enumerate() {
        let line = index + 1;
        if matches!(kind, Kind::TooLong) {
            // No title or abstract is this long: a damaged or wrong file. Reading it as prose
            // would only make a megabyte-long "title".
            parser.close();
            parser.out.skipped.push(SkippedEntry {
                line,
                reason: format!(
                    "line longer than {} KiB, too long for a title or an abstract",
                    MAX_LINE_BYTES >> 10
                ),
            });
            continue;
        }
        if expect_submitter && !matches!(kind, Kind::Blank) {
            expect_submitter = false;
            if matches!(kind, Kind::Text(t) if is_user_name(t)) {
                continue;
            }
        }
        if matches!(kind, Kind::SubmittedBy) {
            expect_submitter = true;
        }
        if let Kind::Text(text) = kind {
            if parser.is_organization_line(text, &kinds[index + 1..]) {
                // `acme-lab Acme Lab` / `·` / `May 22`: the card's organisation, never a title.
                parser.trailer(Trailer {
                    organization: Some(text.clone()),
                    ..Trailer::default()
                });
                continue;
            }
        }
        parser.feed(line, kind.clone());
    }
    parser.finish()
}

// ---------------------------------------------------------------------------------------------
// Lines

/// Splits on `\n`, `\r\n` and lone `\r`, keeping one entry per input line so that line numbers
/// in [`SkippedEntry`] match what an editor shows.
fn split_lines(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                lines.push(&text[start..i]);
                start = i + 1;
            }
            b'\r' => {
                lines.push(&text[start..i]);
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < text.len() {
        lines.push(&text[start..]);
    }
    lines
}

/// Drops invisible characters (BOM, zero-width space, soft hyphen, stray controls) and collapses
/// whitespace, which also folds tabs and non-breaking spaces.
fn normalize_line(raw: &str) -> String {
    let visible: String = raw
        .chars()
        .filter(|&c| {
            !matches!(c, '\u{feff}' | '\u{200b}' | '\u{2060}' | '\u{00ad}')
                && (!c.is_control() || c.is_whitespace())
        })
        .collect();
    collapse_whitespace(&visible)
}

/// What one line is, judged on its own.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Blank,
    /// Longer than [`MAX_LINE_BYTES`]: reported, never read.
    TooLong,
    /// Page furniture: navigation, headers, pagers, counters. (Day headers such as `Dec 8` are
    /// [`Kind::Date`]s, dropped when no card's trailer is open.)
    Chrome,
    /// A bare `Submitted by` line; the user name follows on the next line.
    SubmittedBy,
    /// A line made only of `·` / `•`: the middle of a card trailer.
    Separator,
    /// Author count, organisation, date or upvotes of the card above.
    Trailer(Trailer),
    /// A bare date, either a card's trailer date or a day header.
    Date(DateStamp),
    /// Prose: a title or an abstract.
    Text(String),
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Trailer {
    author_count: Option<u32>,
    organization: Option<String>,
    date: Option<DateStamp>,
    upvotes: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct DateStamp {
    date: PartialDate,
    upvotes: Option<u32>,
}

/// Characters Hugging Face (and copy-paste) use between trailer fields.
const SEPARATORS: [char; 5] = ['•', '·', '∙', '⋅', '‧'];

fn classify(line: &str) -> Kind {
    if line.is_empty() {
        return Kind::Blank;
    }
    if line.chars().all(|c| SEPARATORS.contains(&c) || c == ' ') {
        return Kind::Separator;
    }
    let line = strip_glued_chrome(line);
    if line.is_empty() {
        return Kind::Chrome;
    }
    if line
        .trim_end_matches(':')
        .eq_ignore_ascii_case("submitted by")
    {
        return Kind::SubmittedBy;
    }
    // Before the chrome check: `· 42` has no letters but is a trailer, not a page number.
    if let Some(trailer) = parse_trailer(line) {
        return Kind::Trailer(trailer);
    }
    if is_chrome(line) {
        return Kind::Chrome;
    }
    if let Some(n) = parse_author_count(line) {
        return Kind::Trailer(Trailer {
            author_count: Some(n),
            ..Trailer::default()
        });
    }
    if let Some(stamp) = parse_date(line) {
        return Kind::Date(stamp);
    }
    Kind::Text(line.to_string())
}

// ---------------------------------------------------------------------------------------------
// Chrome

/// Whole lines that are page furniture, compared lower-cased with a trailing `:` dropped.
/// Only words and phrases no paper title consists of on its own belong here.
const CHROME_LINES: &[&str] = &[
    "new",
    "subscribe",
    "daily papers",
    "trending papers",
    "top papers",
    "byak and the research community",
    "get trending papers in your email inbox!",
    "get trending papers in your email inbox once a day!",
    "previous",
    "prev",
    "next",
    "previous page",
    "next page",
    "search",
    "search papers",
    "search any paper",
    "search any paper...",
    "sort by",
    "trending",
    "upvote",
    "upvotes",
    "most upvoted",
    "most recent",
    "recent",
    "newest",
    "relevance",
    "top",
    "today",
    "daily",
    "weekly",
    "monthly",
    "this week",
    "this month",
    "view all",
    "see all",
    "show more",
    "load more",
    "paper page",
    "papers",
    "abstract",
    "authors",
    "comments",
    "community",
    "collections",
    "models",
    "datasets",
    "spaces",
    "posts",
    "docs",
    "pricing",
    "enterprise",
    "join the community",
    "sign up",
    "log in",
    "login",
    "hugging face",
    "arxiv",
    "pdf",
    "code",
    "github",
    "project page",
    "view pdf",
    "view arxiv page",
    "add to collection",
    "cite arxiv",
    "back to top",
];

/// Words that, with numbers, make up pagers and counters (`Previous 1 2 3 … Next`,
/// `Page 2 of 10`, `199 papers`, `Upvote 42`).
const PAGER_WORDS: &[&str] = &[
    "previous", "prev", "next", "page", "of", "first", "last", "…", "...", "«", "»", "‹", "›", "<",
    ">", "←", "→", "results", "result", "papers", "paper", "upvote", "upvotes", "comment",
    "comments", "likes", "stars",
];

/// Chrome that copy-paste glues to the start of the next line (`SubscribeAnalyzing …`), with
/// whether a space may separate it from what follows. Phrases ending in a letter are only
/// stripped when a capital letter or digit follows, so `Subscribers …` stays a title.
const GLUED_CHROME: &[(&str, bool)] = &[
    ("Get trending papers in your email inbox once a day!", true),
    ("Get trending papers in your email inbox!", true),
    ("byAK and the research community", true),
    ("Subscribe", true),
    ("Daily Papers", false),
];

/// Removes chrome phrases glued in front of real text, repeatedly.
fn strip_glued_chrome(mut line: &str) -> &str {
    'again: loop {
        for &(phrase, allow_space) in GLUED_CHROME {
            let Some(head) = line.get(..phrase.len()) else {
                continue;
            };
            if !head.eq_ignore_ascii_case(phrase) {
                continue;
            }
            let rest = &line[phrase.len()..];
            let trimmed = rest.trim_start();
            if trimmed.is_empty() || (!allow_space && trimmed.len() != rest.len()) {
                continue;
            }
            let boundary_ok = phrase.ends_with(|c: char| !c.is_alphanumeric())
                || trimmed.chars().next().is_some_and(|c| {
                    c.is_uppercase() || c.is_ascii_digit() || "\"'“‘(".contains(c)
                });
            if boundary_ok {
                line = trimmed;
                continue 'again;
            }
        }
        return line;
    }
}

/// Whole-line chrome: the list above plus shape rules. Conservative: a line is chrome only when
/// it could not plausibly be a paper title.
fn is_chrome(line: &str) -> bool {
    let lower = line.to_lowercase();
    let key = lower.trim_end_matches(':').trim_end();
    if CHROME_LINES.contains(&key) {
        return true;
    }
    // Page numbers, ellipses, arrows, upvote counts, `#3`.
    if !line.chars().any(char::is_alphabetic) {
        return true;
    }
    // Lazily: a prose line fails at its first word, without collecting them all.
    if key
        .split_whitespace()
        .all(|w| PAGER_WORDS.contains(&w) || is_count_token(w))
    {
        return true;
    }
    let short = || key.split_whitespace().nth(6).is_none();
    ((key.starts_with("submitted by ")
        || key.starts_with("view all ")
        || key.starts_with("sort by "))
        && short())
        || (key.starts_with("get trending papers") && key.len() <= 80)
}

/// `12`, `1,234`, `3.2k`, `12K`, `1.1M`: counters, never title words.
fn is_count_token(word: &str) -> bool {
    let digits = word.trim_end_matches(['k', 'K', 'm', 'M']);
    !digits.is_empty()
        && digits.starts_with(|c: char| c.is_ascii_digit())
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
}

/// A user name after `Submitted by`: one short token.
fn is_user_name(text: &str) -> bool {
    !text.contains(' ') && text.chars().count() <= 40
}

// ---------------------------------------------------------------------------------------------
// Trailers and dates

/// One field of a trailer line.
enum Segment {
    Authors(u32),
    Date(DateStamp),
    Upvotes(u32),
    Chrome,
    Other(String),
}

/// Reads a line holding trailer fields joined by `·` / `•` (`  • 7 authors`, `· Meta AI`,
/// `7 authors · Oct 4, 2023`). Free text counts as an organisation only when the line starts
/// with a separator or another field is recognised, so a title containing `·` stays a title.
fn parse_trailer(line: &str) -> Option<Trailer> {
    if !line.contains(SEPARATORS) {
        return None;
    }
    let leading = line.starts_with(SEPARATORS);
    let segments: Vec<Segment> = line
        .split(SEPARATORS)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            if let Some(n) = parse_author_count(s) {
                Segment::Authors(n)
            } else if let Some(stamp) = parse_date(s) {
                Segment::Date(stamp)
            } else if let Some(n) = parse_number(s, 7) {
                Segment::Upvotes(n)
            } else if is_chrome(s) {
                Segment::Chrome
            } else {
                Segment::Other(s.to_string())
            }
        })
        .collect();
    let has_field = segments.iter().any(|s| {
        matches!(
            s,
            Segment::Authors(_) | Segment::Date(_) | Segment::Upvotes(_)
        )
    });
    let mut trailer = Trailer::default();
    for segment in segments {
        match segment {
            Segment::Authors(n) => {
                trailer.author_count.get_or_insert(n);
            }
            Segment::Date(stamp) => {
                trailer.date.get_or_insert(stamp);
            }
            Segment::Upvotes(n) => {
                trailer.upvotes.get_or_insert(n);
            }
            Segment::Chrome => {}
            Segment::Other(text) => {
                if (leading || has_field)
                    && trailer.organization.is_none()
                    && looks_like_organization(&text)
                {
                    trailer.organization = Some(text);
                } else {
                    return None;
                }
            }
        }
    }
    // A leading separator with nothing readable still marks the card's trailer.
    (leading || trailer != Trailer::default()).then_some(trailer)
}

/// `Google DeepMind`, `Meta AI`: short, no sentence punctuation.
fn looks_like_organization(text: &str) -> bool {
    text.chars().count() <= 80
        && text.split_whitespace().count() <= 8
        && text.chars().any(char::is_alphabetic)
        && !text.ends_with('.')
        && sentence_breaks(text) == 0
}

/// Whether the lines after a prose line are the rest of a card trailer: a `·` line, then the
/// date (`·` / `May 22`, or `· May 22` on one line), blank lines allowed in between. Only a
/// trailer's organisation line stands right before that; a title is followed by its abstract
/// or its author count.
fn opens_date_trailer(after: &[Kind]) -> bool {
    let mut rest = after.iter().filter(|k| !matches!(k, Kind::Blank));
    match rest.next() {
        Some(Kind::Separator) => matches!(
            rest.next(),
            Some(Kind::Date(_) | Kind::Trailer(Trailer { date: Some(_), .. }))
        ),
        // `· May 22`: the date alone. A trailer naming authors or an organisation itself
        // (`acme-lab Acme Lab · May 22`) follows a title, not an organisation line.
        Some(Kind::Trailer(t)) => {
            t.date.is_some() && t.author_count.is_none() && t.organization.is_none()
        }
        _ => false,
    }
}

/// An organisation line without a separator (`acme-lab Acme Lab`, `openbmb`): short, one
/// phrase. Looser than [`looks_like_organization`] about a final period (`Acme Labs Inc.`),
/// since the lines after it already say it is a trailer.
fn looks_like_organization_line(text: &str) -> bool {
    text.chars().count() <= 100
        && text.split_whitespace().count() <= 10
        && text.chars().any(char::is_alphabetic)
        && sentence_breaks(text) == 0
}

/// The display name of an organisation line. Hugging Face writes an organisation as its
/// avatar's handle and then its display name (`acme-lab Acme Lab`, `Qwen Qwen`); the handle is
/// dropped when it is recognisably one: a single token of handle characters with no capital
/// letter, or the display name's own letters (`OpenGVLab OpenGVLab`). Otherwise the line is
/// the name as it stands (`Google DeepMind`, `Meta AI`).
fn organization_name(text: &str) -> String {
    let Some((handle, name)) = text.split_once(' ') else {
        return text.to_string();
    };
    let handle_like = handle
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    let folded = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let is_handle = handle_like
        && (!handle.chars().any(|c| c.is_ascii_uppercase())
            || folded(name).starts_with(&folded(handle)));
    if is_handle {
        name.to_string()
    } else {
        text.to_string()
    }
}

/// `7 authors`, `1 author` (any case).
fn parse_author_count(text: &str) -> Option<u32> {
    let mut words = text.split_whitespace();
    let (n, word) = (words.next()?, words.next()?);
    if words.next().is_some() {
        return None;
    }
    let word = word.to_ascii_lowercase();
    (word == "author" || word == "authors")
        .then(|| parse_number(n, 6))
        .flatten()
}

/// ASCII digits only, at most `max_digits` of them (so the value always fits a `u32`).
fn parse_number(text: &str, max_digits: usize) -> Option<u32> {
    let ok =
        !text.is_empty() && text.len() <= max_digits && text.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| text.parse().ok()).flatten()
}

/// Reads `Oct 4, 2023`, `May 22` (no year: kept partial), `Mar 2024`, with an optional upvote
/// count glued after it (`May 21 2`, `Oct 4, 2023 17`) and an optional `Published on` prefix.
///
/// A number after a comma is a year; a lone number after the day without a comma is the upvote
/// count (Hugging Face always writes the year with a comma), so `Sep 30 25` is Sep 30 with 25
/// upvotes and `May 21 2024` is May 21 with 2024 upvotes rather than an invented year. Only
/// `day year upvotes` without a comma reads the middle number as a year.
fn parse_date(text: &str) -> Option<DateStamp> {
    let text = strip_prefix_ignore_case(text, "published on ").unwrap_or(text);
    // A date has at most five tokens (`Oct 4 , 2023 17`); stop reading long lines early.
    let tokens = date_tokens(text, 5)?;
    let (month_token, rest) = tokens.split_first()?;
    let month = parse_month(month_token)?;
    let first = *rest.first()?;

    // `Mar 2024`: month and year only.
    if first.len() == 4 {
        let year = parse_year(first)?;
        return (rest.len() == 1).then_some(DateStamp {
            date: PartialDate {
                year: Some(year),
                month: Some(month),
                day: None,
            },
            upvotes: None,
        });
    }

    let day = u8::try_from(parse_number(first, 2)?).ok()?;
    let mut i = 1;
    let mut year = None;
    if rest.get(i) == Some(&",") {
        year = Some(parse_year(rest.get(i + 1)?)?);
        i += 2;
    } else if rest.len() == i + 2 && parse_number(rest[i + 1], 7).is_some() {
        // `May 21 2024 17`: two numbers after the day can only be year then upvotes.
        year = Some(parse_year(rest[i])?);
        i += 1;
    }
    let mut upvotes = None;
    if let Some(token) = rest.get(i) {
        upvotes = Some(parse_number(token, 7)?);
        i += 1;
    }
    if i != rest.len() || day == 0 || day > days_in_month(month, year) {
        return None;
    }
    Some(DateStamp {
        date: PartialDate {
            year,
            month: Some(month),
            day: Some(day),
        },
        upvotes,
    })
}

/// The whitespace-separated words of `text` with each comma a token of its own
/// (`Oct 4, 2023` → `Oct` `4` `,` `2023`), or `None` once there are more than `max`, so a long
/// line costs no more than its first few words.
fn date_tokens(text: &str, max: usize) -> Option<Vec<&str>> {
    let mut tokens = Vec::with_capacity(max);
    for word in text.split_whitespace() {
        for (i, piece) in word.split(',').enumerate() {
            if i > 0 {
                tokens.push(",");
            }
            if !piece.is_empty() {
                tokens.push(piece);
            }
            if tokens.len() > max {
                return None;
            }
        }
    }
    Some(tokens)
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// `Oct`, `October`, `Sept.`; at least three ASCII letters so `Ma` or `Mayo` are not months.
fn parse_month(token: &str) -> Option<u8> {
    let name = token.strip_suffix('.').unwrap_or(token);
    if name.len() < 3 || !name.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    PartialDate::month_from_name(name)
}

fn parse_year(token: &str) -> Option<i32> {
    let year = i32::try_from(parse_number(token, 4)?).ok()?;
    (1900..=2199).contains(&year).then_some(year)
}

/// Longest valid day; February allows the 29th unless the year is known not to be a leap year.
fn days_in_month(month: u8, year: Option<i32>) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 => match year {
            Some(y) if !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) => 28,
            _ => 29,
        },
        _ => 31,
    }
}

// ---------------------------------------------------------------------------------------------
// Titles versus abstracts

/// A line at least this long is always an abstract: titles essentially never reach it.
const ALWAYS_ABSTRACT_CHARS: usize = 400;
/// Right after a title that still lacks its abstract, prose scoring at least this is the
/// abstract. Lenient, because the structure already says an abstract comes next.
const ABSTRACT_IN_SLOT: i32 = -1;
/// With no title waiting, prose scoring at most this opens a new paper; above it the line is an
/// abstract that lost its title and is skipped.
const TITLE_OUT_OF_SLOT: i32 = 0;

/// How much a line reads like an abstract (positive) rather than a title (negative).
///
/// Abstracts are long prose of several sentences ending with a period; titles are short, rarely
/// contain a sentence break and rarely end with a period.
fn prose_score(text: &str) -> i32 {
    let chars = text.chars().count();
    if chars >= ALWAYS_ABSTRACT_CHARS {
        return 10;
    }
    let mut score = match chars {
        0..80 => -3,
        80..150 => -2,
        150..250 => -1,
        _ => 1,
    };
    let breaks = sentence_breaks(text);
    score += match breaks {
        0 => -1,
        1 => 1,
        _ => 2,
    };
    // Titles almost never end with a period; even a one-sentence abstract does.
    if text.ends_with('.') && !text.ends_with("..") {
        score += 2;
    }
    let lower = text.to_lowercase();
    const OPENERS: [&str; 7] = [
        "we ",
        "in this paper",
        "in this work",
        "this paper",
        "this work",
        "here we",
        "here, we",
    ];
    if OPENERS.iter().any(|o| lower.starts_with(o)) {
        score += 2;
    }
    // `Name: subtitle` is the commonest title shape.
    let early_colon = text
        .char_indices()
        .take(60)
        .any(|(i, c)| c == ':' && text[i + 1..].starts_with(' '));
    if early_colon && breaks == 0 {
        score -= 1;
    }
    score
}

/// Counts `word. Next` sentence boundaries, ignoring abbreviations (`vs.`, `e.g.`, `et al.`)
/// and initials, which titles do contain.
fn sentence_breaks(text: &str) -> usize {
    const ABBREVIATIONS: [&str; 14] = [
        "vs", "al", "etc", "cf", "fig", "figs", "eq", "approx", "resp", "no", "vol", "dr", "prof",
        "inc",
    ];
    let words: Vec<&str> = text.split_whitespace().collect();
    words
        .windows(2)
        .filter(|pair| {
            let Some(stem) = pair[0].strip_suffix('.') else {
                return false;
            };
            let is_abbreviation = stem.chars().count() <= 1
                || stem.contains('.')
                || ABBREVIATIONS.contains(&stem.to_lowercase().as_str());
            !is_abbreviation
                && pair[1]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
        })
        .count()
}

// ---------------------------------------------------------------------------------------------
// Assembly

/// The paper being read.
struct OpenPaper {
    /// Line of its title, for the skip report.
    line: usize,
    paper: NewPaper,
    has_abstract: bool,
    /// A separator, count, organisation or date has been seen: no more prose belongs here.
    in_trailer: bool,
}

impl OpenPaper {
    fn new(line: usize, title: String) -> Self {
        OpenPaper {
            line,
            paper: NewPaper {
                title,
                ..NewPaper::default()
            },
            has_abstract: false,
            in_trailer: false,
        }
    }

    fn awaits_abstract(&self) -> bool {
        !self.has_abstract && !self.in_trailer
    }
}

#[derive(Default)]
struct Parser {
    open: Option<OpenPaper>,
    out: HfPageParse,
}

impl Parser {
    fn feed(&mut self, line: usize, kind: Kind) {
        match kind {
            Kind::Blank | Kind::TooLong | Kind::Chrome | Kind::SubmittedBy => {}
            Kind::Separator => {
                if let Some(open) = &mut self.open {
                    open.in_trailer = true;
                }
            }
            Kind::Trailer(trailer) => self.trailer(trailer),
            Kind::Date(stamp) => {
                // A bare date belongs to the open card only inside its trailer or when it carries
                // upvotes; otherwise it is a day header (`Dec 8`) and must not date the paper.
                let is_card_date = self
                    .open
                    .as_ref()
                    .is_some_and(|o| o.in_trailer || stamp.upvotes.is_some());
                if is_card_date {
                    self.trailer(Trailer {
                        date: Some(stamp),
                        ..Trailer::default()
                    });
                }
            }
            Kind::Text(text) => self.text(line, text),
        }
    }

    /// Whether a prose line is a card's organisation line: the lines after it finish a trailer,
    /// it reads as a name, and it is not the short abstract of a card still waiting for one.
    fn is_organization_line(&self, text: &str, after: &[Kind]) -> bool {
        let awaits_abstract = self.open.as_ref().is_some_and(OpenPaper::awaits_abstract);
        opens_date_trailer(after)
            && looks_like_organization_line(text)
            && !(awaits_abstract && prose_score(text) >= ABSTRACT_IN_SLOT)
    }

    fn text(&mut self, line: usize, text: String) {
        let score = prose_score(&text);
        if let Some(open) = self.open.as_mut().filter(|o| o.awaits_abstract()) {
            if score >= ABSTRACT_IN_SLOT {
                open.paper.abstract_text = text;
                open.has_abstract = true;
                return;
            }
        }
        self.close();
        if score <= TITLE_OUT_OF_SLOT {
            self.open = Some(OpenPaper::new(line, text));
        } else {
            // Any trailer that follows belonged to this entry and is dropped with it, since
            // `open` stays empty.
            self.out.skipped.push(SkippedEntry {
                line,
                reason: "abstract-like text with no title before it".into(),
            });
        }
    }

    fn trailer(&mut self, trailer: Trailer) {
        let Some(open) = self.open.as_mut() else {
            // Top-of-page chrome, or the trailer of an entry already skipped.
            return;
        };
        open.in_trailer = true;
        let paper = &mut open.paper;
        if let Some(n) = trailer.author_count {
            paper.author_count.get_or_insert(n);
        }
        if let Some(org) = trailer.organization {
            paper.organization.get_or_insert(organization_name(&org));
        }
        if let Some(n) = trailer.upvotes {
            paper.upvotes.get_or_insert(n);
        }
        if let Some(stamp) = trailer.date {
            paper.published = Some(stamp.date);
            if let Some(n) = stamp.upvotes {
                paper.upvotes.get_or_insert(n);
            }
            // The date ends a card.
            self.close();
        }
    }

    fn close(&mut self) {
        let Some(open) = self.open.take() else {
            return;
        };
        // One word with neither abstract nor trailer is far likelier unknown chrome (`Trending`,
        // a user name) than a paper; report it instead of inventing a paper.
        let lone = !open.has_abstract && !open.in_trailer;
        if lone && open.paper.title.split_whitespace().count() < 2 {
            self.out.skipped.push(SkippedEntry {
                line: open.line,
                reason: "a lone one-word line with no abstract or trailer (probably page chrome)"
                    .into(),
            });
        } else {
            self.out.papers.push(open.paper);
        }
    }

    fn finish(mut self) -> HfPageParse {
        self.close();
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENCODING: &str = include_str!("../../tests/fixtures/hf-pages/hf-search-encoding.txt");
    const REPRESENTATIONS: &str =
        include_str!("../../tests/fixtures/hf-pages/hf-search-representations.txt");

    const ORGANISATIONS: &str =
        include_str!("../../tests/fixtures/hf-pages/crafted/hf-search-organisations.txt");

    /// A realistic abstract: several sentences, a few hundred characters.
    const ABSTRACT: &str = "We study how transformers represent structure in their hidden states. \
        Our analysis covers several model families and training regimes. We find that simple \
        linear probes recover most of the structure, and that it emerges early in training. \
        These results suggest new ways to interpret and steer large models.";

    fn find<'a>(parse: &'a HfPageParse, title: &str) -> &'a NewPaper {
        parse
            .papers
            .iter()
            .find(|p| p.title == title)
            .unwrap_or_else(|| panic!("no paper titled {title:?}"))
    }

    fn month_day(month: u8, day: u8) -> PartialDate {
        PartialDate {
            year: None,
            month: Some(month),
            day: Some(day),
        }
    }

    fn assert_no_chrome_titles(parse: &HfPageParse) {
        for paper in &parse.papers {
            assert!(
                !is_chrome(&paper.title),
                "chrome became a title: {:?}",
                paper.title
            );
            assert!(
                parse_date(&paper.title).is_none(),
                "date became a title: {:?}",
                paper.title
            );
            assert!(!paper.title.contains("Subscribe"), "{:?}", paper.title);
            assert!(
                !paper.title.contains("trending papers"),
                "{:?}",
                paper.title
            );
        }
    }

    #[test]
    fn encoding_fixture_yields_exactly_35_papers() {
        let parse = parse(ENCODING);
        assert_eq!(parse.papers.len(), 35, "skipped: {:?}", parse.skipped);
        assert!(parse.skipped.is_empty(), "{:?}", parse.skipped);
        assert_eq!(
            parse.papers[0].title,
            "On the Stability of Expressive Positional Encodings for Graph Neural Networks"
        );
        assert_eq!(
            parse.papers[34].title,
            "Sparse Autoencoders Enable Scalable and Reliable Circuit Identification in Language Models"
        );
        for paper in &parse.papers {
            assert!(paper.abstract_text.len() > 1000, "{}", paper.title);
            assert!(paper.author_count.is_some(), "{}", paper.title);
            assert!(paper.published.is_some(), "{}", paper.title);
            assert!(paper.arxiv_id.is_none());
        }
        assert_no_chrome_titles(&parse);
    }

    #[test]
    fn encoding_fixture_spot_checks_read_counts_dates_and_upvotes() {
        let parse = parse(ENCODING);
        let stability = find(
            &parse,
            "On the Stability of Expressive Positional Encodings for Graph Neural Networks",
        );
        assert_eq!(stability.author_count, Some(7));
        assert_eq!(stability.published, Some(PartialDate::ymd(2023, 10, 4)));
        assert_eq!(stability.upvotes, None);
        assert!(stability
            .abstract_text
            .starts_with("Designing effective positional encodings for graphs"));

        let meta = find(
            &parse,
            "Meta-Learning an In-Context Transformer Model of Human Higher Visual Cortex",
        );
        assert_eq!(meta.published, Some(month_day(5, 21)));
        assert_eq!(meta.upvotes, Some(2));
        assert_eq!(meta.author_count, Some(9));

        let brain = find(
            &parse,
            "Transformer brain encoders explain human high-level visual responses",
        );
        assert_eq!(brain.published, Some(month_day(5, 22)));
        assert_eq!(brain.author_count, Some(3));

        let single = find(
            &parse,
            "Decoding specialised feature neurons in LLMs with the final projection layer",
        );
        assert_eq!(single.author_count, Some(1));
        assert_eq!(single.published, Some(month_day(1, 5)));
    }

    #[test]
    fn representations_fixture_yields_exactly_199_papers() {
        let parse = parse(REPRESENTATIONS);
        assert_eq!(parse.papers.len(), 199, "skipped: {:?}", parse.skipped);
        assert!(parse.skipped.is_empty(), "{:?}", parse.skipped);
        assert_eq!(
            parse.papers[0].title,
            "Analyzing Vision Transformers for Image Classification in Class Embedding Space"
        );
        assert!(parse.papers[0]
            .abstract_text
            .starts_with("Despite the growing use of transformer models in computer vision"));
        assert_eq!(
            parse.papers[198].title,
            "Need is All You Need: Homeostatic Neural Networks Adapt to Concept Shift"
        );
        for paper in &parse.papers {
            assert!(paper.abstract_text.len() > 500, "{}", paper.title);
            assert!(paper.title.len() < 200, "{}", paper.title);
            assert_eq!(paper.published, None);
        }
        let short = find(&parse, "Object Detectors Emerge in Deep Scene CNNs");
        assert!(short
            .abstract_text
            .starts_with("With the success of new computational"));
        assert_no_chrome_titles(&parse);
    }

    #[test]
    fn chrome_lines_never_become_titles() {
        let chrome = [
            "new",
            "Get trending papers in your email inbox!",
            "Get trending papers in your email inbox once a day!",
            "Subscribe",
            "Daily Papers",
            "byAK and the research community",
            "Dec 8",
            "Dec 8, 2024",
            "Previous",
            "Next",
            "Search",
            "Sort by",
            "Trending",
            "Upvotes",
            "1",
            "2",
            "Previous 1 2 3 … 10 Next",
            "Page 2 of 10",
            "View all",
            "View all 199 papers",
            "Submitted by akhaliq",
            "Paper page",
            "3.2k",
            "#1",
        ];
        let mut page = chrome.join("\n");
        page.push_str(&format!("\nPointer Networks\n{ABSTRACT}\n"));
        page.push_str(&chrome.join("\n\n"));
        let parse = parse(&page);
        assert_eq!(parse.papers.len(), 1, "{:?}", parse.papers);
        assert_eq!(parse.papers[0].title, "Pointer Networks");
        assert_eq!(
            parse.papers[0].published, None,
            "a day header dated the paper"
        );
        assert!(parse.skipped.is_empty(), "{:?}", parse.skipped);
    }

    #[test]
    fn submitter_name_on_its_own_line_is_chrome() {
        let page = format!("Submitted by\nakhaliq\nPointer Networks\n{ABSTRACT}\n");
        let parse = parse(&page);
        assert_eq!(parse.papers.len(), 1);
        assert_eq!(parse.papers[0].title, "Pointer Networks");
        assert!(parse.skipped.is_empty(), "{:?}", parse.skipped);
    }

    #[test]
    fn organisation_trailer_sets_organization() {
        let page = format!(
            "Gemini: A Family of Highly Capable Multimodal Models\n\n{ABSTRACT}\n\n  • Google DeepMind\n·\nMar 3, 2024\n\n\
             Llama 2: Open Foundation and Fine-Tuned Chat Models\n\n{ABSTRACT}\n\n· Meta AI\n·\nJul 18\n\n\
             Segment Anything\n\n{ABSTRACT}\n\n  • 12 authors · Meta AI · Apr 5, 2023 40\n"
        );
        let parse = parse(&page);
        assert_eq!(parse.papers.len(), 3, "{:?}", parse.skipped);
        assert_eq!(
            parse.papers[0].organization.as_deref(),
            Some("Google DeepMind")
        );
        assert_eq!(parse.papers[0].author_count, None);
        assert_eq!(
            parse.papers[0].published,
            Some(PartialDate::ymd(2024, 3, 3))
        );
        assert_eq!(parse.papers[1].organization.as_deref(), Some("Meta AI"));
        assert_eq!(parse.papers[1].published, Some(month_day(7, 18)));
        assert_eq!(parse.papers[2].organization.as_deref(), Some("Meta AI"));
        assert_eq!(parse.papers[2].author_count, Some(12));
        assert_eq!(parse.papers[2].upvotes, Some(40));
    }

    fn ymd(year: Option<i32>, month: u8, day: u8) -> Option<PartialDate> {
        Some(PartialDate {
            year,
            month: Some(month),
            day: Some(day),
        })
    }

    /// The crafted page mixes author-count and organisation trailers, each with every date
    /// shape (with or without a year, with or without glued upvotes), plus the organisation
    /// line's siblings: behind a bullet, a bare handle, glued to its date, after an author
    /// count, around blank lines, on a card with no abstract.
    #[test]
    fn organisations_fixture_reads_both_trailer_kinds_with_every_date_variant() {
        let parse = parse(ORGANISATIONS);
        assert!(parse.skipped.is_empty(), "{:?}", parse.skipped);
        let got: Vec<_> = parse
            .papers
            .iter()
            .map(|p| {
                (
                    p.title.as_str(),
                    p.author_count,
                    p.organization.as_deref(),
                    p.published,
                    p.upvotes,
                )
            })
            .collect();
        let want = [
            (
                "Sparse Routing Improves Mixture-of-Experts Language Models",
                Some(7),
                None,
                ymd(Some(2023), 10, 4),
                None,
            ),
            (
                "Scaling Retrieval-Augmented Generation to Billions of Documents",
                None,
                Some("Acme Lab"),
                ymd(None, 5, 22),
                None,
            ),
            (
                "Contrastive Pretraining for Protein Structure Prediction",
                Some(3),
                None,
                ymd(None, 5, 21),
                Some(2),
            ),
            (
                "Efficient Attention for Long Video Understanding",
                None,
                Some("NVIDIA"),
                ymd(Some(2023), 10, 4),
                Some(17),
            ),
            (
                "Probing Linear Representations of Truth in Language Models",
                Some(1),
                None,
                ymd(None, 1, 5),
                None,
            ),
            (
                "On-Device Speech Recognition with Quantized Transducers",
                None,
                Some("MIT Han Lab"),
                ymd(Some(2024), 3, 3),
                None,
            ),
            (
                "Benchmarking Foundation Models for Clinical Text",
                None,
                Some("Stanford CRFM"),
                ymd(None, 7, 18),
                Some(5),
            ),
            (
                "Curriculum Learning for Mathematical Reasoning",
                Some(4),
                None,
                ymd(Some(2023), 11, 16),
                Some(12),
            ),
            (
                "Open Datasets for Instruction Tuning at Scale",
                None,
                Some("Allen Institute for AI"),
                ymd(Some(2024), 3, 3),
                None,
            ),
            (
                "Small Language Models as Efficient Agents",
                None,
                Some("openbmb"),
                ymd(None, 7, 18),
                Some(5),
            ),
            (
                "Reinforcement Learning from Verifiable Rewards for Code",
                None,
                Some("DeepSeek"),
                ymd(None, 2, 19),
                None,
            ),
            (
                "Multilingual Tokenizers Without Vocabulary Bias",
                Some(5),
                Some("Acme Lab"),
                ymd(Some(2023), 11, 16),
                None,
            ),
            (
                "Vision Encoders Trained on Synthetic Images",
                None,
                Some("Qwen"),
                ymd(None, 9, 30),
                Some(25),
            ),
            (
                "Memory-Efficient Fine-Tuning with Low-Rank Gradients",
                None,
                Some("AI at Meta"),
                ymd(Some(2022), 4, 18),
                None,
            ),
            (
                "Calibrated Uncertainty for Weather Forecasting Models",
                None,
                Some("Google"),
                ymd(Some(2022), 12, 10),
                Some(3),
            ),
            (
                "Interpreting Chess Engines with Sparse Autoencoders",
                Some(6),
                None,
                ymd(Some(2023), 8, 21),
                None,
            ),
        ];
        assert_eq!(got, want);
        for paper in &parse.papers {
            let no_abstract = paper.title == "Vision Encoders Trained on Synthetic Images";
            assert_eq!(
                paper.abstract_text.is_empty(),
                no_abstract,
                "{}",
                paper.title
            );
            assert!(
                paper.abstract_text.is_empty() || paper.abstract_text.ends_with('.'),
                "{}",
                paper.title
            );
        }
        // No trailer line became a title or an abstract.
        for line in ORGANISATIONS.lines().map(normalize_line) {
            if matches!(classify(&line), Kind::Text(_)) && line.split_whitespace().count() <= 4 {
                assert!(
                    parse
                        .papers
                        .iter()
                        .all(|p| p.title != line && p.abstract_text != line),
                    "trailer line {line:?} became a paper field"
                );
            }
        }
        assert_no_chrome_titles(&parse);
    }

    #[test]
    fn organisation_line_never_becomes_a_paper_of_its_own() {
        for org in ["acme-lab Acme Lab", "openbmb", "Acme Research Labs Inc."] {
            for date in ["May 22", "Oct 4, 2023", "May 21 2", "Oct 4, 2023 17"] {
                let page = format!(
                    "Pointer Networks\n\n{ABSTRACT}\n\n{org}\n·\n{date}\n\n\
                     Attention Is All You Need\n\n{ABSTRACT}\n\n  • 8 authors\n·\n{date}\n"
                );
                let parse = parse(&page);
                let titles: Vec<&str> = parse.papers.iter().map(|p| p.title.as_str()).collect();
                assert_eq!(
                    titles,
                    ["Pointer Networks", "Attention Is All You Need"],
                    "{org} {date}"
                );
                assert!(parse.skipped.is_empty(), "{:?}", parse.skipped);
                let stamp = parse_date(date).unwrap();
                for paper in &parse.papers {
                    assert_eq!(paper.published, Some(stamp.date), "{org} {date}");
                    assert_eq!(paper.upvotes, stamp.upvotes, "{org} {date}");
                }
                assert_eq!(parse.papers[0].author_count, None);
                assert_eq!(parse.papers[1].author_count, Some(8));
                assert!(parse.papers[0].organization.is_some());
            }
        }
    }

    #[test]
    fn organisation_trailer_with_no_card_above_is_dropped() {
        let page = format!(
            "Daily Papers\n\nacme-lab Acme Lab\n·\nMay 22\n\nPointer Networks\n\n{ABSTRACT}\n"
        );
        let parse = parse(&page);
        assert_eq!(parse.papers.len(), 1, "{:?}", parse.papers);
        assert_eq!(parse.papers[0].title, "Pointer Networks");
        assert_eq!(parse.papers[0].organization, None);
        assert_eq!(parse.papers[0].published, None);
    }

    #[test]
    fn short_abstract_before_a_bare_separator_stays_the_abstract() {
        let page = "Pointer Networks\nWe propose a new architecture for graphs.\n·\nMay 2\n";
        let parse = parse(page);
        assert_eq!(parse.papers.len(), 1, "{:?}", parse.papers);
        assert_eq!(
            parse.papers[0].abstract_text,
            "We propose a new architecture for graphs."
        );
        assert_eq!(parse.papers[0].organization, None);
        assert_eq!(parse.papers[0].published, Some(month_day(5, 2)));
    }

    #[test]
    fn organisation_names_drop_a_recognisable_handle_only() {
        for (line, name) in [
            ("acme-lab Acme Lab", "Acme Lab"),
            ("nvidia NVIDIA", "NVIDIA"),
            ("facebook AI at Meta", "AI at Meta"),
            ("Qwen Qwen", "Qwen"),
            ("OpenGVLab OpenGVLab", "OpenGVLab"),
            ("openbmb", "openbmb"),
            ("Google DeepMind", "Google DeepMind"),
            ("Meta AI", "Meta AI"),
            ("Acme Lab", "Acme Lab"),
        ] {
            assert_eq!(organization_name(line), name, "{line}");
            assert_eq!(organization_name(name), name, "applied twice: {line}");
        }
    }

    #[test]
    fn glued_upvotes_after_a_yearless_date_are_read_as_upvotes() {
        let page = format!("Pointer Networks\n\n{ABSTRACT}\n\n  • 3 authors\n·\nSep 30 25\n");
        let parse = parse(&page);
        assert_eq!(parse.papers.len(), 1);
        assert_eq!(parse.papers[0].published, Some(month_day(9, 30)));
        assert_eq!(parse.papers[0].upvotes, Some(25));
        assert_eq!(parse.papers[0].author_count, Some(3));
    }

    #[test]
    fn full_date_with_glued_upvotes_keeps_year_and_upvotes() {
        let page = format!("Pointer Networks\n\n{ABSTRACT}\n\n  • 3 authors\n·\nOct 4, 2023 17\n");
        let parse = parse(&page);
        assert_eq!(
            parse.papers[0].published,
            Some(PartialDate::ymd(2023, 10, 4))
        );
        assert_eq!(parse.papers[0].upvotes, Some(17));
    }

    #[test]
    fn dates_never_invent_a_year() {
        let stamp = parse_date("May 22").unwrap();
        assert_eq!((stamp.date, stamp.upvotes), (month_day(5, 22), None));
        let stamp = parse_date("May 21 2024").unwrap();
        assert_eq!((stamp.date, stamp.upvotes), (month_day(5, 21), Some(2024)));
        let stamp = parse_date("May 21 2024 17").unwrap();
        assert_eq!(
            (stamp.date, stamp.upvotes),
            (PartialDate::ymd(2024, 5, 21), Some(17))
        );
        let stamp = parse_date("Published on September 3, 2021").unwrap();
        assert_eq!(stamp.date, PartialDate::ymd(2021, 9, 3));
        for not_a_date in [
            "Feb 30",
            "May 0",
            "Mayo 3",
            "Ma 3",
            "May",
            "May 3, 24",
            "May 3 x",
            "Mar 99999999999",
        ] {
            assert!(parse_date(not_a_date).is_none(), "{not_a_date}");
        }
    }

    #[test]
    fn paper_without_trailer_is_followed_directly_by_next_title() {
        let page = format!(
            "Pointer Networks\n\n{ABSTRACT}\n\nSequence to Sequence Learning with Neural Networks\n\n{ABSTRACT}\n\n  • 3 authors\n·\nSep 10, 2014\n"
        );
        let parse = parse(&page);
        assert_eq!(parse.papers.len(), 2);
        assert_eq!(parse.papers[0].title, "Pointer Networks");
        assert_eq!(parse.papers[0].published, None);
        assert_eq!(parse.papers[0].author_count, None);
        assert_eq!(parse.papers[1].author_count, Some(3));
        assert_eq!(
            parse.papers[1].published,
            Some(PartialDate::ymd(2014, 9, 10))
        );
    }

    #[test]
    fn day_header_after_a_trailerless_paper_does_not_date_it() {
        let page = format!(
            "Pointer Networks\n{ABSTRACT}\nDec 8, 2024\nAttention Is All You Need\n{ABSTRACT}\n"
        );
        let parse = parse(&page);
        assert_eq!(parse.papers.len(), 2);
        assert!(parse.papers.iter().all(|p| p.published.is_none()));
    }

    #[test]
    fn crlf_bom_nbsp_tabs_and_trailing_spaces_are_tolerated() {
        let page = format!(
            "\u{feff}new\r\n\r\nDaily Papers  \r\n\r\nPointer\u{a0}Networks \t\r\n\r\n{ABSTRACT}\t \r\n\r\n\u{a0}\u{a0}•\u{a0}3 authors\r\n·\r\nJun 9, 2015\u{a0}\r\n\r\nAttention\tIs All You Need\r\n{ABSTRACT}\r\n"
        );
        let parse = parse(&page);
        assert_eq!(parse.papers.len(), 2, "{:?}", parse.skipped);
        assert_eq!(parse.papers[0].title, "Pointer Networks");
        assert_eq!(parse.papers[0].author_count, Some(3));
        assert_eq!(
            parse.papers[0].published,
            Some(PartialDate::ymd(2015, 6, 9))
        );
        assert_eq!(parse.papers[0].abstract_text, collapse_whitespace(ABSTRACT));
        assert_eq!(parse.papers[1].title, "Attention Is All You Need");
    }

    #[test]
    fn glued_subscribe_is_stripped_but_real_words_are_kept() {
        let page = format!(
            "Get trending papers in your email inbox!SubscribeAnalyzing Vision Transformers\n{ABSTRACT}\nSubscribers and Lurkers in Online Communities\n{ABSTRACT}\n"
        );
        let parse = parse(&page);
        assert_eq!(parse.papers.len(), 2);
        assert_eq!(parse.papers[0].title, "Analyzing Vision Transformers");
        assert_eq!(
            parse.papers[1].title,
            "Subscribers and Lurkers in Online Communities"
        );
    }

    #[test]
    fn title_only_entry_does_not_desync_later_pairs() {
        let page = format!(
            "SubscribeFirst Paper About Graphs\n{ABSTRACT}\nA Title With No Abstract\nThird Paper About Vision\n{ABSTRACT}\nFourth Paper About Speech\n{ABSTRACT}\n"
        );
        let parse = parse(&page);
        let titles: Vec<&str> = parse.papers.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "First Paper About Graphs",
                "A Title With No Abstract",
                "Third Paper About Vision",
                "Fourth Paper About Speech"
            ]
        );
        assert_eq!(parse.papers[1].abstract_text, "");
        assert!(parse
            .papers
            .iter()
            .enumerate()
            .all(|(i, p)| i == 1 || p.abstract_text == collapse_whitespace(ABSTRACT)));
    }

    #[test]
    fn two_abstracts_in_a_row_skip_the_second_without_desync() {
        let page = format!(
            "First Paper About Graphs\n{ABSTRACT}\n{ABSTRACT}\nSecond Paper About Vision\n{ABSTRACT}\n"
        );
        let parse = parse(&page);
        let titles: Vec<&str> = parse.papers.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(
            titles,
            ["First Paper About Graphs", "Second Paper About Vision"]
        );
        assert_eq!(parse.skipped.len(), 1);
        assert_eq!(parse.skipped[0].line, 3);
    }

    #[test]
    fn abstract_without_title_is_skipped_with_its_line_number() {
        let page = format!("Daily Papers\n\n{ABSTRACT}\n\n  • 4 authors\n·\nMay 2\n\nPointer Networks\n\n{ABSTRACT}\n");
        let parse = parse(&page);
        assert_eq!(parse.papers.len(), 1);
        assert_eq!(parse.papers[0].title, "Pointer Networks");
        assert_eq!(parse.papers[0].author_count, None, "orphan trailer leaked");
        assert_eq!(parse.skipped.len(), 1);
        assert_eq!(parse.skipped[0].line, 3);
        assert!(parse.skipped[0].reason.contains("no title"));
    }

    #[test]
    fn short_abstract_after_its_title_is_still_the_abstract() {
        let page = "Pointer Networks\nWe propose a new architecture. It learns to point.\nAttention Is All You Need\nThe dominant sequence transduction models are recurrent or convolutional networks.\n";
        let parse = parse(page);
        assert_eq!(parse.papers.len(), 2);
        assert_eq!(
            parse.papers[0].abstract_text,
            "We propose a new architecture. It learns to point."
        );
        assert!(parse.papers[1].abstract_text.starts_with("The dominant"));
    }

    #[test]
    fn lone_one_word_line_is_skipped_not_a_paper() {
        let page = format!("Bookmarks\nPointer Networks\n{ABSTRACT}\n");
        let parse = parse(&page);
        assert_eq!(parse.papers.len(), 1);
        assert_eq!(parse.skipped.len(), 1);
        assert_eq!(parse.skipped[0].line, 1);
    }

    #[test]
    fn titles_with_abbreviations_or_questions_stay_titles() {
        for title in [
            "Sparse vs. Dense Retrieval for Open-Domain QA",
            "How do neurons operate on sparse distributed representations? A mathematical theory of sparsity, neurons and active dendrites",
            "Convergent Learning: Do different neural networks learn the same representations?",
        ] {
            assert!(prose_score(title) <= -2, "{title}: {}", prose_score(title));
        }
    }

    #[test]
    fn empty_and_garbage_input_yield_no_papers() {
        for page in [
            "",
            "\u{feff}",
            "\n\n\r\n\r",
            "   \t\u{a0}  ",
            "·\n•\n·",
            "12\n34\n…\n→",
            "Dec 8\nMay 22, 2024\n",
            "  • 7 authors\n·\nOct 4, 2023\n",
            "new\nSubscribe\nDaily Papers\n",
        ] {
            let parse = parse(page);
            assert!(parse.papers.is_empty(), "{page:?}: {:?}", parse.papers);
        }
    }

    /// xorshift64: a tiny deterministic generator, so the fuzz-style test needs no dependency.
    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.0 = x;
            x
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn arbitrary_input_never_panics() {
        const PIECES: &[&str] = &[
            "\n",
            "\r\n",
            "\r",
            " ",
            "\t",
            "\u{a0}",
            "\u{feff}",
            "\u{200b}",
            "·",
            "•",
            "  • ",
            ",",
            ".",
            ". ",
            "May",
            "Sep",
            "21",
            "30",
            "2024",
            "4294967296",
            "99999999999",
            "authors",
            "author",
            "Subscribe",
            "Get trending papers in your email inbox!",
            "Daily Papers",
            "Feb 30",
            "Published on ",
            "We propose",
            "A",
            "é",
            "漢字",
            "🤗",
            "\u{0}",
            ":",
            "?",
            ABSTRACT,
        ];
        let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
        for _ in 0..3000 {
            let mut page = String::new();
            for _ in 0..rng.below(60) {
                match rng.below(4) {
                    0 => {
                        let bytes: Vec<u8> = (0..rng.below(12)).map(|_| rng.next() as u8).collect();
                        page.push_str(&String::from_utf8_lossy(&bytes));
                    }
                    1 => page.push(char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('?')),
                    _ => page.push_str(PIECES[rng.below(PIECES.len())]),
                }
            }
            let lines = split_lines(&page).len();
            let parse = parse(&page);
            for paper in &parse.papers {
                assert!(!paper.title.is_empty());
                assert_eq!(paper.title, collapse_whitespace(&paper.title));
                assert!(!is_chrome(&paper.title), "{:?}", paper.title);
            }
            for skipped in &parse.skipped {
                assert!((1..=lines).contains(&skipped.line), "{page:?}");
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Speed: `parse_date` and `is_chrome` stop early on long lines. The versions below are the
    // earlier ones, which read whole lines; the rewrites must agree with them on every input.

    fn parse_date_reference(text: &str) -> Option<DateStamp> {
        let text = strip_prefix_ignore_case(text, "published on ").unwrap_or(text);
        let spaced = text.replace(',', " , ");
        let tokens: Vec<&str> = spaced.split_whitespace().collect();
        let (month_token, rest) = tokens.split_first()?;
        let month = parse_month(month_token)?;
        let first = *rest.first()?;
        if first.len() == 4 {
            let year = parse_year(first)?;
            return (rest.len() == 1).then_some(DateStamp {
                date: PartialDate {
                    year: Some(year),
                    month: Some(month),
                    day: None,
                },
                upvotes: None,
            });
        }
        let day = u8::try_from(parse_number(first, 2)?).ok()?;
        let mut i = 1;
        let mut year = None;
        if rest.get(i) == Some(&",") {
            year = Some(parse_year(rest.get(i + 1)?)?);
            i += 2;
        } else if rest.len() == i + 2 && parse_number(rest[i + 1], 7).is_some() {
            year = Some(parse_year(rest[i])?);
            i += 1;
        }
        let mut upvotes = None;
        if let Some(token) = rest.get(i) {
            upvotes = Some(parse_number(token, 7)?);
            i += 1;
        }
        if i != rest.len() || day == 0 || day > days_in_month(month, year) {
            return None;
        }
        Some(DateStamp {
            date: PartialDate {
                year,
                month: Some(month),
                day: Some(day),
            },
            upvotes,
        })
    }

    fn is_chrome_reference(line: &str) -> bool {
        let lower = line.to_lowercase();
        let key = lower.trim_end_matches(':').trim_end();
        if CHROME_LINES.contains(&key) {
            return true;
        }
        if !line.chars().any(char::is_alphabetic) {
            return true;
        }
        let words: Vec<&str> = key.split_whitespace().collect();
        if words
            .iter()
            .all(|w| PAGER_WORDS.contains(w) || is_count_token(w))
        {
            return true;
        }
        let short = words.len() <= 6;
        (short
            && (key.starts_with("submitted by ")
                || key.starts_with("view all ")
                || key.starts_with("sort by ")))
            || (key.starts_with("get trending papers") && key.len() <= 80)
    }

    /// Every line of both fixtures, raw and normalised, and every trailer segment in them.
    fn fixture_lines() -> Vec<String> {
        let mut out = Vec::new();
        for page in [ENCODING, REPRESENTATIONS] {
            for raw in split_lines(page) {
                let line = normalize_line(raw);
                for segment in line.split(SEPARATORS) {
                    out.push(segment.trim().to_string());
                }
                out.push(raw.to_string());
                out.push(line);
            }
        }
        out
    }

    #[test]
    fn early_stopping_date_and_chrome_checks_agree_with_the_whole_line_versions_on_the_fixtures() {
        let lines = fixture_lines();
        assert!(lines.len() > 1000, "{}", lines.len());
        let mut dates = 0;
        for line in &lines {
            let date = parse_date(line);
            dates += usize::from(date.is_some());
            assert_eq!(date, parse_date_reference(line), "{line:?}");
            assert_eq!(is_chrome(line), is_chrome_reference(line), "{line:?}");
        }
        assert!(dates > 50, "the fixtures hold dates: {dates}");
    }

    /// Lines built from date and chrome pieces, so near misses are common.
    fn date_like_line() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            proptest::sample::select(
                &[
                    "Oct",
                    "oct.",
                    "Sept.",
                    "May",
                    "Feb",
                    "Mar",
                    "Ma",
                    "Mayo",
                    "december",
                    "4",
                    "29",
                    "30",
                    "31",
                    "0",
                    "2023",
                    "2100",
                    "1899",
                    "17",
                    "1234567",
                    "12345678",
                    ",",
                    ", ",
                    " , ",
                    ",,",
                    "Published on ",
                    "published on",
                    " ",
                    "  ",
                    "\t",
                    "\u{a0}",
                    "·",
                    "•",
                    "authors",
                    "Page",
                    "of",
                    "next",
                    "Next",
                    "3.2k",
                    "…",
                    "Submitted by ",
                    "view all ",
                    "Sort by ",
                    "Get trending papers",
                    ":",
                    "Σ",
                    "\u{212a}",
                    "İ",
                    "papers",
                    "a",
                ][..]
            )
            .prop_map(str::to_string),
            "[a-zA-Z0-9 ,.:]{0,6}",
            any::<char>().prop_map(String::from),
        ];
        proptest::collection::vec(piece, 0..12).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        #[test]
        fn early_stopping_date_and_chrome_checks_agree_with_the_whole_line_versions(
            line in date_like_line()
        ) {
            proptest::prop_assert_eq!(parse_date(&line), parse_date_reference(&line));
            proptest::prop_assert_eq!(is_chrome(&line), is_chrome_reference(&line));
            let normalized = normalize_line(&line);
            proptest::prop_assert_eq!(parse_date(&normalized), parse_date_reference(&normalized));
            proptest::prop_assert_eq!(is_chrome(&normalized), is_chrome_reference(&normalized));
        }
    }

    /// About 5 MB of hostile page text parses in a debug build within the normal test run: one
    /// line repeated, near-miss `Published on` dates, trailer-like lines full of separators,
    /// long lines just under and over the per-line limit, and both real pages. (No timing
    /// assertion: the test only has to finish.)
    #[test]
    fn five_megabytes_of_adversarial_text_parse_in_one_pass() {
        let mut page = String::with_capacity(5_300_000);
        let repeat = |page: &mut String, unit: &str, bytes: usize| {
            let end = page.len() + bytes;
            while page.len() < end {
                page.push_str(unit);
            }
        };
        repeat(
            &mut page,
            "Attention Is All You Need for Graph Neural Networks\n",
            1_000_000,
        );
        repeat(
            &mut page,
            "Published on Oct 4, 2023 17 18\nPublished on Feb 30, 2023\n",
            800_000,
        );
        repeat(
            &mut page,
            " • 7 authors · Meta AI · Oct 4 · 12 · Next · 3.2k\n",
            800_000,
        );
        repeat(
            &mut page,
            "SubscribeSubscribe Daily Papers\n\n\r\n",
            300_000,
        );
        // One line just under the limit, made of sentences, and one just over it.
        let sentences = "We did it. Then more, e.g. this: Oct 4, 2023 · ";
        let mut long = String::new();
        repeat(&mut long, sentences, MAX_LINE_BYTES - 2 * sentences.len());
        page.push_str(&long);
        page.push('\n');
        repeat(&mut page, "word ", MAX_LINE_BYTES + 10);
        page.push('\n');
        repeat(&mut page, ENCODING, 400_000);
        repeat(&mut page, REPRESENTATIONS, 1_300_000);
        assert!(page.len() > 5_000_000, "{}", page.len());

        let parse = parse(&page);
        let lines = split_lines(&page).len();
        assert!(parse.papers.len() > 10_000, "{}", parse.papers.len());
        assert!(parse
            .skipped
            .iter()
            .any(|s| s.reason.starts_with("line longer than")));
        for s in &parse.skipped {
            assert!((1..=lines).contains(&s.line));
        }
        for paper in &parse.papers {
            assert!(!paper.title.is_empty());
            assert!(paper.title.len() <= MAX_LINE_BYTES);
        }
    }
}
