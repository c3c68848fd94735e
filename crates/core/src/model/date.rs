use std::fmt;

use serde::{Deserialize, Serialize};

/// A calendar date that may lack parts: Hugging Face shows "May 22" for this year's papers, and we
/// never invent the missing year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PartialDate {
    /// Four-digit year, when known.
    pub year: Option<i32>,
    /// Month 1–12, when known.
    pub month: Option<u8>,
    /// Day of month 1–31, when known.
    pub day: Option<u8>,
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl PartialDate {
    /// A full date.
    pub fn ymd(year: i32, month: u8, day: u8) -> Self {
        PartialDate {
            year: Some(year),
            month: Some(month),
            day: Some(day),
        }
    }

    /// True when no part is known.
    pub fn is_empty(&self) -> bool {
        self.year.is_none() && self.month.is_none() && self.day.is_none()
    }

    /// Parses an English month name or its three-letter abbreviation (any case) to 1–12.
    pub fn month_from_name(name: &str) -> Option<u8> {
        let lower = name.trim().trim_end_matches('.').to_ascii_lowercase();
        if lower.len() < 3 {
            return None;
        }
        FULL_MONTHS
            .iter()
            .position(|full| full.starts_with(&lower))
            .map(|i| i as u8 + 1)
    }

    /// An ISO-like sortable key: `2023-10-04`, `2023-10`, `----10-04` for a date without year.
    pub fn sort_key(&self) -> String {
        let y = self.year.map_or("----".to_string(), |y| format!("{y:04}"));
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{y}-{m:02}-{d:02}"),
            (Some(m), None) => format!("{y}-{m:02}"),
            _ => y,
        }
    }

    /// Parses what [`PartialDate::sort_key`] writes.
    pub fn from_sort_key(key: &str) -> Option<Self> {
        let mut parts = key.split('-').filter(|p| !p.is_empty());
        let (year, rest): (Option<i32>, Vec<&str>) = if key.starts_with("----") {
            (None, parts.collect())
        } else {
            let y = parts.next()?.parse().ok()?;
            (Some(y), parts.collect())
        };
        let month = rest.first().and_then(|m| m.parse().ok());
        let day = rest.get(1).and_then(|d| d.parse().ok());
        Some(PartialDate { year, month, day })
    }
}

const FULL_MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

impl fmt::Display for PartialDate {
    /// `Oct 4, 2023`, `May 22` (no year), `2021`, `Mar 2021`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let month = self
            .month
            .and_then(|m| MONTHS.get(usize::from(m).wrapping_sub(1)));
        match (month, self.day, self.year) {
            (Some(m), Some(d), Some(y)) => write!(f, "{m} {d}, {y}"),
            (Some(m), Some(d), None) => write!(f, "{m} {d}"),
            (Some(m), None, Some(y)) => write!(f, "{m} {y}"),
            (Some(m), None, None) => write!(f, "{m}"),
            (None, _, Some(y)) => write!(f, "{y}"),
            (None, _, None) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_key_round_trips_partial_dates() {
        for d in [
            PartialDate::ymd(2023, 10, 4),
            PartialDate {
                year: None,
                month: Some(5),
                day: Some(22),
            },
            PartialDate {
                year: Some(2021),
                month: None,
                day: None,
            },
            PartialDate {
                year: Some(2021),
                month: Some(3),
                day: None,
            },
        ] {
            assert_eq!(
                PartialDate::from_sort_key(&d.sort_key()),
                Some(d),
                "{}",
                d.sort_key()
            );
        }
    }

    #[test]
    fn display_never_invents_a_year() {
        let d = PartialDate {
            year: None,
            month: Some(5),
            day: Some(22),
        };
        assert_eq!(d.to_string(), "May 22");
        assert_eq!(PartialDate::ymd(2023, 10, 4).to_string(), "Oct 4, 2023");
    }

    #[test]
    fn month_names_parse_in_short_and_long_form() {
        assert_eq!(PartialDate::month_from_name("Sep"), Some(9));
        assert_eq!(PartialDate::month_from_name("september"), Some(9));
        assert_eq!(PartialDate::month_from_name("Sept"), Some(9));
        assert_eq!(PartialDate::month_from_name("Mayo"), None);
        assert_eq!(PartialDate::month_from_name("Ma"), None);
    }
}
