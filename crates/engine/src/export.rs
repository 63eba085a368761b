//! A run's per-user results as CSV (safe to open in Excel) or JSON.

use serde::Serialize;
use uuid::Uuid;

use license_desk_tenant::TenantPicture;

use crate::journal::Outcome;
use crate::plan::{Plan, Verdict};
use crate::run::Report;

/// One (person, product) of a plan, named for a person to read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanRow {
    pub display_name: Option<String>,
    pub user_principal_name: String,
    pub product: String,
    pub part_number: Option<String>,
    /// What happens to it: remove, remove_direct_seat_stays, inherited_only,
    /// self_service, already_gone or user_not_found.
    pub verdict: &'static str,
    /// The groups it is held through, by name.
    pub groups: Vec<String>,
}

/// Every item of `plan`, naming the person and the product.
pub fn plan_rows(plan: &Plan, picture: &TenantPicture) -> Vec<PlanRow> {
    let people: std::collections::HashMap<Uuid, &license_desk_tenant::model::User> =
        picture.users.iter().map(|u| (u.id, u)).collect();
    plan.items
        .iter()
        .map(|item| {
            let person = item.user_id.and_then(|id| people.get(&id));
            let (verdict, groups) = match &item.verdict {
                Verdict::Remove => ("remove", Vec::new()),
                Verdict::RemoveDirectSeatStays { groups } => ("remove_direct_seat_stays", groups.clone()),
                Verdict::InheritedOnly { groups } => ("inherited_only", groups.clone()),
                Verdict::SelfService => ("self_service", Vec::new()),
                Verdict::AlreadyGone => ("already_gone", Vec::new()),
                Verdict::UserNotFound => ("user_not_found", Vec::new()),
            };
            PlanRow {
                display_name: person.and_then(|p| p.display_name.clone()),
                user_principal_name: item
                    .user_principal_name
                    .clone()
                    .unwrap_or_else(|| item.user.clone()),
                product: if item.sku_id.is_nil() {
                    String::new()
                } else {
                    picture.product_name(item.sku_id)
                },
                part_number: picture
                    .products
                    .iter()
                    .find(|p| p.sku_id == item.sku_id)
                    .map(|p| p.sku_part_number.clone()),
                verdict,
                groups: groups
                    .iter()
                    .map(|g| g.name.clone().unwrap_or_else(|| g.id.to_string()))
                    .collect(),
            }
        })
        .collect()
}

/// One row of results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultRow {
    pub user: String,
    pub user_principal_name: Option<String>,
    pub sku_id: Uuid,
    /// done, failed, skipped, not_run, or unknown (still being checked).
    pub result: String,
    /// Why, in plain words, when it was not done.
    pub reason: Option<String>,
}

fn skipped_reason(verdict: &Verdict) -> &'static str {
    match verdict {
        Verdict::InheritedOnly { .. } => "Held only through a group: remove it at the group.",
        Verdict::SelfService => "Bought by a user (self-service): take the subscription over first.",
        Verdict::AlreadyGone => "The user did not hold it.",
        Verdict::UserNotFound => "No such user.",
        Verdict::Remove | Verdict::RemoveDirectSeatStays { .. } => "Not needed.",
    }
}

impl Report {
    pub fn rows(&self) -> Vec<ResultRow> {
        self.items
            .iter()
            .enumerate()
            .map(|(index, item)| {
                let (result, reason) = match self.outcomes.get(&index) {
                    Some(Outcome::Done) => ("done", None),
                    Some(Outcome::Failed { message, .. }) => ("failed", Some(message.clone())),
                    Some(Outcome::Skipped) => ("skipped", Some(skipped_reason(&item.verdict).to_owned())),
                    Some(Outcome::NotRun) => (
                        "not_run",
                        Some("The run was cancelled before this was sent.".to_owned()),
                    ),
                    None => ("unknown", None),
                };
                ResultRow {
                    user: item.user.clone(),
                    user_principal_name: item.user_principal_name.clone(),
                    sku_id: item.sku_id,
                    result: result.to_owned(),
                    reason,
                }
            })
            .collect()
    }
}

/// A cell as Excel will not run it: values starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return get a leading apostrophe, and every
/// cell is quoted.
fn cell(value: &str) -> String {
    let neutral = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    format!("\"{}\"", neutral.replace('"', "\"\""))
}

pub fn to_csv(rows: &[ResultRow]) -> String {
    let mut out =
        String::from("\"User\",\"User principal name\",\"Product (skuId)\",\"Result\",\"Reason\"\r\n");
    for row in rows {
        let fields = [
            cell(&row.user),
            cell(row.user_principal_name.as_deref().unwrap_or_default()),
            cell(&row.sku_id.to_string()),
            cell(&row.result),
            cell(row.reason.as_deref().unwrap_or_default()),
        ];
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

pub fn to_json(rows: &[ResultRow]) -> String {
    serde_json::to_string_pretty(rows).unwrap_or_else(|_| "[]".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(user: &str, reason: &str) -> ResultRow {
        ResultRow {
            user: user.to_owned(),
            user_principal_name: Some(user.to_owned()),
            sku_id: Uuid::nil(),
            result: "failed".to_owned(),
            reason: Some(reason.to_owned()),
        }
    }

    #[test]
    fn formulas_are_neutralised_and_quotes_escaped() {
        let csv = to_csv(&[
            row("=HYPERLINK(\"http://x\")", "+1"),
            row("-2", "@SUM(A1)"),
            row("\tTab", "\rReturn"),
            row("plain@example.com", "said \"no\""),
        ]);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(
            lines[1],
            r#""'=HYPERLINK(""http://x"")","'=HYPERLINK(""http://x"")","00000000-0000-0000-0000-000000000000","failed","'+1""#
        );
        assert!(lines[2].starts_with(r#""'-2","'-2""#) && lines[2].ends_with(r#""'@SUM(A1)""#));
        assert!(lines[3].starts_with("\"'\tTab\"") && lines[3].ends_with("\"'\rReturn\""));
        assert_eq!(
            lines[4],
            r#""plain@example.com","plain@example.com","00000000-0000-0000-0000-000000000000","failed","said ""no""""#
        );
    }

    #[test]
    fn json_keeps_every_field() {
        let json: serde_json::Value = serde_json::from_str(&to_json(&[row("a@b.c", "why")])).unwrap();
        assert_eq!(json[0]["userPrincipalName"], "a@b.c");
        assert_eq!(json[0]["reason"], "why");
    }
}
