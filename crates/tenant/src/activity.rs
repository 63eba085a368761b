//! What a picture knows of who uses what: users' sign-ins and Microsoft
//! 365's usage report. Each is either read or says why it could not be, so
//! a finding never rests on data the tenant did not give.

use serde::{Deserialize, Serialize};

/// Activity beside a picture's users.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Activity {
    pub sign_ins: SignIns,
    pub usage: Usage,
}

/// Whether the users' `signInActivity` was read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SignIns {
    /// Not asked for (yet).
    #[default]
    NotRead,
    /// Read; the users carry their dates (`User::sign_in_activity`).
    Read {
        /// When it was read (seconds since the Unix epoch).
        at: u64,
    },
    /// The tenant has no Entra ID P1 or P2, so Graph keeps no sign-in dates
    /// for it (403 `Authentication_RequestFromNonPremiumTenantOrB2CTenant`).
    NotPremium,
    /// The admin has not granted AuditLog.Read.All (or lacks the role).
    NotPermitted,
}

/// Whether the "active users" usage report was read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Usage {
    #[default]
    NotRead,
    Read(UsageReport),
    /// The admin has not granted Reports.Read.All.
    NotPermitted,
    /// Reports.Read.All is granted, but the signed-in admin's role may not
    /// read usage reports (a License Administrator's, for one).
    RoleCannotRead,
}

/// Microsoft 365's "active users" report (`getOffice365ActiveUserDetail`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageReport {
    /// The period asked for: 7, 30, 90 or 180 days.
    pub period_days: u32,
    /// The report's "Report Refresh Date" (`YYYY-MM-DD`), where given.
    pub refreshed_on: Option<String>,
    /// The tenant hides names in reports: the rows carry hashes, which are
    /// never matched to people.
    pub concealed: bool,
    pub rows: Vec<UsageRow>,
}

/// One user's line of the usage report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageRow {
    /// The user name, or a hash when names are concealed.
    pub user_principal_name: String,
    pub display_name: Option<String>,
    pub is_deleted: bool,
    /// The latest of the per-service "Last Activity Date" columns
    /// (`YYYY-MM-DD`); none when the user did nothing in the period.
    pub last_activity: Option<String>,
    /// "Assigned Products" as written (upper-case product names).
    pub assigned_products: Vec<String>,
}

/// One user's sign-in facts as Graph gives them (`createdDateTime` and
/// `signInActivity`), ready to go into a picture.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserSignIns {
    /// When the account was made (ISO 8601, UTC), where Graph said.
    pub created_date_time: Option<String>,
    /// The last sign-ins, when Graph gave them.
    pub sign_in_activity: Option<crate::model::SignInActivity>,
}

/// Activity as read from a tenant, to be put into its picture in one cheap
/// step ([`crate::TenantPicture::set_activity`]) once the reading is done.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityRead {
    pub activity: Activity,
    /// Each user's dates by object id (empty when sign-ins were not read).
    pub users: std::collections::HashMap<uuid::Uuid, UserSignIns>,
}

/// The usage report could not be read: what is wrong with it, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageReportError {
    pub message: String,
}

impl std::fmt::Display for UsageReportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UsageReportError {}

fn report_error(message: impl Into<String>) -> UsageReportError {
    UsageReportError {
        message: message.into(),
    }
}

/// Whether a report's user name is a concealed one: 32 hexadecimal
/// characters and no `@` (what reports show while the tenant hides names).
pub fn is_concealed_name(value: &str) -> bool {
    value.len() == 32 && value.bytes().all(|b| b.is_ascii_hexdigit())
}

/// CSV records (RFC 4180: commas, quotes doubled inside quoted fields, line
/// breaks inside quotes), each with the line it starts on. Never fails:
/// an unclosed quote runs to the end of the text.
fn csv_records(text: &str) -> Vec<(usize, Vec<String>)> {
    let mut records = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut starts_on = 1;
    let mut chars = text.chars().peekable();
    let mut empty_line = true;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' => {
                quoted = true;
                empty_line = false;
            }
            ',' => {
                record.push(std::mem::take(&mut field));
                empty_line = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                if !empty_line {
                    record.push(std::mem::take(&mut field));
                    records.push((starts_on, std::mem::take(&mut record)));
                }
                field.clear();
                line += 1;
                starts_on = line;
                empty_line = true;
            }
            _ => {
                field.push(c);
                empty_line = false;
            }
        }
    }
    if !empty_line {
        record.push(field);
        records.push((starts_on, record));
    }
    records
}

/// "Assigned Products" split into names. Names are joined by `+` with no
/// spaces around it; a `+` with a space beside it belongs to a name
/// ("ENTERPRISE MOBILITY + SECURITY E5").
fn split_products(cell: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = cell.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let joiner = c == '+'
            && i > 0
            && i + 1 < chars.len()
            && !chars[i - 1].is_whitespace()
            && !chars[i + 1].is_whitespace();
        if joiner {
            names.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    names.push(current);
    names
        .into_iter()
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
        .collect()
}

fn is_date(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

impl UsageReport {
    /// Reads Microsoft 365's "active users" report
    /// (`getOffice365ActiveUserDetail`) as downloaded: UTF-8 with or
    /// without a byte order mark, CRLF or LF, quoted fields. Columns are
    /// found by name, in any order. A report without the user name, the
    /// products or any "Last Activity Date" column, or with a row that
    /// does not fit its header, is refused with a message saying so; a
    /// date that is not `YYYY-MM-DD` is refused, never guessed.
    pub fn from_csv(bytes: &[u8], period_days: u32) -> Result<UsageReport, UsageReportError> {
        let text = String::from_utf8_lossy(bytes);
        let text = text.trim_start_matches('\u{feff}');
        let mut records = csv_records(text).into_iter();
        let Some((_, header)) = records.next() else {
            return Err(report_error("The usage report is empty: it has no header line."));
        };
        let header: Vec<String> = header
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_ascii_lowercase())
            .collect();
        let column = |name: &str| header.iter().position(|h| h == &name.to_ascii_lowercase());
        let upn = column("User Principal Name");
        let products = column("Assigned Products");
        let activity: Vec<usize> = header
            .iter()
            .enumerate()
            .filter(|(_, h)| h.ends_with(" last activity date"))
            .map(|(i, _)| i)
            .collect();
        let mut missing = Vec::new();
        if upn.is_none() {
            missing.push("User Principal Name");
        }
        if products.is_none() {
            missing.push("Assigned Products");
        }
        if activity.is_empty() {
            missing.push("a \"Last Activity Date\" column");
        }
        let (Some(upn), Some(products)) = (upn, products) else {
            return Err(report_error(format!(
                "This is not Microsoft 365's active users report: it has no {}.",
                missing.join(", no ")
            )));
        };
        if activity.is_empty() {
            return Err(report_error(format!(
                "This is not Microsoft 365's active users report: it has no {}.",
                missing.join(", no ")
            )));
        }
        let refreshed = column("Report Refresh Date");
        let display = column("Display Name");
        let deleted = column("Is Deleted");
        let mut rows = Vec::new();
        let mut refreshed_on = None;
        for (line, record) in records {
            if record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            if record.len() != header.len() {
                return Err(report_error(format!(
                    "Line {line} of the usage report has {} fields where its header has {}.",
                    record.len(),
                    header.len()
                )));
            }
            let field = |i: usize| record[i].trim();
            let user_principal_name = field(upn).to_owned();
            if user_principal_name.is_empty() {
                return Err(report_error(format!(
                    "Line {line} of the usage report names no user."
                )));
            }
            let mut last_activity: Option<&str> = None;
            for &i in &activity {
                let value = field(i);
                if value.is_empty() {
                    continue;
                }
                if !is_date(value) {
                    return Err(report_error(format!(
                        "Line {line} of the usage report has \"{value}\" where a date (YYYY-MM-DD) belongs."
                    )));
                }
                if last_activity.is_none_or(|latest| value > latest) {
                    last_activity = Some(value);
                }
            }
            let is_deleted = match deleted.map(field) {
                None | Some("") => false,
                Some(v) if v.eq_ignore_ascii_case("true") => true,
                Some(v) if v.eq_ignore_ascii_case("false") => false,
                Some(v) => {
                    return Err(report_error(format!(
                        "Line {line} of the usage report has \"{v}\" where True or False belongs."
                    )))
                }
            };
            if refreshed_on.is_none() {
                refreshed_on = refreshed.map(field).filter(|v| is_date(v)).map(str::to_owned);
            }
            rows.push(UsageRow {
                user_principal_name,
                display_name: display.map(field).filter(|v| !v.is_empty()).map(str::to_owned),
                is_deleted,
                last_activity: last_activity.map(str::to_owned),
                assigned_products: split_products(field(products)),
            });
        }
        let concealed = !rows.is_empty() && rows.iter().all(|r| is_concealed_name(&r.user_principal_name));
        Ok(UsageReport {
            period_days,
            refreshed_on,
            concealed,
            rows,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "Report Refresh Date,User Principal Name,Display Name,Is Deleted,Deleted Date,Has Exchange License,Has OneDrive License,Has SharePoint License,Has Skype For Business License,Has Yammer License,Has Teams License,Exchange Last Activity Date,OneDrive Last Activity Date,SharePoint Last Activity Date,Skype For Business Last Activity Date,Yammer Last Activity Date,Teams Last Activity Date,Exchange License Assign Date,OneDrive License Assign Date,SharePoint License Assign Date,Skype For Business License Assign Date,Yammer License Assign Date,Teams License Assign Date,Assigned Products";

    fn report(rows: &[&str]) -> Vec<u8> {
        let mut text = String::from("\u{feff}");
        text.push_str(HEADER);
        for row in rows {
            text.push_str("\r\n");
            text.push_str(row);
        }
        text.push_str("\r\n");
        text.into_bytes()
    }

    #[test]
    fn reads_the_report_as_microsoft_sends_it() {
        let bytes = report(&[
            "2026-11-23,anna@contoso.example,Anna Berg,False,,True,True,True,False,False,True,2026-11-20,,2026-11-22,,,2026-11-21,2024-01-01,2024-01-01,2024-01-01,,,2024-01-01,MICROSOFT 365 BUSINESS PREMIUM+EXCHANGE ONLINE (PLAN 1)",
            "2026-11-23,\"old@contoso.example\",\"Berg, Old\",True,2026-10-01,False,False,False,False,False,False,,,,,,,,,,,,,",
            "2026-11-23,emil@contoso.example,Emil,False,,True,False,False,False,False,False,,,,,,,,,,,,,ENTERPRISE MOBILITY + SECURITY E5+POWER BI PRO",
        ]);
        let report = UsageReport::from_csv(&bytes, 30).unwrap();
        assert_eq!(report.period_days, 30);
        assert_eq!(report.refreshed_on.as_deref(), Some("2026-11-23"));
        assert!(!report.concealed);
        assert_eq!(report.rows.len(), 3);
        let anna = &report.rows[0];
        assert_eq!(anna.user_principal_name, "anna@contoso.example");
        assert_eq!(anna.display_name.as_deref(), Some("Anna Berg"));
        assert_eq!(anna.last_activity.as_deref(), Some("2026-11-22"));
        assert_eq!(
            anna.assigned_products,
            ["MICROSOFT 365 BUSINESS PREMIUM", "EXCHANGE ONLINE (PLAN 1)"]
        );
        let old = &report.rows[1];
        assert!(old.is_deleted);
        assert_eq!(old.display_name.as_deref(), Some("Berg, Old"));
        assert_eq!(old.last_activity, None);
        assert!(old.assigned_products.is_empty());
        assert_eq!(
            report.rows[2].assigned_products,
            ["ENTERPRISE MOBILITY + SECURITY E5", "POWER BI PRO"]
        );
    }

    #[test]
    fn sees_concealed_names() {
        let bytes = report(&[
            "2026-11-23,554630B7593DDE8E04F27933A965D5B2,0A1B2C3D4E5F60718293A4B5C6D7E8F9,False,,True,True,True,False,False,True,2026-11-20,,,,,,,,,,,,MICROSOFT 365 BUSINESS BASIC",
        ]);
        let report = UsageReport::from_csv(&bytes, 7).unwrap();
        assert!(report.concealed);
        assert!(is_concealed_name("554630B7593DDE8E04F27933A965D5B2"));
        assert!(!is_concealed_name("anna@contoso.example"));
    }

    #[test]
    fn refuses_what_it_cannot_read_with_a_reason() {
        let missing = UsageReport::from_csv(b"Display name,Licenses\nAnna,X\n", 7).unwrap_err();
        assert!(missing.message.contains("User Principal Name"), "{missing}");
        assert!(UsageReport::from_csv(b"", 7)
            .unwrap_err()
            .message
            .contains("empty"));
        let ragged = report(&["2026-11-23,anna@contoso.example,Anna"]);
        assert!(UsageReport::from_csv(&ragged, 7)
            .unwrap_err()
            .message
            .contains("Line 2"));
        let bad_date = report(&[
            "2026-11-23,anna@contoso.example,Anna,False,,True,True,True,False,False,True,11/20/2026,,,,,,,,,,,,X",
        ]);
        assert!(UsageReport::from_csv(&bad_date, 7)
            .unwrap_err()
            .message
            .contains("11/20/2026"));
        // Only the header: a report of nobody.
        let empty = UsageReport::from_csv(&report(&[]), 7).unwrap();
        assert!(empty.rows.is_empty() && !empty.concealed);
    }

    #[test]
    fn never_panics_on_broken_text() {
        for text in [
            "\"unclosed",
            "\u{feff}",
            "\r\n\r\n",
            "User Principal Name,Assigned Products,Teams Last Activity Date\n\"a\"\"b\",\"x\ny\",",
            "User Principal Name,Assigned Products,Teams Last Activity Date\r\na,+,2026-01-0",
        ] {
            let _ = UsageReport::from_csv(text.as_bytes(), 7);
        }
        let quoted = UsageReport::from_csv(
            b"User Principal Name,Assigned Products,Teams Last Activity Date\r\n\"a\"\"b@x\",\"P\r\nQ\",2026-01-02\r\n",
            7,
        )
        .unwrap();
        assert_eq!(quoted.rows[0].user_principal_name, "a\"b@x");
        assert_eq!(quoted.rows[0].assigned_products, ["P\r\nQ"]);
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_are_read_or_refused(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
            let _ = UsageReport::from_csv(&bytes, 7);
        }

        #[test]
        fn any_row_under_the_header_is_read_or_refused(row in "[a-zA-Z0-9@,\"+ \r\n.-]{0,200}") {
            let _ = UsageReport::from_csv(&report(&[row.as_str()]), 30);
        }
    }
}
