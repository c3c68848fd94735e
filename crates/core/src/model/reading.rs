//! Where the reader was in a paper's PDF.

use serde::{Deserialize, Serialize};

/// The reader's place in a paper: kept per paper, so reopening the PDF lands where the reader
/// left it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ReadingPosition {
    /// The file it was read in (a newer version of the paper starts at its top).
    pub pdf_sha256: String,
    /// The 1-based page at the top of the window.
    pub page: u32,
    /// How far down that page the window's top is, from 0 to 1.
    pub page_top: f64,
    /// `page-width`, `page-fit`, `auto` or a scale such as `1.25` (0.25 to 5).
    pub zoom: String,
}

impl ReadingPosition {
    /// Why this position cannot be stored, if it cannot.
    pub fn problem(&self) -> Option<String> {
        if self.page == 0 {
            return Some("pages are numbered from 1".into());
        }
        if !(0.0..=1.0).contains(&self.page_top) {
            return Some(format!(
                "a place on a page runs from 0 to 1, not {}",
                self.page_top
            ));
        }
        let named = matches!(self.zoom.as_str(), "page-width" | "page-fit" | "auto");
        let scale = self
            .zoom
            .parse::<f64>()
            .is_ok_and(|s| (0.25..=5.0).contains(&s));
        if !named && !scale {
            return Some(format!(
                "zoom is page-width, page-fit, auto or a scale from 0.25 to 5, not {:?}",
                self.zoom.chars().take(40).collect::<String>()
            ));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(page: u32, page_top: f64, zoom: &str) -> ReadingPosition {
        ReadingPosition {
            pdf_sha256: "ab".into(),
            page,
            page_top,
            zoom: zoom.into(),
        }
    }

    #[test]
    fn pages_places_and_zooms_are_checked() {
        assert_eq!(at(3, 0.5, "page-width").problem(), None);
        assert_eq!(at(1, 0.0, "1.25").problem(), None);
        assert!(at(0, 0.0, "auto").problem().is_some());
        assert!(at(1, 1.5, "auto").problem().is_some());
        assert!(at(1, f64::NAN, "auto").problem().is_some());
        assert!(at(1, 0.0, "9").problem().is_some());
        assert!(at(1, 0.0, "<b>").problem().is_some());
    }
}
