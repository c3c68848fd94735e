//! One page of extracted text made fit to store, search and quote: right-to-left runs put
//! back in reading order, control and direction marks removed, and pages whose text is
//! garbage (fonts without a Unicode map) recognised instead of indexed.

/// The text of one physical page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageText {
    /// The page's text in reading order, lines separated by `\n`. Empty when the page has no
    /// text layer or its text is unusable.
    pub text: String,
    /// The extractor gave text, but it is not words: glyphs from a font with no Unicode map
    /// come out as control characters and digits. Kept as a flag so the reader can say
    /// "this page's text cannot be searched" instead of "no text".
    pub garbled: bool,
}

impl PageText {
    /// Whether the page gave usable text.
    pub fn has_text(&self) -> bool {
        !self.garbled && !self.text.trim().is_empty()
    }
}

/// Share of a line's visible characters that may be control characters before the line
/// counts as garbage. Real text has none; a font without a Unicode map gives a third or more.
const MAX_CONTROL_SHARE: f64 = 0.02;

/// A page whose dropped lines outweigh its kept ones this many times over is garbled: what
/// is left are stray glyphs of the same font that happened to map to no control character.
const GARBLED_RATIO: usize = 4;

/// Cleans one page of pdftotext's output (see the module docs). Lines from a font without a
/// Unicode map (control characters among their glyphs) are dropped, so a figure set in such a
/// font does not bury the page's real text; when what is left is a small part of the page
/// (under a fifth), the page is garbled and keeps no text.
pub fn clean_page(raw: &str) -> PageText {
    let mut text = String::with_capacity(raw.len());
    let (mut kept_chars, mut dropped_chars) = (0usize, 0usize);
    for line in raw.lines() {
        let visible = line.chars().filter(|c| !c.is_whitespace()).count();
        let controls = line
            .chars()
            .filter(|c| c.is_control() && !c.is_whitespace())
            .count();
        // One control character in a line is a stray; more than the share is a font.
        if controls > 1 && controls as f64 > visible as f64 * MAX_CONTROL_SHARE {
            dropped_chars += visible;
            continue;
        }
        kept_chars += visible;
        let line = logical_order(line);
        let line: String = line
            .chars()
            .filter(|&c| !is_direction_mark(c))
            .map(|c| if c == '\t' { ' ' } else { c })
            .filter(|c| !c.is_control())
            .collect();
        text.push_str(line.trim_end());
        text.push('\n');
    }
    if kept_chars * GARBLED_RATIO < dropped_chars {
        return PageText {
            text: String::new(),
            garbled: true,
        };
    }
    // Blank lines at the end carry nothing.
    let kept = text.trim_end().len();
    text.truncate(kept);
    PageText {
        text,
        garbled: false,
    }
}

/// Bidi embedding and isolate controls and implicit marks: layout hints, not text.
fn is_direction_mark(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

const LRE: char = '\u{202A}';
const RLE: char = '\u{202B}';
const POP: char = '\u{202C}';
const LRO: char = '\u{202D}';
const RLO: char = '\u{202E}';

/// poppler prints a right-to-left run in visual order (left to right on the page), wrapped in
/// RLE … PDF. Reading order is that run reversed, with runs nested inside it (a Latin word
/// in Arabic text, LRE … PDF) kept in their own order and moved as a unit.
fn logical_order(line: &str) -> String {
    if !line.contains(RLE) && !line.contains(RLO) {
        return line.to_string();
    }
    let chars: Vec<char> = line.chars().collect();
    let mut at = 0;
    let mut out = String::with_capacity(line.len());
    for part in parse_runs(&chars, &mut at, false) {
        part.write(&mut out);
    }
    out
}

/// A piece of a line: plain characters, or a nested run with its direction.
enum Run {
    Text(String),
    Nested { rtl: bool, parts: Vec<Run> },
}

impl Run {
    fn write(&self, out: &mut String) {
        match self {
            Run::Text(t) => out.push_str(t),
            Run::Nested { rtl: false, parts } => parts.iter().for_each(|p| p.write(out)),
            Run::Nested { rtl: true, parts } => {
                for part in parts.iter().rev() {
                    match part {
                        Run::Text(t) => out.extend(t.chars().rev()),
                        nested => nested.write(out),
                    }
                }
            }
        }
    }
}

/// Parses runs until the end of the line or the POP that closes the current level.
fn parse_runs(chars: &[char], at: &mut usize, nested: bool) -> Vec<Run> {
    let mut parts = Vec::new();
    let mut text = String::new();
    while *at < chars.len() {
        let c = chars[*at];
        *at += 1;
        match c {
            LRE | LRO | RLE | RLO => {
                if !text.is_empty() {
                    parts.push(Run::Text(std::mem::take(&mut text)));
                }
                let rtl = matches!(c, RLE | RLO);
                let inner = parse_runs(chars, at, true);
                parts.push(Run::Nested { rtl, parts: inner });
            }
            POP if nested => break,
            POP => {}
            c => text.push(c),
        }
    }
    if !text.is_empty() {
        parts.push(Run::Text(text));
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn right_to_left_runs_come_back_in_reading_order() {
        // What poppler prints for "حَبيبي" (visual order, in RLE … PDF).
        let visual = "\u{202B}\u{64A}\u{628}\u{64A}\u{628}\u{64E}\u{62D}\u{202C}";
        assert_eq!(
            clean_page(visual).text,
            "\u{62D}\u{64E}\u{628}\u{64A}\u{628}\u{64A}"
        );
        // A Latin word inside the Arabic run keeps its own order and moves as a unit.
        let mixed = "\u{202B}\u{202A} habibi\u{202C}\u{628}\u{62D}\u{202C}";
        assert_eq!(clean_page(mixed).text, "\u{62D}\u{628} habibi");
    }

    #[test]
    fn control_characters_and_tabs_are_removed_and_lines_trimmed() {
        let page = clean_page("Attention\tis all  \nyou need\u{7}\n\n\n");
        assert_eq!(page.text, "Attention is all\nyou need");
        assert!(page.has_text());
    }

    #[test]
    fn text_from_a_font_without_a_unicode_map_is_garbled_not_stored() {
        let page = clean_page("0123456789 3845 393 \u{e}4 0\u{e}4549\u{f}6\u{10}0 0\u{11}02\u{f}6");
        assert!(page.garbled);
        assert!(page.text.is_empty());
        assert!(!page.has_text());
    }

    #[test]
    fn a_figure_in_a_font_without_a_unicode_map_is_dropped_and_the_text_kept() {
        let page =
            clean_page("Real text of the paper.\n\u{14} \u{3}+RWVSRW\u{3}4\nMore real text.");
        assert!(!page.garbled);
        assert_eq!(page.text, "Real text of the paper.\nMore real text.");
    }

    #[test]
    fn an_image_only_page_has_no_text() {
        let page = clean_page("\n");
        assert!(!page.garbled);
        assert!(!page.has_text());
    }

    #[test]
    fn chinese_text_is_kept_as_it_is() {
        let page = clean_page("一般化学方程式\n热化学方程式\n");
        assert_eq!(page.text, "一般化学方程式\n热化学方程式");
    }
}
