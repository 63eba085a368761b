//! `graph-emulator`: the local Microsoft 365 tenant as a standalone server.
//! Prints its base URL as the first line of standard output once it is ready.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use graph_emulator::{faults::FaultSpec, generate, model::Tenant, throttle::ThrottleMode, Config, Emulator};

/// A local Microsoft 365 tenant: Microsoft Graph v1.0 under /v1.0 and the
/// identity platform's v2.0 sign-in under /{tenant}/, on 127.0.0.1 only.
#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// `demo` for the built-in demo tenant, or a path to a JSON fixture.
    #[arg(long, default_value = "demo", conflicts_with = "users")]
    tenant: String,
    /// Generate a tenant with this many users instead.
    #[arg(long)]
    users: Option<usize>,
    /// Milliseconds added to every Graph answer (with ±25 % jitter).
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// `realistic` (the documented limits), `off`, or a time scale: 0.01
    /// runs every throttling window at 1/100 of its real length.
    #[arg(long, default_value = "realistic")]
    throttle: String,
    /// Injected faults, e.g. `5xx=0.1,drop=0.02,slow=0.05:3000`
    /// (shares of requests; slow takes milliseconds).
    #[arg(long, default_value = "none")]
    faults: FaultSpec,
    /// Seed for generated tenants, latency jitter, faults and batch order.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Serve HTTPS with a certificate from a new local CA, whose
    /// certificate (PEM) is written to this file for clients to trust.
    #[arg(long, value_name = "CA_FILE")]
    tls: Option<PathBuf>,
    /// Approve sign-in and device-code requests as this user at once,
    /// showing no page.
    #[arg(long, value_name = "USER_PRINCIPAL_NAME")]
    approve: Option<String>,
    /// Write one JSON line per Graph request to this file.
    #[arg(long)]
    log: Option<PathBuf>,
    /// Keep the tenant (and sign-in state) in this file: read at start if it
    /// exists, instead of --tenant or --users; saved after every change.
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
}

fn throttle_mode(text: &str) -> Result<ThrottleMode, String> {
    match text {
        "realistic" => Ok(ThrottleMode::Scaled(1.0)),
        "off" => Ok(ThrottleMode::Off),
        scale => match scale.parse::<f64>() {
            Ok(s) if s > 0.0 => Ok(ThrottleMode::Scaled(s)),
            _ => Err(format!(
                "--throttle takes realistic, off or a positive time scale, not '{text}'"
            )),
        },
    }
}

fn load_tenant(args: &Args) -> Result<Tenant, String> {
    if let Some(users) = args.users {
        return Ok(generate::tenant("Contoso Generated", users, args.seed));
    }
    if args.tenant == "demo" {
        return Ok(generate::demo());
    }
    let text =
        std::fs::read_to_string(&args.tenant).map_err(|e| format!("cannot read {}: {e}", args.tenant))?;
    serde_json::from_str(&text).map_err(|e| format!("{} is not a tenant fixture: {e}", args.tenant))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let config = throttle_mode(&args.throttle).and_then(|throttle| {
        Ok(Config {
            tenant: load_tenant(&args)?,
            port: args.port,
            throttle,
            latency: Duration::from_millis(args.latency_ms),
            faults: args.faults,
            seed: args.seed,
            approve: args.approve.clone(),
            log_file: args.log.clone(),
            tls_ca_file: args.tls.clone(),
            state_file: args.state.clone(),
        })
    });
    let config = match config {
        Ok(config) => config,
        Err(message) => {
            eprintln!("graph-emulator: {message}");
            return ExitCode::from(2);
        }
    };
    let emulator = match Emulator::start(config).await {
        Ok(emulator) => emulator,
        Err(error) => {
            eprintln!("graph-emulator: cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("{}", emulator.base_url());
    let _ = std::io::stdout().flush();
    // The tenant served: with --state, the one the file holds.
    let (name, id, users) = emulator.directory(|d| {
        let tenant = d.tenant();
        (tenant.display_name.clone(), tenant.id, tenant.users.len())
    });
    let base = emulator.base_url();
    eprintln!(
        "tenant {name} ({id}), {users} users; Graph at {base}/v1.0, sign-in at {base}/{id}/oauth2/v2.0"
    );
    let _ = tokio::signal::ctrl_c().await;
    ExitCode::SUCCESS
}
