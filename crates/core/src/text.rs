//! Text normalisation shared by importers, identity matching and search.
//!
//! Three layers, each usable on its own:
//! - [`collapse_whitespace`]: layout only (sources hard-wrap titles and abstracts).
//! - [`fold_tex`]: TeX accent commands to Unicode (`Schr\"odinger` → `Schrödinger`), for
//!   names and titles shown to people.
//! - [`fold_diacritics`]: accented Latin letters to their base letters, for keys and search.
//!
//! [`normalize_title`] stacks all three to build the title identity key.

/// Collapses runs of whitespace (including newlines) to one space and trims.
pub fn collapse_whitespace(s: &str) -> String {
    // One allocation: this runs on every title and abstract of million-line imports.
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The key two titles must share to be the same work: TeX accents folded, lower case,
/// diacritics removed, punctuation and symbols turned into separators, whitespace collapsed.
///
/// `Schr\"odinger Bridges`, `Schrödinger bridges` and `Schrodinger Bridges` share the key
/// `schrodinger bridges`; `Sparse, Dense, and Attentional` and `Sparse Dense and Attentional`
/// share theirs. Letters and digits of every script are kept, so non-Latin titles still get a
/// meaningful key.
pub fn normalize_title(title: &str) -> String {
    let folded = fold_diacritics(&fold_tex(title).to_lowercase());
    let mut out = String::with_capacity(folded.len());
    // Everything that is not a letter or digit separates words: hyphens, colons, quotes,
    // `$`, braces and backslashes differ between sources far more than the words do.
    for word in folded.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Replaces accented Latin letters by their base letters and drops combining marks:
/// `é`→`e`, `Ü`→`U`, `ø`→`o`, `ß`→`ss`, `Æ`→`AE`, `ł`→`l`. Case is preserved.
///
/// Covers Latin-1 Supplement and Latin Extended-A, which is what author names and titles on
/// arXiv use in practice, plus combining diacritical marks (U+0300–U+036F) so decomposed
/// input folds the same as precomposed. Other characters pass through unchanged.
pub fn fold_diacritics(s: &str) -> String {
    // Fast path: pure ASCII needs no work, and most titles are pure ASCII.
    if s.is_ascii() {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match fold_char(c) {
            Folded::Keep => out.push(c),
            Folded::Drop => {}
            Folded::One(b) => out.push(b),
            Folded::Two(a, b) => {
                out.push(a);
                out.push(b);
            }
        }
    }
    out
}

/// What one character folds to.
enum Folded {
    Keep,
    Drop,
    One(char),
    Two(char, char),
}

/// Base letters for U+00C0–U+00FF; `?` marks entries handled separately (ligatures, `×`, `÷`,
/// thorn, sharp s).
const LATIN1_BASE: &[u8; 64] = b"AAAAAA?CEEEEIIIIDNOOOOO?OUUUUY??aaaaaa?ceeeeiiiidnooooo?ouuuuy?y";

/// Base letters for U+0100–U+017F (Latin Extended-A); `?` marks the ligatures IJ and OE.
const LATIN_EXT_A_BASE: &[u8; 128] = b"AaAaAaCcCcCcCcDd\
DdEeEeEeEeEeGgGg\
GgGgHhHhIiIiIiIi\
Ii??JjKkkLlLlLlL\
lLlNnNnNnnNnOoOo\
Oo??RrRrRrSsSsSs\
SsTtTtTtUuUuUuUu\
UuUuWwYyYZzZzZzs";

fn fold_char(c: char) -> Folded {
    match c {
        '\u{0300}'..='\u{036F}' => Folded::Drop,
        'Æ' => Folded::Two('A', 'E'),
        'æ' => Folded::Two('a', 'e'),
        'Þ' => Folded::Two('T', 'H'),
        'þ' => Folded::Two('t', 'h'),
        'ß' => Folded::Two('s', 's'),
        '\u{1E9E}' => Folded::Two('S', 'S'),
        'Ĳ' => Folded::Two('I', 'J'),
        'ĳ' => Folded::Two('i', 'j'),
        'Œ' => Folded::Two('O', 'E'),
        'œ' => Folded::Two('o', 'e'),
        '\u{00C0}'..='\u{00FF}' => table_lookup(LATIN1_BASE, c as usize - 0xC0),
        '\u{0100}'..='\u{017F}' => table_lookup(LATIN_EXT_A_BASE, c as usize - 0x100),
        _ => Folded::Keep,
    }
}

fn table_lookup(table: &[u8], index: usize) -> Folded {
    match table[index] {
        b'?' => Folded::Keep,
        base => Folded::One(char::from(base)),
    }
}

/// Turns TeX accent and special-letter commands into Unicode and drops the braces they
/// leave: `\'a`, `\'{a}`, `{\'a}` → `á`; `\"{\i}` → `ï`; `\c{c}` → `ç`; `\ss` → `ß`;
/// `{\o}` → `ø`; `\&` → `&`.
///
/// Math (`$…$`, `$$…$$`) is copied untouched. Unknown commands (`\emph`, `\textbf`) are kept
/// verbatim together with their brace arguments, so nothing is silently lost; brace groups
/// that hold only text or folded accents (`{BERT}`, `{\"u}`) lose their braces. An accent
/// without a precomposed Unicode letter becomes base letter + combining mark.
pub fn fold_tex(s: &str) -> String {
    // Fast path: without these characters there is no TeX to fold (math needs `\` or braces
    // to contain anything foldable, and is copied verbatim anyway).
    if !s.contains(['\\', '{', '}']) {
        return s.to_owned();
    }
    TexFolder {
        src: s,
        pos: 0,
        out: String::with_capacity(s.len()),
        groups: Vec::new(),
        pending_argument: Pending::No,
    }
    .run()
}

/// An open brace group in the output.
struct Group {
    /// Byte offset of its `{` in the output, so the brace can be removed on close.
    open_at: usize,
    /// Keep the braces: the group holds an unknown command or is one's argument.
    keep: bool,
}

struct TexFolder<'a> {
    src: &'a str,
    pos: usize,
    out: String,
    groups: Vec<Group>,
    /// Whether a `{` here would be an unknown command's argument.
    pending_argument: Pending,
}

/// Whether the next `{` opens an argument of an unknown command (whose braces are kept).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pending {
    No,
    /// Right after `\name`: TeX skips spaces before the argument.
    AfterCommand,
    /// Right after an argument group: a further argument must follow immediately
    /// (`\href{a}{b}`), while `\textbf{a} {b}` is a separate group.
    AfterArgument,
}

impl TexFolder<'_> {
    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn skip_spaces(&mut self) {
        while self
            .peek()
            .is_some_and(|c| c == ' ' || c == '\t' || c == '\n' || c == '\r')
        {
            self.pos += 1;
        }
    }

    /// Reads an ASCII-letter control word name after the backslash.
    fn control_word(&mut self) -> &str {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
            self.pos += 1;
        }
        &self.src[start..self.pos]
    }

    fn run(mut self) -> String {
        while let Some(c) = self.peek() {
            match c {
                '$' => {
                    self.pending_argument = Pending::No;
                    self.copy_math();
                }
                '\\' => self.command(),
                '{' => {
                    self.pos += 1;
                    let keep = self.pending_argument != Pending::No;
                    self.pending_argument = Pending::No;
                    self.groups.push(Group {
                        open_at: self.out.len(),
                        keep,
                    });
                    self.out.push('{');
                }
                '}' => {
                    self.pos += 1;
                    match self.groups.pop() {
                        Some(group) if group.keep => {
                            self.out.push('}');
                            self.pending_argument = Pending::AfterArgument;
                        }
                        Some(group) => {
                            self.out.remove(group.open_at);
                            self.pending_argument = Pending::No;
                        }
                        // An unbalanced `}` is content, not structure.
                        None => self.out.push('}'),
                    }
                }
                _ => {
                    self.pos += c.len_utf8();
                    if !c.is_whitespace() || self.pending_argument == Pending::AfterArgument {
                        self.pending_argument = Pending::No;
                    }
                    self.out.push(c);
                }
            }
        }
        self.out
    }

    /// Copies `$…$` or `$$…$$` verbatim, honouring `\$` inside; an unclosed math run is
    /// copied to the end.
    fn copy_math(&mut self) {
        let delimiter = if self.src[self.pos..].starts_with("$$") {
            "$$"
        } else {
            "$"
        };
        let start = self.pos;
        self.pos += delimiter.len();
        while let Some(c) = self.peek() {
            if c == '\\' {
                self.pos += 1;
                self.bump();
            } else if self.src[self.pos..].starts_with(delimiter) {
                self.pos += delimiter.len();
                break;
            } else {
                self.pos += c.len_utf8();
            }
        }
        self.out.push_str(&self.src[start..self.pos]);
    }

    /// Handles a backslash at `self.pos`.
    fn command(&mut self) {
        let start = self.pos;
        self.pos += 1;
        let Some(next) = self.peek() else {
            self.out.push('\\');
            return;
        };
        if next.is_ascii_alphabetic() {
            let name = self.control_word();
            if let Some(letter) = special_letter(name) {
                // TeX swallows the spaces after a control word: `Stra\ss e` is "Straße".
                self.skip_spaces();
                self.out.push(letter);
                self.pending_argument = Pending::No;
            } else if let Some(mark) = letter_accent(name) {
                self.accent(mark, start);
            } else {
                self.unknown(start);
            }
            return;
        }
        self.pos += next.len_utf8();
        if let Some(mark) = symbol_accent(next) {
            self.accent(mark, start);
        } else if matches!(next, '$' | '%' | '&' | '#' | '_' | '{' | '}' | ' ') {
            // Escaped specials are literal characters (`\&` in "Smith \& Jones").
            self.out.push(next);
            self.pending_argument = Pending::No;
        } else if next == '-' {
            // Discretionary hyphen: invisible in the output.
        } else {
            self.unknown(start);
        }
    }

    /// Keeps an unknown command verbatim and protects its brace argument.
    fn unknown(&mut self, start: usize) {
        self.out.push_str(&self.src[start..self.pos]);
        if let Some(group) = self.groups.last_mut() {
            group.keep = true;
        }
        self.pending_argument = Pending::AfterCommand;
    }

    /// Applies an accent to its argument (`a`, `{a}`, `\i`, `{\i}`); `start` is where the
    /// command began, for verbatim fallback when the argument is not a single letter.
    fn accent(&mut self, mark: Accent, start: usize) {
        self.pending_argument = Pending::No;
        let save = self.pos;
        self.skip_spaces();
        let base = if self.peek() == Some('{') {
            self.pos += 1;
            self.skip_spaces();
            let base = self.accent_base();
            self.skip_spaces();
            match (base, self.peek()) {
                (Some(b), Some('}')) => {
                    self.pos += 1;
                    Some(b)
                }
                _ => None,
            }
        } else {
            self.accent_base()
        };
        match base {
            Some(b) => push_accented(&mut self.out, mark, b),
            None => {
                // Not something we can fold (`\'{}`, `\"{oe}`): keep the command as typed
                // and let the rest be processed normally.
                self.pos = save;
                self.out.push_str(&self.src[start..self.pos]);
            }
        }
    }

    /// One accentable letter: a plain character or `\i` / `\j` (dotless, which TeX uses
    /// under accents and Unicode folds back to `i` / `j`).
    fn accent_base(&mut self) -> Option<char> {
        let save = self.pos;
        match self.bump()? {
            '\\' => {
                let name = self.control_word();
                let base = match name {
                    "i" => 'i',
                    "j" => 'j',
                    _ => {
                        self.pos = save;
                        return None;
                    }
                };
                // A control word swallows the spaces after it: `\'\i nez`.
                self.skip_spaces();
                Some(base)
            }
            c if c.is_alphabetic() => Some(c),
            _ => {
                self.pos = save;
                None
            }
        }
    }
}

/// A TeX accent: its combining mark and the precomposed letters it forms.
#[derive(Clone, Copy)]
struct Accent {
    combining: char,
    /// Pairs of base letter and precomposed result, as a flat string.
    pairs: &'static str,
}

const ACUTE: Accent = Accent {
    combining: '\u{301}',
    pairs: "aáeéiíoóuúyýAÁEÉIÍOÓUÚYÝcćCĆnńNŃsśSŚzźZŹlĺLĹrŕRŔgǵGǴ",
};
const GRAVE: Accent = Accent {
    combining: '\u{300}',
    pairs: "aàeèiìoòuùAÀEÈIÌOÒUÙnǹNǸ",
};
const CIRCUMFLEX: Accent = Accent {
    combining: '\u{302}',
    pairs: "aâeêiîoôuûAÂEÊIÎOÔUÛcĉCĈgĝGĜhĥHĤjĵJĴsŝSŜwŵWŴyŷYŶ",
};
const DIAERESIS: Accent = Accent {
    combining: '\u{308}',
    pairs: "aäeëiïoöuüyÿAÄEËIÏOÖUÜYŸ",
};
const TILDE: Accent = Accent {
    combining: '\u{303}',
    pairs: "aãnñoõiĩuũAÃNÑOÕIĨUŨ",
};
const MACRON: Accent = Accent {
    combining: '\u{304}',
    pairs: "aāeēiīoōuūAĀEĒIĪOŌUŪ",
};
const DOT_ABOVE: Accent = Accent {
    combining: '\u{307}',
    pairs: "cċCĊeėEĖgġGĠzżZŻIİ",
};
const CEDILLA: Accent = Accent {
    combining: '\u{327}',
    pairs: "cçCÇsşSŞtţTŢgģGĢkķKĶlļLĻnņNŅrŗRŖ",
};
const CARON: Accent = Accent {
    combining: '\u{30C}',
    pairs: "cčCČsšSŠzžZŽeěEĚrřRŘnňNŇdďDĎtťTŤlľLĽ",
};
const BREVE: Accent = Accent {
    combining: '\u{306}',
    pairs: "aăAĂgğGĞuŭUŬeĕEĔiĭIĬoŏOŎ",
};
const DOUBLE_ACUTE: Accent = Accent {
    combining: '\u{30B}',
    pairs: "oőOŐuűUŰ",
};
const RING: Accent = Accent {
    combining: '\u{30A}',
    pairs: "aåAÅuůUŮ",
};
const OGONEK: Accent = Accent {
    combining: '\u{328}',
    pairs: "aąAĄeęEĘiįIĮuųUŲ",
};
const DOT_BELOW: Accent = Accent {
    combining: '\u{323}',
    pairs: "",
};
const BAR_BELOW: Accent = Accent {
    combining: '\u{331}',
    pairs: "",
};
const TIE: Accent = Accent {
    combining: '\u{361}',
    pairs: "",
};

/// Accents written as a backslash and a symbol: `\'`, `\"`, `` \` ``, `\^`, `\~`, `\=`, `\.`.
fn symbol_accent(c: char) -> Option<Accent> {
    Some(match c {
        '\'' => ACUTE,
        '`' => GRAVE,
        '^' => CIRCUMFLEX,
        '"' => DIAERESIS,
        '~' => TILDE,
        '=' => MACRON,
        '.' => DOT_ABOVE,
        _ => return None,
    })
}

/// Accents written as a one-letter control word: `\c{c}`, `\v{s}`, `\u{a}`, `\H{o}`, ….
fn letter_accent(name: &str) -> Option<Accent> {
    Some(match name {
        "c" => CEDILLA,
        "v" => CARON,
        "u" => BREVE,
        "H" => DOUBLE_ACUTE,
        "r" => RING,
        "k" => OGONEK,
        "d" => DOT_BELOW,
        "b" => BAR_BELOW,
        "t" => TIE,
        _ => return None,
    })
}

/// Letters TeX writes as control words: `\ss`, `\o`, `\aa`, `\l`, `\i`, ….
fn special_letter(name: &str) -> Option<char> {
    Some(match name {
        "ss" => 'ß',
        "SS" => '\u{1E9E}',
        "o" => 'ø',
        "O" => 'Ø',
        "aa" => 'å',
        "AA" => 'Å',
        "ae" => 'æ',
        "AE" => 'Æ',
        "oe" => 'œ',
        "OE" => 'Œ',
        "l" => 'ł',
        "L" => 'Ł',
        "i" => 'ı',
        "j" => 'ȷ',
        "dh" => 'ð',
        "DH" => 'Ð',
        "th" => 'þ',
        "TH" => 'Þ',
        "ng" => 'ŋ',
        "NG" => 'Ŋ',
        "dj" => 'đ',
        "DJ" => 'Đ',
        _ => return None,
    })
}

fn push_accented(out: &mut String, accent: Accent, base: char) {
    let mut chars = accent.pairs.chars();
    while let (Some(from), Some(to)) = (chars.next(), chars.next()) {
        if from == base {
            out.push(to);
            return;
        }
    }
    out.push(base);
    out.push(accent.combining);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_runs_collapse_to_single_spaces_and_ends_are_trimmed() {
        assert_eq!(
            collapse_whitespace("  Pointer\n  Networks \t"),
            "Pointer Networks"
        );
        assert_eq!(collapse_whitespace(" \n "), "");
    }

    #[test]
    fn symbol_accents_fold_with_and_without_braces() {
        for input in [
            r"Bal\'azs",
            r"Bal\'{a}zs",
            r"Bal{\'a}zs",
            r"Bal{\'{a}}zs",
            r"Bal\' azs",
        ] {
            assert_eq!(fold_tex(input), "Balázs", "{input}");
        }
        assert_eq!(fold_tex(r#"Schr\"odinger"#), "Schrödinger");
        assert_eq!(fold_tex(r#"M\"{u}ller {\"U}ber"#), "Müller Über");
        assert_eq!(fold_tex(r"Gr\`eve \^{o}t\'e pe\~na"), "Grève ôté peña");
        assert_eq!(fold_tex(r"\=a \.z \.{Z}"), "ā ż Ż");
    }

    #[test]
    fn letter_accents_and_special_letters_fold() {
        assert_eq!(fold_tex(r"Fran\c{c}ois"), "François");
        assert_eq!(fold_tex(r"\v{S}ediv\'y"), "Šedivý");
        assert_eq!(fold_tex(r"\u{a}"), "ă");
        assert_eq!(fold_tex(r"Erd\H{o}s"), "Erdős");
        assert_eq!(fold_tex(r"Stra\ss e"), "Straße");
        assert_eq!(fold_tex(r"{\o}ksendal \O stergaard"), "øksendal Østergaard");
        assert_eq!(fold_tex(r#"{\aa}sa \AA ngstr\"om"#), "åsa Ångström");
        assert_eq!(fold_tex(r"{\ae}on \L ukasz Pa{\l}ka"), "æon Łukasz Pałka");
    }

    #[test]
    fn dotless_i_under_an_accent_becomes_an_accented_i() {
        assert_eq!(fold_tex(r#"na\"{\i}ve"#), "naïve");
        assert_eq!(fold_tex(r"Mart\'{\i}nez"), "Martínez");
        assert_eq!(fold_tex(r"Mart\'\i nez"), "Martínez");
        assert_eq!(fold_tex(r"\i"), "ı");
    }

    #[test]
    fn accents_without_a_precomposed_letter_use_a_combining_mark() {
        assert_eq!(fold_tex(r"\d{s}"), "s\u{323}");
        assert_eq!(fold_tex(r"\'x"), "x\u{301}");
    }

    #[test]
    fn math_is_copied_verbatim() {
        assert_eq!(fold_tex(r#"$\"o$ and \"o"#), r#"$\"o$ and ö"#);
        assert_eq!(
            fold_tex(r"$O(\sqrt{n})$-time {BERT}"),
            r"$O(\sqrt{n})$-time BERT"
        );
        assert_eq!(fold_tex(r"$$\{a\}$$ {x}"), r"$$\{a\}$$ x");
    }

    #[test]
    fn unknown_commands_keep_their_braces_and_clean_groups_lose_theirs() {
        assert_eq!(
            fold_tex(r"{\emph compression} \textbf{Bold} {Plain}"),
            r"{\emph compression} \textbf{Bold} Plain"
        );
        assert_eq!(
            fold_tex(r"Smith \& Jones, 50\% off"),
            "Smith & Jones, 50% off"
        );
        assert_eq!(fold_tex("unbalanced } and {open"), "unbalanced } and {open");
    }

    #[test]
    fn unfoldable_accent_arguments_are_kept_as_typed() {
        assert_eq!(fold_tex(r#"\"{oe}"#), r#"\"oe"#);
        assert_eq!(fold_tex("trailing \\"), "trailing \\");
    }

    #[test]
    fn text_without_tex_is_returned_unchanged() {
        let s = "Émile's plain title: 100% done";
        assert_eq!(fold_tex(s), s);
    }

    #[test]
    fn diacritics_fold_to_base_letters_and_keep_case() {
        assert_eq!(
            fold_diacritics("Schrödinger Éva Ångström"),
            "Schrodinger Eva Angstrom"
        );
        assert_eq!(
            fold_diacritics("Søren Straße Æsir Œuvre Łódź"),
            "Soren Strasse AEsir OEuvre Lodz"
        );
        assert_eq!(fold_diacritics("Þór ð ĳ ſ ı"), "THor d ij s i");
        assert_eq!(fold_diacritics("e\u{301}"), "e");
        assert_eq!(fold_diacritics("× ÷ α 東京"), "× ÷ α 東京");
    }

    #[test]
    fn every_latin1_and_extended_a_letter_folds_to_ascii() {
        for c in ('\u{C0}'..='\u{17F}').filter(|c| !matches!(c, '×' | '÷')) {
            let folded = fold_diacritics(&c.to_string());
            assert!(folded.is_ascii() && !folded.is_empty(), "{c} -> {folded}");
        }
    }

    #[test]
    fn titles_differing_only_in_case_share_a_key() {
        assert_eq!(
            normalize_title(
                "On the Stability of Expressive Positional Encodings for Graph Neural Networks"
            ),
            normalize_title(
                "on the stability of expressive positional encodings for graph neural networks"
            )
        );
    }

    #[test]
    fn titles_differing_only_in_punctuation_share_a_key() {
        let key =
            normalize_title("Sparse, Dense, and Attentional Representations for Text Retrieval");
        assert_eq!(
            key,
            normalize_title("Sparse Dense and Attentional Representations for Text Retrieval")
        );
        assert_eq!(
            key,
            "sparse dense and attentional representations for text retrieval"
        );
        assert_eq!(
            normalize_title("NeuS2: Fast  Learning\n  of \"Neural\" {Surfaces}"),
            "neus2 fast learning of neural surfaces"
        );
        assert_eq!(
            normalize_title("i-RevNet: Deep Invertible Networks"),
            "i revnet deep invertible networks"
        );
    }

    #[test]
    fn tex_unicode_and_ascii_spellings_share_a_key() {
        let key = normalize_title("Schr\\\"odinger Bridges");
        assert_eq!(key, "schrodinger bridges");
        assert_eq!(key, normalize_title("Schrödinger bridges"));
        assert_eq!(key, normalize_title("Schrodinger Bridges"));
        assert_eq!(key, normalize_title("Schro\u{308}dinger Bridges"));
    }

    #[test]
    fn math_and_commands_become_plain_words_in_the_key() {
        assert_eq!(
            normalize_title(r"$k$-Sparse Autoencoders"),
            "k sparse autoencoders"
        );
        assert_eq!(normalize_title(r"The $\alpha$-Rank"), "the alpha rank");
        assert_eq!(normalize_title("  "), "");
    }
}
