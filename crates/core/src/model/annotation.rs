//! Annotations on a paper's PDF: highlights and notes pinned to a point of a page.

use serde::{Deserialize, Serialize};

use super::PaperId;

/// What an annotation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum AnnotationKind {
    /// Marked text, optionally with a comment.
    Highlight,
    /// A comment pinned to a point of a page.
    Note,
    /// Underlined text (made in another reader, Zotero's).
    Underline,
    /// A freehand drawing; its paths are in [`Annotation::shape`].
    Ink,
    /// A selected area of a page, as an image.
    Image,
    /// A text box written on the page; the text is the comment.
    Text,
}

impl AnnotationKind {
    /// The stored and printed name.
    pub fn as_str(self) -> &'static str {
        match self {
            AnnotationKind::Highlight => "highlight",
            AnnotationKind::Note => "note",
            AnnotationKind::Underline => "underline",
            AnnotationKind::Ink => "ink",
            AnnotationKind::Image => "image",
            AnnotationKind::Text => "text",
        }
    }

    /// Reads a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "highlight" => Some(AnnotationKind::Highlight),
            "note" => Some(AnnotationKind::Note),
            "underline" => Some(AnnotationKind::Underline),
            "ink" => Some(AnnotationKind::Ink),
            "image" => Some(AnnotationKind::Image),
            "text" => Some(AnnotationKind::Text),
            _ => None,
        }
    }
}

/// The colours the reader offers, by name, as `#rrggbb`.
pub const ANNOTATION_COLORS: [(&str, &str); 8] = [
    ("yellow", "#ffd400"),
    ("red", "#ff6666"),
    ("green", "#5fb236"),
    ("blue", "#2ea8e5"),
    ("purple", "#a28ae5"),
    ("magenta", "#e56eee"),
    ("orange", "#f19837"),
    ("gray", "#aaaaaa"),
];

/// The colour a highlight gets when none is named.
pub const DEFAULT_ANNOTATION_COLOR: &str = "#ffd400";

/// A colour as stored: `#rrggbb` in lower case, from that form (any case, `#rgb` too) or one
/// of the names in [`ANNOTATION_COLORS`]. `None` for anything else.
pub fn parse_color(input: &str) -> Option<String> {
    let input = input.trim();
    if let Some((_, hex)) = ANNOTATION_COLORS.iter().find(|(name, _)| {
        name.eq_ignore_ascii_case(input) || (input.eq_ignore_ascii_case("grey") && *name == "gray")
    }) {
        return Some((*hex).to_string());
    }
    let digits = input.strip_prefix('#')?;
    if !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    match digits.len() {
        6 => Some(format!("#{}", digits.to_ascii_lowercase())),
        3 => Some(digits.chars().fold(String::from("#"), |mut s, c| {
            let c = c.to_ascii_lowercase();
            s.push(c);
            s.push(c);
            s
        })),
        _ => None,
    }
}

/// A rectangle on a page in PDF user-space points, `[x1, y1, x2, y2]` with the origin at the
/// bottom left, as the PDF itself measures.
pub type PdfRect = [f64; 4];

/// One annotation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Annotation {
    /// A UUID.
    pub id: String,
    /// The paper it belongs to.
    pub paper_id: PaperId,
    /// Lowercase hex SHA-256 of the PDF it was made on.
    pub pdf_sha256: String,
    /// Highlight or note.
    pub kind: AnnotationKind,
    /// 1-based physical page.
    pub page: u32,
    /// The page's printed label, when the PDF has labels.
    pub page_label: Option<String>,
    /// `#rrggbb`.
    pub color: String,
    /// Where it is on the page; empty when it was anchored by its quote only (the reader
    /// finds the rectangles from the quote).
    pub rects: Vec<PdfRect>,
    /// What rectangles cannot say, as JSON in PDF points: an ink drawing's `paths` and
    /// `width`, a text box's `fontSize` and `rotation`. `None` for the reader's own kinds.
    pub shape: Option<String>,
    /// The exact text it marks (none for a pinned note).
    pub quote: Option<String>,
    /// Text just before the quote on the page.
    pub quote_prefix: Option<String>,
    /// Text just after the quote on the page.
    pub quote_suffix: Option<String>,
    /// Offset of the quote in the page's extracted text, in Unicode scalar values.
    pub quote_offset: Option<u32>,
    /// The user's comment (Markdown), possibly empty.
    pub comment: String,
    /// When it was made (RFC 3339).
    pub created: String,
    /// When it last changed (RFC 3339).
    pub updated: String,
}

/// A new annotation, as the reader makes it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct NewAnnotation {
    /// Highlight or note (default highlight).
    pub kind: Option<AnnotationKind>,
    /// The PDF it is made on; the paper's newest when not given.
    pub pdf_sha256: Option<String>,
    /// 1-based physical page.
    pub page: u32,
    /// The page's printed label, when known.
    pub page_label: Option<String>,
    /// `#rrggbb` or a colour name; yellow when not given.
    pub color: Option<String>,
    /// Where it is on the page.
    pub rects: Vec<PdfRect>,
    /// The exact text it marks.
    pub quote: Option<String>,
    /// Text just before the quote.
    pub quote_prefix: Option<String>,
    /// Text just after the quote.
    pub quote_suffix: Option<String>,
    /// Offset of the quote in the page text, in scalar values.
    pub quote_offset: Option<u32>,
    /// A comment.
    pub comment: Option<String>,
}

/// A change to an annotation: the fields given are set, the others kept.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AnnotationChange {
    /// A new colour (`#rrggbb` or a name).
    pub color: Option<String>,
    /// A new comment.
    pub comment: Option<String>,
    /// New rectangles (the reader re-anchored it).
    pub rects: Option<Vec<PdfRect>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_parse_from_names_and_hex() {
        assert_eq!(parse_color("yellow").as_deref(), Some("#ffd400"));
        assert_eq!(parse_color("Blue").as_deref(), Some("#2ea8e5"));
        assert_eq!(parse_color("grey").as_deref(), Some("#aaaaaa"));
        assert_eq!(parse_color("#A0B1C2").as_deref(), Some("#a0b1c2"));
        assert_eq!(parse_color("#abc").as_deref(), Some("#aabbcc"));
        assert_eq!(parse_color("chartreuse"), None);
        assert_eq!(parse_color("#12345g"), None);
        assert_eq!(parse_color("123456"), None);
    }
}
