//! A run's per-user results for a person to open (CSV or an Excel
//! workbook, in the app's language) or for a program to read (JSON with
//! stable keys and English codes).
//!
//! Every row names the person (display name, user principal name) and the
//! product (Microsoft's name, part number, skuId), and says what happened:
//! removed, put back (an undo), failed with Microsoft's reason, skipped
//! with the plan's reason, not run (cancelled), or not known yet.
//!
//! The CSV is written for Excel: UTF-8 with a byte order mark, the list
//! separator of the language's locale (`,` in English, `;` in Swedish),
//! CRLF line ends, every cell quoted, and a cell that Excel would take for
//! a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return)
//! led by an apostrophe. The workbook stores every cell as text, so nothing
//! in it is ever run as a formula.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use license_desk_core::overview::ExportFormat;
use license_desk_core::settings::Language;
use license_desk_core::{Error, ErrorCode};
use serde::Serialize;
use uuid::Uuid;

use license_desk_tenant::TenantPicture;

use crate::journal::{Outcome, RunKind};
use crate::plan::{Plan, Verdict};
use crate::run::Report;

/// One (person, product) of a plan, named for a person to read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanRow {
    pub display_name: Option<String>,
    pub user_principal_name: String,
    pub product: String,
    pub part_number: Option<String>,
    /// What happens to it: remove, remove_direct_seat_stays, inherited_only,
    /// self_service, already_gone or user_not_found.
    pub verdict: &'static str,
    /// The groups it is held through, by name.
    pub groups: Vec<String>,
}

/// Every item of `plan`, naming the person and the product.
pub fn plan_rows(plan: &Plan, picture: &TenantPicture) -> Vec<PlanRow> {
    let people: std::collections::HashMap<Uuid, &license_desk_tenant::model::User> =
        picture.users.iter().map(|u| (u.id, u)).collect();
    plan.items
        .iter()
        .map(|item| {
            let person = item.user_id.and_then(|id| people.get(&id));
            let (verdict, groups) = match &item.verdict {
                Verdict::Remove => ("remove", Vec::new()),
                Verdict::RemoveDirectSeatStays { groups } => ("remove_direct_seat_stays", groups.clone()),
                Verdict::InheritedOnly { groups } => ("inherited_only", groups.clone()),
                Verdict::SelfService => ("self_service", Vec::new()),
                Verdict::AlreadyGone => ("already_gone", Vec::new()),
                Verdict::UserNotFound => ("user_not_found", Vec::new()),
            };
            PlanRow {
                display_name: person.and_then(|p| p.display_name.clone()),
                user_principal_name: item
                    .user_principal_name
                    .clone()
                    .unwrap_or_else(|| item.user.clone()),
                product: if item.sku_id.is_nil() {
                    String::new()
                } else {
                    picture.product_name(item.sku_id)
                },
                part_number: picture
                    .products
                    .iter()
                    .find(|p| p.sku_id == item.sku_id)
                    .map(|p| p.sku_part_number.clone()),
                verdict,
                groups: groups
                    .iter()
                    .map(|g| g.name.clone().unwrap_or_else(|| g.id.to_string()))
                    .collect(),
            }
        })
        .collect()
}

/// One row of results. Its JSON keys and codes are stable: scripts read
/// them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultRow {
    /// The user as the run was asked for them (object id or user name).
    pub user: String,
    pub user_principal_name: Option<String>,
    /// As the tenant names them, where the tenant was at hand.
    pub display_name: Option<String>,
    /// Microsoft's name of the product (its part number, or its skuId, when
    /// neither the tenant nor Microsoft's table knows it); empty for a user
    /// who was not found when every product of some users was asked.
    pub product: String,
    pub part_number: Option<String>,
    pub sku_id: Uuid,
    /// What the run was to do: remove, or put_back (an undo).
    pub action: &'static str,
    /// done, failed, skipped, not_run, or unknown (still being checked).
    pub result: String,
    /// Why, in plain words, when it was not done.
    pub reason: Option<String>,
    /// Why, as the localized exports say it.
    #[serde(skip)]
    why: Why,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Why {
    Nothing,
    Failed(ErrorCode),
    Skipped(SkipReason),
    NotRun,
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SkipReason {
    InheritedOnly,
    SelfService,
    AlreadyGone,
    UserNotFound,
    NotNeeded,
}

impl SkipReason {
    fn of(verdict: &Verdict) -> Self {
        match verdict {
            Verdict::InheritedOnly { .. } => Self::InheritedOnly,
            Verdict::SelfService => Self::SelfService,
            Verdict::AlreadyGone => Self::AlreadyGone,
            Verdict::UserNotFound => Self::UserNotFound,
            Verdict::Remove | Verdict::RemoveDirectSeatStays { .. } => Self::NotNeeded,
        }
    }

    fn text(self, language: Language) -> &'static str {
        match (self, language) {
            (Self::InheritedOnly, Language::En) => "Held only through a group: remove it at the group.",
            (Self::InheritedOnly, Language::Sv) => "Tilldelas bara via en grupp: ta bort den i gruppen.",
            (Self::SelfService, Language::En) => {
                "Bought by a user (self-service): take the subscription over first."
            }
            (Self::SelfService, Language::Sv) => {
                "Köpt av användaren (självbetjäning): ta över prenumerationen först."
            }
            (Self::AlreadyGone, Language::En) => "The user did not hold it.",
            (Self::AlreadyGone, Language::Sv) => "Användaren hade den inte.",
            (Self::UserNotFound, Language::En) => "No such user.",
            (Self::UserNotFound, Language::Sv) => "Användaren finns inte.",
            (Self::NotNeeded, Language::En) => "Not needed.",
            (Self::NotNeeded, Language::Sv) => "Behövdes inte.",
        }
    }
}

const NOT_RUN_EN: &str = "The run was cancelled before this was sent.";
const NOT_RUN_SV: &str = "Körningen avbröts innan den skickades.";
const UNKNOWN_EN: &str = "No answer yet: resume the run to check it against the tenant.";
const UNKNOWN_SV: &str =
    "Inget svar än: återuppta körningen för att kontrollera den mot klientorganisationen.";

/// Microsoft's refusals as a Swedish admin reads them; `None` keeps the
/// recorded (English) message.
fn failure_in_swedish(code: ErrorCode) -> Option<&'static str> {
    Some(match code {
        ErrorCode::InsufficientPrivileges => {
            "Ditt konto eller din app saknar behörighet. En global administratör, licensadministratör eller användaradministratör kan göra det; en app behöver behörigheten LicenseAssignment.ReadWrite.All."
        }
        ErrorCode::UserNotFound => "Användaren finns inte längre i organisationen.",
        ErrorCode::LicenseInherited => {
            "Licensen kommer från en grupp. Ta bort den i gruppen (eller ta bort användaren ur gruppen); den kan inte tas bort direkt från användaren."
        }
        ErrorCode::LicenseNotHeld => "Användaren har inte licensen (längre): inget att ta bort.",
        ErrorCode::ProductNotInTenant => {
            "Organisationen äger inte produkten (längre), så den kan inte tilldelas eller tas bort."
        }
        ErrorCode::NoFreeSeats => {
            "Alla licenser för produkten är tilldelade. Frigör en eller köp fler innan du tilldelar den."
        }
        ErrorCode::UsageLocationMissing => {
            "Användaren saknar användningsplats. Ange land i administrationscentret och försök igen."
        }
        ErrorCode::SelfServiceLocked => {
            "En användare har köpt produkten själv. Ta över prenumerationen i administrationscentret innan du ändrar dess licenser."
        }
        ErrorCode::Throttled => {
            "Microsofts tjänst bad License Desk att vänta längre än den väntar. Försök igen om några minuter."
        }
        ErrorCode::ServiceUnavailable => {
            "Microsofts tjänst svarar inte som den ska just nu. Försök igen om några minuter."
        }
        ErrorCode::Network => "Microsofts tjänst gick inte att nå. Kontrollera nätverket och försök igen.",
        ErrorCode::OutcomeUnknown => {
            "Anslutningen bröts efter att ändringen skickats: återuppta körningen för att kontrollera den."
        }
        _ => return None,
    })
}

/// Names of users and products, from the tenant where one is at hand and
/// from Microsoft's product table otherwise.
struct Names<'a> {
    by_id: HashMap<Uuid, &'a license_desk_tenant::model::User>,
    by_name: HashMap<String, &'a license_desk_tenant::model::User>,
    picture: Option<&'a TenantPicture>,
}

impl<'a> Names<'a> {
    fn new(picture: Option<&'a TenantPicture>) -> Self {
        let users = picture.map(|p| p.users.as_slice()).unwrap_or_default();
        Self {
            by_id: users.iter().map(|u| (u.id, u)).collect(),
            by_name: users
                .iter()
                .map(|u| (u.user_principal_name.to_lowercase(), u))
                .collect(),
            picture,
        }
    }

    fn user(&self, id: Option<Uuid>, name: Option<&str>) -> Option<&'a license_desk_tenant::model::User> {
        id.and_then(|id| self.by_id.get(&id))
            .or_else(|| name.and_then(|n| self.by_name.get(&n.to_lowercase())))
            .copied()
    }

    /// Microsoft's name and the part number of `sku_id`.
    fn product(&self, sku_id: Uuid) -> (String, Option<String>) {
        if sku_id.is_nil() {
            return (String::new(), None);
        }
        let held = self
            .picture
            .and_then(|p| p.products.iter().find(|p| p.sku_id == sku_id));
        if let Some(held) = held {
            let name = license_desk_tenant::product_name(&held.sku_part_number)
                .unwrap_or(&held.sku_part_number)
                .to_owned();
            return (name, Some(held.sku_part_number.clone()));
        }
        match license_desk_files::catalog().by_sku_id(sku_id) {
            Some(known) => (known.display_name.clone(), Some(known.part_number.clone())),
            None => (sku_id.to_string(), None),
        }
    }
}

impl Report {
    /// The results, naming products from Microsoft's table only.
    pub fn rows(&self) -> Vec<ResultRow> {
        self.named_rows(None)
    }

    /// The results, naming people and products as `picture` (the tenant
    /// the run changed) names them.
    pub fn named_rows(&self, picture: Option<&TenantPicture>) -> Vec<ResultRow> {
        let names = Names::new(picture);
        let action = match self.kind {
            RunKind::Unassign => "remove",
            RunKind::Undo => "put_back",
        };
        self.items
            .iter()
            .enumerate()
            .map(|(index, item)| {
                let (result, reason, why) = match self.outcomes.get(&index) {
                    Some(Outcome::Done) => ("done", None, Why::Nothing),
                    Some(Outcome::Failed { code, message }) => {
                        ("failed", Some(message.clone()), Why::Failed(*code))
                    }
                    Some(Outcome::Skipped) => {
                        let skip = SkipReason::of(&item.verdict);
                        (
                            "skipped",
                            Some(skip.text(Language::En).to_owned()),
                            Why::Skipped(skip),
                        )
                    }
                    Some(Outcome::NotRun) => ("not_run", Some(NOT_RUN_EN.to_owned()), Why::NotRun),
                    None => ("unknown", Some(UNKNOWN_EN.to_owned()), Why::Unknown),
                };
                let person = names.user(
                    item.user_id,
                    item.user_principal_name.as_deref().or(Some(item.user.as_str())),
                );
                let (product, part_number) = names.product(item.sku_id);
                ResultRow {
                    user: item.user.clone(),
                    user_principal_name: item
                        .user_principal_name
                        .clone()
                        .or_else(|| person.map(|p| p.user_principal_name.clone())),
                    display_name: person.and_then(|p| p.display_name.clone()),
                    product,
                    part_number,
                    sku_id: item.sku_id,
                    action,
                    result: result.to_owned(),
                    reason,
                    why,
                }
            })
            .collect()
    }

    /// Microsoft's names of the products the run touched, in the order
    /// they first come.
    pub fn product_names(&self, picture: Option<&TenantPicture>) -> Vec<String> {
        let names = Names::new(picture);
        let mut seen = Vec::new();
        for item in self.items.iter().filter(|i| !i.sku_id.is_nil()) {
            if !seen.contains(&item.sku_id) {
                seen.push(item.sku_id);
            }
        }
        seen.into_iter().map(|sku_id| names.product(sku_id).0).collect()
    }
}

/// The column headers, in `language`.
pub fn headers(language: Language) -> [&'static str; 7] {
    match language {
        Language::En => [
            "Display name",
            "User principal name",
            "License",
            "Part number",
            "SKU ID",
            "Result",
            "Reason",
        ],
        Language::Sv => [
            "Visningsnamn",
            "Användarnamn",
            "Licens",
            "Artikelnummer",
            "SKU-ID",
            "Resultat",
            "Orsak",
        ],
    }
}

/// What happened to a row, as a word of `language`.
fn result_word(row: &ResultRow, language: Language) -> &'static str {
    let put_back = row.action == "put_back";
    match (row.result.as_str(), language) {
        ("done", Language::En) if put_back => "Put back",
        ("done", Language::Sv) if put_back => "Återställd",
        ("done", Language::En) => "Removed",
        ("done", Language::Sv) => "Borttagen",
        ("failed", Language::En) => "Failed",
        ("failed", Language::Sv) => "Misslyckades",
        ("skipped", Language::En) => "Skipped",
        ("skipped", Language::Sv) => "Hoppades över",
        ("not_run", Language::En) => "Not run",
        ("not_run", Language::Sv) => "Inte körd",
        (_, Language::En) => "Unknown",
        (_, Language::Sv) => "Okänt",
    }
}

fn reason_text(row: &ResultRow, language: Language) -> String {
    let recorded = || row.reason.clone().unwrap_or_default();
    match (&row.why, language) {
        (Why::Nothing, _) => String::new(),
        (_, Language::En) => recorded(),
        (Why::Failed(code), Language::Sv) => failure_in_swedish(*code).map_or_else(recorded, str::to_owned),
        (Why::Skipped(skip), Language::Sv) => skip.text(Language::Sv).to_owned(),
        (Why::NotRun, Language::Sv) => NOT_RUN_SV.to_owned(),
        (Why::Unknown, Language::Sv) => UNKNOWN_SV.to_owned(),
    }
}

/// Every row as the cells of the table a person reads, in `language`.
pub fn table(rows: &[ResultRow], language: Language) -> Vec<[String; 7]> {
    rows.iter()
        .map(|row| {
            [
                row.display_name.clone().unwrap_or_default(),
                row.user_principal_name
                    .clone()
                    .unwrap_or_else(|| row.user.clone()),
                row.product.clone(),
                row.part_number.clone().unwrap_or_default(),
                if row.sku_id.is_nil() {
                    String::new()
                } else {
                    row.sku_id.to_string()
                },
                result_word(row, language).to_owned(),
                reason_text(row, language),
            ]
        })
        .collect()
}

/// The list separator Excel expects in `language`'s locale.
pub fn separator(language: Language) -> u8 {
    match language {
        Language::En => b',',
        Language::Sv => b';',
    }
}

/// A cell as Excel will not run it: values starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return get a leading apostrophe.
fn neutral(value: &str) -> std::borrow::Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}").into()
    } else {
        value.into()
    }
}

/// The results as a CSV file for Excel: UTF-8 with a byte order mark, the
/// language's separator, CRLF, every cell quoted and formula-safe.
pub fn to_csv(rows: &[ResultRow], language: Language) -> Vec<u8> {
    excel_csv(&headers(language), table(rows, language), language)
}

/// Any table as a CSV file for Excel, written as [`to_csv`] writes results.
pub fn excel_csv<R: AsRef<[String]>>(
    header: &[&str],
    rows: impl IntoIterator<Item = R>,
    language: Language,
) -> Vec<u8> {
    let mut out = csv::WriterBuilder::new()
        .delimiter(separator(language))
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Always)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    // Writing to memory cannot fail.
    let _ = out.write_record(header);
    for cells in rows {
        let _ = out.write_record(cells.as_ref().iter().map(|c| neutral(c).into_owned()));
    }
    out.into_inner().unwrap_or_default()
}

/// The results as an Excel workbook: one sheet, a bold header row that
/// stays in view, an autofilter, columns as wide as their contents (long
/// reasons capped). Every cell is text.
pub fn to_xlsx(rows: &[ResultRow], language: Language) -> Result<Vec<u8>, Error> {
    use rust_xlsxwriter::{Format, Workbook};
    let failed = |e: rust_xlsxwriter::XlsxError| {
        Error::new(
            ErrorCode::Internal,
            "The results could not be written as an Excel workbook.",
        )
        .with_details(e.to_string())
    };
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet
        .set_name(match language {
            Language::En => "Results",
            Language::Sv => "Resultat",
        })
        .map_err(failed)?;
    let bold = Format::new().set_bold();
    for (column, header) in (0u16..).zip(headers(language)) {
        sheet
            .write_string_with_format(0, column, header, &bold)
            .map_err(failed)?;
    }
    let cells = table(rows, language);
    for (row, cells) in (1u32..).zip(&cells) {
        for (column, cell) in (0u16..).zip(cells) {
            if !cell.is_empty() {
                sheet.write_string(row, column, cell).map_err(failed)?;
            }
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(failed)?;
    let last = u32::try_from(cells.len()).unwrap_or(u32::MAX);
    sheet.autofilter(0, 0, last, 6).map_err(failed)?;
    sheet.set_autofit_max_width(480).autofit();
    workbook.save_to_buffer().map_err(failed)
}

/// The results for programs: stable camelCase keys, English codes.
pub fn to_json(rows: &[ResultRow]) -> String {
    serde_json::to_string_pretty(rows).unwrap_or_else(|_| "[]".to_owned())
}

/// The results in `format`, ready to be written to a file.
pub fn to_bytes(rows: &[ResultRow], format: ExportFormat, language: Language) -> Result<Vec<u8>, Error> {
    Ok(match format {
        ExportFormat::Csv => to_csv(rows, language),
        ExportFormat::Xlsx => to_xlsx(rows, language)?,
        ExportFormat::Json => (to_json(rows) + "\n").into_bytes(),
    })
}

/// Writes the results to `path` in `format`, all or nothing (a temporary
/// file, synced, then renamed); a name with no extension gets the
/// format's. Says where they were written.
pub fn write(
    path: &Path,
    rows: &[ResultRow],
    format: ExportFormat,
    language: Language,
) -> Result<PathBuf, Error> {
    let bytes = to_bytes(rows, format, language)?;
    let mut path = path.to_path_buf();
    if path.extension().is_none() {
        path.set_extension(extension(format));
    }
    license_desk_tenant::export::write_atomically(&path, &bytes)?;
    Ok(path)
}

/// The file extension of `format`.
pub fn extension(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Csv => "csv",
        ExportFormat::Xlsx => "xlsx",
        ExportFormat::Json => "json",
    }
}

/// The name a save dialog suggests for a run's results, e.g.
/// `License Desk - Microsoft 365 Business Premium removed 2026-11-25.xlsx`:
/// the product (or how many there were), what the run did, the day
/// (`YYYY-MM-DD`). Safe on every platform's file system.
pub fn suggested_file_name(
    products: &[String],
    kind: RunKind,
    language: Language,
    date: &str,
    format: ExportFormat,
) -> String {
    let many = products.len() > 1;
    let what = match products {
        [one] => one.clone(),
        _ => match language {
            Language::En => format!("{} licenses", products.len()),
            Language::Sv => format!("{} licenser", products.len()),
        },
    };
    let done = match (kind, language, many) {
        (RunKind::Unassign, Language::En, _) => "removed",
        (RunKind::Undo, Language::En, _) => "put back",
        (RunKind::Unassign, Language::Sv, false) => "borttagen",
        (RunKind::Unassign, Language::Sv, true) => "borttagna",
        (RunKind::Undo, Language::Sv, false) => "återställd",
        (RunKind::Undo, Language::Sv, true) => "återställda",
    };
    let stem: String = format!("License Desk - {what} {done} {date}")
        .chars()
        .map(|c| {
            if c.is_control() || "<>:\"/\\|?*".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    format!("{}.{}", stem.trim().trim_end_matches('.'), extension(format))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(user: &str, reason: &str) -> ResultRow {
        ResultRow {
            user: user.to_owned(),
            user_principal_name: Some(user.to_owned()),
            display_name: Some(user.to_owned()),
            product: "Microsoft 365 Business Premium".to_owned(),
            part_number: Some("SPB".to_owned()),
            sku_id: Uuid::nil(),
            action: "remove",
            result: "failed".to_owned(),
            reason: Some(reason.to_owned()),
            why: Why::Failed(ErrorCode::GraphRequestFailed),
        }
    }

    fn text(bytes: &[u8]) -> &str {
        std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").expect("a byte order mark")).unwrap()
    }

    #[test]
    fn formulas_are_neutralised_and_quotes_escaped() {
        let csv = to_csv(
            &[
                row("=HYPERLINK(\"http://x\")", "+1"),
                row("-2", "@SUM(A1)"),
                row("\tTab", "\rReturn"),
                row("plain@example.com", "said \"no\""),
            ],
            Language::En,
        );
        let lines: Vec<&str> = text(&csv).split("\r\n").collect();
        assert_eq!(
            lines[0],
            r#""Display name","User principal name","License","Part number","SKU ID","Result","Reason""#
        );
        assert_eq!(
            lines[1],
            r#""'=HYPERLINK(""http://x"")","'=HYPERLINK(""http://x"")","Microsoft 365 Business Premium","SPB","","Failed","'+1""#
        );
        assert!(lines[2].starts_with(r#""'-2","'-2""#) && lines[2].ends_with(r#""'@SUM(A1)""#));
        assert!(lines[3].starts_with("\"'\tTab\"") && lines[3].ends_with("\"'\rReturn\""));
        assert_eq!(
            lines[4],
            r#""plain@example.com","plain@example.com","Microsoft 365 Business Premium","SPB","","Failed","said ""no""""#
        );
        assert_eq!(lines[5], "", "every line ends with CRLF");
    }

    #[test]
    fn swedish_uses_semicolons_and_swedish_words() {
        let mut done = row("åsa@example.com", "");
        done.result = "done".to_owned();
        done.reason = None;
        done.why = Why::Nothing;
        let mut refused = row(
            "ola@example.com",
            "The user no longer exists in your organisation.",
        );
        refused.why = Why::Failed(ErrorCode::UserNotFound);
        let csv = to_csv(&[done, refused], Language::Sv);
        let lines: Vec<&str> = text(&csv).split("\r\n").collect();
        assert_eq!(
            lines[0],
            r#""Visningsnamn";"Användarnamn";"Licens";"Artikelnummer";"SKU-ID";"Resultat";"Orsak""#
        );
        assert!(lines[1].ends_with(r#";"Borttagen";"""#), "{}", lines[1]);
        assert!(
            lines[2].ends_with(r#";"Misslyckades";"Användaren finns inte längre i organisationen.""#),
            "{}",
            lines[2]
        );
    }

    #[test]
    fn json_keeps_every_field() {
        let json: serde_json::Value = serde_json::from_str(&to_json(&[row("a@b.c", "why")])).unwrap();
        assert_eq!(json[0]["userPrincipalName"], "a@b.c");
        assert_eq!(json[0]["displayName"], "a@b.c");
        assert_eq!(json[0]["product"], "Microsoft 365 Business Premium");
        assert_eq!(json[0]["partNumber"], "SPB");
        assert_eq!(json[0]["action"], "remove");
        assert_eq!(json[0]["result"], "failed");
        assert_eq!(json[0]["reason"], "why");
        assert!(json[0].get("why").is_none());
    }

    #[test]
    fn file_names_say_product_what_and_when() {
        let premium = ["Microsoft 365 Business Premium".to_owned()];
        let day = "2026-11-25";
        assert_eq!(
            suggested_file_name(&premium, RunKind::Unassign, Language::En, day, ExportFormat::Xlsx),
            "License Desk - Microsoft 365 Business Premium removed 2026-11-25.xlsx"
        );
        assert_eq!(
            suggested_file_name(&premium, RunKind::Unassign, Language::Sv, day, ExportFormat::Csv),
            "License Desk - Microsoft 365 Business Premium borttagen 2026-11-25.csv"
        );
        assert_eq!(
            suggested_file_name(&premium, RunKind::Undo, Language::Sv, day, ExportFormat::Json),
            "License Desk - Microsoft 365 Business Premium återställd 2026-11-25.json"
        );
        let two = ["Visio Plan 2".to_owned(), "Project: Plan 3 / old?".to_owned()];
        assert_eq!(
            suggested_file_name(&two, RunKind::Undo, Language::En, day, ExportFormat::Csv),
            "License Desk - 2 licenses put back 2026-11-25.csv"
        );
        assert_eq!(
            suggested_file_name(&two[1..], RunKind::Unassign, Language::En, day, ExportFormat::Csv),
            "License Desk - Project_ Plan 3 _ old_ removed 2026-11-25.csv"
        );
    }
}
