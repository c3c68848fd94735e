//! arXiv identifiers: parsing every form users paste, normalised to the id without version.
//!
//! The grammar and the normalisation order follow arXiv's identifier documentation
//! (info.arxiv.org/help/arxiv_identifier.html) plus one Papershelf rule: an old-style id's
//! optional subject class is dropped (`math.GT/0309136` → `math/0309136`), matching arXiv's
//! own abs URLs, so one paper has one key.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A validated arXiv id without version: `2310.02579`, `0704.0001` or old style `hep-th/9901001`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ArxivId(String);

/// Why a string is not an arXiv id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{input}' is not an arXiv id: {reason}")]
pub struct ArxivIdError {
    /// What was given.
    pub input: String,
    /// What is wrong with it.
    pub reason: String,
}

/// The arXiv DOI prefix; what follows it is the id (DOIs are case-insensitive).
const ARXIV_DOI_PREFIX: &str = "10.48550/arxiv.";

/// Prefixes that may come before the id or the DOI, stripped in this order.
const ID_PREFIXES: [&str; 6] = [
    "arxiv:",
    "doi:",
    "https://doi.org/",
    "http://doi.org/",
    "https://dx.doi.org/",
    "http://dx.doi.org/",
];

/// Hosts whose paths carry the id; `www.` and `export.` are arXiv mirrors of the same pages.
const URL_PREFIXES: [&str; 5] = [
    "arxiv.org/abs/",
    "arxiv.org/pdf/",
    "huggingface.co/papers/",
    "www.arxiv.org/",
    "export.arxiv.org/",
];

impl ArxivId {
    /// Parses any accepted form and returns the id plus the version when one was given.
    ///
    /// Accepted: bare ids (`2310.02579`, `2310.02579v2`, `hep-th/9901001`,
    /// `math.GT/0309136v1`), `arXiv:` ids, the arXiv DOI (`10.48550/arXiv.2310.02579`, also
    /// behind `doi:` or `https://doi.org/`), and arXiv abs/pdf or Hugging Face paper URLs
    /// (query, fragment and `.pdf` ignored). Normalisation runs in this order: trim → strip
    /// `arXiv:`/DOI prefixes → strip URL parts → split `vN` → validate the grammar.
    pub fn parse(input: &str) -> Result<(ArxivId, Option<u32>), ArxivIdError> {
        parse_inner(input).map_err(|reason| ArxivIdError {
            input: input.to_string(),
            reason,
        })
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True for pre-April-2007 ids of the form `archive/YYMMNNN`.
    pub fn is_old_style(&self) -> bool {
        self.0.contains('/')
    }

    /// The abstract page, `https://arxiv.org/abs/<id>` (latest version).
    pub fn abs_url(&self) -> String {
        format!("https://arxiv.org/abs/{}", self.0)
    }

    /// The PDF, `https://arxiv.org/pdf/<id>` (latest version).
    pub fn pdf_url(&self) -> String {
        format!("https://arxiv.org/pdf/{}", self.0)
    }
}

impl fmt::Display for ArxivId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Strips `prefix` when `s` starts with it, ignoring ASCII case.
fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

fn parse_inner(input: &str) -> Result<(ArxivId, Option<u32>), String> {
    let mut s = input.trim();
    if s.is_empty() {
        return Err("empty".into());
    }

    // Step 2: `arXiv:` / DOI prefixes. `doi:https://doi.org/…` is odd but harmless, so every
    // prefix is tried once, in order.
    for prefix in ID_PREFIXES {
        if let Some(rest) = strip_prefix_ci(s, prefix) {
            s = rest;
        }
    }
    // Citations write `arXiv: 2310.02579` too.
    s = s.trim_start();
    if let Some(rest) = strip_prefix_ci(s, ARXIV_DOI_PREFIX) {
        s = rest;
    } else if is_doi(s) {
        return Err(
            "a DOI that is not arXiv's (10.48550/arXiv.…); a publisher DOI names the published \
             version, not the e-print"
                .into(),
        );
    }

    // Step 3: URLs. The scheme is optional because people paste `arxiv.org/abs/…` too.
    let (without_scheme, had_scheme) =
        match strip_prefix_ci(s, "https://").or_else(|| strip_prefix_ci(s, "http://")) {
            Some(rest) => (rest, true),
            None => (s, false),
        };
    let mut is_url = false;
    for prefix in URL_PREFIXES {
        if let Some(mut rest) = strip_prefix_ci(without_scheme, prefix) {
            // `www.` and `export.` hosts still need their `abs/` or `pdf/` path.
            if prefix.ends_with(".org/") {
                match strip_prefix_ci(rest, "abs/").or_else(|| strip_prefix_ci(rest, "pdf/")) {
                    Some(r) => rest = r,
                    None => return Err("an arXiv URL that is not an /abs/ or /pdf/ page".into()),
                }
            }
            s = rest;
            is_url = true;
            break;
        }
    }
    if had_scheme && !is_url {
        return Err("a URL that is not an arXiv abs/pdf page or a Hugging Face paper page".into());
    }
    if let Some(end) = s.find(['?', '#']) {
        s = &s[..end];
    }
    if is_url {
        // A trailing slash is URL noise, not part of the id.
        s = s.strip_suffix('/').unwrap_or(s);
    }
    if let Some(tail) = s.len().checked_sub(4).and_then(|i| s.get(i..)) {
        if tail.eq_ignore_ascii_case(".pdf") {
            s = &s[..s.len() - 4];
        }
    }
    if s.is_empty() {
        return Err("nothing left after removing the prefix".into());
    }

    // Step 4: version.
    let (core, version) = split_version(s)?;

    // Step 5: grammar.
    if core.contains("..") {
        return Err("contains '..' (looks like a file path)".into());
    }
    let id = if core.contains('/') {
        validate_old_style(core)?
    } else {
        validate_new_style(core)?
    };
    Ok((ArxivId(id), version))
}

/// `10.<registrant>/<suffix>`: any DOI, which is never an arXiv id unless it has arXiv's
/// prefix (handled before this check).
fn is_doi(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("10.") else {
        return false;
    };
    match rest.split_once('/') {
        Some((registrant, suffix)) => {
            !registrant.is_empty()
                && registrant.bytes().all(|b| b.is_ascii_digit() || b == b'.')
                && !suffix.is_empty()
        }
        None => false,
    }
}

/// Splits a trailing `vN`, rejecting the version forms arXiv never writes.
fn split_version(s: &str) -> Result<(&str, Option<u32>), String> {
    let digits_start = s.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (head, digits) = s.split_at(digits_start);
    let Some(marker) = head.chars().last() else {
        return Ok((s, None));
    };
    // Old-style archives contain `v` (`solv-int`), but never right before the trailing
    // digits, so a `v` there is always the version marker.
    match marker {
        'v' | 'V' if digits.is_empty() => {
            // `2310.02579v`: the old-style number always ends in digits, so this is a
            // version marker without its number.
            if head.len() > 1 && head[..head.len() - 1].ends_with(|c: char| c.is_ascii_digit()) {
                Err("version marker 'v' without a number".into())
            } else {
                Ok((s, None))
            }
        }
        'V' => Err("version marker must be lower-case 'v'".into()),
        'v' => {
            let core = &head[..head.len() - 1];
            if digits.starts_with('0') {
                return Err(if digits.bytes().all(|b| b == b'0') {
                    "versions start at v1".into()
                } else {
                    format!("version 'v{digits}' has a leading zero")
                });
            }
            let n = digits
                .parse::<u32>()
                .map_err(|_| format!("version 'v{digits}' is too large"))?;
            Ok((core, Some(n)))
        }
        _ => Ok((s, None)),
    }
}

/// Checks `MM` of a `YYMM` pair.
fn check_month(mm: &str) -> Result<(), String> {
    match mm.parse::<u8>() {
        Ok(1..=12) => Ok(()),
        _ => Err(format!("month {mm} does not exist")),
    }
}

/// `YYMM.NNNN` (0704–1412) or `YYMM.NNNNN` (1501 on).
fn validate_new_style(core: &str) -> Result<String, String> {
    let Some((yymm, seq)) = core.split_once('.') else {
        return Err(
            "expected YYMM.NNNNN (since 2007) or archive/YYMMNNN (before April 2007)".into(),
        );
    };
    if yymm.len() != 4 || !yymm.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "'{yymm}' is not a four-digit YYMM (expected YYMM.NNNNN or archive/YYMMNNN)"
        ));
    }
    if seq.is_empty() || !seq.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("non-digit sequence number '{seq}'"));
    }
    check_month(&yymm[2..])?;
    // YY is 2000 + YY; only identifiers from April 2007 on use this form, so YYMM compares
    // as a number and years 00–06 fall below the start.
    let yymm_n: u32 = yymm.parse().unwrap_or(0);
    if yymm_n < 704 {
        return Err(format!(
            "new-style identifiers start at 0704 (April 2007); {yymm} would need the old \
             archive/YYMMNNN form"
        ));
    }
    match (seq.len(), yymm_n <= 1412) {
        (4, true) | (5, false) => {}
        (5, true) => {
            return Err(format!(
                "5-digit sequence numbers start at 1501 (2015); {yymm} ids have 4 digits"
            ))
        }
        (4, false) => {
            return Err(format!(
                "4-digit sequence numbers end at 1412 (2014); {yymm} ids have 5 digits"
            ))
        }
        (n, _) => {
            return Err(format!(
                "sequence number has {n} digits; expected 4 (0704–1412) or 5 (from 1501)"
            ))
        }
    }
    if seq.bytes().all(|b| b == b'0') {
        return Err("sequence numbers start at 1".into());
    }
    Ok(core.to_string())
}

/// `archive[.SC]/YYMMNNN`, returned as `archive/YYMMNNN`.
fn validate_old_style(core: &str) -> Result<String, String> {
    let (prefix, number) = core.split_once('/').unwrap_or((core, ""));
    if number.contains('/') {
        return Err("'/' may appear only once, in old-style archive/YYMMNNN ids".into());
    }
    let (archive, subject_class) = match prefix.split_once('.') {
        Some((a, sc)) => (a, Some(sc)),
        None => (prefix, None),
    };
    let is_name = |s: &str| {
        !s.is_empty()
            && s.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-')
    };
    if !is_name(archive) {
        return Err(
            if archive
                .chars()
                .any(|c| matches!(c, '\u{2010}'..='\u{2015}'))
            {
                format!("archive name '{archive}' contains a typographic dash; arXiv uses '-'")
            } else {
                format!("archive name '{archive}' may contain only letters and '-'")
            },
        );
    }
    if let Some(sc) = subject_class {
        if !is_name(sc) {
            return Err(format!(
                "subject class '{sc}' may contain only letters and '-'"
            ));
        }
    }
    if !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "old-style number '{number}' must be 7 digits (YYMMNNN)"
        ));
    }
    if number.len() != 7 {
        return Err(format!(
            "old-style ids have 7 digits (YYMMNNN) after the '/', not {}",
            number.len()
        ));
    }
    check_month(&number[2..4])?;
    if &number[4..] == "000" {
        return Err("sequence numbers start at 001".into());
    }
    // Archive names are lower case; DOIs (`10.48550/ARXIV.HEP-TH/…`) may arrive upper-cased.
    Ok(format!("{}/{number}", archive.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = include_str!("../../tests/fixtures/api/arxiv-id-normalization.json");

    #[test]
    fn every_fixture_case_normalises_or_fails_as_listed() {
        let doc: serde_json::Value = serde_json::from_str(FIXTURE).unwrap();
        let cases = doc["cases"].as_array().unwrap();
        assert!(cases.len() >= 30, "fixture unexpectedly small");
        for case in cases {
            let input = case["input"].as_str().unwrap();
            let got = ArxivId::parse(input);
            if let Some(expected_error) = case.get("error") {
                let err = got.expect_err(&format!("{input:?} should fail: {expected_error}"));
                assert!(!err.reason.is_empty(), "{input:?}");
            } else {
                let (id, version) = got.unwrap_or_else(|e| panic!("{input:?}: {e}"));
                assert_eq!(id.as_str(), case["id"].as_str().unwrap(), "{input:?}");
                let want = case["version"].as_u64().map(|v| v as u32);
                assert_eq!(version, want, "{input:?}");
            }
        }
    }

    fn reason(input: &str) -> String {
        ArxivId::parse(input).unwrap_err().reason
    }

    #[test]
    fn error_reasons_name_the_rule_that_was_broken() {
        assert_eq!(reason(""), "empty");
        assert_eq!(
            reason("2310.02579V2"),
            "version marker must be lower-case 'v'"
        );
        assert_eq!(reason("2310.02579v0"), "versions start at v1");
        assert!(reason("1206.05538").starts_with("5-digit sequence numbers start at 1501"));
        assert!(reason("2310.2579").starts_with("4-digit sequence numbers end at 1412"));
        assert!(reason("0703.0001").starts_with("new-style identifiers start at 0704"));
        assert_eq!(reason("2313.00001"), "month 13 does not exist");
        assert_eq!(reason("2300.00001"), "month 00 does not exist");
        assert_eq!(reason("2401.0abc"), "non-digit sequence number '0abc'");
        assert!(reason("cond—mat/0709123").contains("typographic dash"));
        assert!(reason("hep-th/990100").starts_with("old-style ids have 7 digits"));
        assert!(reason("10.1145/3579371.3589085").starts_with("a DOI that is not arXiv's"));
        assert!(reason("../../etc/passwd").contains("'..'"));
        assert!(reason("https://example.com/abs/2310.02579").starts_with("a URL that is not"));
        assert!(reason("2310.02579v").contains("without a number"));
        assert!(reason("2310.02579v01").contains("leading zero"));
        assert!(reason("hep-th/9901001/x").contains("only once"));
    }

    #[test]
    fn error_display_quotes_the_input() {
        let err = ArxivId::parse("2313.00001").unwrap_err();
        assert_eq!(
            err.to_string(),
            "'2313.00001' is not an arXiv id: month 13 does not exist"
        );
    }

    #[test]
    fn url_variants_and_doi_forms_normalise_to_the_bare_id() {
        for input in [
            "https://www.arxiv.org/abs/2310.02579v3",
            "http://export.arxiv.org/pdf/2310.02579v3.pdf",
            "arxiv.org/abs/2310.02579v3/",
            "HTTPS://ARXIV.ORG/ABS/2310.02579v3",
            "arXiv: 2310.02579v3",
            "http://dx.doi.org/10.48550/arXiv.2310.02579v3",
        ] {
            let (id, version) = ArxivId::parse(input).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!((id.as_str(), version), ("2310.02579", Some(3)), "{input}");
        }
    }

    #[test]
    fn old_style_ids_drop_the_subject_class_and_lower_case_the_archive() {
        let (id, _) = ArxivId::parse("10.48550/ARXIV.MATH.GT/0309136").unwrap();
        assert_eq!(id.as_str(), "math/0309136");
        let (id, v) = ArxivId::parse("https://arxiv.org/abs/solv-int/9901001v4").unwrap();
        assert_eq!((id.as_str(), v), ("solv-int/9901001", Some(4)));
        assert!(id.is_old_style());
    }

    #[test]
    fn new_style_ids_accept_the_whole_two_digit_year_range() {
        for (input, id, version) in [
            ("0704.0001", "0704.0001", None),
            ("1412.9999", "1412.9999", None),
            ("1501.00001", "1501.00001", None),
            ("9912.12345v2", "9912.12345", Some(2)),
        ] {
            let (got, v) = ArxivId::parse(input).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!((got.as_str(), v), (id, version), "{input}");
            assert!(!got.is_old_style(), "{input}");
        }
        assert_eq!(reason("2310.00000"), "sequence numbers start at 1");
    }

    #[test]
    fn urls_point_at_arxiv_abs_and_pdf_pages() {
        let (id, _) = ArxivId::parse("2310.02579v2").unwrap();
        assert!(!id.is_old_style());
        assert_eq!(id.abs_url(), "https://arxiv.org/abs/2310.02579");
        assert_eq!(id.pdf_url(), "https://arxiv.org/pdf/2310.02579");
        assert_eq!(id.to_string(), "2310.02579");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"2310.02579\"");
    }
}
