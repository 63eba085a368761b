//! The crash soak, small enough for CI: 300 users, 6 SIGKILLs of
//! `license-desk` (3 in the removal, 3 in the undo), one kill and restart
//! of the emulator, every token expired every 500 ms, 5xx and dropped
//! answers, throttling windows at 1/50 of their length. Same assertions as
//! the long run (`examples/soak.rs`); see `soak_harness/mod.rs`.
//!
//! It runs the `graph-emulator` binary from the same build; `cargo test
//! --workspace` builds it, `cargo test -p license-desk` alone does not:
//! then `cargo build -p graph-emulator` first.

mod soak_harness;

use std::path::PathBuf;
use std::time::Duration;

#[test]
fn removal_and_undo_survive_kills_restarts_and_expired_tokens() {
    let graph_emulator = soak_harness::profile_dir()
        .and_then(|dir| soak_harness::binary(&dir, "graph-emulator", "cargo build -p graph-emulator"))
        .unwrap_or_else(|message| panic!("{message}"));
    let dir = std::env::temp_dir().join(format!("license-desk-soak-test-{}", uuid::Uuid::new_v4()));
    let mut soak = soak_harness::Soak::new(
        PathBuf::from(env!("CARGO_BIN_EXE_license-desk")),
        graph_emulator,
        dir,
    );
    soak.users = 300;
    soak.kills = 6;
    soak.restarts = 1;
    soak.expire_every = Some(Duration::from_millis(500));
    soak.faults = "5xx=0.1,drop=0.02".to_owned();
    soak.throttle = "0.02".to_owned();
    soak.latency_ms = 20;
    soak.seed = 7;
    soak.time_limit = Duration::from_secs(240);
    soak.verbose = true;
    let report =
        soak_harness::run(&soak).unwrap_or_else(|message| panic!("the soak could not run: {message}"));
    println!("{}", report.figures.table());
    assert!(
        report.problems.is_empty(),
        "the soak failed (evidence in {}):\n- {}\n{}",
        report.dir.display(),
        report.problems.join("\n- "),
        report.figures.table()
    );
    assert!(
        report.figures.kills_removal >= 1 && report.figures.kills_undo >= 1,
        "kills landed in both runs"
    );
    assert_eq!(report.figures.restarts, 1);
    std::fs::remove_dir_all(&report.dir).ok();
}
