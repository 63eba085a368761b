//! `--state FILE`: the tenant and its sign-in state kept on disk, so a
//! restarted local tenant carries on exactly where it stopped: the same
//! users, licenses, groups and subscriptions (consumed units follow from
//! them), the same token signing key (a token issued before the restart is
//! still accepted, as Graph accepts it across its own restarts), the refresh
//! tokens in use and those revoked, and the access tokens expired on demand.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use base64::{engine::general_purpose::STANDARD, Engine};
use serde::{Deserialize, Serialize};

use crate::identity::Sessions;
use crate::model::Tenant;
use crate::IssuedTokens;

/// The state as written: borrowed from the running tenant.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Saving<'a> {
    signing_key: String,
    tenant: &'a Tenant,
    sessions: &'a Sessions,
    tokens: &'a IssuedTokens,
}

/// The state as read back at start.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Saved {
    signing_key: String,
    tenant: Tenant,
    #[serde(default)]
    sessions: Sessions,
    #[serde(default)]
    tokens: IssuedTokens,
}

pub(crate) struct Restored {
    pub signing_key: [u8; 32],
    pub tenant: Tenant,
    pub sessions: Sessions,
    pub tokens: IssuedTokens,
}

fn invalid(path: &Path, problem: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!("{} is not a local tenant's state: {problem}", path.display()),
    )
}

/// The state in `path`, or `None` when there is no such file yet.
pub(crate) fn load(path: &Path) -> std::io::Result<Option<Restored>> {
    let text = match std::fs::read(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(error),
    };
    let saved: Saved = serde_json::from_slice(&text).map_err(|e| invalid(path, e))?;
    let signing_key = STANDARD
        .decode(&saved.signing_key)
        .ok()
        .and_then(|key| <[u8; 32]>::try_from(key).ok())
        .ok_or_else(|| invalid(path, "signingKey is not 32 bytes in base64"))?;
    Ok(Some(Restored {
        signing_key,
        tenant: saved.tenant,
        sessions: saved.sessions,
        tokens: saved.tokens,
    }))
}

/// Replaces `path` with the state, whole or not at all: written to a
/// temporary file beside it, synced, then renamed over it.
pub(crate) fn save(
    path: &Path,
    signing_key: &[u8; 32],
    tenant: &Tenant,
    sessions: &Sessions,
    tokens: &IssuedTokens,
) -> std::io::Result<()> {
    let state = Saving {
        signing_key: STANDARD.encode(signing_key),
        tenant,
        sessions,
        tokens,
    };
    let json = serde_json::to_vec(&state).map_err(std::io::Error::other)?;
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    let temporary = path.with_file_name(name);
    let mut file = File::create(&temporary)?;
    file.write_all(&json)?;
    file.sync_all()?;
    std::fs::rename(&temporary, path)?;
    // The rename itself lasts only once the folder is synced (where the
    // platform can open a folder at all).
    let folder = match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    if let Ok(folder) = File::open(folder) {
        let _ = folder.sync_all();
    }
    Ok(())
}
