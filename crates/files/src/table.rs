//! CSV as admins' files have it: comma, semicolon (Excel in European
//! locales) or tab, an optional `sep=X` first line, RFC 4180 quoting with
//! line breaks inside quotes. Rows are checked against the header's field
//! count, so a misaligned row is reported, never read shifted.

use csv::StringRecord;

use crate::error::{FileError, FileErrorCode};

/// A CSV text, its delimiter and header.
pub(crate) struct Table<'t> {
    text: &'t str,
    pub delimiter: u8,
    /// Skip a leading `sep=X` record.
    skip_sep_line: bool,
    pub header: Vec<String>,
    /// Header names reduced to lower-case letters and digits, for matching
    /// `User principal name`, `UserPrincipalName` and `userPrincipalName` alike.
    pub keys: Vec<String>,
}

/// One data row with the line it starts on.
pub(crate) struct Row {
    pub line: usize,
    pub record: StringRecord,
}

impl Row {
    /// The trimmed field, or "" when the column is absent.
    pub fn field(&self, column: usize) -> &str {
        self.record.get(column).map_or("", str::trim)
    }

    pub fn optional(&self, column: Option<usize>) -> Option<&str> {
        column
            .map(|column| self.field(column))
            .filter(|value| !value.is_empty())
    }
}

/// Letters and digits of a header name, lower-cased.
pub(crate) fn header_key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

impl<'t> Table<'t> {
    /// Reads the header. `None` when the text has no header line at all.
    pub fn open(text: &'t str, file_name: &str) -> Result<Option<Table<'t>>, FileError> {
        let text = text.trim_start_matches('\u{feff}');
        let (delimiter, skip_sep_line) = sniff_delimiter(text);
        let mut table = Table {
            text,
            delimiter,
            skip_sep_line,
            header: Vec::new(),
            keys: Vec::new(),
        };
        let mut reader = table.reader();
        let mut record = StringRecord::new();
        let mut records_read = 0;
        loop {
            let read = reader.read_record(&mut record);
            records_read += 1;
            match read {
                Ok(true) if table.skip_sep_line && records_read == 1 => continue,
                Ok(true) if is_blank(&record) => continue,
                Ok(true) => break,
                Ok(false) => return Ok(None),
                Err(error) => return Err(csv_error(file_name, &error)),
            }
        }
        table.header = record
            .iter()
            .map(|name| name.trim_start_matches('\u{feff}').trim().to_owned())
            .collect();
        table.keys = table.header.iter().map(|name| header_key(name)).collect();
        Ok(Some(table))
    }

    pub fn delimiter_char(&self) -> char {
        char::from(self.delimiter)
    }

    /// The column whose key is one of `keys` (first match in `keys` order).
    pub fn column(&self, keys: &[&str]) -> Option<usize> {
        keys.iter()
            .find_map(|key| self.keys.iter().position(|candidate| candidate == key))
    }

    pub fn has(&self, key: &str) -> bool {
        self.keys.iter().any(|candidate| candidate == key)
    }

    /// Every data row, each checked against the header's field count.
    pub fn rows<'a>(&'a self, file_name: &'a str) -> impl Iterator<Item = Result<Row, FileError>> + 'a {
        let mut reader = self.reader();
        let mut header_seen = false;
        let mut records_read = 0;
        let mut lines = LineCounter::default();
        let expected = self.header.len();
        std::iter::from_fn(move || loop {
            let mut record = StringRecord::new();
            let read = reader.read_record(&mut record);
            records_read += 1;
            match read {
                Ok(false) => return None,
                Err(error) => return Some(Err(csv_error(file_name, &error))),
                Ok(true) => {
                    if self.skip_sep_line && records_read == 1 {
                        continue;
                    }
                    if is_blank(&record) {
                        continue;
                    }
                    if !header_seen {
                        header_seen = true;
                        continue;
                    }
                    let line = lines.line_at(self.text, record.position().map_or(0, |p| p.byte()));
                    if record.len() != expected {
                        return Some(Err(ragged_row(file_name, line, record.len(), expected)));
                    }
                    return Some(Ok(Row { line, record }));
                }
            }
        })
    }

    fn reader(&self) -> csv::Reader<&'t [u8]> {
        csv::ReaderBuilder::new()
            .delimiter(self.delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(self.text.as_bytes())
    }
}

/// Line numbers from byte offsets. The CSV reader's own line count lags
/// by one after CRLF line ends (it consumes the LF at the next record).
#[derive(Default)]
struct LineCounter {
    offset: usize,
    newlines: usize,
}

impl LineCounter {
    /// The 1-based line of the record starting at `byte` (offsets only grow).
    fn line_at(&mut self, text: &str, byte: u64) -> usize {
        let bytes = text.as_bytes();
        let mut start = usize::try_from(byte).unwrap_or(usize::MAX).min(bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        if start > self.offset {
            self.newlines += bytes[self.offset..start].iter().filter(|&&b| b == b'\n').count();
            self.offset = start;
        }
        self.newlines + 1
    }
}

fn is_blank(record: &StringRecord) -> bool {
    record.iter().all(|field| field.trim().is_empty())
}

/// The delimiter named by a `sep=X` first line (Excel's convention), or
/// the most frequent of `,` `;` tab outside quotes on the header line.
fn sniff_delimiter(text: &str) -> (u8, bool) {
    let first_line = text.lines().next().unwrap_or("").trim();
    if let Some(separator) = first_line
        .get(..4)
        .filter(|prefix| prefix.eq_ignore_ascii_case("sep="))
        .and_then(|_| first_line.get(4..))
    {
        if let [byte] = separator.as_bytes() {
            if byte.is_ascii() && *byte != b'"' && !byte.is_ascii_alphanumeric() {
                return (*byte, true);
            }
        }
    }
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut in_quotes = false;
    for byte in text.bytes() {
        match byte {
            b'"' => in_quotes = !in_quotes,
            b'\n' | b'\r' if !in_quotes => break,
            _ if !in_quotes => {
                if let Some(count) = counts.iter_mut().find(|(candidate, _)| *candidate == byte) {
                    count.1 += 1;
                }
            }
            _ => {}
        }
    }
    // Ties go to the comma: the portal and PowerShell both write commas.
    let best = counts.iter().fold(
        (b',', 0),
        |best, &(byte, count)| if count > best.1 { (byte, count) } else { best },
    );
    (best.0, false)
}

fn ragged_row(file_name: &str, line: usize, found: usize, expected: usize) -> FileError {
    FileError::at_line(
        FileErrorCode::RaggedRow,
        line,
        format!(
            "{file_name}, line {line}: the row has {found} fields but the header has {expected}. \
             Its values would land in the wrong columns, so nothing was imported. \
             Check that line (a stray delimiter or quote), or export the file again."
        ),
    )
}

fn csv_error(file_name: &str, error: &csv::Error) -> FileError {
    let line = error.position().map_or(0, |position| {
        usize::try_from(position.line()).unwrap_or(usize::MAX)
    });
    FileError::at_line(
        FileErrorCode::BadCsv,
        line,
        format!("{file_name}, line {line}: the CSV cannot be read ({error})."),
    )
}
