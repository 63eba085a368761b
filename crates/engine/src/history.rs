//! Past runs as the run history lists them: how each ended, what it
//! touched, and whether an undo has since put it back.

use std::collections::BTreeSet;

use license_desk_core::overview::{RunEntry, RunState};
use uuid::Uuid;

use crate::journal::{Outcome, Record, RunKind};
use crate::plan::PlanItem;

impl Record {
    /// How the run ended.
    pub fn state(&self) -> RunState {
        if self.finished() {
            RunState::Finished
        } else if self.cancelled() {
            RunState::Cancelled
        } else if self.damaged() {
            RunState::Damaged
        } else {
            RunState::Interrupted
        }
    }

    /// Items settled as `wanted`.
    pub fn count(&self, wanted: fn(&Outcome) -> bool) -> usize {
        self.outcomes.values().filter(|o| wanted(o)).count()
    }
}

/// The history of `records` (newest first, as [`crate::journal::list`]
/// gives them), naming products with `product_name`.
pub fn entries(records: &[Record], product_name: impl Fn(Uuid) -> String) -> Vec<RunEntry> {
    // A run counts as undone once an undo of it has put everything back.
    let undone: BTreeSet<Uuid> = records
        .iter()
        .filter(|r| {
            r.kind == RunKind::Undo && r.finished() && r.count(|o| matches!(o, Outcome::Failed { .. })) == 0
        })
        .filter_map(|r| r.undoes)
        .collect();
    records
        .iter()
        .map(|record| RunEntry {
            undone: undone.contains(&record.run),
            ..entry(record, &product_name)
        })
        .collect()
}

/// One run as the history shows it, named by the products and people it
/// changes (those the plan left alone are not what the run is about).
pub fn entry(record: &Record, product_name: impl Fn(Uuid) -> String) -> RunEntry {
    let touched =
        |index: &usize, item: &&PlanItem| !record.unreadable.contains(index) && item.verdict.will_send();
    let products: BTreeSet<Uuid> = record
        .items
        .iter()
        .enumerate()
        .filter(|(index, item)| touched(index, item))
        .map(|(_, i)| i.sku_id)
        .filter(|s| !s.is_nil())
        .collect();
    let users: BTreeSet<&str> = record
        .items
        .iter()
        .enumerate()
        .filter(|(index, item)| touched(index, item))
        .map(|(_, i)| i.user.as_str())
        .collect();
    RunEntry {
        run: record.run.to_string(),
        started_at: record.started_at.min(u64::from(u32::MAX)) as u32,
        undo: record.kind == RunKind::Undo,
        undoes: record.undoes.map(|u| u.to_string()),
        products: products.into_iter().map(product_name).collect(),
        users: users.len() as u32,
        state: record.state(),
        done: record.count(|o| *o == Outcome::Done) as u32,
        failed: record.count(|o| matches!(o, Outcome::Failed { .. })) as u32,
        undone: false,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use license_desk_core::ErrorCode;

    use super::*;
    use crate::plan::{PlanItem, Verdict};

    fn item(user: &str, sku_id: Uuid) -> PlanItem {
        PlanItem {
            user: user.to_owned(),
            user_id: None,
            user_principal_name: Some(user.to_owned()),
            sku_id,
            disabled_plans_before: Vec::new(),
            verdict: Verdict::Remove,
        }
    }

    fn record(kind: RunKind, undoes: Option<Uuid>, outcomes: Vec<Outcome>, finished: bool) -> Record {
        let sku = Uuid::from_u128(7);
        Record {
            run: Uuid::new_v4(),
            kind,
            undoes,
            tenant: None,
            started_at: 1_795_000_000,
            planned: None,
            items: (0..outcomes.len())
                .map(|i| item(&format!("u{}", i % 2), sku))
                .collect(),
            outcomes: outcomes.into_iter().enumerate().collect::<BTreeMap<_, _>>(),
            sent: BTreeSet::new(),
            finished_entry: finished,
            cancelled_entry: false,
            damage: Vec::new(),
            unreadable: BTreeSet::new(),
        }
    }

    #[test]
    fn says_how_each_run_ended_and_which_were_undone() {
        let failed = || Outcome::Failed {
            code: ErrorCode::UserNotFound,
            message: "gone".into(),
        };
        let removal = record(
            RunKind::Unassign,
            None,
            vec![Outcome::Done, Outcome::Done, failed()],
            true,
        );
        let undo = record(
            RunKind::Undo,
            Some(removal.run),
            vec![Outcome::Done, Outcome::Done],
            true,
        );
        let interrupted = record(RunKind::Unassign, None, vec![Outcome::Done], false);
        let failed_undo = record(RunKind::Undo, Some(interrupted.run), vec![failed()], true);
        let entries = entries(&[failed_undo, interrupted, undo, removal], |_| {
            "Product".to_owned()
        });

        let removal = &entries[3];
        assert_eq!((removal.done, removal.failed, removal.users), (2, 1, 2));
        assert_eq!(removal.state, RunState::Finished);
        assert_eq!(removal.products, ["Product"]);
        assert!(removal.undone, "a finished undo with no failure undoes it");
        assert!(entries[2].undo && !entries[2].undone);
        assert_eq!(entries[1].state, RunState::Interrupted);
        assert!(!entries[1].undone, "an undo that failed leaves it not undone");
    }
}
