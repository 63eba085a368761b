//! The admin's own names for products: a small CSV (`product-names.csv`
//! in the app's data folder) of part numbers and names, for products
//! Microsoft's table does not name, or names the admin prefers. It is read
//! once when the app or the command line starts and wins over the table
//! wherever a product's name is shown.
//!
//! ```text
//! Part number,Name
//! SPB,Business Premium (office staff)
//! CONTOSO_ADDON,Contoso's add-on
//! ```
//!
//! Comma, semicolon (Excel in European locales) or tab; UTF-8 with or
//! without a BOM, UTF-16 or the PC's code page, as Excel saves it. Part
//! numbers match whatever their case. A file that cannot be used whole is
//! not fatal: each line that cannot be used is reported with its number
//! and the rest is used; names only change what is shown, never which
//! product a file's name stands for.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use crate::decode::decode;
use crate::error::FileErrorCode;
use crate::part_number_names::PartNumberNames;
use crate::table::Table;

/// The file's name in the app's data folder.
pub const FILE_NAME: &str = "product-names.csv";

/// What a new file starts with: the header, as Excel writes it (UTF-8 BOM).
pub const TEMPLATE: &str = "\u{feff}Part number,Name\r\n";

/// Longer names are cut to this many characters.
pub const MAX_NAME_CHARS: usize = 200;

/// A line of the file (or the whole file) that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The line it is on, counting from 1; `None` for the whole file.
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

const PART_NUMBER_KEYS: &[&str] = &["partnumber", "skupartnumber", "stringid"];
const NAME_KEYS: &[&str] = &["name", "productname", "displayname", "productdisplayname"];

/// Reads the file's bytes: every name that can be used, and what could
/// not be.
pub fn read(bytes: &[u8], file_name: &str) -> (PartNumberNames, Vec<Problem>) {
    let mut names = PartNumberNames::default();
    let whole = |message: String| vec![Problem { line: None, message }];
    let text = match decode(bytes, file_name) {
        Ok(decoded) => decoded.text,
        Err(error) => return (names, whole(error.message)),
    };
    let table = match Table::open(&text, file_name) {
        Ok(Some(table)) => table,
        Ok(None) => return (names, Vec::new()),
        Err(error) => return (names, whole(error.message)),
    };
    let (Some(part_column), Some(name_column)) = (table.column(PART_NUMBER_KEYS), table.column(NAME_KEYS))
    else {
        return (
            names,
            whole(format!(
                "{file_name} needs a first line naming its two columns, \"Part number,Name\"; it has \"{}\". Nothing in it is used.",
                table.header.join(&table.delimiter_char().to_string())
            )),
        );
    };
    let mut problems = Vec::new();
    let mut named_on: HashMap<String, usize> = HashMap::new();
    for row in table.rows(file_name) {
        let row = match row {
            Ok(row) => row,
            Err(error) if error.code == FileErrorCode::RaggedRow => {
                problems.push(Problem {
                    line: error.line,
                    message: format!(
                        "the line has another number of fields than the first line (a stray \"{}\" or quote?): it is skipped.",
                        table.delimiter_char()
                    ),
                });
                continue;
            }
            Err(error) => {
                // The message names the line itself.
                problems.push(Problem {
                    line: None,
                    message: error.message,
                });
                continue;
            }
        };
        let part_number = row.field(part_column);
        let name = row.field(name_column);
        let problem = if part_number.is_empty() {
            Some("no part number (the product's code, e.g. SPB): the line is skipped.".to_owned())
        } else if part_number.chars().any(char::is_whitespace) {
            Some(format!(
                "\"{part_number}\" is not a part number (they have no spaces, e.g. SPB): the line is skipped."
            ))
        } else if name.is_empty() {
            Some(format!("no name for {part_number}: the line is skipped."))
        } else {
            None
        };
        if let Some(message) = problem {
            problems.push(Problem {
                line: Some(row.line),
                message,
            });
            continue;
        }
        if let Some(first) = named_on.insert(part_number.to_uppercase(), row.line) {
            problems.push(Problem {
                line: Some(row.line),
                message: format!(
                    "{part_number} is named again (first on line {first}): this later name is used."
                ),
            });
        }
        let name: String = name.chars().take(MAX_NAME_CHARS).collect();
        names.insert(part_number, name);
    }
    (names, problems)
}

/// Reads the file at `path`. A missing file is no names and no problem.
pub fn read_path(path: &Path) -> (PartNumberNames, Vec<Problem>) {
    let file_name = path.file_name().map_or_else(
        || path.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    match std::fs::metadata(path) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return (PartNumberNames::default(), Vec::new())
        }
        Ok(metadata) if metadata.len() > 10 * 1024 * 1024 => {
            return (
                PartNumberNames::default(),
                vec![Problem {
                    line: None,
                    message: format!(
                        "{file_name} is over 10 MB, too large for a list of names: nothing in it is used."
                    ),
                }],
            )
        }
        _ => {}
    }
    match std::fs::read(path) {
        Ok(bytes) => read(&bytes, &file_name),
        Err(error) => (
            PartNumberNames::default(),
            vec![Problem {
                line: None,
                message: format!("{} could not be read: {error}", path.display()),
            }],
        ),
    }
}

static INSTALLED: OnceLock<PartNumberNames> = OnceLock::new();

/// Makes `names` the ones every lookup uses, for the rest of the process.
/// The first call wins: `false` when names were already installed.
pub fn install(names: PartNumberNames) -> bool {
    INSTALLED.set(names).is_ok()
}

/// The installed name for a part number, if the admin gave one.
pub fn own_name(part_number: &str) -> Option<&'static str> {
    INSTALLED.get()?.get(part_number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_by_part_number_in_any_case_with_each_bad_line_reported() {
        let text = "\u{feff}Part number;Name\r\nspb;Business Premium (office)\r\n;No code\r\nEMS;\r\nNEW_SKU;Our add-on\r\nSPB;Premium\r\nA B;Spaced\r\n";
        let (names, problems) = read(text.as_bytes(), FILE_NAME);
        assert_eq!(names.len(), 2);
        assert_eq!(names.get("SPB"), Some("Premium"));
        assert_eq!(names.get(" new_sku "), Some("Our add-on"));
        assert_eq!(names.get("EMS"), None);
        let lines: Vec<Option<usize>> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![Some(3), Some(4), Some(6), Some(7)], "{problems:?}");
        assert!(problems[2].message.contains("first on line 2"), "{}", problems[2]);
    }

    #[test]
    fn a_file_without_the_two_columns_is_reported_and_not_used() {
        let (names, problems) = read(b"SPB,Business Premium\r\n", FILE_NAME);
        assert!(names.is_empty());
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, None);
        assert!(
            problems[0].message.contains("Part number,Name"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn microsofts_own_column_names_work_and_a_ragged_line_is_skipped() {
        let text =
            "String_Id,Product_Display_Name\nSPB,Business Premium\nEMS,Mobility,extra\nO365_BUSINESS,Apps\n";
        let (names, problems) = read(text.as_bytes(), FILE_NAME);
        assert_eq!(names.get("spb"), Some("Business Premium"));
        assert_eq!(names.get("O365_BUSINESS"), Some("Apps"));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, Some(3));
    }

    #[test]
    fn excel_saves_in_utf16_and_the_template_reads_as_nothing() {
        let text = "Part number\tName\r\nSPB\tAffärspaket\r\n";
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let (names, problems) = read(&bytes, FILE_NAME);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(names.get("SPB"), Some("Affärspaket"));
        let (names, problems) = read(TEMPLATE.as_bytes(), FILE_NAME);
        assert!(names.is_empty() && problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn a_missing_file_is_no_names_and_no_problem() {
        let (names, problems) = read_path(Path::new("/nonexistent/product-names.csv"));
        assert!(names.is_empty() && problems.is_empty());
    }
}
