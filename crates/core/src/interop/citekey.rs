//! Citation keys: `vaswani2017attention`, stable and unique within a library.
//!
//! A paper imported from BibTeX keeps the key it had there, so the `\cite{…}` commands of the
//! documents that use it keep working. A paper imported from several entries (a Zotero file's
//! arXiv preprint and published version of one work, under two keys) keeps every one of those
//! keys, the oldest first: that one names the paper (its notes file, its CSL-JSON and RIS
//! item). When two papers arrive with the same key, the one that entered the library first
//! keeps it. A paper left with no imported key gets a generated key, never equal to any
//! imported one: the first
//! author's surname, the year and the first title word that is not a stop word, folded to
//! lower-case ASCII. Papers sharing a base are ordered by when they entered the library (then
//! by id): the first keeps the bare base, later ones get `a`, `b`, … So a paper's key does not
//! change between runs, and adding a paper never renames an older one (removing one can shift
//! the suffixes of later namesakes).
//!
//! Keys are unique ignoring case and as file names ([`file_stem`]): BibTeX treats `Smith2020`
//! and `smith2020` as one entry, and the mirror writes `notes/<key>.md` on file systems that
//! may not tell case apart.

use std::collections::{HashMap, HashSet};

use crate::text::fold_diacritics;

const STOP_WORDS: [&str; 16] = [
    "a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "from", "by", "at", "is",
    "are", "via",
];

/// What a key is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeySource {
    /// The paper's public id (tie-breaker and map key).
    pub id: String,
    /// First author, as stored ("First Last").
    pub first_author: Option<String>,
    /// Organisation, used when there are no authors.
    pub organization: Option<String>,
    /// Year, when known.
    pub year: Option<i32>,
    /// Title.
    pub title: String,
    /// When the paper entered the library (RFC 3339), for ordering namesakes.
    pub added_at: String,
    /// The keys the paper had in the BibTeX files it was imported from, oldest first.
    pub imported: Vec<String>,
}

/// Longest imported key kept. Longer ones (rare) get a generated key.
pub const MAX_IMPORTED_KEY: usize = 100;

/// True for an imported key worth keeping: what BibTeX and biber accept in practice, short
/// enough for a file name. DBLP's `DBLP:conf/nips/VaswaniSPUJGKP17` qualifies.
pub fn is_usable_imported_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= MAX_IMPORTED_KEY
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-:./+".contains(c))
        && key.chars().any(|c| c.is_ascii_alphanumeric())
}

/// The file name (without `.md`) for a key: characters a file name cannot hold on some
/// system (`/`, `:`) become `_`, and a leading `.` would hide the file.
pub fn file_stem(key: &str) -> String {
    let stem: String = key
        .chars()
        .map(|c| {
            if matches!(c, '/' | ':' | '\\') {
                '_'
            } else {
                c
            }
        })
        .collect();
    match stem.strip_prefix('.') {
        Some(rest) => format!("_{rest}"),
        None => stem,
    }
}

/// What must differ between two keys of one library.
fn identity(key: &str) -> String {
    file_stem(key).to_ascii_lowercase()
}

/// Longest author or title word a key takes (longer ones are cut). Keys name the mirror's
/// notes files: two parts, a year and a suffix stay far below a file name's 255 bytes, where an
/// uncut 300-letter word from a source would fail every write of the mirror.
pub const MAX_KEY_PART: usize = 48;

fn ascii_word(s: &str) -> String {
    fold_diacritics(s)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(MAX_KEY_PART)
        .collect::<String>()
        .to_ascii_lowercase()
}

/// The base key before collision suffixes.
pub fn base_key(src: &KeySource) -> String {
    let author = src
        .first_author
        .as_deref()
        .map(|a| super::record::split_name(a).1)
        .or_else(|| src.organization.clone())
        .map(|a| {
            // "van Beethoven" → "beethoven": the last word carries the name.
            ascii_word(a.split_whitespace().last().unwrap_or(""))
        })
        .filter(|a| !a.is_empty())
        .unwrap_or_else(|| "anon".into());
    let year = src.year.map(|y| y.to_string()).unwrap_or_default();
    let word = src
        .title
        .split(|c: char| !c.is_alphanumeric())
        .map(ascii_word)
        .find(|w| !w.is_empty() && !STOP_WORDS.contains(&w.as_str()))
        .unwrap_or_default();
    format!("{author}{year}{word}")
}

/// Assigns keys to every paper: id → its keys, the one that names it first. A paper keeps
/// every usable imported key that no older paper holds (ignoring case and as a file name), in
/// the order given; a paper left with none gets exactly one generated key. Keys are unique
/// across the whole result, and no generated key equals any imported key, kept or not.
pub fn assign(sources: &[KeySource]) -> HashMap<String, Vec<String>> {
    let mut by_age: Vec<&KeySource> = sources.iter().collect();
    by_age.sort_by(|a, b| a.added_at.cmp(&b.added_at).then(a.id.cmp(&b.id)));
    let mut out: HashMap<String, Vec<String>> = HashMap::with_capacity(sources.len());
    // Imported keys first: the oldest paper holding one keeps it.
    let mut taken: HashSet<String> = HashSet::new();
    for s in &by_age {
        for key in s.imported.iter().filter(|k| is_usable_imported_key(k)) {
            if taken.insert(identity(key)) {
                out.entry(s.id.clone()).or_default().push(key.clone());
            }
        }
    }
    // Every imported key is reserved, even one not kept (too long, or held by an older paper
    // in another spelling): a generated key equal to it would cite the wrong entry.
    let imported: HashSet<String> = sources
        .iter()
        .flat_map(|s| s.imported.iter().map(|k| identity(k)))
        .chain(taken.iter().cloned())
        .collect();
    taken.extend(imported.iter().cloned());
    let mut groups: HashMap<String, Vec<&KeySource>> = HashMap::new();
    for s in by_age.iter().filter(|s| !out.contains_key(&s.id)) {
        groups.entry(base_key(s)).or_default().push(s);
    }
    // A bare base is reserved for its group, so a suffixed key never takes another's base.
    taken.extend(groups.keys().map(|b| identity(b)));
    let mut bases: Vec<_> = groups.into_iter().collect();
    bases.sort_by(|a, b| a.0.cmp(&b.0));
    for (base, group) in bases {
        let mut n = 0usize;
        for (i, s) in group.iter().enumerate() {
            if i == 0 && !imported.contains(&identity(&base)) {
                out.insert(s.id.clone(), vec![base.clone()]);
                continue;
            }
            loop {
                let candidate = format!("{base}{}", suffix(n));
                n += 1;
                if taken.insert(identity(&candidate)) {
                    out.insert(s.id.clone(), vec![candidate]);
                    break;
                }
            }
        }
    }
    out
}

/// `a`, `b`, …, `z`, `aa`, `ab`, …
fn suffix(mut n: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'a' + (n % 26) as u8);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(id: &str, author: &str, year: i32, title: &str, added: &str) -> KeySource {
        KeySource {
            id: id.into(),
            first_author: Some(author.into()),
            organization: None,
            year: Some(year),
            title: title.into(),
            added_at: added.into(),
            imported: vec![],
        }
    }

    #[test]
    fn keys_follow_author_year_word() {
        let s = src(
            "1",
            "Ashish Vaswani",
            2017,
            "Attention Is All You Need",
            "t1",
        );
        assert_eq!(base_key(&s), "vaswani2017attention");
        let s = src("2", "Jörg Müller", 2020, "On the Über-Model", "t1");
        assert_eq!(base_key(&s), "muller2020uber");
    }

    fn imported(key: &str, s: KeySource) -> KeySource {
        KeySource {
            imported: vec![key.into()],
            ..s
        }
    }

    /// The one key of each paper.
    fn single(keys: HashMap<String, Vec<String>>) -> HashMap<String, String> {
        keys.into_iter()
            .map(|(id, mut k)| {
                assert_eq!(k.len(), 1, "{id}: {k:?}");
                (id, k.remove(0))
            })
            .collect()
    }

    #[test]
    fn imported_keys_are_kept_and_the_oldest_holder_wins() {
        let keys = single(assign(&[
            imported(
                "DBLP:conf/nips/VaswaniSPUJGKP17",
                src("v", "Ashish Vaswani", 2017, "Attention", "2024-01"),
            ),
            // Same key ignoring case, later: generated instead.
            imported(
                "dblp:conf/nips/vaswanispujgkp17",
                src("w", "Ashish Vaswani", 2017, "Attention again", "2024-02"),
            ),
            // An imported key equal to another paper's generated base takes it; the
            // generated one moves on to a suffix.
            imported(
                "smith2020learning",
                src("i", "Zed Other", 2019, "Other", "2024-05"),
            ),
            src("g", "A Smith", 2020, "Learning", "2024-03"),
            // Not a usable key: generated.
            imported("has space", src("x", "B Jones", 2021, "Graphs", "2024-04")),
        ]));
        assert_eq!(keys["v"], "DBLP:conf/nips/VaswaniSPUJGKP17");
        assert_eq!(keys["w"], "vaswani2017attention");
        assert_eq!(keys["i"], "smith2020learning");
        assert_eq!(keys["g"], "smith2020learninga");
        assert_eq!(keys["x"], "jones2021graphs");
        assert_eq!(
            file_stem("DBLP:conf/nips/VaswaniSPUJGKP17"),
            "DBLP_conf_nips_VaswaniSPUJGKP17"
        );
        assert_eq!(file_stem(".hidden"), "_hidden");
    }

    #[test]
    fn keys_that_differ_only_as_file_names_are_not_both_given() {
        let keys = single(assign(&[
            imported("a:b", src("1", "A Smith", 2020, "X", "2024-01")),
            imported("a/b", src("2", "A Smith", 2020, "Y", "2024-02")),
            imported("A_B", src("3", "A Smith", 2020, "Z", "2024-03")),
        ]));
        assert_eq!(keys["1"], "a:b");
        assert_eq!(keys["2"], "smith2020y");
        assert_eq!(keys["3"], "smith2020z");
        let stems: HashSet<String> = keys.values().map(|k| identity(k)).collect();
        assert_eq!(stems.len(), 3);
    }

    #[test]
    fn a_paper_keeps_every_imported_key_and_generated_keys_avoid_all_of_them() {
        let pair = KeySource {
            imported: vec![
                "smith2022attention".into(),
                "smith2023attention".into(),
                // The same key in another case, from a later file: one key.
                "Smith2022Attention".into(),
            ],
            ..src("p", "A Smith", 2023, "Attention", "2024-01")
        };
        let keys = assign(&[
            pair,
            // A newer paper importing one of those keys loses it and keeps its other one.
            KeySource {
                imported: vec!["smith2023attention".into(), "other2020".into()],
                ..src("q", "B Other", 2020, "Else", "2024-02")
            },
            // A generated base equal to an imported key moves to a suffix.
            src("g", "A Smith", 2022, "Attention", "2024-03"),
            // An unusable imported key (too long): a generated key instead.
            KeySource {
                imported: vec![format!("jones2021graphs{}", "x".repeat(100))],
                ..src("x", "B Jones", 2021, "Graphs", "2024-04")
            },
        ]);
        assert_eq!(keys["p"], ["smith2022attention", "smith2023attention"]);
        assert_eq!(keys["q"], ["other2020"]);
        assert_eq!(keys["g"], ["smith2022attentiona"]);
        assert_eq!(keys["x"], ["jones2021graphs"]);
        let all: Vec<String> = keys.values().flatten().map(|k| identity(k)).collect();
        let unique: HashSet<&String> = all.iter().collect();
        assert_eq!(all.len(), unique.len(), "{keys:?}");
    }

    #[test]
    fn collisions_get_suffixes_in_library_order() {
        let keys = single(assign(&[
            src("b", "A Smith", 2020, "Learning things", "2024-02"),
            src("a", "A Smith", 2020, "Learning stuff", "2024-01"),
            src("c", "A Smith", 2020, "Learning more", "2024-03"),
        ]));
        assert_eq!(keys["a"], "smith2020learning");
        assert_eq!(keys["b"], "smith2020learninga");
        assert_eq!(keys["c"], "smith2020learningb");
        assert_eq!(suffix(26), "aa");
    }

    #[test]
    fn huge_names_and_title_words_give_keys_short_enough_for_a_file_name() {
        let long = "Supercalifragilistic".repeat(20);
        let s = src("1", &format!("Ada {long}"), -2_000_000_000, &long, "t1");
        let key = base_key(&s);
        assert!(
            key.len() <= 2 * MAX_KEY_PART + 11,
            "{} bytes: {key}",
            key.len()
        );
        assert!(key.starts_with("supercalifragilistic"));
        assert!(key.contains("-2000000000"));
        // The usual keys are untouched.
        let s = src("2", "Ashish Vaswani", 2017, "Attention", "t1");
        assert_eq!(base_key(&s), "vaswani2017attention");
    }

    #[test]
    fn no_kept_key_names_a_path_as_a_notes_file() {
        let long = "k".repeat(MAX_IMPORTED_KEY + 1);
        let hostile = [
            "..",
            ".",
            "../x",
            "../../etc/passwd",
            "/etc/passwd",
            "a/../../b",
            ".hidden",
            "DBLP:conf/nips/VaswaniSPUJGKP17",
            "C:\\x",
            "key\n",
            "",
            long.as_str(),
        ];
        for key in hostile {
            if !is_usable_imported_key(key) {
                continue;
            }
            let stem = file_stem(key);
            assert!(
                !stem.is_empty() && stem.len() <= MAX_IMPORTED_KEY,
                "{key:?} -> {stem:?}"
            );
            assert!(!stem.starts_with('.'), "{key:?} -> {stem:?}");
            assert!(!stem.contains(['/', '\\', ':']), "{key:?} -> {stem:?}");
        }
        assert!(!is_usable_imported_key(".."));
        assert!(!is_usable_imported_key(&long));
        assert_eq!(file_stem("DBLP:conf/nips/X17"), "DBLP_conf_nips_X17");
        assert_eq!(file_stem("../x"), "_._x");
    }
}
