//! Past runs as the run history lists them: how each ended, what it
//! touched, and whether an undo has since put it back.

use std::collections::BTreeSet;

use license_desk_core::overview::{RunEntry, RunState};
use uuid::Uuid;

use crate::journal::{Outcome, Record, RunKind};

impl Record {
    /// How the run ended.
    pub fn state(&self) -> RunState {
        if self.finished {
            RunState::Finished
        } else if self.cancelled {
            RunState::Cancelled
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
            r.kind == RunKind::Undo && r.finished && r.count(|o| matches!(o, Outcome::Failed { .. })) == 0
        })
        .filter_map(|r| r.undoes)
        .collect();
    records
        .iter()
        .map(|record| {
            let products: BTreeSet<Uuid> = record
                .items
                .iter()
                .map(|i| i.sku_id)
                .filter(|s| !s.is_nil())
                .collect();
            let users: BTreeSet<&str> = record.items.iter().map(|i| i.user.as_str()).collect();
            RunEntry {
                run: record.run.to_string(),
                started_at: record.started_at.min(u64::from(u32::MAX)) as u32,
                undo: record.kind == RunKind::Undo,
                undoes: record.undoes.map(|u| u.to_string()),
                products: products.into_iter().map(&product_name).collect(),
                users: users.len() as u32,
                state: record.state(),
                done: record.count(|o| *o == Outcome::Done) as u32,
                failed: record.count(|o| matches!(o, Outcome::Failed { .. })) as u32,
                undone: undone.contains(&record.run),
            }
        })
        .collect()
}
