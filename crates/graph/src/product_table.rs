//! Microsoft's product table, downloaded when online so that products newer
//! than the copy License Desk carries have names (the app does it in the
//! background, at most once a week, for its next start). It goes through
//! the same trust store and proxies as Graph, and what comes back is used
//! only if it is the table.

use license_desk_core::{Error, ErrorCode};
use license_desk_files::downloaded_table;

/// Where Microsoft publishes the table (linked from "Product names and
/// service plan identifiers for licensing" in the Entra documentation).
pub const SOURCE_URL: &str = "https://download.microsoft.com/download/e/3/e/e3e9faf2-f28b-490a-9ada-c6089a1fc5b0/Product%20names%20and%20service%20plan%20identifiers%20for%20licensing.csv";

/// A larger answer is not the table (it is under 1 MB).
pub const MAX_BYTES: usize = 16 * 1024 * 1024;

fn failed(details: impl Into<String>) -> Error {
    Error::new(
        ErrorCode::Network,
        "Microsoft's product table could not be downloaded; the names carried with License Desk are used.",
    )
    .with_details(details)
}

/// Downloads the table from `url` and checks that it is one.
pub async fn download(url: &str) -> Result<String, Error> {
    let client = crate::endpoints::download_client(url)?;
    let network = |error: reqwest::Error| {
        let error = error.without_url();
        crate::endpoints::office_network_problem(&error).unwrap_or_else(|| failed(error.to_string()))
    };
    let mut response = client.get(url).send().await.map_err(network)?;
    if !response.status().is_success() {
        return Err(failed(format!("the download answered {}", response.status())));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(network)? {
        body.extend_from_slice(&chunk);
        if body.len() > MAX_BYTES {
            return Err(failed(format!("the answer is over {MAX_BYTES} bytes")));
        }
    }
    let text = String::from_utf8(body).map_err(|_| failed("the answer is not UTF-8 text"))?;
    downloaded_table::parse(&text)
        .map_err(|problem| failed(format!("the answer is not the table: {problem}")))?;
    Ok(text)
}
