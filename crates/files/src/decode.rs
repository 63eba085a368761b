//! Bytes to text. Admins' files come as UTF-8 with or without a BOM
//! (portal, PowerShell 7), UTF-16 with a BOM (`-Encoding Unicode`), or the
//! PC's ANSI code page after an Excel re-save.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252};

use crate::error::{FileError, FileErrorCode};

/// The file's text and the encoding it was read in.
pub(crate) struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: &'static str,
}

pub(crate) fn decode<'a>(bytes: &'a [u8], file_name: &str) -> Result<Decoded<'a>, FileError> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(FileError::new(
            FileErrorCode::NotText,
            format!(
                "{file_name} is an Excel workbook (or another zip file), not a CSV. \
                 Open it in Excel and save it as \"CSV UTF-8 (comma delimited)\", \
                 or export the users again from the admin center."
            ),
        ));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return match std::str::from_utf8(rest) {
            Ok(text) => Ok(Decoded {
                text: Cow::Borrowed(text),
                encoding: "UTF-8 (BOM)",
            }),
            Err(error) => Err(bad_encoding(
                file_name,
                "UTF-8",
                line_at(rest, error.valid_up_to()),
            )),
        };
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return decode_utf16(rest, UTF_16LE, "UTF-16LE", file_name);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return decode_utf16(rest, UTF_16BE, "UTF-16BE", file_name);
    }
    if bytes.contains(&0) {
        return Err(FileError::new(
            FileErrorCode::NotText,
            format!(
                "{file_name} holds binary data (NUL bytes), not a CSV or JSON text. \
                 If it is a UTF-16 file without a byte-order mark, save it again as UTF-8."
            ),
        ));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Decoded {
            text: Cow::Borrowed(text),
            encoding: "UTF-8",
        }),
        // Not UTF-8 without a BOM: Excel wrote the PC's ANSI code page.
        // windows-1252 maps every byte, so this cannot fail.
        Err(_) => Ok(Decoded {
            text: WINDOWS_1252.decode_without_bom_handling(bytes).0,
            encoding: "windows-1252",
        }),
    }
}

fn decode_utf16<'a>(
    rest: &'a [u8],
    encoding: &'static Encoding,
    name: &'static str,
    file_name: &str,
) -> Result<Decoded<'a>, FileError> {
    match encoding.decode_without_bom_handling_and_without_replacement(rest) {
        Some(text) => Ok(Decoded {
            text: Cow::Owned(text.into_owned()),
            encoding: name,
        }),
        None => Err(bad_encoding(file_name, name, None)),
    }
}

fn bad_encoding(file_name: &str, encoding: &str, line: Option<usize>) -> FileError {
    let place = line.map(|line| format!(" at line {line}")).unwrap_or_default();
    let message = format!(
        "{file_name} starts with a {encoding} byte-order mark but is not valid {encoding}{place}. \
         The file may be damaged; export it again."
    );
    match line {
        Some(line) => FileError::at_line(FileErrorCode::BadEncoding, line, message),
        None => FileError::new(FileErrorCode::BadEncoding, message),
    }
}

fn line_at(bytes: &[u8], offset: usize) -> Option<usize> {
    let before = bytes.get(..offset)?;
    Some(1 + before.iter().filter(|&&byte| byte == b'\n').count())
}
