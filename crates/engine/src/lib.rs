//! The unassign engine: from a selection to a [`plan::Plan`] that says, for
//! every user and product, what will change and what cannot and why; then a
//! run that sends the changes in batches, records every item in a
//! write-ahead [`journal`] before it is sent and again with its outcome, and
//! can be resumed after a crash or undone.
//!
//! No Tauri here: the app and the command line drive it alike.

pub mod consequences;
pub mod export;
pub mod history;
pub mod journal;
pub mod plan;
pub mod run;
pub mod saved_plan;
pub mod savings;
