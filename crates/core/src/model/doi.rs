//! DOIs: the second identity of a work. arXiv's own DataCite DOIs (`10.48550/arXiv.<id>`)
//! name the arXiv record and map to the arXiv id; every other DOI is a published version.

use super::ArxivId;

/// What a DOI string names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DoiKind {
    /// arXiv's DataCite DOI: the arXiv record itself.
    Arxiv(ArxivId),
    /// A published version (journal, proceedings), as written (case kept, prefix removed).
    Published(String),
}

/// Reads a DOI as users and exports write it: bare `10.x/y`, `doi:10.x/y`, or a
/// `https://doi.org/10.x/y` / `dx.doi.org` URL. `None` when it is not a well-formed DOI
/// (`10.<digits and dots>/<suffix>`, no whitespace or control characters).
pub fn parse_doi(raw: &str) -> Option<DoiKind> {
    let mut doi = raw.trim();
    for prefix in [
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
        "doi.org/",
        "doi:",
        "DOI:",
        "DOI ",
    ] {
        // `get`: the prefix's length may fall inside a multi-byte character of the input.
        if doi
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
        {
            doi = doi[prefix.len()..].trim_start();
            break;
        }
    }
    let (registrant, suffix) = doi.strip_prefix("10.")?.split_once('/')?;
    let well_formed = !registrant.is_empty()
        && registrant.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && !suffix.is_empty()
        && !doi.chars().any(|c| c.is_whitespace() || c.is_control());
    if !well_formed {
        return None;
    }
    if registrant == "48550" {
        let id = suffix
            .get(..6)
            .filter(|p| p.eq_ignore_ascii_case("arxiv."))
            .map(|_| &suffix[6..])?;
        return ArxivId::parse(id).ok().map(|(id, _)| DoiKind::Arxiv(id));
    }
    Some(DoiKind::Published(doi.to_string()))
}

/// The form DOIs are compared in: DOIs are case-insensitive (ASCII), so lower-cased.
pub fn doi_key(doi: &str) -> String {
    doi.trim().to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_byte_text_where_a_prefix_would_end_is_no_doi() {
        // Found by the JSONL property: byte 15 fell inside a four-byte character.
        assert_eq!(parse_doi("𝒢𐁊𑧟𞀗&;Wq\\𞤉gck"), None);
        assert_eq!(parse_doi("ü10.1/x"), None);
    }

    #[test]
    fn published_dois_in_every_written_form() {
        for raw in [
            "10.1145/3579371.3589085",
            " doi:10.1145/3579371.3589085",
            "https://doi.org/10.1145/3579371.3589085",
            "http://dx.doi.org/10.1145/3579371.3589085",
        ] {
            assert_eq!(
                parse_doi(raw),
                Some(DoiKind::Published("10.1145/3579371.3589085".into())),
                "{raw}"
            );
        }
    }

    #[test]
    fn arxiv_datacite_dois_map_to_the_arxiv_id() {
        let Some(DoiKind::Arxiv(id)) = parse_doi("10.48550/arXiv.2310.02579") else {
            panic!("not an arXiv DOI")
        };
        assert_eq!(id.as_str(), "2310.02579");
        let Some(DoiKind::Arxiv(id)) = parse_doi("https://doi.org/10.48550/ARXIV.hep-th/9901001")
        else {
            panic!("not an arXiv DOI")
        };
        assert_eq!(id.as_str(), "hep-th/9901001");
        assert_eq!(parse_doi("10.48550/zenodo.123"), None);
    }

    #[test]
    fn malformed_dois_are_refused() {
        for bad in [
            "",
            "10.",
            "10./x",
            "10.abc/x",
            "10.1145/",
            "10.1145/a b",
            "11.1/x",
        ] {
            assert_eq!(parse_doi(bad), None, "{bad}");
        }
        assert_eq!(doi_key(" 10.1145/ABC "), "10.1145/abc");
    }
}
