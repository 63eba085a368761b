//! Properties of the journal reader, checked against journals the engine's
//! own writer makes (random plans and outcome sequences, written with
//! `Journal::create` and `Journal::write` into a temporary folder):
//!
//! - cut at any byte, a record never says more than the whole lines before
//!   the cut, and is finished only once the `finished` line is whole;
//! - one whole line replaced by garbage is damage at that line, and every
//!   other line still counts;
//! - every item read is settled, unknown or remaining (exactly one), and
//!   once a line is damaged nothing is "certainly never sent".
//!
//! Cases are few and drawn from a fixed seed, so a run takes seconds and
//! never flakes; `PROPTEST_RNG_SEED` and `PROPTEST_CASES` explore others.

use std::collections::{BTreeMap, BTreeSet};

use license_desk_core::ErrorCode;
use license_desk_engine::journal::{self, Entry, Journal, Outcome, Record, RunKind};
use license_desk_engine::plan::{GroupRef, PlanItem, Verdict};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::RngSeed;
use uuid::Uuid;

const TENANT: Uuid = Uuid::from_u128(0x7e4a_0001);

fn config(cases: u32) -> ProptestConfig {
    let mut config = ProptestConfig::with_cases(cases);
    if config.rng_seed == RngSeed::Random {
        config.rng_seed = RngSeed::Fixed(0x1ce_d35c);
    }
    config
}

// ---------------------------------------------------------------- generators

fn uuid() -> impl Strategy<Value = Uuid> {
    any::<u128>().prop_map(Uuid::from_u128)
}

/// Names as admins type them, and some that are not.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-z]{1,8}(\\.[a-z]{1,8})?@[a-z]{1,8}\\.com",
        1 => any::<String>(),
        1 => Just("#EXT#\n\"quoted\"\\ \u{2028} \u{feff}".to_owned()),
    ]
}

fn groups() -> impl Strategy<Value = Vec<GroupRef>> {
    prop::collection::vec(
        (uuid(), prop::option::of(name())).prop_map(|(id, name)| GroupRef { id, name }),
        0..3,
    )
}

fn verdict() -> impl Strategy<Value = Verdict> {
    prop_oneof![
        4 => Just(Verdict::Remove),
        1 => groups().prop_map(|groups| Verdict::RemoveDirectSeatStays { groups }),
        1 => groups().prop_map(|groups| Verdict::InheritedOnly { groups }),
        1 => Just(Verdict::SelfService),
        1 => Just(Verdict::AlreadyGone),
        1 => Just(Verdict::UserNotFound),
    ]
}

fn plan_item() -> impl Strategy<Value = PlanItem> {
    (
        name(),
        prop::option::of(uuid()),
        prop::option::of(name()),
        uuid(),
        prop::collection::vec(uuid(), 0..3),
        verdict(),
    )
        .prop_map(
            |(user, user_id, user_principal_name, sku_id, disabled_plans_before, verdict)| PlanItem {
                user,
                user_id,
                user_principal_name,
                sku_id,
                disabled_plans_before,
                verdict,
            },
        )
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Ending {
    /// `finished`, when everything is settled.
    Finish,
    /// Cancelled part-way: what was never sent is "not run".
    Cancel,
    /// The process stopped: no last entry.
    Crash,
}

/// A run as the engine would record it, driven by `dice`.
#[derive(Debug, Clone)]
struct Run {
    kind: RunKind,
    items: Vec<PlanItem>,
    dice: Vec<u8>,
    ending: Ending,
}

fn run() -> impl Strategy<Value = Run> {
    (
        prop_oneof![4 => Just(RunKind::Unassign), 1 => Just(RunKind::Undo)],
        prop::collection::vec(plan_item(), 0..7),
        prop::collection::vec(any::<u8>(), 0..40),
        prop_oneof![Just(Ending::Finish), Just(Ending::Cancel), Just(Ending::Crash)],
    )
        .prop_map(|(kind, items, dice, ending)| Run {
            kind,
            items,
            dice,
            ending,
        })
}

/// The writes the engine makes for `run`, in order, each a `Journal::write`:
/// every item planned (and what will not be sent skipped), then per batch
/// its `sending` entry and the answers that came back, then what was lost
/// checked and resent, then `finished`, `cancelled` or nothing.
fn writes(run: &Run) -> Vec<Vec<Entry>> {
    let mut dice = run.dice.iter().copied().chain(std::iter::repeat(0));
    let mut roll = move |sides: u8| dice.next().unwrap_or(0) % sides;
    let mut writes = Vec::new();
    let mut outcomes: BTreeMap<usize, Outcome> = BTreeMap::new();

    let mut first: Vec<Entry> = run
        .items
        .iter()
        .enumerate()
        .map(|(item, plan)| Entry::Planned {
            item,
            plan: plan.clone(),
        })
        .collect();
    let to_send: Vec<usize> = (0..run.items.len())
        .filter(|&i| run.kind == RunKind::Undo || run.items[i].verdict.will_send())
        .collect();
    for item in (0..run.items.len()).filter(|i| !to_send.contains(i)) {
        first.push(Entry::Outcome {
            item,
            outcome: Outcome::Skipped,
        });
        outcomes.insert(item, Outcome::Skipped);
    }
    writes.push(first);

    let answer = |roll: &mut dyn FnMut(u8) -> u8| match roll(8) {
        0 => None,
        1 => Some(Outcome::Failed {
            code: ErrorCode::LicenseNotHeld,
            message: "User does not have a corresponding license.".into(),
        }),
        _ => Some(Outcome::Done),
    };
    let mut lost = Vec::new();
    let mut sent = 0;
    while sent < to_send.len() {
        if run.ending == Ending::Cancel && roll(3) == 0 {
            break;
        }
        let size = 1 + usize::from(roll(4));
        let batch = to_send[sent..(sent + size).min(to_send.len())].to_vec();
        sent += batch.len();
        writes.push(vec![Entry::Sending { items: batch.clone() }]);
        let mut answers = Vec::new();
        for item in batch {
            match answer(&mut roll) {
                Some(outcome) => {
                    outcomes.insert(item, outcome.clone());
                    answers.push(Entry::Outcome { item, outcome });
                }
                None => lost.push(item),
            }
        }
        if !answers.is_empty() {
            writes.push(answers);
        }
    }

    // Answers lost in flight: some found made in the tenant, the rest resent.
    if !lost.is_empty() && roll(3) != 0 {
        let (made, missing): (Vec<usize>, Vec<usize>) = lost.iter().copied().partition(|_| roll(2) == 0);
        if !made.is_empty() {
            writes.push(
                made.iter()
                    .map(|&item| {
                        outcomes.insert(item, Outcome::Done);
                        Entry::Outcome {
                            item,
                            outcome: Outcome::Done,
                        }
                    })
                    .collect(),
            );
        }
        if !missing.is_empty() {
            writes.push(vec![Entry::Sending {
                items: missing.clone(),
            }]);
            let answers: Vec<Entry> = missing
                .iter()
                .filter_map(|&item| {
                    let outcome = answer(&mut roll)?;
                    outcomes.insert(item, outcome.clone());
                    Some(Entry::Outcome { item, outcome })
                })
                .collect();
            if !answers.is_empty() {
                writes.push(answers);
            }
        }
    }

    let sent_items: BTreeSet<usize> = writes
        .iter()
        .flatten()
        .filter_map(|e| match e {
            Entry::Sending { items } => Some(items.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    let unknown = sent_items.iter().any(|i| !outcomes.contains_key(i));
    match run.ending {
        Ending::Finish if outcomes.len() == run.items.len() => {
            writes.push(vec![Entry::Finished { at: journal::now() }]);
        }
        Ending::Cancel if !unknown => {
            let mut last: Vec<Entry> = (0..run.items.len())
                .filter(|i| !outcomes.contains_key(i))
                .map(|item| Entry::Outcome {
                    item,
                    outcome: Outcome::NotRun,
                })
                .collect();
            last.push(Entry::Cancelled { at: journal::now() });
            writes.push(last);
        }
        _ => {}
    }
    writes
}

/// A journal written by the engine's writer: its bytes and its entries,
/// one per line after the `started` line.
struct Written {
    bytes: Vec<u8>,
    entries: Vec<Entry>,
    planned: usize,
}

fn write_journal(run: &Run) -> Written {
    let dir = std::env::temp_dir().join(format!("license-desk-journal-props-{}", Uuid::new_v4()));
    let undoes = (run.kind == RunKind::Undo).then(|| Uuid::from_u128(0xd0));
    let writes = writes(run);
    let mut journal = Journal::create(&dir, Uuid::new_v4(), run.kind, undoes, TENANT, run.items.len())
        .expect("a journal is created");
    for write in &writes {
        journal.write(write).expect("entries are written");
    }
    let path = journal.path().to_owned();
    drop(journal);
    let bytes = std::fs::read(&path).expect("the journal is read back");
    std::fs::remove_dir_all(&dir).ok();
    Written {
        bytes,
        entries: writes.into_iter().flatten().collect(),
        planned: run.items.len(),
    }
}

// ---------------------------------------------------------------- the model

/// What the reader must make of `entries` (the lines after `started`).
#[derive(Debug, Default, PartialEq)]
struct Expected {
    items: Vec<PlanItem>,
    outcomes: BTreeMap<usize, Outcome>,
    sent: BTreeSet<usize>,
    finished_entry: bool,
    cancelled_entry: bool,
}

fn replay<'a>(entries: impl IntoIterator<Item = &'a Entry>) -> Expected {
    let mut expected = Expected::default();
    for entry in entries {
        match entry {
            Entry::Started { .. } => unreachable!("only the first line starts"),
            Entry::Planned { plan, .. } => expected.items.push(plan.clone()),
            Entry::Sending { items } => expected.sent.extend(items),
            Entry::Outcome { item, outcome } => {
                expected.outcomes.insert(*item, outcome.clone());
            }
            Entry::Finished { .. } => expected.finished_entry = true,
            Entry::Cancelled { .. } => expected.cancelled_entry = true,
        }
    }
    expected
}

fn seen(record: &Record) -> Expected {
    Expected {
        items: record.items.clone(),
        outcomes: record.outcomes.clone(),
        sent: record.sent.clone(),
        finished_entry: record.finished_entry,
        cancelled_entry: record.cancelled_entry,
    }
}

/// Where each line ends (just after its `\n`).
fn line_ends(bytes: &[u8]) -> Vec<usize> {
    bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i + 1)
        .collect()
}

/// (iii): every item read is settled, unknown, remaining or unreadable (its
/// planned line lost), exactly once; with damage nothing is remaining; only
/// a settled run is finished.
fn check_cover(record: &Record) -> Result<(), TestCaseError> {
    let unknown = record.unknown();
    let remaining = record.remaining();
    for item in 0..record.items.len() {
        let places = usize::from(record.outcomes.contains_key(&item))
            + usize::from(unknown.contains(&item))
            + usize::from(remaining.contains(&item))
            + usize::from(record.unreadable.contains(&item));
        prop_assert_eq!(
            places,
            1,
            "item {} is settled, unknown, remaining or unreadable, once",
            item
        );
    }
    prop_assert!(unknown.iter().chain(&remaining).all(|&i| i < record.items.len()));
    prop_assert!(record.outcomes.keys().all(|&i| i < record.items.len()));
    if !record.damage.is_empty() {
        prop_assert!(remaining.is_empty(), "damage, yet items counted as never sent");
    }
    if record.finished() || record.cancelled() {
        prop_assert!(record.settled() && unknown.is_empty() && remaining.is_empty());
    }
    if let Some(planned) = record.planned {
        prop_assert!(record.items.len() <= planned);
    }
    Ok(())
}

// ---------------------------------------------------------------- properties

proptest! {
    #![proptest_config(config(128))]

    /// (i) and (iii): cut anywhere, the record says exactly what the whole
    /// lines before the cut say, so it is finished only once the
    /// `finished` line is whole and never has more outcomes than were
    /// written.
    #[test]
    fn a_journal_cut_anywhere_says_no_more_than_its_whole_lines(
        run in run(),
        cuts in prop::collection::vec(any::<Index>(), 12),
    ) {
        let written = write_journal(&run);
        let bytes = &written.bytes;
        let ends = line_ends(bytes);
        prop_assert_eq!(ends.len(), written.entries.len() + 1, "one line per entry");
        let finished_line_end = written
            .entries
            .iter()
            .position(|e| matches!(e, Entry::Finished { .. }))
            .map(|i| ends[i + 1]);
        let outcomes_written: BTreeSet<usize> = written
            .entries
            .iter()
            .filter_map(|e| match e {
                Entry::Outcome { item, .. } => Some(*item),
                _ => None,
            })
            .collect();

        let whole = parse(bytes)?;
        prop_assert!(whole.damage.is_empty());
        prop_assert_eq!(seen(&whole), replay(&written.entries));
        prop_assert_eq!(whole.planned, Some(written.planned));
        prop_assert_eq!(whole.finished(), finished_line_end.is_some());
        check_cover(&whole)?;

        // Every line end, a byte either side, and some anywhere.
        let mut offsets: BTreeSet<usize> = [0, bytes.len()].into();
        for &end in &ends {
            offsets.extend([end - 1, end, (end + 1).min(bytes.len())]);
        }
        offsets.extend(cuts.iter().map(|i| i.index(bytes.len() + 1)));
        for cut in offsets {
            let lines = ends.iter().filter(|&&end| end <= cut).count();
            let torn_to = if lines == 0 { 0 } else { ends[lines - 1] };
            let result = journal::parse(&bytes[..cut]);
            prop_assert_eq!(
                &result,
                &journal::parse(&bytes[..torn_to]),
                "a torn last line is ignored (cut at {})", cut
            );
            let record = match result {
                Err((line, _)) => {
                    prop_assert_eq!(lines, 0, "the first line is whole at {}", cut);
                    prop_assert_eq!(line, 1);
                    continue;
                }
                Ok(record) => record,
            };
            prop_assert!(lines >= 1);
            prop_assert!(record.damage.is_empty(), "cut at {}: {:?}", cut, record.damage);
            prop_assert_eq!(seen(&record), replay(&written.entries[..lines - 1]), "cut at {}", cut);
            prop_assert!(record.outcomes.len() <= outcomes_written.len());
            prop_assert!(record.outcomes.keys().all(|i| outcomes_written.contains(i)));
            if record.finished() {
                prop_assert!(
                    finished_line_end.is_some_and(|end| cut >= end),
                    "finished when cut at {} of {}", cut, bytes.len()
                );
            }
            if finished_line_end.is_some_and(|end| cut >= end) {
                prop_assert!(record.finished(), "the whole run is finished (cut at {})", cut);
            }
            check_cover(&record)?;
        }
    }

    /// (ii) and (iii): one whole line replaced by garbage is damage at that
    /// line, and every other line still counts: a lost `sending`, `outcome`
    /// or `finished` line is the only damage; a lost `planned` line costs
    /// its own item and nothing else (an undo never names anyone for it).
    /// The first line garbled is the one error.
    #[test]
    fn a_garbled_line_is_damage_there_and_every_other_line_counts(
        run in run(),
        which in any::<Index>(),
        garbage in garbage(),
    ) {
        let written = write_journal(&run);
        let lines: Vec<&[u8]> = written.bytes.split_inclusive(|b| *b == b'\n').collect();
        let line = which.index(lines.len());
        let garbled = replace_line(&lines, line, &garbage);

        if line == 0 {
            let result = journal::parse(&garbled);
            prop_assert!(matches!(result, Err((1, _))), "{:?}", result);
            return Ok(());
        }
        let entry = &written.entries[line - 1];
        let record = parse(&garbled)?;
        let damaged: Vec<usize> = record.damage.iter().map(|d| d.line).collect();
        let others = written
            .entries
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != line - 1)
            .map(|(_, e)| e);
        let mut expected = replay(others);
        if let Entry::Planned { item: lost, .. } = entry {
            prop_assert!(damaged.contains(&(line + 1)), "damage at line {}: {:?}", line + 1, damaged);
            expected.outcomes.remove(lost);
            prop_assert_eq!(&record.outcomes, &expected.outcomes, "every other item's outcome still counts");
            prop_assert_eq!(record.missing_items(), 1, "one item cannot be known");
            prop_assert!(!record.finished() && !record.cancelled());
            for (i, plan) in run.items.iter().enumerate().filter(|(i, _)| i != lost) {
                prop_assert_eq!(record.items.get(i), Some(plan), "item {} read as written", i);
            }
            let undone: Vec<&PlanItem> = record.done_items().collect();
            let done: Vec<&PlanItem> = expected
                .outcomes
                .iter()
                .filter(|(_, o)| **o == Outcome::Done)
                .map(|(i, _)| &run.items[*i])
                .collect();
            prop_assert_eq!(undone, done, "an undo puts back exactly what the readable lines say was done");
        } else {
            prop_assert_eq!(damaged, vec![line + 1], "damage at the garbled line (1-based), and only there");
            prop_assert_eq!(seen(&record), expected);
        }
        let garbled_finished = matches!(entry, Entry::Finished { .. });
        prop_assert!(!(record.finished() && garbled_finished), "finished without its line");
        check_cover(&record)?;
        prop_assert!(record.remaining().is_empty());
    }

    /// (iii) on anything: any bytes read as a journal never panic, and what
    /// is read holds together.
    #[test]
    fn any_bytes_read_as_a_journal_hold_together(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(record) = journal::parse(&bytes) {
            check_cover(&record)?;
        }
    }

    /// (iii) on a real journal with bytes changed anywhere: never a panic,
    /// and what is read holds together.
    #[test]
    fn a_real_journal_with_bytes_changed_holds_together(
        run in run(),
        changes in prop::collection::vec((any::<Index>(), any::<u8>()), 1..6),
    ) {
        let mut bytes = write_journal(&run).bytes;
        for (at, byte) in changes {
            let at = at.index(bytes.len());
            bytes[at] = byte;
        }
        if let Ok(record) = journal::parse(&bytes) {
            check_cover(&record)?;
        }
    }
}

/// Garbage for a whole line: never a `\n`, never an entry, never empty.
fn garbage() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>().prop_filter("no newline", |b| *b != b'\n'), 1..40),
        Just(vec![0u8; 8]),
        Just(b"{\"entry\":\"outcome\",\"item\":".to_vec()),
        Just(b"{\"entry\":\"planned\"}".to_vec()),
        Just(b"null".to_vec()),
    ]
    .prop_filter("garbage is never an entry", |g| {
        serde_json::from_slice::<Entry>(g).is_err()
    })
}

fn replace_line(lines: &[&[u8]], line: usize, garbage: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for (i, text) in lines.iter().enumerate() {
        if i == line {
            bytes.extend_from_slice(garbage);
            bytes.push(b'\n');
        } else {
            bytes.extend_from_slice(text);
        }
    }
    bytes
}

fn parse(bytes: &[u8]) -> Result<Record, TestCaseError> {
    journal::parse(bytes).map_err(|(line, why)| TestCaseError::fail(format!("line {line}: {why}")))
}

// ---------------------------------------------------------------- regular tests

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

/// A `planned` line lost to damage: the module's promise is that damage is
/// reported by line and "the rest is still used". The items planned after
/// it, and their outcomes, are readable lines and must still count: an
/// undo of this run must still put back what was removed from users 2
/// and 3.
#[test]
fn a_garbled_planned_line_costs_only_that_item() {
    let run = Run {
        kind: RunKind::Unassign,
        items: (0..4).map(item).collect(),
        dice: vec![3; 40],
        ending: Ending::Finish,
    };
    let written = write_journal(&run);
    let lines: Vec<&[u8]> = written.bytes.split_inclusive(|b| *b == b'\n').collect();
    // Line 3 plans item 1.
    assert!(matches!(written.entries[1], Entry::Planned { item: 1, .. }));
    let record = journal::parse(&replace_line(&lines, 2, b"\0\0\0\0")).expect("the first line is whole");
    assert!(record.damage.iter().any(|d| d.line == 3));
    let removed: BTreeSet<usize> = record
        .outcomes
        .iter()
        .filter(|(_, o)| **o == Outcome::Done)
        .map(|(i, _)| *i)
        .collect();
    assert_eq!(
        removed,
        BTreeSet::from([0, 2, 3]),
        "every other line's outcome still counts; damage: {:?}",
        record.damage
    );
}

// ---------------------------------------------------------------- the users file

/// Text made of the characters that make users files hard: whitespace of
/// every kind, byte order marks, comment marks, line ends.
fn awkward_text() -> impl Strategy<Value = String> {
    let chars = prop::sample::select(vec![
        ' ', '\t', '\r', '\n', '\u{b}', '\u{c}', '\u{85}', '\u{a0}', '\u{2028}', '\u{3000}', '\u{200b}',
        '\u{feff}', '#', 'a', 'B', '@', '.', '-', '0',
    ]);
    prop_oneof![
        3 => prop::collection::vec(chars, 0..80).prop_map(|c| c.into_iter().collect()),
        1 => any::<String>(),
    ]
}

/// A users file as admins save them: names, blank lines, comments,
/// surrounding whitespace, CRLF or LF, a byte order mark at the start of
/// the file or of any line (files joined together).
fn users_file() -> impl Strategy<Value = (String, Vec<String>)> {
    let user = prop_oneof![
        "[a-z]{1,8}(\\.[a-z]{1,8})?@[a-z]{1,8}\\.(com|se)",
        any::<u128>().prop_map(|n| Uuid::from_u128(n).to_string()),
        "[a-z]{1,6}_[a-z]{1,6}\\.com#EXT#@[a-z]{1,8}\\.onmicrosoft\\.com",
    ];
    let space = prop::sample::select(vec!["", "", " ", "\t", "  \t", "\u{a0}", "\u{3000}"]);
    let line = prop_oneof![
        4 => (any::<bool>(), space.clone(), user, space.clone())
            .prop_map(|(bom, before, user, after)| {
                let bom = if bom { "\u{feff}" } else { "" };
                (format!("{bom}{before}{user}{after}"), Some(user))
            }),
        1 => (space.clone(), "[ -~]{0,20}").prop_map(|(before, text)| (format!("{before}#{text}"), None)),
        1 => space.prop_map(|s| (s.to_owned(), None)),
    ];
    (prop::collection::vec(line, 0..12), any::<bool>(), any::<bool>()).prop_map(|(lines, crlf, last_end)| {
        let end = if crlf { "\r\n" } else { "\n" };
        let mut text = lines
            .iter()
            .map(|(l, _)| l.as_str())
            .collect::<Vec<_>>()
            .join(end);
        if last_end {
            text.push_str(end);
        }
        (text, lines.into_iter().filter_map(|(_, user)| user).collect())
    })
}

fn check_users(text: &str, users: &[String]) -> Result<(), TestCaseError> {
    prop_assert!(users.len() <= text.lines().count());
    for user in users {
        prop_assert!(!user.is_empty(), "an empty entry from {:?}", text);
        prop_assert!(!user.starts_with('#'), "a comment kept: {:?}", user);
        prop_assert_eq!(user.trim(), user.as_str(), "surrounding whitespace kept");
        prop_assert!(!user.contains('\n'), "an entry spans lines: {:?}", user);
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(256))]

    /// Any text: never a panic, and no entry is empty, a comment, or has
    /// whitespace around it.
    #[test]
    fn any_users_file_gives_only_real_entries(text in awkward_text()) {
        let users = license_desk_engine::plan::users_listed(&text);
        check_users(&text, &users)?;
    }

    /// A users file as saved by editors (a byte order mark only where
    /// editors write one, first on a line): exactly its users, in order,
    /// none with a byte order mark.
    #[test]
    fn a_users_file_gives_exactly_its_users((text, expected) in users_file()) {
        let users = license_desk_engine::plan::users_listed(&text);
        check_users(&text, &users)?;
        prop_assert!(users.iter().all(|u| !u.contains('\u{feff}')), "a byte order mark kept");
        prop_assert_eq!(users, expected);
    }
}

/// A byte order mark anywhere around a name (after an indent, at the end
/// of a name pasted from a web page, or on a line of its own after a
/// space) is dropped: kept, the entry would name no user, or a comment
/// would be taken for a user.
#[test]
fn a_byte_order_mark_is_never_part_of_an_entry() {
    for (text, expected) in [
        (" \u{feff}ann@contoso.com\n", vec!["ann@contoso.com"]),
        ("ann@contoso.com\u{feff}\n", vec!["ann@contoso.com"]),
        ("ann@contoso.com \u{feff}\n", vec!["ann@contoso.com"]),
        ("\t\u{feff}\n", vec![]),
        (" \u{feff}# a comment\n", vec![]),
    ] {
        assert_eq!(
            license_desk_engine::plan::users_listed(text),
            expected,
            "from {text:?}"
        );
    }
}

/// A damaged line whose error quotes non-ASCII text (a user's name, say)
/// long enough to be shortened: the reason is cut to 200 bytes on a
/// character boundary, and the damage is reported; a cut inside a
/// character would panic, and reading the run (and listing every run)
/// would fail.
#[test]
fn a_damaged_line_quoting_non_ascii_text_is_damage_not_a_panic() {
    let run = Run {
        kind: RunKind::Unassign,
        items: vec![item(0)],
        dice: Vec::new(),
        ending: Ending::Crash,
    };
    let mut bytes = write_journal(&run).bytes;
    let name = format!("a{}", "Ö".repeat(120));
    bytes.extend_from_slice(format!("{{\"entry\":\"outcome\",\"item\":\"{name}\"}}\n").as_bytes());
    let lines = bytes.iter().filter(|b| **b == b'\n').count();
    let record = std::panic::catch_unwind(|| journal::parse(&bytes))
        .expect("reading a damaged journal never panics")
        .expect("the first line is whole");
    assert_eq!(record.damage.len(), 1);
    assert_eq!(record.damage[0].line, lines);
    assert!(record.damage[0].why.len() <= 200);
}

/// A number in the file is not a size: a `planned` line naming a far-off
/// item makes the reader hold one placeholder per item skipped over, so a
/// damaged or hand-edited journal of a few hundred bytes can take all the
/// memory there is (at 10^9, the app aborts while listing runs).
#[test]

fn a_far_off_item_number_costs_no_more_than_the_file_is_long() {
    let run = Run {
        kind: RunKind::Unassign,
        items: vec![item(0), item(1)],
        dice: Vec::new(),
        ending: Ending::Crash,
    };
    let text = String::from_utf8(write_journal(&run).bytes).expect("journals are UTF-8");
    let text = text
        .replace("\"items\":2", "\"items\":100000000")
        .replace("\"item\":1,", "\"item\":200000,");
    let record = journal::parse(text.as_bytes()).expect("the first line is whole");
    assert!(
        record.items.len() <= text.len(),
        "{} items read from {} bytes",
        record.items.len(),
        text.len()
    );
}
