//! The crash soak: License Desk's removal and undo, killed with SIGKILL
//! again and again and resumed from the command line, against a local
//! tenant that is itself killed and restarted, throttles, fails on purpose
//! and expires every access token every few seconds. At the end every
//! holder must have lost the license exactly once and got it back exactly
//! once, and the tenant must be exactly as it was. What it does and how it
//! counts is described in `tests/soak_harness/mod.rs`; `tests/soak.rs` is
//! the small version CI runs.
//!
//! It runs the built binaries, so build them first, in the same profile:
//!
//! ```sh
//! cargo build --release -p license-desk -p graph-emulator
//! cargo run --release -p license-desk --example soak -- \
//!     --users 3000 --kills 50 --restarts 3 --expire-every-ms 3000 \
//!     --faults 5xx=0.1,drop=0.02 --seed 1
//! ```
//!
//! Both binaries are looked for next to this example's own folder
//! (`target/release/license-desk`, `target/release/graph-emulator`).
//! Exit status 0 when the product passed, 1 when it did not (every problem
//! is printed), 2 when the soak could not be carried out. The work folder
//! (state file, request logs, journals, each process's output) is kept
//! when the soak fails, or with `--keep`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

#[path = "../tests/soak_harness/mod.rs"]
mod soak_harness;

#[derive(Parser)]
#[command(about = "Kills License Desk and its tenant again and again; checks nothing is lost or repeated.")]
struct Args {
    /// Users in the generated tenant.
    #[arg(long, default_value_t = 3000)]
    users: usize,
    /// SIGKILLs of license-desk: half during the removal, half during the undo.
    #[arg(long, default_value_t = 50)]
    kills: usize,
    /// Times the emulator is killed and started again mid-run.
    #[arg(long, default_value_t = 3)]
    restarts: usize,
    /// Expire every access token this often (0: never).
    #[arg(long, default_value_t = 3000)]
    expire_every_ms: u64,
    /// The emulator's injected faults.
    #[arg(long, default_value = "5xx=0.1,drop=0.02")]
    faults: String,
    /// The emulator's throttling: realistic, off, or a time scale (0.01).
    #[arg(long, default_value = "realistic")]
    throttle: String,
    /// Milliseconds added to every Graph answer.
    #[arg(long, default_value_t = 40)]
    latency_ms: u64,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Work folder (default: a new one in the temporary folder).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Keep the work folder even when the soak passes.
    #[arg(long)]
    keep: bool,
    /// Give up after this many minutes.
    #[arg(long, default_value_t = 60)]
    time_limit_minutes: u64,
    /// Say only the figures, not each step.
    #[arg(long)]
    quiet: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let binaries = soak_harness::profile_dir().and_then(|dir| {
        let build = "cargo build --release -p license-desk -p graph-emulator";
        Ok((
            soak_harness::binary(&dir, "license-desk", build)?,
            soak_harness::binary(&dir, "graph-emulator", build)?,
        ))
    });
    let (license_desk, graph_emulator) = match binaries {
        Ok(binaries) => binaries,
        Err(message) => {
            eprintln!("soak: {message}");
            return ExitCode::from(2);
        }
    };
    let dir = args.dir.unwrap_or_else(|| {
        std::env::temp_dir().join(format!("license-desk-soak-{}-{}", args.seed, std::process::id()))
    });
    let mut soak = soak_harness::Soak::new(license_desk, graph_emulator, dir);
    soak.users = args.users;
    soak.kills = args.kills;
    soak.restarts = args.restarts;
    soak.expire_every = (args.expire_every_ms > 0).then(|| Duration::from_millis(args.expire_every_ms));
    soak.faults = args.faults;
    soak.throttle = args.throttle;
    soak.latency_ms = args.latency_ms;
    soak.seed = args.seed;
    soak.time_limit = Duration::from_secs(args.time_limit_minutes * 60);
    soak.verbose = !args.quiet;
    eprintln!(
        "soak: {} users, {} kills, {} restarts, tokens expired every {} ms, faults {}, throttle {}, seed {}, in {}",
        soak.users,
        soak.kills,
        soak.restarts,
        args.expire_every_ms,
        soak.faults,
        soak.throttle,
        soak.seed,
        soak.dir.display()
    );
    let report = match soak_harness::run(&soak) {
        Ok(report) => report,
        Err(message) => {
            eprintln!("soak: could not be carried out: {message}");
            return ExitCode::from(2);
        }
    };
    println!("{}", report.figures.table());
    if report.problems.is_empty() {
        println!("PASSED: every license removed exactly once and put back exactly once; 0 lost, 0 repeated; the tenant is as it was.");
        if !args.keep {
            let _ = std::fs::remove_dir_all(&report.dir);
        }
        ExitCode::SUCCESS
    } else {
        println!(
            "FAILED ({} problems; evidence kept in {}):",
            report.problems.len(),
            report.dir.display()
        );
        for problem in &report.problems {
            println!("- {problem}");
        }
        ExitCode::from(1)
    }
}
