//! The journal: one append-only file per run, written ahead of every change.
//!
//! Format (version 2): JSON Lines, each line ended by `\n`. The first line
//! is a `started` entry with `"format": "license-desk-journal"`,
//! `"version": 2`, the tenant (organisation id) the run changes and
//! `"items"`, the number of items planned; then one `planned` entry per item
//! (with what the user held before, so undo can restore it), all written
//! before anything is sent; then, per batch, a `sending` entry naming its
//! items before the batch leaves and one `outcome` entry per item when it is
//! answered; last `finished` or `cancelled`. An item with a `sending` entry
//! and no `outcome` was in flight when the process stopped: its outcome is
//! unknown and must be checked against the tenant before it is sent again.
//! Each step's lines are flushed and synced before the next step.
//!
//! Reading trusts nothing the file does not say. A last line with no `\n`
//! was torn by a crash mid-write and is ignored (a resume cuts it off). Any
//! other line that cannot be read is damage, reported with its line number;
//! the rest is still used, but once a line is lost every item without an
//! outcome counts as possibly sent, so a resume checks it against the
//! tenant first. A run is finished only when every item its `started`
//! entry counted has an outcome; a record cut short keeps the run open (or
//! damaged, once what it names is settled), never finished.
//!
//! Version 1 (no item count, tenant optional) is still read; a version-1
//! run that names no tenant is never resumed or undone.
//!
//! Journals hold people's names and licenses: the folder is created private
//! to the user (0700, files 0600, on Unix; on Windows the per-user data
//! folder's own access list keeps others out). A process working on a run
//! holds an exclusive lock on its journal, so two processes never continue
//! the same run at once.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use license_desk_core::{Error, ErrorCode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::plan::PlanItem;

pub const FORMAT: &str = "license-desk-journal";
pub const VERSION: u32 = 2;
/// The oldest version this one still reads.
const OLDEST_READ: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunKind {
    Unassign,
    /// Puts back what another run removed.
    Undo,
}

/// How one item ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Outcome {
    /// The change was made (a license removed, or put back by an undo).
    Done,
    /// Microsoft refused it; `code` is the app's error code.
    Failed { code: ErrorCode, message: String },
    /// The plan said it cannot or need not be sent.
    Skipped,
    /// The run was cancelled before it was sent.
    NotRun,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "entry", rename_all = "snake_case")]
pub enum Entry {
    Started {
        format: String,
        version: u32,
        run: Uuid,
        kind: RunKind,
        /// The run this one undoes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        undoes: Option<Uuid>,
        /// The tenant (organisation id) it changes, so it is only ever
        /// resumed or undone there. Always present from version 2.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tenant: Option<Uuid>,
        /// How many `planned` entries follow. Always present from version 2.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        items: Option<usize>,
        /// Seconds since the Unix epoch.
        at: u64,
    },
    Planned {
        item: usize,
        plan: PlanItem,
    },
    Sending {
        items: Vec<usize>,
    },
    Outcome {
        item: usize,
        outcome: Outcome,
    },
    Finished {
        at: u64,
    },
    Cancelled {
        at: u64,
    },
}

fn storage_error(action: &str, path: &Path, error: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorCode::Internal,
        "License Desk could not write its record of this run, so it stopped before changing anything more. Check that the app's data folder is writable and has free space.",
    )
    .with_details(format!("{action} {}: {error}", path.display()))
}

fn read_error(path: &Path, error: std::io::Error) -> Error {
    if error.kind() == std::io::ErrorKind::NotFound {
        return Error::new(
            ErrorCode::RunNotFound,
            "There is no such run in License Desk's records. List the runs to find its id.",
        )
        .with_details(path.display().to_string());
    }
    Error::new(
        ErrorCode::Internal,
        "License Desk could not read its record of this run. Check that the app's data folder is readable.",
    )
    .with_details(format!("reading {}: {error}", path.display()))
}

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Creates `dir` (and its parents) private to the user, and makes an
/// existing one private too.
pub fn create_private_dir(dir: &Path) -> Result<(), Error> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| storage_error("creating", dir, e))?;
        let private = std::fs::Permissions::from_mode(0o700);
        std::fs::set_permissions(dir, private).map_err(|e| storage_error("protecting", dir, e))
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir).map_err(|e| storage_error("creating", dir, e))
    }
}

fn private_file_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

/// Holds the exclusive lock on a run's journal while a process works on it.
/// The lock goes with the file handle: a crashed process never leaves one.
#[derive(Debug)]
pub struct RunLock {
    _file: File,
}

/// Takes the lock on the journal at `path`, or says who holds it.
pub fn lock(path: &Path) -> Result<RunLock, Error> {
    let file = OpenOptions::new()
        .read(true)
        .open(path)
        .map_err(|e| read_error(path, e))?;
    take_lock(&file, path)?;
    Ok(RunLock { _file: file })
}

fn take_lock(file: &File, path: &Path) -> Result<(), Error> {
    match file.try_lock() {
        Ok(()) => Ok(()),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::new(
            ErrorCode::RunInProgress,
            "This run is being worked on by another License Desk right now (another window or a command line). Wait for it to end, then try again.",
        )
        .with_details(path.display().to_string())),
        Err(std::fs::TryLockError::Error(error)) => Err(storage_error("locking", path, error)),
    }
}

/// An open journal, appending, locked for this process.
pub struct Journal {
    file: File,
    path: PathBuf,
}

impl Journal {
    /// Creates `<dir>/<run>.jsonl` for `items` planned items; refuses to
    /// overwrite an existing run.
    pub fn create(
        dir: &Path,
        run: Uuid,
        kind: RunKind,
        undoes: Option<Uuid>,
        tenant: Uuid,
        items: usize,
    ) -> Result<Journal, Error> {
        create_private_dir(dir)?;
        let path = dir.join(format!("{run}.jsonl"));
        let file = private_file_options()
            .create_new(true)
            .append(true)
            .open(&path)
            .map_err(|e| storage_error("creating", &path, e))?;
        take_lock(&file, &path)?;
        let mut journal = Journal { file, path };
        journal.write(&[Entry::Started {
            format: FORMAT.to_owned(),
            version: VERSION,
            run,
            kind,
            undoes,
            tenant: Some(tenant),
            items: Some(items),
            at: now(),
        }])?;
        Ok(journal)
    }

    /// Reopens an existing journal to continue it (resume), taking its lock.
    /// A torn last line (a crash mid-write) is cut off first, so the record
    /// stays whole; a damaged whole line is left as evidence.
    pub fn reopen(path: &Path) -> Result<Journal, Error> {
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .open(path)
            .map_err(|e| read_error(path, e))?;
        take_lock(&file, path)?;
        let bytes = std::fs::read(path).map_err(|e| read_error(path, e))?;
        let whole = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |end| end + 1);
        if whole < bytes.len() {
            file.set_len(whole as u64)
                .map_err(|e| storage_error("repairing", path, e))?;
        }
        Ok(Journal {
            file,
            path: path.to_owned(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `entries` and makes them durable before returning.
    pub fn write(&mut self, entries: &[Entry]) -> Result<(), Error> {
        let mut text = String::new();
        for entry in entries {
            let line = serde_json::to_string(entry).map_err(|e| storage_error("encoding", &self.path, e))?;
            text.push_str(&line);
            text.push('\n');
        }
        self.file
            .write_all(text.as_bytes())
            .and_then(|()| self.file.sync_data())
            .map_err(|e| storage_error("writing", &self.path, e))
    }
}

/// A line of a journal that could not be used, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage {
    /// 1-based, as an editor shows it.
    pub line: usize,
    pub why: String,
}

/// A journal as read back: everything needed to report, resume or undo.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub run: Uuid,
    pub kind: RunKind,
    pub undoes: Option<Uuid>,
    pub tenant: Option<Uuid>,
    pub started_at: u64,
    /// How many items the run planned, as its first line says (version 2).
    pub planned: Option<usize>,
    pub items: Vec<PlanItem>,
    pub outcomes: BTreeMap<usize, Outcome>,
    /// Sent (or being sent) at some point.
    pub sent: BTreeSet<usize>,
    /// A `finished` entry was written.
    pub finished_entry: bool,
    /// A `cancelled` entry was written.
    pub cancelled_entry: bool,
    /// Lines that could not be used.
    pub damage: Vec<Damage>,
    /// Items whose `planned` line was lost to damage (later items were
    /// still read): they stand in `items` as placeholders naming no one,
    /// and nothing is done about them.
    pub unreadable: BTreeSet<usize>,
}

impl Record {
    /// Planned items whose `planned` entry is missing (a record cut short):
    /// nothing can be known or done about them from here.
    pub fn missing_items(&self) -> usize {
        self.planned
            .map_or(0, |planned| planned.saturating_sub(self.items.len()))
            + self.unreadable.len()
    }

    fn unsettled(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.items.len()).filter(|i| !self.outcomes.contains_key(i) && !self.unreadable.contains(i))
    }

    /// Items recorded as done whose planned line can still be read: what an
    /// undo can put back.
    pub fn done_items(&self) -> impl Iterator<Item = &PlanItem> + '_ {
        self.outcomes
            .iter()
            .filter(|(i, o)| **o == Outcome::Done && !self.unreadable.contains(i))
            .map(|(i, _)| &self.items[*i])
    }

    /// Items that may have been sent and have no outcome: check them against
    /// the tenant before sending them again. Once a line is damaged, that
    /// is every item without an outcome: the lost line may have sent it.
    pub fn unknown(&self) -> Vec<usize> {
        let damaged = !self.damage.is_empty();
        self.unsettled()
            .filter(|i| damaged || self.sent.contains(i))
            .collect()
    }

    /// Items that were certainly never sent and still need sending.
    pub fn remaining(&self) -> Vec<usize> {
        if !self.damage.is_empty() {
            return Vec::new();
        }
        self.unsettled().filter(|i| !self.sent.contains(i)).collect()
    }

    /// Every planned item has an outcome.
    pub fn settled(&self) -> bool {
        self.missing_items() == 0 && self.unsettled().next().is_none()
    }

    pub fn finished(&self) -> bool {
        self.finished_entry && self.settled()
    }

    pub fn cancelled(&self) -> bool {
        self.cancelled_entry && self.settled()
    }

    /// Cut short or damaged, with nothing left that can still be done.
    pub fn damaged(&self) -> bool {
        !self.finished() && !self.cancelled() && self.unsettled().next().is_none() && self.missing_items() > 0
    }

    /// Stopped with work left that can be done: a crash, a closed lid.
    pub fn interrupted(&self) -> bool {
        !self.finished() && !self.cancelled() && !self.damaged()
    }

    /// What the record cannot say, in words for the admin (empty when whole).
    pub fn problems(&self) -> Vec<String> {
        let mut problems: Vec<String> = self
            .damage
            .iter()
            .map(|d| format!("line {} of the record cannot be read ({})", d.line, d.why))
            .collect();
        if self.missing_items() > 0 {
            problems.push(format!(
                "the record is cut short: {} of the {} planned items are not in it, so what happened to them cannot be known from it",
                self.missing_items(),
                self.planned.unwrap_or_default()
            ));
        }
        problems
    }

    /// Refuses a run of another tenant (or one whose record names none).
    pub fn check_tenant(&self, tenant: Uuid) -> Result<(), Error> {
        match self.tenant {
            Some(own) if own == tenant => Ok(()),
            Some(own) => Err(Error::new(
                ErrorCode::RunOfAnotherTenant,
                "This run changed another organisation. Sign in to that organisation to resume or undo it.",
            )
            .with_details(format!("run {} is of tenant {own}; signed in to {tenant}", self.run))),
            None => Err(Error::new(
                ErrorCode::RunOfAnotherTenant,
                "This run's record does not say which organisation it changed (an older version wrote it), so License Desk will not continue or undo it.",
            )
            .with_details(format!("run {}", self.run))),
        }
    }
}

fn unreadable(path: &Path, line: usize, why: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorCode::JournalDamaged,
        "A run's record is damaged at its first line, so License Desk cannot tell which run it was. It is left as it is.",
    )
    .with_details(format!("{} line {line}: {why}", path.display()))
}

/// Reads a journal: a torn last line is ignored, damage elsewhere is
/// recorded with its line and the rest is still used.
pub fn read(path: &Path) -> Result<Record, Error> {
    let bytes = std::fs::read(path).map_err(|e| read_error(path, e))?;
    parse(&bytes).map_err(|(line, why)| unreadable(path, line, why))
}

/// Parses a journal's bytes; `Err((line, why))` only when the first line
/// cannot be read, so nothing is known of the run.
pub fn parse(bytes: &[u8]) -> Result<Record, (usize, String)> {
    // Only whole lines count: what follows the last `\n` was torn.
    let whole = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |end| end + 1);
    let line_count = bytes[..whole].iter().filter(|b| **b == b'\n').count();
    let mut lines = bytes[..whole].split(|b| *b == b'\n');
    let first = lines.next().unwrap_or_default();
    let started = std::str::from_utf8(first)
        .map_err(|e| e.to_string())
        .and_then(|line| serde_json::from_str::<Entry>(line).map_err(|e| e.to_string()));
    let mut record = match started {
        Ok(Entry::Started {
            format,
            version,
            run,
            kind,
            undoes,
            tenant,
            items,
            at,
        }) => {
            if format != FORMAT || !(OLDEST_READ..=VERSION).contains(&version) {
                return Err((
                    1,
                    format!(
                        "format {format} version {version} is not one this version of License Desk reads"
                    ),
                ));
            }
            if version >= 2 && (items.is_none() || tenant.is_none()) {
                return Err((
                    1,
                    "a version 2 record must name its tenant and count its items".into(),
                ));
            }
            Record {
                run,
                kind,
                undoes,
                tenant,
                started_at: at,
                planned: items,
                items: Vec::new(),
                outcomes: BTreeMap::new(),
                sent: BTreeSet::new(),
                finished_entry: false,
                cancelled_entry: false,
                damage: Vec::new(),
                unreadable: BTreeSet::new(),
            }
        }
        Ok(_) => return Err((1, "the first entry is not `started`".into())),
        Err(why) if first.is_empty() && whole == 0 => return Err((1, format!("empty ({why})"))),
        Err(why) => return Err((1, why)),
    };
    for (index, line) in lines.enumerate() {
        let number = index + 2;
        // The split leaves one empty piece after the final `\n`.
        if line.is_empty() {
            continue;
        }
        let mut damage = |why: String| record_damage(&mut record.damage, number, why);
        let entry = match std::str::from_utf8(line)
            .map_err(|e| e.to_string())
            .and_then(|line| serde_json::from_str::<Entry>(line).map_err(|e| e.to_string()))
        {
            Ok(entry) => entry,
            Err(why) => {
                damage(why);
                continue;
            }
        };
        match entry {
            Entry::Started { .. } => damage("a second `started`".into()),
            Entry::Planned { item, plan } => {
                let counted = record.planned.is_none_or(|p| item < p);
                // Each lost planned line hides one item: a gap wider than
                // the file has lines is a damaged number, not lost lines.
                let gap_possible = item - record.items.len().min(item) <= line_count;
                if item < record.items.len() || !counted || !gap_possible {
                    damage(format!("item {item} planned out of order"));
                } else {
                    // Items skipped over had their planned lines damaged.
                    for lost in record.items.len()..item {
                        record.unreadable.insert(lost);
                        record.items.push(PlanItem::unreadable(lost));
                    }
                    record.items.push(plan);
                }
            }
            Entry::Sending { items } => {
                if items.iter().all(|&i| i < record.items.len()) {
                    record.sent.extend(items);
                } else {
                    damage("sends an item that was never planned".into());
                }
            }
            Entry::Outcome { item, outcome } => {
                if record.unreadable.contains(&item) {
                    // Of an item nobody can name: nothing to settle or undo.
                } else if item < record.items.len() {
                    record.outcomes.insert(item, outcome);
                } else {
                    damage(format!("an outcome for item {item}, which was never planned"));
                }
            }
            Entry::Finished { .. } => record.finished_entry = true,
            Entry::Cancelled { .. } => record.cancelled_entry = true,
        }
    }
    Ok(record)
}

fn record_damage(damage: &mut Vec<Damage>, line: usize, mut why: String) {
    // Cut long reasons to 200 bytes, on a character boundary.
    let cut = (0..=why.len().min(200))
        .rev()
        .find(|&i| why.is_char_boundary(i))
        .unwrap_or(0);
    why.truncate(cut);
    damage.push(Damage { line, why });
}

/// Every run in `dir` that can be read, newest first, damaged ones
/// included.
pub fn list(dir: &Path) -> Vec<(PathBuf, Record)> {
    list_all(dir).0
}

/// The journals of a folder: the readable (newest first) and the unreadable.
pub type Listing = (Vec<(PathBuf, Record)>, Vec<(PathBuf, Error)>);

/// Journals in `dir`: the readable (newest first) and the unreadable.
pub fn list_all(dir: &Path) -> Listing {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return (Vec::new(), Vec::new());
    };
    let (mut runs, mut unreadable) = (Vec::new(), Vec::new());
    for path in entries.filter_map(Result::ok).map(|e| e.path()) {
        if path.extension().is_some_and(|x| x == "jsonl") {
            match read(&path) {
                Ok(record) => runs.push((path, record)),
                Err(error) => unreadable.push((path, error)),
            }
        }
    }
    runs.sort_by(|a, b| b.1.started_at.cmp(&a.1.started_at).then(b.1.run.cmp(&a.1.run)));
    (runs, unreadable)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Verdict;

    const TENANT: Uuid = Uuid::from_u128(0x7e4a);

    fn item(n: u128) -> PlanItem {
        PlanItem {
            user: format!("user{n}@example.com"),
            user_id: Some(Uuid::from_u128(n)),
            user_principal_name: Some(format!("user{n}@example.com")),
            sku_id: Uuid::from_u128(99),
            disabled_plans_before: vec![Uuid::from_u128(7)],
            verdict: Verdict::Remove,
        }
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("license-desk-journal-{name}-{}", Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn records_and_reads_back_a_run() {
        let dir = temp_dir("roundtrip");
        let run = Uuid::new_v4();
        let mut journal = Journal::create(&dir, run, RunKind::Unassign, None, TENANT, 3).unwrap();
        journal
            .write(&[
                Entry::Planned {
                    item: 0,
                    plan: item(1),
                },
                Entry::Planned {
                    item: 1,
                    plan: item(2),
                },
                Entry::Planned {
                    item: 2,
                    plan: item(3),
                },
            ])
            .unwrap();
        journal.write(&[Entry::Sending { items: vec![0, 1] }]).unwrap();
        journal
            .write(&[Entry::Outcome {
                item: 0,
                outcome: Outcome::Done,
            }])
            .unwrap();
        let record = read(journal.path()).unwrap();
        assert_eq!(record.run, run);
        assert_eq!(record.items.len(), 3);
        assert_eq!(record.items[0].disabled_plans_before, [Uuid::from_u128(7)]);
        assert_eq!(record.unknown(), [1], "sent and never answered");
        assert_eq!(record.remaining(), [2]);
        assert!(record.interrupted());
        assert!(
            Journal::create(&dir, run, RunKind::Unassign, None, TENANT, 3).is_err(),
            "a run is never overwritten"
        );
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn a_torn_last_line_is_ignored_and_resuming_starts_a_clean_line() {
        let dir = temp_dir("torn");
        let run = Uuid::new_v4();
        let mut journal = Journal::create(&dir, run, RunKind::Unassign, None, TENANT, 1).unwrap();
        journal
            .write(&[
                Entry::Planned {
                    item: 0,
                    plan: item(1),
                },
                Entry::Sending { items: vec![0] },
            ])
            .unwrap();
        let path = journal.path().to_owned();
        drop(journal);
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(br#"{"entry":"outcome","item":0,"outc"#).unwrap();
        drop(file);

        let record = read(&path).unwrap();
        assert_eq!(record.unknown(), [0]);
        let mut journal = Journal::reopen(&path).unwrap();
        journal
            .write(&[
                Entry::Outcome {
                    item: 0,
                    outcome: Outcome::Done,
                },
                Entry::Finished { at: now() },
            ])
            .unwrap();
        let record = read(&path).unwrap();
        assert_eq!(record.outcomes[&0], Outcome::Done);
        assert!(record.finished());
        std::fs::remove_dir_all(dir).ok();
    }

    /// A whole run of `count` items: planned, sent, done, finished.
    fn finished_run(dir: &Path, count: usize) -> PathBuf {
        let mut journal =
            Journal::create(dir, Uuid::new_v4(), RunKind::Unassign, None, TENANT, count).unwrap();
        let planned: Vec<Entry> = (0..count)
            .map(|i| Entry::Planned {
                item: i,
                plan: item(i as u128),
            })
            .collect();
        journal.write(&planned).unwrap();
        journal
            .write(&[Entry::Sending {
                items: (0..count).collect(),
            }])
            .unwrap();
        let done: Vec<Entry> = (0..count)
            .map(|i| Entry::Outcome {
                item: i,
                outcome: Outcome::Done,
            })
            .collect();
        journal.write(&done).unwrap();
        journal.write(&[Entry::Finished { at: now() }]).unwrap();
        journal.path().to_owned()
    }

    fn keep_lines(path: &Path, count: usize) {
        let text = std::fs::read_to_string(path).unwrap();
        let kept: String = text.lines().take(count).map(|l| format!("{l}\n")).collect();
        std::fs::write(path, kept).unwrap();
    }

    #[test]
    fn a_record_cut_short_is_never_finished() {
        let dir = temp_dir("cut");
        let path = finished_run(&dir, 150);
        assert!(read(&path).unwrap().finished());

        keep_lines(&path, 100);
        let record = read(&path).unwrap();
        assert!(!record.finished(), "50 planned items are not in the record");
        assert_eq!(record.missing_items(), 51);
        assert!(record.interrupted(), "the 99 it names can still be settled");
        assert_eq!(record.remaining().len(), 99);
        assert!(record.problems()[0].contains("51 of the 150"));

        keep_lines(&path, 1);
        let record = read(&path).unwrap();
        assert!(!record.finished() && !record.interrupted());
        assert!(
            record.damaged(),
            "nothing it names is left to do, and 150 items are unknown"
        );
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn a_damaged_whole_line_is_reported_and_the_rest_still_counts() {
        let dir = temp_dir("damaged");
        let mut journal = Journal::create(&dir, Uuid::new_v4(), RunKind::Unassign, None, TENANT, 3).unwrap();
        let planned: Vec<Entry> = (0..3)
            .map(|i| Entry::Planned {
                item: i,
                plan: item(i as u128),
            })
            .collect();
        journal.write(&planned).unwrap();
        journal.write(&[Entry::Sending { items: vec![0] }]).unwrap();
        journal
            .write(&[Entry::Outcome {
                item: 0,
                outcome: Outcome::Done,
            }])
            .unwrap();
        let path = journal.path().to_owned();
        drop(journal);
        // Zeroed blocks after a power cut, ending in a newline.
        OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"\0\0\n")
            .unwrap();

        let record = read(&path).unwrap();
        assert_eq!(record.damage.len(), 1);
        assert_eq!(record.damage[0].line, 7);
        assert_eq!(
            record.outcomes[&0],
            Outcome::Done,
            "what was recorded still counts"
        );
        assert_eq!(record.unknown(), [1, 2], "the lost line may have sent them");
        assert!(record.remaining().is_empty());
        assert!(record.interrupted());

        // A resume keeps the damaged line as evidence and finishes after it.
        let mut journal = Journal::reopen(&path).unwrap();
        journal
            .write(&[
                Entry::Outcome {
                    item: 1,
                    outcome: Outcome::Done,
                },
                Entry::Outcome {
                    item: 2,
                    outcome: Outcome::Done,
                },
                Entry::Finished { at: now() },
            ])
            .unwrap();
        let record = read(&path).unwrap();
        assert!(record.finished());
        assert_eq!(record.damage[0].line, 7);
        assert_eq!(list(&dir).len(), 1, "a damaged run is still listed");
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn an_unreadable_first_line_or_an_unknown_format_is_an_error() {
        let dir = temp_dir("corrupt");
        let path = dir.join("x.jsonl");
        std::fs::write(&path, "not json\n{\"entry\":\"finished\",\"at\":2}\n").unwrap();
        let error = read(&path).unwrap_err();
        assert_eq!(error.code, ErrorCode::JournalDamaged);
        assert!(error.details.unwrap().contains("line 1"));
        std::fs::write(&path, "{\"entry\":\"started\",\"format\":\"other\",\"version\":9,\"run\":\"00000000-0000-0000-0000-000000000000\",\"kind\":\"unassign\",\"at\":1}\n").unwrap();
        assert!(read(&path).is_err(), "an unknown format is refused");
        assert_eq!(list_all(&dir).1.len(), 1, "listed as unreadable");
        let missing = read(&dir.join("nope.jsonl")).unwrap_err();
        assert_eq!(missing.code, ErrorCode::RunNotFound);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn version_1_records_are_still_read_but_one_naming_no_tenant_is_never_continued() {
        let line = r#"{"entry":"started","format":"license-desk-journal","version":1,"run":"00000000-0000-0000-0000-000000000001","kind":"unassign","at":1}"#;
        let record = parse(format!("{line}\n{{\"entry\":\"finished\",\"at\":2}}\n").as_bytes()).unwrap();
        assert!(record.finished());
        assert_eq!(record.planned, None);
        assert_eq!(
            record.check_tenant(TENANT).unwrap_err().code,
            ErrorCode::RunOfAnotherTenant
        );
    }

    #[test]
    fn a_run_of_another_tenant_is_refused() {
        let dir = temp_dir("tenant");
        let record = read(&finished_run(&dir, 1)).unwrap();
        assert!(record.check_tenant(TENANT).is_ok());
        let error = record.check_tenant(Uuid::from_u128(1)).unwrap_err();
        assert_eq!(error.code, ErrorCode::RunOfAnotherTenant);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn one_process_at_a_time_works_on_a_run() {
        let dir = temp_dir("lock");
        let path = finished_run(&dir, 1);
        let first = Journal::reopen(&path).unwrap();
        assert_eq!(
            Journal::reopen(&path).err().unwrap().code,
            ErrorCode::RunInProgress
        );
        assert_eq!(lock(&path).unwrap_err().code, ErrorCode::RunInProgress);
        drop(first);
        let held = lock(&path).unwrap();
        assert!(Journal::reopen(&path).is_err());
        drop(held);
        assert!(Journal::reopen(&path).is_ok());
        std::fs::remove_dir_all(dir).ok();
    }

    #[cfg(unix)]
    #[test]
    fn journals_are_private_to_the_user() {
        use std::os::unix::fs::PermissionsExt;
        let dir = temp_dir("private").join("runs");
        let path = finished_run(&dir, 1);
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&path), 0o600);
        std::fs::remove_dir_all(dir.parent().unwrap()).ok();
    }

    #[test]
    fn entries_have_a_stable_shape() {
        let line = serde_json::to_value(Entry::Outcome {
            item: 4,
            outcome: Outcome::Failed {
                code: ErrorCode::LicenseNotHeld,
                message: "gone".into(),
            },
        })
        .unwrap();
        assert_eq!(
            line,
            serde_json::json!({"entry": "outcome", "item": 4, "outcome": {"result": "failed", "code": "license_not_held", "message": "gone"}})
        );
    }
}
