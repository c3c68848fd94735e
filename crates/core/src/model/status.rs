use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Where a paper stands in the user's reading flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Newly arrived, not yet triaged.
    #[default]
    Inbox,
    /// Triaged as worth reading.
    ToRead,
    /// Being read now.
    Reading,
    /// Finished.
    Read,
    /// Kept but out of the way.
    Archived,
}

impl Status {
    /// Every status, in reading-flow order.
    pub const ALL: [Status; 5] = [
        Status::Inbox,
        Status::ToRead,
        Status::Reading,
        Status::Read,
        Status::Archived,
    ];

    /// The stable name used in the database, the CLI and the query syntax.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Inbox => "inbox",
            Status::ToRead => "to-read",
            Status::Reading => "reading",
            Status::Read => "read",
            Status::Archived => "archived",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = String;

    /// Accepts the stable names plus a few spellings people type (`toread`, `to_read`, `done`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "inbox" | "new" => Ok(Status::Inbox),
            "to-read" | "toread" | "todo" => Ok(Status::ToRead),
            "reading" => Ok(Status::Reading),
            "read" | "done" => Ok(Status::Read),
            "archived" | "archive" => Ok(Status::Archived),
            other => Err(format!(
                "unknown status '{other}' (expected one of: inbox, to-read, reading, read, archived)"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_round_trips_through_its_name() {
        for s in Status::ALL {
            assert_eq!(s.as_str().parse::<Status>().unwrap(), s);
        }
    }

    #[test]
    fn unknown_status_names_the_choices() {
        let err = "later".parse::<Status>().unwrap_err();
        assert!(err.contains("to-read"), "{err}");
    }
}
