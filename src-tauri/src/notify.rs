//! A system notification when a long run ends while the admin is in
//! another window: admins switch away during a long removal.

use std::time::Duration;

use license_desk_core::Language;
use license_desk_engine::history;
use license_desk_engine::journal::{self, Outcome, RunKind};
use license_desk_engine::run::Report;
use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;

/// A run that takes longer than this is worth a notification.
pub(crate) const LONG_RUN: Duration = Duration::from_secs(10);

/// How a run ended, as its notification tells it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ended {
    Finished {
        undo: bool,
        /// The products it changed, by name.
        products: Vec<String>,
        done: usize,
        failed: usize,
        not_run: usize,
        /// Stopped by the admin.
        stopped: bool,
    },
    /// An error stopped it; the run can be resumed.
    Failed,
}

impl Ended {
    /// How `report` ended, its products named by `product_name`.
    pub(crate) fn of(report: &Report, product_name: impl Fn(uuid::Uuid) -> String) -> Self {
        let products = journal::read(&report.journal)
            .map(|record| history::entry(&record, product_name).products)
            .unwrap_or_default();
        Self::Finished {
            undo: report.kind == RunKind::Undo,
            products,
            done: report.count(|o| *o == Outcome::Done),
            failed: report.count(|o| matches!(o, Outcome::Failed { .. })),
            not_run: report.count(|o| *o == Outcome::NotRun),
            stopped: report.cancelled,
        }
    }
}

/// The notification's title and text, in `language`: e.g. "Removal
/// finished", "Microsoft 365 Business Premium: 85 removed, 1 failed".
pub(crate) fn text(language: Language, ended: &Ended) -> (String, String) {
    let sv = language == Language::Sv;
    match ended {
        Ended::Finished {
            undo,
            products,
            done,
            failed,
            not_run,
            stopped,
        } => {
            let title = match (sv, undo, stopped) {
                (false, false, false) => "Removal finished",
                (false, false, true) => "Removal stopped",
                (false, true, false) => "Undo finished",
                (false, true, true) => "Undo stopped",
                (true, false, false) => "Borttagningen är klar",
                (true, false, true) => "Borttagningen stoppades",
                (true, true, false) => "Ångringen är klar",
                (true, true, true) => "Ångringen stoppades",
            };
            // Counts as labels in Swedish, so no word has to agree with a number.
            let mut counts = vec![match (sv, undo) {
                (false, false) => format!("{done} removed"),
                (false, true) => format!("{done} put back"),
                (true, false) => format!("borttagna: {done}"),
                (true, true) => format!("tillbakalagda: {done}"),
            }];
            if *failed > 0 {
                counts.push(if sv {
                    format!("misslyckade: {failed}")
                } else {
                    format!("{failed} failed")
                });
            }
            if *not_run > 0 {
                counts.push(if sv {
                    format!("inte körda: {not_run}")
                } else {
                    format!("{not_run} not run")
                });
            }
            let counts = counts.join(", ");
            let body = if products.is_empty() {
                counts
            } else {
                let between = if sv { " – " } else { ": " };
                format!("{}{between}{counts}", products.join(", "))
            };
            (title.to_owned(), body)
        }
        Ended::Failed if sv => (
            "Körningen avbröts".to_owned(),
            "Öppna License Desk för att se vad som hände och fortsätta körningen.".to_owned(),
        ),
        Ended::Failed => (
            "The run stopped".to_owned(),
            "Open License Desk to see what happened and resume the run.".to_owned(),
        ),
    }
}

/// Tells the system a run ended, when it took longer than [`LONG_RUN`]
/// and the window is not in front; a notification that cannot be shown is
/// logged and otherwise let be.
pub(crate) fn run_ended(app: &AppHandle, took: Duration, ended: &Ended) {
    tracing::info!(took_s = took.as_secs(), "a run ended in the app: {ended:?}");
    if took < LONG_RUN {
        return;
    }
    if app
        .webview_windows()
        .values()
        .any(|window| window.is_focused().unwrap_or(false))
    {
        return;
    }
    let (title, body) = text(crate::offline::export_language(app), ended);
    if let Err(error) = app.notification().builder().title(title).body(body).show() {
        tracing::warn!("the run's notification could not be shown: {error}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finished(undo: bool, failed: usize, not_run: usize, stopped: bool) -> Ended {
        Ended::Finished {
            undo,
            products: vec!["Microsoft 365 Business Premium".to_owned()],
            done: 85,
            failed,
            not_run,
            stopped,
        }
    }

    #[test]
    fn names_the_products_and_what_became_of_them() {
        assert_eq!(
            text(Language::En, &finished(false, 1, 0, false)),
            (
                "Removal finished".to_owned(),
                "Microsoft 365 Business Premium: 85 removed, 1 failed".to_owned()
            )
        );
        assert_eq!(
            text(Language::En, &finished(true, 0, 0, false)).1,
            "Microsoft 365 Business Premium: 85 put back"
        );
        assert_eq!(
            text(Language::En, &finished(false, 0, 12, true)),
            (
                "Removal stopped".to_owned(),
                "Microsoft 365 Business Premium: 85 removed, 12 not run".to_owned()
            )
        );
        assert_eq!(
            text(Language::Sv, &finished(false, 1, 0, false)),
            (
                "Borttagningen är klar".to_owned(),
                "Microsoft 365 Business Premium – borttagna: 85, misslyckade: 1".to_owned()
            )
        );
        let (title, body) = text(Language::Sv, &Ended::Failed);
        assert_eq!(title, "Körningen avbröts");
        assert!(body.contains("fortsätta"));
    }
}
