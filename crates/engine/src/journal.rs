//! The journal: one append-only file per run, written ahead of every change.
//!
//! Format (version 1): JSON Lines. The first line is a `started` entry with
//! `"format": "license-desk-journal"` and `"version": 1`; then one `planned`
//! entry per item (with what the user held before, so undo can restore it),
//! all written before anything is sent; then, per batch, a `sending` entry
//! naming its items before the batch leaves and one `outcome` entry per item
//! when it is answered; last `finished` or `cancelled`. An item with a
//! `sending` entry and no `outcome` was in flight when the process stopped:
//! its outcome is unknown and must be checked against the tenant before it
//! is sent again. Each batch's lines are flushed and synced before the next
//! step, so a crash loses at most what was in flight; a torn last line (a
//! crash mid-write) is ignored when reading.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use license_desk_core::{Error, ErrorCode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::plan::PlanItem;

pub const FORMAT: &str = "license-desk-journal";
pub const VERSION: u32 = 1;

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
        /// resumed or undone there.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tenant: Option<Uuid>,
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

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// An open journal, appending.
pub struct Journal {
    file: File,
    path: PathBuf,
}

impl Journal {
    /// Creates `<dir>/<run>.jsonl`; refuses to overwrite an existing run.
    pub fn create(
        dir: &Path,
        run: Uuid,
        kind: RunKind,
        undoes: Option<Uuid>,
        tenant: Option<Uuid>,
    ) -> Result<Journal, Error> {
        std::fs::create_dir_all(dir).map_err(|e| storage_error("creating", dir, e))?;
        let path = dir.join(format!("{run}.jsonl"));
        let file = OpenOptions::new()
            .create_new(true)
            .append(true)
            .open(&path)
            .map_err(|e| storage_error("creating", &path, e))?;
        let mut journal = Journal { file, path };
        journal.write(&[Entry::Started {
            format: FORMAT.to_owned(),
            version: VERSION,
            run,
            kind,
            undoes,
            tenant,
            at: now(),
        }])?;
        Ok(journal)
    }

    /// Reopens an existing journal to continue it (resume). A torn last
    /// line (a crash mid-write) is cut off first, so the record stays whole.
    pub fn reopen(path: &Path) -> Result<Journal, Error> {
        let bytes = std::fs::read(path).map_err(|e| storage_error("reading", path, e))?;
        let whole = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |end| end + 1);
        let file = OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(|e| storage_error("opening", path, e))?;
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

/// A journal as read back: everything needed to report, resume or undo.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub run: Uuid,
    pub kind: RunKind,
    pub undoes: Option<Uuid>,
    pub tenant: Option<Uuid>,
    pub started_at: u64,
    pub items: Vec<PlanItem>,
    pub outcomes: BTreeMap<usize, Outcome>,
    /// Sent (or being sent) at some point.
    pub sent: BTreeSet<usize>,
    pub finished: bool,
    pub cancelled: bool,
}

impl Record {
    /// Items that were sent and never answered: check before resending.
    pub fn unknown(&self) -> Vec<usize> {
        self.sent
            .iter()
            .copied()
            .filter(|i| !self.outcomes.contains_key(i))
            .collect()
    }

    /// Items that still need sending (not sent, not settled).
    pub fn remaining(&self) -> Vec<usize> {
        (0..self.items.len())
            .filter(|i| !self.sent.contains(i) && !self.outcomes.contains_key(i))
            .collect()
    }

    /// Stopped before it finished or was cancelled: a crash, a closed lid.
    pub fn interrupted(&self) -> bool {
        !self.finished && !self.cancelled
    }
}

fn corrupt(path: &Path, line: usize, why: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorCode::Internal,
        "A run's record is damaged and cannot be read. It is left as it is; the tenant itself is unaffected.",
    )
    .with_details(format!("{} line {line}: {why}", path.display()))
}

/// Reads a journal, tolerating a torn last line.
pub fn read(path: &Path) -> Result<Record, Error> {
    let file = File::open(path).map_err(|e| storage_error("reading", path, e))?;
    let lines: Vec<String> = BufReader::new(file)
        .lines()
        .collect::<Result<_, _>>()
        .map_err(|e| storage_error("reading", path, e))?;
    let last = lines.len();
    let mut record: Option<Record> = None;
    for (index, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let entry: Entry = match serde_json::from_str(line) {
            Ok(entry) => entry,
            // Only the very last line may be torn by a crash mid-write.
            Err(_) if index + 1 == last => break,
            Err(error) => return Err(corrupt(path, index + 1, error)),
        };
        match (entry, record.as_mut()) {
            (
                Entry::Started {
                    format,
                    version,
                    run,
                    kind,
                    undoes,
                    tenant,
                    at,
                },
                None,
            ) => {
                if format != FORMAT || version != VERSION {
                    return Err(corrupt(
                        path,
                        1,
                        format!("format {format} version {version} is not one this version reads"),
                    ));
                }
                record = Some(Record {
                    run,
                    kind,
                    undoes,
                    tenant,
                    started_at: at,
                    items: Vec::new(),
                    outcomes: BTreeMap::new(),
                    sent: BTreeSet::new(),
                    finished: false,
                    cancelled: false,
                });
            }
            (_, None) => return Err(corrupt(path, index + 1, "the first entry is not `started`")),
            (Entry::Started { .. }, Some(_)) => return Err(corrupt(path, index + 1, "a second `started`")),
            (Entry::Planned { item, plan }, Some(record)) => {
                if item != record.items.len() {
                    return Err(corrupt(path, index + 1, "items out of order"));
                }
                record.items.push(plan);
            }
            (Entry::Sending { items }, Some(record)) => record.sent.extend(items),
            (Entry::Outcome { item, outcome }, Some(record)) => {
                record.outcomes.insert(item, outcome);
            }
            (Entry::Finished { .. }, Some(record)) => record.finished = true,
            (Entry::Cancelled { .. }, Some(record)) => record.cancelled = true,
        }
    }
    record.ok_or_else(|| corrupt(path, 1, "empty"))
}

/// Every run in `dir`, newest first; damaged ones are left out.
pub fn list(dir: &Path) -> Vec<(PathBuf, Record)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut runs: Vec<(PathBuf, Record)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .filter_map(|p| read(&p).ok().map(|r| (p, r)))
        .collect();
    runs.sort_by(|a, b| b.1.started_at.cmp(&a.1.started_at).then(b.1.run.cmp(&a.1.run)));
    runs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Verdict;

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
        let mut journal = Journal::create(&dir, run, RunKind::Unassign, None, None).unwrap();
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
            Journal::create(&dir, run, RunKind::Unassign, None, None).is_err(),
            "a run is never overwritten"
        );
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn a_torn_last_line_is_ignored_and_resuming_starts_a_clean_line() {
        let dir = temp_dir("torn");
        let run = Uuid::new_v4();
        let mut journal = Journal::create(&dir, run, RunKind::Unassign, None, None).unwrap();
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
        assert!(record.finished);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn damage_before_the_end_is_an_error_not_a_guess() {
        let dir = temp_dir("corrupt");
        let path = dir.join("x.jsonl");
        let started = serde_json::to_string(&Entry::Started {
            format: FORMAT.into(),
            version: VERSION,
            run: Uuid::nil(),
            kind: RunKind::Unassign,
            undoes: None,
            tenant: None,
            at: 1,
        })
        .unwrap();
        std::fs::write(
            &path,
            format!("{started}\nnot json\n{{\"entry\":\"finished\",\"at\":2}}\n"),
        )
        .unwrap();
        let error = read(&path).unwrap_err();
        assert!(error.details.unwrap().contains("line 2"));
        std::fs::write(&path, "{\"entry\":\"started\",\"format\":\"other\",\"version\":9,\"run\":\"00000000-0000-0000-0000-000000000000\",\"kind\":\"unassign\",\"at\":1}\n").unwrap();
        assert!(read(&path).is_err(), "an unknown format is refused");
        std::fs::remove_dir_all(dir).ok();
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
