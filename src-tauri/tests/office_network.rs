//! The office network, as the command line meets it (the app's window
//! signs in through the same client): a root certificate added to the
//! system's store is trusted with no `LICENSE_DESK_LOCAL_TENANT_CA`, and with
//! `HTTPS_PROXY` set, the sign-in and a run go through the proxy, which sees
//! every connection. Each case runs the real binary in its own process, so
//! the environment it reads is its own.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};

use graph_emulator::apps::{APP_ONLY_CLIENT_ID, APP_ONLY_SECRET};
use graph_emulator::{catalog, generate, Config, Emulator};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Every variable that could point the client elsewhere than the test says.
const NETWORK_VARIABLES: &[&str] = &[
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "LICENSE_DESK_LOCAL_TENANT",
    "LICENSE_DESK_LOCAL_TENANT_CA",
];

fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("license-desk-network-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The command line against `tenant_url`, signed in app-only, with a clean
/// network environment plus `env`.
fn license_desk(
    tenant_url: &str,
    emulator: &Emulator,
    dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_license-desk"));
    command
        .args(args)
        .args([
            "--local-tenant",
            tenant_url,
            "--tenant",
            &emulator.tenant_id().to_string(),
        ])
        .args(["--client-id", &APP_ONLY_CLIENT_ID.to_string()])
        .args(["--journal-dir", dir.join("runs").to_str().unwrap()])
        .env("LICENSE_DESK_CLIENT_SECRET", APP_ONLY_SECRET)
        .env("XDG_DATA_HOME", dir.join("data"))
        .stdin(Stdio::null());
    for variable in NETWORK_VARIABLES {
        command.env_remove(variable);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().unwrap()
}

/// The system's CA bundle with the local tenant's CA added, as
/// `update-ca-certificates` would make it after the CA was put in
/// `/usr/local/share/ca-certificates`.
fn system_store_with(ca_pem: &str, dir: &Path) -> PathBuf {
    let mut bundle = std::fs::read_to_string("/etc/ssl/certs/ca-certificates.crt").unwrap_or_default();
    bundle.push('\n');
    bundle.push_str(ca_pem);
    let path = dir.join("ca-certificates.crt");
    std::fs::write(&path, bundle).unwrap();
    path
}

async fn https_tenant(dir: &Path, users: usize) -> Emulator {
    let mut config = Config::new(generate::tenant("Office", users, 7));
    config.tls_ca_file = Some(dir.join("local-ca.pem"));
    Emulator::start(config).await.unwrap()
}

fn holders(emulator: &Emulator) -> usize {
    emulator.directory(|d| {
        d.users()
            .iter()
            .filter(|u| {
                u.assigned_licenses
                    .iter()
                    .any(|l| l.sku_id == catalog::BUSINESS_PREMIUM.sku_id)
            })
            .count()
    })
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_root_added_to_the_system_store_is_trusted() {
    let dir = folder("store");
    let emulator = https_tenant(&dir, 20).await;
    let url = emulator.base_url().to_owned();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    let dry_run = ["unassign", "--sku", "SPB", "--all-holders", "--dry-run"];

    // Not in the store: refused, and the admin is told why.
    let untrusted = tokio::task::block_in_place(|| license_desk(&url, &emulator, &dir, &dry_run, &[]));
    assert_eq!(untrusted.status.code(), Some(1), "{}", text(&untrusted.stderr));
    let said = text(&untrusted.stderr);
    assert!(said.contains("not trusted"), "{said}");
    assert!(said.contains("proxy or antivirus"), "{said}");

    // Added to the system's store (no LICENSE_DESK_LOCAL_TENANT_CA): trusted.
    let store = system_store_with(emulator.ca_certificate_pem().unwrap(), &dir);
    let trusted = tokio::task::block_in_place(|| {
        license_desk(
            &url,
            &emulator,
            &dir,
            &dry_run,
            &[("SSL_CERT_FILE", store.to_str().unwrap())],
        )
    });
    assert!(trusted.status.success(), "{}", text(&trusted.stderr));
    assert!(
        text(&trusted.stderr).contains(&format!("will remove: {}", holders(&emulator))),
        "{}",
        text(&trusted.stderr)
    );
    std::fs::remove_dir_all(dir).ok();
}

/// What the proxy saw: the request line of every connection, in order.
type Seen = Arc<Mutex<Vec<String>>>;

/// A CONNECT proxy, as offices run them: every tunnel it opens is counted.
/// It reaches `authority` at `behind` (the tenant is reachable through the
/// proxy only). `refuse` answers 403 to every request instead, as a proxy
/// does to a destination it does not allow.
async fn connect_proxy(authority: &str, behind: &str, refuse: bool) -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let route = (authority.to_owned(), behind.to_owned());
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            tokio::spawn(tunnel(client, log.clone(), route.clone(), refuse));
        }
    });
    (address, seen)
}

async fn tunnel(mut client: TcpStream, seen: Seen, (authority, behind): (String, String), refuse: bool) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match client.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let request_line = head.lines().next().unwrap_or_default().to_owned();
    seen.lock().unwrap().push(request_line.clone());
    if refuse || request_line != format!("CONNECT {authority} HTTP/1.1") {
        let _ = client
            .write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .await;
        return;
    }
    let Ok(mut server) = TcpStream::connect(&behind).await else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
        return;
    };
    if client
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .await
        .is_ok()
    {
        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
    }
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_and_a_run_go_through_the_proxy() {
    let dir = folder("proxy");
    let emulator = https_tenant(&dir, 20).await;
    let store = system_store_with(emulator.ca_certificate_pem().unwrap(), &dir);
    let store = store.to_str().unwrap();
    let direct = emulator.base_url().trim_start_matches("https://").to_owned();
    // By name, at a port where nothing listens: only through the proxy does
    // it lead to the tenant, so nothing can go round it unnoticed.
    let authority = format!("localhost:{}", closed_port());
    let url = format!("https://{authority}");
    let before = holders(&emulator);
    assert!(before > 0);
    let dry_run = ["unassign", "--sku", "SPB", "--all-holders", "--dry-run"];

    // A proxy that refuses: the sign-in stops there, and the admin is told.
    let (refusing, refused_seen) = connect_proxy(&authority, &direct, true).await;
    let refused = tokio::task::block_in_place(|| {
        license_desk(
            &url,
            &emulator,
            &dir,
            &dry_run,
            &[("HTTPS_PROXY", &refusing), ("SSL_CERT_FILE", store)],
        )
    });
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused.stderr));
    assert!(
        text(&refused.stderr).contains("proxy server"),
        "{}",
        text(&refused.stderr)
    );
    assert_eq!(
        refused_seen.lock().unwrap().clone(),
        vec![format!("CONNECT {authority} HTTP/1.1")]
    );
    assert!(emulator.request_log().is_empty(), "nothing reached the tenant");

    // The demo tenant's kind of address (loopback) never goes through a
    // proxy: no proxy could reach it.
    let loopback = tokio::task::block_in_place(|| {
        license_desk(
            emulator.base_url(),
            &emulator,
            &dir,
            &dry_run,
            &[("HTTPS_PROXY", &refusing), ("SSL_CERT_FILE", store)],
        )
    });
    assert!(loopback.status.success(), "{}", text(&loopback.stderr));
    assert_eq!(
        refused_seen.lock().unwrap().len(),
        1,
        "the proxy saw nothing more"
    );

    // A proxy that lets it through: the sign-in, the reads and the run's
    // changes all go through its tunnels.
    let (proxy, seen) = connect_proxy(&authority, &direct, false).await;
    let run = tokio::task::block_in_place(|| {
        license_desk(
            &url,
            &emulator,
            &dir,
            &["unassign", "--sku", "SPB", "--all-holders", "--yes", "--json"],
            &[("HTTPS_PROXY", &proxy), ("SSL_CERT_FILE", store)],
        )
    });
    assert!(run.status.success(), "{}", text(&run.stderr));
    let rows: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), before);
    assert!(rows.as_array().unwrap().iter().all(|r| r["result"] == "done"));
    assert_eq!(holders(&emulator), 0, "the run removed every seat");
    let tunnels = seen.lock().unwrap().clone();
    assert!(!tunnels.is_empty());
    assert!(
        tunnels
            .iter()
            .all(|t| *t == format!("CONNECT {authority} HTTP/1.1")),
        "{tunnels:?}"
    );
    assert!(emulator
        .request_log()
        .iter()
        .any(|e| e.path.ends_with("/assignLicense")));
    std::fs::remove_dir_all(dir).ok();
}
