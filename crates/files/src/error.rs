//! Why a file was refused. Every refusal names the file, the line when one
//! is to blame, and what was expected or what to export instead.

use serde::{Deserialize, Serialize};

/// Stable reasons a file is refused; the UI may branch on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileErrorCode {
    /// The file could not be opened or read.
    Unreadable,
    /// Over the size limit.
    TooLarge,
    /// More users than one import takes.
    TooManyUsers,
    /// Nothing in it.
    Empty,
    /// Not a text file (an Excel workbook, a binary).
    NotText,
    /// Its bytes are not valid in the encoding its byte-order mark names.
    BadEncoding,
    /// Not a file this crate knows.
    UnrecognisedFormat,
    /// A user list without any licence information.
    NoLicenseData,
    /// The usage report (Reports → Usage → Active users).
    UsageReport,
    /// A row whose field count differs from the header.
    RaggedRow,
    /// CSV the parser cannot read.
    BadCsv,
    /// Malformed JSON or a JSON shape that is not a Graph users page.
    BadJson,
    /// A value that cannot be what its column says (e.g. an id that is not a GUID).
    BadValue,
}

impl FileErrorCode {
    /// The code's wire name, e.g. `ragged_row`.
    pub fn as_str(self) -> &'static str {
        match self {
            FileErrorCode::Unreadable => "unreadable",
            FileErrorCode::TooLarge => "too_large",
            FileErrorCode::TooManyUsers => "too_many_users",
            FileErrorCode::Empty => "empty",
            FileErrorCode::NotText => "not_text",
            FileErrorCode::BadEncoding => "bad_encoding",
            FileErrorCode::UnrecognisedFormat => "unrecognised_format",
            FileErrorCode::NoLicenseData => "no_license_data",
            FileErrorCode::UsageReport => "usage_report",
            FileErrorCode::RaggedRow => "ragged_row",
            FileErrorCode::BadCsv => "bad_csv",
            FileErrorCode::BadJson => "bad_json",
            FileErrorCode::BadValue => "bad_value",
        }
    }
}

/// A refused file: nothing of it was imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct FileError {
    pub code: FileErrorCode,
    /// For the admin: the file, the line, what was wrong, what to do.
    pub message: String,
    /// The 1-based line to blame, when there is one.
    pub line: Option<usize>,
}

impl FileError {
    pub(crate) fn new(code: FileErrorCode, message: impl Into<String>) -> FileError {
        FileError {
            code,
            message: message.into(),
            line: None,
        }
    }

    pub(crate) fn at_line(code: FileErrorCode, line: usize, message: impl Into<String>) -> FileError {
        FileError {
            code,
            message: message.into(),
            line: Some(line),
        }
    }
}
