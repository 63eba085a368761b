//! The savings finder's answer, as it crosses to the UI: who is not using
//! what the tenant pays for, per product, with the seats and the money a
//! month where the admin set a price.
//!
//! The rules that make these live in `license-desk-engine` (`savings`).

use serde::Serialize;

/// What a finding is about. Stable codes: scripts and the UI rely on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// Not signed in for the days asked (or never, since the account was
    /// made that long ago).
    InactiveSignIn,
    /// No activity in Microsoft 365's usage report for the days asked.
    InactiveUsage,
    /// A disabled account still holding licenses.
    DisabledHolding,
    /// A directly assigned product whose every service another product of
    /// the same person already gives.
    Overlap,
    /// Seats paid for that nobody holds.
    IdleSeats,
}

impl FindingKind {
    /// The stable code, as serialized (`inactive_sign_in`, ...).
    pub fn code(self) -> &'static str {
        match self {
            FindingKind::InactiveSignIn => "inactive_sign_in",
            FindingKind::InactiveUsage => "inactive_usage",
            FindingKind::DisabledHolding => "disabled_holding",
            FindingKind::Overlap => "overlap",
            FindingKind::IdleSeats => "idle_seats",
        }
    }
}

/// Whether a kind of activity could be used, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ActivityStatus {
    Read,
    /// Not asked for (yet).
    NotRead,
    /// The tenant has no Entra ID P1 or P2: Microsoft keeps no sign-in dates.
    NotPremium,
    /// The admin has not granted the permission (or lacks the role).
    NotPermitted,
    /// The permission is granted, but the signed-in admin's role may not
    /// read it (usage reports need Reports Reader, Global Administrator or
    /// a service's administrator).
    RoleCannotRead,
    /// The tenant hides names in reports, so rows cannot be matched to people.
    Concealed,
}

/// Why a product is left out of every finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum NotCountedReason {
    /// Costs nothing (a free or viral product).
    Free,
    /// Every subscription of it is a trial.
    Trial,
    /// A user bought it themselves: not the admin's to remove.
    SelfService,
    /// Its subscription is no longer active (expired, suspended, locked
    /// out, deleted): its seats are not paid for going forward.
    NotActive,
}

/// A product of the tenant that no finding counts, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct NotCounted {
    pub sku_id: String,
    pub part_number: String,
    pub product: String,
    pub reason: NotCountedReason,
}

/// One person a finding names, with the product of the finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct FindingPerson {
    pub user_id: String,
    pub display_name: Option<String>,
    pub user_principal_name: String,
    /// Days since the last sign-in or activity (or since the account was
    /// made, for one never signed in); `None` where the finding has no date
    /// (no activity at all in the usage report's period, a disabled
    /// account, an overlap).
    pub since_days: Option<u32>,
    /// Assigned to the user directly (so it can be removed from the user).
    pub direct: bool,
    /// The groups that give it, by name: to be removed from the group.
    pub groups: Vec<String>,
    /// For an overlap: the product that already gives every service of this one.
    pub covered_by: Option<String>,
}

/// One kind of finding for one product.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub kind: FindingKind,
    pub sku_id: String,
    pub part_number: String,
    /// Microsoft's name for it (the part number when unknown).
    pub product: String,
    /// Empty for idle seats.
    pub people: Vec<FindingPerson>,
    /// The seats the finding would free.
    pub seats: u32,
    /// What one seat costs a month, in whole units of the currency; `None`
    /// when no price is set for the product.
    pub seat_price: Option<f64>,
    /// `seats` times the price; `None` when no price is set (never 0 for
    /// "unknown").
    pub monthly: Option<f64>,
}

/// Every finding for one tenant picture.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Findings {
    /// The days without activity that count as inactive.
    pub inactive_days: u32,
    pub sign_ins: ActivityStatus,
    /// Licensed people with no sign-in date and no creation date either:
    /// not judged.
    pub sign_ins_unknown: u32,
    pub usage: ActivityStatus,
    /// The usage report's period in days, when read.
    pub usage_period_days: Option<u32>,
    /// The usage report's refresh date (`YYYY-MM-DD`), when given.
    pub usage_refreshed_on: Option<String>,
    /// Licensed people the usage report cannot judge (not in it, or its
    /// period is shorter than the days asked and it shows no activity).
    pub usage_unknown: u32,
    /// By kind, then the most money first.
    pub findings: Vec<Finding>,
    /// Seats all findings would free, each (person, product) once.
    pub seats: u32,
    /// The same seats in money a month, where priced; `None` when none is.
    pub total_monthly: Option<f64>,
    /// Of `seats`, those with no price set.
    pub unpriced_seats: u32,
    /// The currency prices are in (ISO 4217), as set.
    pub currency: Option<String>,
    /// Products left out of every finding, and why.
    pub not_counted: Vec<NotCounted>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_keep_their_codes() {
        for kind in [
            FindingKind::InactiveSignIn,
            FindingKind::InactiveUsage,
            FindingKind::DisabledHolding,
            FindingKind::Overlap,
            FindingKind::IdleSeats,
        ] {
            assert_eq!(
                serde_json::to_value(kind).ok(),
                Some(serde_json::Value::String(kind.code().to_owned()))
            );
        }
        assert_eq!(FindingKind::InactiveSignIn.code(), "inactive_sign_in");
        assert_eq!(FindingKind::IdleSeats.code(), "idle_seats");
    }

    #[test]
    fn statuses_keep_their_codes() {
        let code = |status: ActivityStatus| serde_json::to_value(status).ok();
        assert_eq!(code(ActivityStatus::NotPremium), Some("not_premium".into()));
        assert_eq!(code(ActivityStatus::NotPermitted), Some("not_permitted".into()));
        assert_eq!(code(ActivityStatus::NotRead), Some("not_read".into()));
        assert_eq!(code(ActivityStatus::Concealed), Some("concealed".into()));
        assert_eq!(code(ActivityStatus::Read), Some("read".into()));
    }
}
