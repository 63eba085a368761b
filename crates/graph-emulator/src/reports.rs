//! Microsoft 365's usage reports: the "active users" detail report
//! (`getOffice365ActiveUserDetail`) as the CSV file Graph's download link
//! serves, and the one-time download links themselves.
//!
//! Activity follows the users' sign-ins: whoever signed in during the
//! period used the services their licenses carry. Names are concealed
//! (hashes) while the tenant's report setting says so.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use time::macros::format_description;
use time::{Date, OffsetDateTime};

use crate::directory::Directory;
use crate::model::User;

/// How long a download link works, once.
pub const LINK_LIFETIME: Duration = Duration::from_secs(5 * 60);

/// Reports lag behind: the data is this many days old when read.
const REFRESH_LAG_DAYS: i64 = 2;

const HEADER: &str = "Report Refresh Date,User Principal Name,Display Name,Is Deleted,Deleted Date,Has Exchange License,Has OneDrive License,Has SharePoint License,Has Skype For Business License,Has Yammer License,Has Teams License,Exchange Last Activity Date,OneDrive Last Activity Date,SharePoint Last Activity Date,Skype For Business Last Activity Date,Yammer Last Activity Date,Teams Last Activity Date,Exchange License Assign Date,OneDrive License Assign Date,SharePoint License Assign Date,Skype For Business License Assign Date,Yammer License Assign Date,Teams License Assign Date,Assigned Products";

/// Reports waiting to be downloaded, by the token in their link.
#[derive(Default)]
pub struct Downloads {
    waiting: HashMap<String, (Vec<u8>, Instant)>,
}

impl Downloads {
    /// Keeps `file` for one download within [`LINK_LIFETIME`]; the token.
    pub fn offer(&mut self, file: Vec<u8>) -> String {
        let now = Instant::now();
        self.waiting.retain(|_, (_, expires)| *expires > now);
        let token = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        self.waiting.insert(token.clone(), (file, now + LINK_LIFETIME));
        token
    }

    /// The file behind `token`, once, while the link is young enough.
    pub fn take(&mut self, token: &str) -> Option<Vec<u8>> {
        let (file, expires) = self.waiting.remove(token)?;
        (expires > Instant::now()).then_some(file)
    }
}

/// `period='D7'` (any case, quotes optional) as days: 7, 30, 90 or 180.
pub fn parse_period(segment: &str) -> Result<u32, String> {
    let inner = segment
        .split_once('(')
        .and_then(|(_, rest)| rest.strip_suffix(')'))
        .unwrap_or_default();
    let (name, value) = inner.split_once('=').unwrap_or(("", inner));
    let value = value.trim().trim_matches('\'');
    if !name.trim().eq_ignore_ascii_case("period") {
        return Err(value.to_owned());
    }
    match value.to_ascii_uppercase().as_str() {
        "D7" => Ok(7),
        "D30" => Ok(30),
        "D90" => Ok(90),
        "D180" => Ok(180),
        _ => Err(value.to_owned()),
    }
}

/// A stable 32-character upper-case hexadecimal stand-in for a name, as
/// reports show while names are concealed.
pub fn concealed(kind: &str, name: &str) -> String {
    let digest = Sha256::digest(format!("{kind}:{}", name.to_lowercase()).as_bytes());
    digest[..16].iter().map(|b| format!("{b:02X}")).collect()
}

/// The name usage reports give a product: Microsoft's, upper case.
pub fn report_name(part_number: &str) -> String {
    let name = match part_number {
        "SPB" => "Microsoft 365 Business Premium",
        "O365_BUSINESS_ESSENTIALS" => "Microsoft 365 Business Basic",
        "O365_BUSINESS_PREMIUM" => "Microsoft 365 Business Standard",
        "SPE_E3" => "Microsoft 365 E3",
        "EXCHANGESTANDARD" => "Exchange Online (Plan 1)",
        "POWER_BI_PRO" => "Power BI Pro",
        "VISIOCLIENT" => "Visio Plan 2",
        "PROJECTPROFESSIONAL" => "Planner and Project Plan 3",
        "AAD_PREMIUM" => "Microsoft Entra ID P1",
        "Microsoft_365_Copilot" => "Microsoft 365 Copilot",
        other => other,
    };
    name.to_uppercase()
}

/// Which of the report's six services a product licenses: Exchange,
/// OneDrive, SharePoint, Skype for Business, Yammer, Teams.
fn services(part_number: &str) -> [bool; 6] {
    match part_number {
        "SPB" | "O365_BUSINESS_ESSENTIALS" | "O365_BUSINESS_PREMIUM" | "SPE_E3" => [true; 6],
        "EXCHANGESTANDARD" => [true, false, false, false, false, false],
        _ => [false; 6],
    }
}

pub fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

fn day(date: Date) -> String {
    date.format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

/// The day of an ISO 8601 date and time (`2026-11-20T08:14:03Z`).
fn parse_day(text: &str) -> Option<Date> {
    let year: i32 = text.get(..4)?.parse().ok()?;
    let month: u8 = text.get(5..7)?.parse().ok()?;
    let day: u8 = text.get(8..10)?.parse().ok()?;
    Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()
}

/// The last day `user` used anything: their latest successful or
/// non-interactive sign-in.
fn last_active(user: &User) -> Option<Date> {
    let activity = user.sign_in_activity.as_ref()?;
    [
        activity.last_successful_sign_in_date_time.as_deref(),
        activity.last_sign_in_date_time.as_deref(),
        activity.last_non_interactive_sign_in_date_time.as_deref(),
    ]
    .into_iter()
    .flatten()
    .filter_map(parse_day)
    .max()
}

/// A CSV field, quoted when it must be.
fn field(value: &str) -> String {
    if value.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

/// The active users detail report over `period_days`, as of `today`: UTF-8
/// with a byte order mark, CRLF, one line per licensed user.
pub fn active_user_detail(directory: &Directory, period_days: u32, today: Date) -> Vec<u8> {
    let tenant = directory.tenant();
    let refreshed = today - time::Duration::days(REFRESH_LAG_DAYS);
    let first_day = refreshed - time::Duration::days(i64::from(period_days) - 1);
    let mut text = String::from("\u{feff}");
    text.push_str(HEADER);
    text.push_str("\r\n");
    for user in directory.users() {
        let licenses = directory.assigned_licenses(user);
        if licenses.is_empty() {
            continue;
        }
        let part_numbers: Vec<&str> = licenses
            .iter()
            .filter_map(|l| tenant.products.iter().find(|p| p.sku_id == l.sku_id))
            .map(|p| p.sku_part_number.as_str())
            .collect();
        let mut has = [false; 6];
        for part_number in &part_numbers {
            for (held, licensed) in has.iter_mut().zip(services(part_number)) {
                *held |= licensed;
            }
        }
        let active = last_active(user)
            .map(|d| d.min(refreshed))
            .filter(|d| *d >= first_day);
        // Exchange, OneDrive and Teams on the last active day; SharePoint
        // the day before, where that is still in the period; no Skype for
        // Business or Yammer.
        let used = |service: usize| -> String {
            let date = match (service, active) {
                (_, None) => None,
                (0 | 1 | 5, Some(d)) => Some(d),
                (2, Some(d)) => d.previous_day().filter(|p| *p >= first_day),
                _ => None,
            };
            date.filter(|_| has[service]).map(day).unwrap_or_default()
        };
        let assigned_on = parse_day(&user.created_date_time).map(day).unwrap_or_default();
        let (name, display) = if tenant.display_concealed_names {
            (
                concealed("user", &user.user_principal_name),
                concealed("name", &user.user_principal_name),
            )
        } else {
            (user.user_principal_name.clone(), user.display_name.clone())
        };
        let products: Vec<String> = part_numbers.iter().map(|p| report_name(p)).collect();
        let mut line: Vec<String> = vec![
            day(refreshed),
            field(&name),
            field(&display),
            "False".into(),
            String::new(),
        ];
        line.extend(has.iter().map(|h| if *h { "True" } else { "False" }.to_owned()));
        line.extend((0..6).map(used));
        line.extend(
            has.iter()
                .map(|h| if *h { assigned_on.clone() } else { String::new() }),
        );
        line.push(field(&products.join("+")));
        text.push_str(&line.join(","));
        text.push_str("\r\n");
    }
    text.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_as_graph_takes_them() {
        assert_eq!(parse_period("getOffice365ActiveUserDetail(period='D7')"), Ok(7));
        assert_eq!(
            parse_period("getoffice365activeuserdetail(period='d180')"),
            Ok(180)
        );
        assert_eq!(parse_period("getOffice365ActiveUserDetail(period=D30)"), Ok(30));
        assert_eq!(
            parse_period("getOffice365ActiveUserDetail(period='D8')"),
            Err("D8".to_owned())
        );
        assert!(parse_period("getOffice365ActiveUserDetail").is_err());
    }

    #[test]
    fn concealed_names_are_stable_hashes() {
        let hash = concealed("user", "Anna@Contoso.example");
        assert_eq!(hash, concealed("user", "anna@contoso.example"));
        assert_eq!(hash.len(), 32);
        assert!(hash
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase()));
        assert_ne!(hash, concealed("name", "anna@contoso.example"));
    }

    #[test]
    fn one_time_links() {
        let mut downloads = Downloads::default();
        let token = downloads.offer(b"report".to_vec());
        assert_eq!(downloads.take(&token).as_deref(), Some(&b"report"[..]));
        assert_eq!(downloads.take(&token), None);
    }
}
