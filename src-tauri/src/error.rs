//! The one error type that crosses IPC.

use std::fmt;

use papershelf_core::ErrorCode;
use serde::Serialize;

/// What a failed command returns to the UI: a stable `code` to branch on and a `message` for people.
///
/// Serialises as `{ "code": "not-found", "message": "…" }`; `ui/src/lib/api.ts` turns it into an
/// `ApiError`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct IpcError {
    /// The error's kind, kebab-case.
    pub code: ErrorCode,
    /// A sentence for the user.
    pub message: String,
}

impl IpcError {
    /// An unexpected failure outside the library (a panicked or cancelled blocking task).
    pub fn internal(err: impl fmt::Display) -> Self {
        IpcError {
            code: ErrorCode::Internal,
            message: err.to_string(),
        }
    }
}

impl IpcError {
    /// Arguments the command refuses before reaching the library.
    pub fn invalid(message: impl Into<String>) -> Self {
        IpcError {
            code: ErrorCode::InvalidInput,
            message: message.into(),
        }
    }
}

impl From<papershelf_core::Error> for IpcError {
    fn from(err: papershelf_core::Error) -> Self {
        IpcError {
            code: err.code(),
            message: err.to_string(),
        }
    }
}

impl fmt::Display for IpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.code, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use papershelf_core::PaperId;

    #[test]
    fn core_errors_serialise_with_their_kebab_case_code() {
        let err = IpcError::from(papershelf_core::Error::PaperNotFound(PaperId::new(
            "2401.00001",
        )));
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(json["code"], "not-found");
        assert!(
            json["message"].as_str().unwrap().contains("2401.00001"),
            "{json}"
        );
    }

    #[test]
    fn add_paper_errors_keep_the_codes_the_ui_branches_on() {
        let err = IpcError::from(papershelf_core::Error::InvalidInput(
            "not an arXiv id".into(),
        ));
        assert_eq!(serde_json::to_value(&err).unwrap()["code"], "invalid-input");
        for (code, name) in [
            (ErrorCode::Network, "network"),
            (ErrorCode::RateLimited, "rate-limited"),
            (ErrorCode::NotFound, "not-found"),
        ] {
            assert_eq!(serde_json::to_value(code).unwrap(), name);
        }
    }

    #[test]
    fn internal_errors_keep_their_message() {
        let json = serde_json::to_value(IpcError::internal("task panicked")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({ "code": "internal", "message": "task panicked" })
        );
    }
}
