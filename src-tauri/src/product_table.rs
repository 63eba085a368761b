//! Microsoft's product table, refreshed when online. At start the copy last
//! downloaded (in the app's data folder) names the products the carried
//! copy does not, when it is newer than the carried copy; the app fetches a
//! newer one in the background at most once a week, for its next start. It
//! never blocks, and a failure only means the names carried with License
//! Desk are used (it is logged).

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use license_desk_files::catalog::SOURCE_DATE;
use license_desk_files::downloaded_table::{self, CACHE_FILE};

/// Downloads the table from this address instead of Microsoft's (a mirror,
/// a test); `off` never downloads it.
pub const URL_VARIABLE: &str = "LICENSE_DESK_PRODUCT_TABLE_URL";

/// A downloaded copy younger than this is not fetched again.
const FRESH_FOR: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// Where the downloaded copy is kept.
pub fn cache_path() -> Option<PathBuf> {
    dirs::data_dir().map(|dir| dir.join(crate::cli::APP_ID).join(CACHE_FILE))
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (the civil calendar).
fn days_from_date(date: &str) -> Option<i64> {
    let mut parts = date.split('-').map(str::parse::<i64>);
    let (year, month, day) = (parts.next()?.ok()?, parts.next()?.ok()?, parts.next()?.ok()?);
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Some(era * 146_097 + day_of_era - 719_468)
}

fn seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |since| since.as_secs())
}

/// When the downloaded copy was saved, if there is one.
fn saved_at() -> Option<SystemTime> {
    std::fs::metadata(cache_path()?).ok()?.modified().ok()
}

/// At start (the app and the command line): uses the downloaded copy's
/// names when it is newer than the carried copy. Gives when it was saved
/// (seconds since 1970), or `None` when the carried copy is used alone.
pub fn load_cached() -> Option<u32> {
    let saved = saved_at()?;
    let saved_day = i64::try_from(seconds(saved) / 86_400).ok()?;
    if saved_day <= days_from_date(SOURCE_DATE)? {
        return None;
    }
    let text = std::fs::read_to_string(cache_path()?).ok()?;
    match downloaded_table::parse(&text) {
        Ok(names) => {
            downloaded_table::install(names);
            u32::try_from(seconds(saved)).ok()
        }
        Err(problem) => {
            tracing::warn!("the downloaded product table is not usable, the carried one is used: {problem}");
            None
        }
    }
}

/// In the app, once started: fetches the table in the background when the
/// downloaded copy is missing or over a week old, for the next start.
pub fn refresh_in_background() {
    let url = match std::env::var(URL_VARIABLE) {
        Ok(url) if url.trim() == "off" => return,
        Ok(url) if !url.trim().is_empty() => url.trim().to_owned(),
        _ => license_desk_graph::product_table::SOURCE_URL.to_owned(),
    };
    let Some(path) = cache_path() else { return };
    if saved_at().is_some_and(|saved| saved.elapsed().is_ok_and(|age| age < FRESH_FOR)) {
        return;
    }
    tauri::async_runtime::spawn(async move {
        match license_desk_graph::product_table::download(&url).await {
            Ok(text) => match save(&path, &text) {
                Ok(()) => tracing::info!("Microsoft's product table downloaded, for the next start"),
                Err(error) => tracing::warn!("the downloaded product table could not be saved: {error}"),
            },
            Err(error) => tracing::info!(
                details = error.details.as_deref().unwrap_or_default(),
                "{}",
                error.message
            ),
        }
    });
}

/// Writes the table whole or not at all: a temporary file, then a rename.
fn save(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder)?;
    }
    let partial = path.with_extension("csv.partial");
    std::fs::write(&partial, text)?;
    std::fs::rename(&partial, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_count_days_from_1970() {
        assert_eq!(days_from_date("1970-01-01"), Some(0));
        assert_eq!(days_from_date("2000-03-01"), Some(11_017));
        assert_eq!(days_from_date("2025-12-30"), Some(20_452));
        assert_eq!(days_from_date("not a date"), None);
    }
}
