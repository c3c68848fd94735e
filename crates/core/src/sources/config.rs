//! Where each source lives and the credentials it takes.
//!
//! Base URLs are origins (`https://export.arxiv.org`): the real API paths are kept, so a test
//! points a client at `http://127.0.0.1:PORT` and the same paths are requested. Order of
//! precedence: environment (`PAPERSHELF_HF_URL`, `PAPERSHELF_ARXIV_URL`, `PAPERSHELF_S2_URL`,
//! `PAPERSHELF_PDF_URL`, `PAPERSHELF_S2_API_KEY`, `PAPERSHELF_HF_TOKEN`), then `config.json` in
//! the library directory (`sources.hf_url`, `arxiv_url`, `s2_url`, `pdf_url`, `s2_api_key`,
//! `hf_token`), then the real services.

use std::path::Path;

use serde::Deserialize;

use super::error::SourceError;

/// One of the services Papershelf reads from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// Hugging Face Papers API.
    HuggingFace,
    /// arXiv export API.
    Arxiv,
    /// Semantic Scholar Academic Graph API.
    SemanticScholar,
    /// Where arXiv serves its PDFs (`arxiv.org/pdf/<id>v<N>`), a host of its own.
    Pdf,
}

impl Source {
    /// How many sources there are.
    pub const COUNT: usize = 4;

    /// Every source.
    pub const ALL: [Source; Source::COUNT] = [
        Source::HuggingFace,
        Source::Arxiv,
        Source::SemanticScholar,
        Source::Pdf,
    ];

    /// Short stable name, used in messages and on the command line (`hf`, `arxiv`, `s2`,
    /// `pdf`).
    pub fn name(self) -> &'static str {
        match self {
            Source::HuggingFace => "hf",
            Source::Arxiv => "arxiv",
            Source::SemanticScholar => "s2",
            Source::Pdf => "pdf",
        }
    }

    /// The environment variable that overrides the origin.
    pub fn url_env(self) -> &'static str {
        match self {
            Source::HuggingFace => "PAPERSHELF_HF_URL",
            Source::Arxiv => "PAPERSHELF_ARXIV_URL",
            Source::SemanticScholar => "PAPERSHELF_S2_URL",
            Source::Pdf => "PAPERSHELF_PDF_URL",
        }
    }

    /// The real service's origin.
    pub fn default_origin(self) -> &'static str {
        match self {
            Source::HuggingFace => "https://huggingface.co",
            Source::Arxiv => "https://export.arxiv.org",
            Source::SemanticScholar => "https://api.semanticscholar.org",
            Source::Pdf => "https://arxiv.org",
        }
    }

    fn index(self) -> usize {
        match self {
            Source::HuggingFace => 0,
            Source::Arxiv => 1,
            Source::SemanticScholar => 2,
            Source::Pdf => 3,
        }
    }
}

/// Origins and credentials for every source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceConfig {
    origins: [String; Source::COUNT],
    /// Semantic Scholar API key, sent as `x-api-key`.
    pub s2_api_key: Option<String>,
    /// Hugging Face token, sent as `Authorization: Bearer`.
    pub hf_token: Option<String>,
}

impl Default for SourceConfig {
    fn default() -> Self {
        SourceConfig {
            origins: Source::ALL.map(|s| s.default_origin().to_string()),
            s2_api_key: None,
            hf_token: None,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct ConfigFile {
    #[serde(default)]
    sources: SourcesSection,
}

#[derive(Debug, Default, Deserialize)]
struct SourcesSection {
    hf_url: Option<String>,
    arxiv_url: Option<String>,
    s2_url: Option<String>,
    pdf_url: Option<String>,
    s2_api_key: Option<String>,
    hf_token: Option<String>,
}

/// The config file's name inside the library directory.
pub const CONFIG_FILE: &str = "config.json";

impl SourceConfig {
    /// Reads `config.json` in `library_dir` (if any), then applies the environment.
    ///
    /// # Errors
    /// A config file that is not valid JSON, or an origin that is not an http(s) URL.
    pub fn load(library_dir: &Path) -> Result<SourceConfig, SourceError> {
        let mut config = SourceConfig::default();
        let path = library_dir.join(CONFIG_FILE);
        if let Ok(text) = std::fs::read_to_string(&path) {
            let file: ConfigFile = serde_json::from_str(&text)
                .map_err(|e| SourceError::Config(format!("{}: {e}", path.display())))?;
            let s = file.sources;
            for (source, url) in [
                (Source::HuggingFace, s.hf_url),
                (Source::Arxiv, s.arxiv_url),
                (Source::SemanticScholar, s.s2_url),
                (Source::Pdf, s.pdf_url),
            ] {
                if let Some(url) = url {
                    config.set_origin(source, &url)?;
                }
            }
            config.s2_api_key = s.s2_api_key.filter(|k| !k.is_empty());
            config.hf_token = s.hf_token.filter(|k| !k.is_empty());
        }
        for source in Source::ALL {
            if let Some(url) = std::env::var(source.url_env())
                .ok()
                .filter(|u| !u.is_empty())
            {
                config.set_origin(source, &url)?;
            }
        }
        if let Some(key) = std::env::var("PAPERSHELF_S2_API_KEY")
            .ok()
            .filter(|k| !k.is_empty())
        {
            config.s2_api_key = Some(key);
        }
        if let Some(token) = std::env::var("PAPERSHELF_HF_TOKEN")
            .ok()
            .filter(|k| !k.is_empty())
        {
            config.hf_token = Some(token);
        }
        Ok(config)
    }

    /// Points `source` at another origin (`http://127.0.0.1:8123`); a trailing `/` is dropped.
    ///
    /// # Errors
    /// When `origin` is not an `http://` or `https://` URL.
    pub fn set_origin(&mut self, source: Source, origin: &str) -> Result<(), SourceError> {
        let origin = origin.trim().trim_end_matches('/');
        let parsed = reqwest::Url::parse(origin).map_err(|e| {
            SourceError::Config(format!(
                "{}: '{origin}' is not a URL: {e}",
                source.url_env()
            ))
        })?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(SourceError::Config(format!(
                "{}: '{origin}' must be an http:// or https:// origin",
                source.url_env()
            )));
        }
        self.origins[source.index()] = origin.to_string();
        Ok(())
    }

    /// The origin requests to `source` go to.
    pub fn origin(&self, source: Source) -> &str {
        &self.origins[source.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_default_to_the_real_services() {
        let c = SourceConfig::default();
        assert_eq!(c.origin(Source::Arxiv), "https://export.arxiv.org");
    }

    #[test]
    fn an_origin_must_be_http() {
        let mut c = SourceConfig::default();
        assert!(c.set_origin(Source::Arxiv, "ftp://x").is_err());
        assert!(c.set_origin(Source::Arxiv, "not a url").is_err());
        c.set_origin(Source::Arxiv, "http://127.0.0.1:8123/")
            .unwrap();
        assert_eq!(c.origin(Source::Arxiv), "http://127.0.0.1:8123");
    }

    #[test]
    fn the_config_file_sets_origins_and_keys() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(CONFIG_FILE),
            r#"{"sources": {"s2_url": "http://127.0.0.1:9", "s2_api_key": "k"}}"#,
        )
        .unwrap();
        let c = SourceConfig::load(dir.path()).unwrap();
        assert_eq!(c.origin(Source::SemanticScholar), "http://127.0.0.1:9");
        assert_eq!(c.s2_api_key.as_deref(), Some("k"));
        assert_eq!(c.origin(Source::Pdf), "https://arxiv.org");
    }

    #[test]
    fn the_pdf_origin_is_configured_like_the_others() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(CONFIG_FILE),
            r#"{"sources": {"pdf_url": "http://127.0.0.1:7/"}}"#,
        )
        .unwrap();
        let c = SourceConfig::load(dir.path()).unwrap();
        assert_eq!(c.origin(Source::Pdf), "http://127.0.0.1:7");
        assert_eq!(Source::Pdf.url_env(), "PAPERSHELF_PDF_URL");
    }
}
