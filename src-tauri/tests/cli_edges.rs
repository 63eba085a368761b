//! The headless commands at their edges, each a reproduction of a way a
//! run could once lie or be lost: a journal cut short or damaged, a run
//! resumed in another tenant, the same person named twice, nothing to do,
//! and messages that say what is wrong.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use graph_emulator::apps::{APP_ONLY_CLIENT_ID, APP_ONLY_SECRET};
use graph_emulator::{catalog, generate, throttle::ThrottleMode, Config, Emulator};

fn license_desk(emulator: &Emulator, journals: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_license-desk"));
    command
        .args(args)
        .args(["--local-tenant", emulator.base_url()])
        .args(["--tenant", &emulator.tenant_id().to_string()])
        .args(["--client-id", &APP_ONLY_CLIENT_ID.to_string()])
        .args(["--journal-dir", journals.to_str().unwrap()])
        .env("LICENSE_DESK_CLIENT_SECRET", APP_ONLY_SECRET)
        .stdin(Stdio::null());
    command
}

fn run(command: &mut Command) -> (Option<i32>, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().unwrap();
    (
        status.code(),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

async fn tenant(name: &str, users: usize, seed: u64) -> Emulator {
    let mut config = Config::new(generate::tenant(name, users, seed));
    config.throttle = ThrottleMode::Off;
    Emulator::start(config).await.unwrap()
}

fn journals() -> PathBuf {
    std::env::temp_dir().join(format!("license-desk-cli-edges-{}", uuid::Uuid::new_v4()))
}

fn direct_holders(emulator: &Emulator) -> usize {
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

/// Removes Business Premium from every holder and returns the run's id.
fn remove_all(emulator: &Emulator, dir: &Path) -> String {
    let (code, _, stderr) = run(&mut license_desk(
        emulator,
        dir,
        &["unassign", "--sku", "SPB", "--all-holders", "--yes"],
    ));
    assert_eq!(code, Some(0), "{stderr}");
    let line = stderr
        .split(['\n', '\r'])
        .find(|l| l.starts_with("run "))
        .unwrap();
    line.split(' ').nth(1).unwrap().to_owned()
}

/// `license-desk runs`: the journals in `dir`, a line each.
fn runs(dir: &Path) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_license-desk"));
    command.args(["runs", "--journal-dir", dir.to_str().unwrap()]);
    let (code, listing, stderr) = run(&mut command);
    assert_eq!(code, Some(0), "{stderr}");
    listing
}

fn journal(dir: &Path, run: &str) -> PathBuf {
    dir.join(format!("{run}.jsonl"))
}

/// Puts the tenant back with an undo and keeps only the journal's first
/// `lines` lines: the removal's record as a crash or a bad disk left it.
fn cut_short(emulator: &Emulator, dir: &Path, run_id: &str, lines: usize) {
    let (code, _, stderr) = run(&mut license_desk(emulator, dir, &["undo", run_id, "--yes"]));
    assert_eq!(code, Some(0), "{stderr}");
    let path = journal(dir, run_id);
    let text = std::fs::read_to_string(&path).unwrap();
    let kept: String = text.lines().take(lines).map(|l| format!("{l}\n")).collect();
    std::fs::write(&path, kept).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_journal_cut_short_is_never_called_finished() {
    let emulator = tenant("Cut", 300, 3).await;
    let dir = journals();
    let holders = direct_holders(&emulator);
    assert!(holders > 120, "{holders}");
    let run_id = remove_all(&emulator, &dir);
    cut_short(&emulator, &dir, &run_id, 100);
    assert_eq!(direct_holders(&emulator), holders);

    let (code, _, stderr) = run(&mut license_desk(&emulator, &dir, &["resume", &run_id]));
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("cut short"), "{stderr}");
    assert_eq!(
        direct_holders(&emulator),
        holders - 99,
        "the 99 items the record names are settled, the rest are not guessed"
    );
    let listing = runs(&dir);
    let line = listing.lines().find(|l| l.starts_with(&run_id)).unwrap();
    assert!(line.contains("\tdamaged\t"), "{listing}");
    let (code, _, stderr) = run(&mut license_desk(&emulator, &dir, &["resume", &run_id]));
    assert_eq!(code, Some(3), "still not finished: {stderr}");

    // Only its first line: nothing is known, nothing is done, nothing is "finished".
    let second = journals();
    let emulator = tenant("First line", 60, 4).await;
    let run_id = remove_all(&emulator, &second);
    cut_short(&emulator, &second, &run_id, 1);
    let (code, _, stderr) = run(&mut license_desk(&emulator, &second, &["resume", &run_id]));
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("damaged"), "{stderr}");
    std::fs::remove_dir_all(dir).ok();
    std::fs::remove_dir_all(second).ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_last_line_is_reported_and_the_run_still_undone() {
    let emulator = tenant("Damaged", 200, 5).await;
    let dir = journals();
    let holders = direct_holders(&emulator);
    let run_id = remove_all(&emulator, &dir);
    // The last whole line (`finished`) lost to zeroed blocks.
    let path = journal(&dir, &run_id);
    let text = std::fs::read_to_string(&path).unwrap();
    let without_last: Vec<&str> = text.lines().collect();
    let mut damaged = without_last[..without_last.len() - 1].join("\n").into_bytes();
    damaged.extend_from_slice(b"\n\0\0\n");
    std::fs::write(&path, damaged).unwrap();

    let (code, _, stderr) = run(&mut license_desk(&emulator, &dir, &["resume", &run_id]));
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("cannot be read"), "{stderr}");
    assert_eq!(direct_holders(&emulator), 0);
    let listing = runs(&dir);
    assert!(listing.contains(&run_id), "still listed: {listing}");

    let (code, _, stderr) = run(&mut license_desk(&emulator, &dir, &["undo", &run_id, "--yes"]));
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        direct_holders(&emulator),
        holders,
        "what was recorded done is put back"
    );
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_names_its_tenant_and_is_never_continued_in_another() {
    let a = tenant("Tenant A", 120, 6).await;
    let b = tenant("Tenant B", 120, 7).await;
    let dir = journals();
    let holders_b = direct_holders(&b);
    let run_id = remove_all(&a, &dir);
    let listing = runs(&dir);
    assert!(listing.contains(&a.tenant_id().to_string()), "{listing}");
    cut_short(&a, &dir, &run_id, 40);

    for command in [
        vec!["resume", run_id.as_str()],
        vec!["undo", run_id.as_str(), "--yes"],
    ] {
        let (code, _, stderr) = run(&mut license_desk(&b, &dir, &command));
        assert_eq!(code, Some(1), "{stderr}");
        assert!(stderr.contains("another organisation"), "{stderr}");
    }
    assert_eq!(direct_holders(&b), holders_b, "tenant B is untouched");
    let record = std::fs::read_to_string(journal(&dir, &run_id)).unwrap();
    assert!(!record.contains("\"failed\""), "nothing marked failed for good");
    let (code, _, stderr) = run(&mut license_desk(&a, &dir, &["resume", &run_id]));
    assert_eq!(
        code,
        Some(3),
        "back on A it still resumes what it names: {stderr}"
    );
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_same_person_named_three_ways_is_planned_once() {
    let emulator = tenant("Twice", 40, 8).await;
    let dir = journals();
    let (id, upn) = emulator.directory(|d| {
        let holder = d
            .users()
            .iter()
            .find(|u| {
                u.assigned_licenses
                    .iter()
                    .any(|l| l.sku_id == catalog::BUSINESS_PREMIUM.sku_id)
            })
            .unwrap();
        (holder.id.to_string(), holder.user_principal_name.clone())
    });
    std::fs::create_dir_all(&dir).unwrap();
    let users = dir.join("users.txt");
    std::fs::write(&users, format!("{upn}\n{}\n{id}\n", upn.to_uppercase())).unwrap();
    let (code, _, stderr) = run(&mut license_desk(
        &emulator,
        &dir,
        &[
            "unassign",
            "--sku",
            "SPB",
            "--users",
            users.to_str().unwrap(),
            "--yes",
            "--json",
        ],
    ));
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("will remove: 1 (frees 1 seats"), "{stderr}");
    assert!(stderr.contains("done=1 failed=0"), "{stderr}");
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn nothing_to_do_is_not_success_and_every_mistake_says_what_is_wrong() {
    let emulator = tenant("Words", 20, 9).await;
    let dir = journals();
    std::fs::create_dir_all(&dir).unwrap();
    let users = dir.join("users.txt");
    for (text, says) in [
        ("# nobody\n\n", "names no users"),
        ("nobody@nowhere.example\n", "Nothing to remove"),
    ] {
        std::fs::write(&users, text).unwrap();
        let (code, _, stderr) = run(&mut license_desk(
            &emulator,
            &dir,
            &[
                "unassign",
                "--sku",
                "SPB",
                "--users",
                users.to_str().unwrap(),
                "--yes",
            ],
        ));
        assert_eq!(code, Some(3), "{stderr}");
        assert!(stderr.contains(says), "{stderr}");
    }

    let missing = uuid::Uuid::new_v4().to_string();
    for command in [["resume", missing.as_str()], ["undo", missing.as_str()]] {
        let (code, _, stderr) = run(&mut license_desk(&emulator, &dir, &command));
        assert_eq!(code, Some(1));
        assert!(stderr.contains("no such run"), "{stderr}");
        assert!(!stderr.contains("could not write"), "{stderr}");
    }

    let (code, _, stderr) =
        run(
            license_desk(&emulator, &dir, &["unassign", "--sku", "SPB", "--all-holders"])
                .env("LICENSE_DESK_CLIENT_SECRET", ""),
        );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("LICENSE_DESK_CLIENT_SECRET is set but empty"),
        "{stderr}"
    );

    let mut bad_url = Command::new(env!("CARGO_BIN_EXE_license-desk"));
    bad_url.args([
        "unassign",
        "--sku",
        "SPB",
        "--all-holders",
        "--local-tenant",
        "not a url",
    ]);
    let (code, _, stderr) = run(&mut bad_url);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("is not a local tenant's address"), "{stderr}");
    assert!(!stderr.contains("builder error"), "{stderr}");
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn every_license_of_listed_users_goes_in_one_write_a_person_and_the_dry_run_names_them() {
    let emulator = tenant("All licenses", 60, 12).await;
    let dir = journals();
    std::fs::create_dir_all(&dir).unwrap();
    let (people, licenses): (Vec<String>, usize) = emulator.directory(|d| {
        let chosen: Vec<_> = d
            .users()
            .iter()
            .filter(|u| u.assigned_licenses.len() >= 2)
            .take(5)
            .collect();
        (
            chosen.iter().map(|u| u.user_principal_name.clone()).collect(),
            chosen.iter().map(|u| u.assigned_licenses.len()).sum(),
        )
    });
    assert_eq!(people.len(), 5);
    let users = dir.join("leavers.txt");
    std::fs::write(&users, people.join("\n")).unwrap();
    let list = users.to_str().unwrap();

    let (code, stdout, stderr) = run(&mut license_desk(
        &emulator,
        &dir,
        &[
            "unassign",
            "--all-licenses",
            "--users",
            list,
            "--dry-run",
            "--json",
        ],
    ));
    assert_eq!(code, Some(0), "{stderr}");
    let plan: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let rows = plan["plan"].as_array().unwrap();
    assert!(rows.len() >= licenses, "{rows:?}");
    for row in rows {
        assert!(people.contains(&row["user_principal_name"].as_str().unwrap().to_owned()));
        assert!(
            row["display_name"].is_string() && !row["product"].as_str().unwrap().is_empty(),
            "{row}"
        );
    }
    let named = plan["people"].as_array().unwrap();
    assert_eq!(named.len(), people.len(), "each person once");
    for person in named {
        let codes = person["consequences"].as_array().unwrap();
        assert!(!codes.is_empty(), "{person}");
        assert!(codes.iter().all(|c| c.is_string()), "stable codes: {person}");
    }

    let writes_before = emulator
        .request_log()
        .iter()
        .filter(|e| e.method == "POST" && e.path.ends_with("/assignLicense"))
        .count();
    let (code, _, stderr) = run(&mut license_desk(
        &emulator,
        &dir,
        &["unassign", "--all-licenses", "--users", list, "--yes"],
    ));
    // Licenses held only through a group are skipped, and say so with 3.
    let skipped = stderr.contains(" skipped=") && !stderr.contains(" skipped=0 ");
    assert_eq!(code, Some(if skipped { 3 } else { 0 }), "{stderr}");
    let writes = emulator
        .request_log()
        .iter()
        .filter(|e| e.method == "POST" && e.path.ends_with("/assignLicense"))
        .count()
        - writes_before;
    assert_eq!(writes, people.len(), "one write a person: {stderr}");
    let left: usize = emulator.directory(|d| {
        d.users()
            .iter()
            .filter(|u| people.contains(&u.user_principal_name))
            .map(|u| u.assigned_licenses.len())
            .sum()
    });
    assert_eq!(left, 0);
    std::fs::remove_dir_all(dir).ok();
}
