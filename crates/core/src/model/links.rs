//! The outside pages of a paper (arXiv, the PDF, Hugging Face, code, project page, DOI), built
//! here so every interface shows the same links and only http(s) ones.

use serde::{Deserialize, Serialize};

use super::{ArxivId, Paper};

/// What a link points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum LinkKind {
    /// The arXiv abstract page.
    Arxiv,
    /// The PDF.
    Pdf,
    /// The Hugging Face paper page.
    HuggingFace,
    /// The code repository.
    Code,
    /// The project page.
    Project,
    /// The published version, through doi.org.
    Doi,
}

/// One outside page of a paper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PaperLink {
    /// What it points at.
    pub kind: LinkKind,
    /// What to call it ("arXiv", "PDF", "Hugging Face", "Code", "Project page", "DOI").
    pub label: String,
    /// An http(s) URL.
    pub url: String,
}

/// True for an absolute http or https URL with a host and nothing that breaks out of an
/// attribute or a line (whitespace, quotes, angle brackets, control characters).
pub fn is_web_url(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return false;
    };
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    !rest[..host_end].is_empty()
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '`'))
}

/// Percent-encodes a DOI for a doi.org path: unreserved characters and the path-safe
/// delimiters stay, everything else (`#`, `?`, `%`, spaces, quotes, non-ASCII) is encoded.
pub fn encode_doi(doi: &str) -> String {
    let mut out = String::with_capacity(doi.len());
    for b in doi.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'/'
                    | b':'
                    | b'@'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
            );
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The links of a paper, in display order: arXiv, PDF, Hugging Face (from the arXiv id), code,
/// project page, DOI. Only http(s) URLs are kept.
pub fn links_of(paper: &Paper) -> Vec<PaperLink> {
    let mut out = Vec::new();
    let mut push = |kind: LinkKind, label: &str, url: String| {
        if is_web_url(&url) && !out.iter().any(|l: &PaperLink| l.url == url) {
            out.push(PaperLink {
                kind,
                label: label.to_string(),
                url,
            });
        }
    };
    if let Some(arxiv) = paper
        .arxiv_id
        .as_deref()
        .and_then(|a| ArxivId::parse(a).ok())
        .map(|(id, _)| id)
    {
        push(LinkKind::Arxiv, "arXiv", arxiv.abs_url());
        push(LinkKind::Pdf, "PDF", arxiv.pdf_url());
        // Hugging Face paper pages exist for new-style ids only.
        if !arxiv.is_old_style() {
            push(
                LinkKind::HuggingFace,
                "Hugging Face",
                format!("https://huggingface.co/papers/{}", arxiv.as_str()),
            );
        }
    }
    if let Some(code) = &paper.signals.github_repo {
        push(LinkKind::Code, "Code", code.trim().to_string());
    }
    if let Some(project) = &paper.signals.project_page {
        push(
            LinkKind::Project,
            "Project page",
            project.trim().to_string(),
        );
    }
    if let Some(doi) = paper
        .doi
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        push(
            LinkKind::Doi,
            "DOI",
            format!("https://doi.org/{}", encode_doi(doi)),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_urls_pass() {
        for ok in [
            "https://github.com/a/b",
            "http://example.org",
            "HTTPS://x.y/z?q=1",
        ] {
            assert!(is_web_url(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "https://",
            "ftp://x.y",
            "https://x.y/a b",
            "https://x.y/\"onclick",
            "data:text/html,hi",
            "//x.y",
            "",
        ] {
            assert!(!is_web_url(bad), "{bad}");
        }
    }

    #[test]
    fn dois_are_percent_encoded_where_needed() {
        assert_eq!(encode_doi("10.1000/xyz-123"), "10.1000/xyz-123");
        assert_eq!(
            encode_doi("10.1002/(SICI)1097-4571"),
            "10.1002/(SICI)1097-4571"
        );
        assert_eq!(encode_doi("10.1/a#b?c d%"), "10.1/a%23b%3Fc%20d%25");
        assert_eq!(encode_doi("10.1/é"), "10.1/%C3%A9");
        assert_eq!(encode_doi("10.1/<x>\"y"), "10.1/%3Cx%3E%22y");
    }
}
