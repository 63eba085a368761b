//! Saved plans: what is saved reads back the same, a plan of a newer
//! version or of something else is refused with a message that says so,
//! and no bytes make reading one panic.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use license_desk_core::ErrorCode;
use license_desk_engine::plan::Verdict;
use license_desk_engine::saved_plan::{PlanSource, SavedItem, SavedPlan, SavedProduct, FORMAT, VERSION};
use proptest::prelude::*;
use uuid::Uuid;

fn plan() -> SavedPlan {
    SavedPlan {
        format: FORMAT.into(),
        version: VERSION,
        created_at: "2026-11-25T09:30:00Z".into(),
        from: PlanSource {
            file: "users_9_15_2025 9_17_18 PM.csv".into(),
            format: "admin_center_users".into(),
            taken_at: None,
            tenant_id: None,
            tenant_name: "users.csv".into(),
            domains: vec!["contoso.com".into()],
            object_ids: false,
        },
        items: vec![SavedItem {
            user_principal_name: "åsa@contoso.com".into(),
            display_name: Some("Åsa Öberg".into()),
            user_id: None,
            product: SavedProduct {
                name: "Microsoft 365 Business Basic".into(),
                part_number: None,
                written_as: Some("Microsoft 365 Business Basic".into()),
                sku_ids: vec![Uuid::from_u128(1), Uuid::from_u128(2)],
            },
            verdict: Verdict::Remove,
            disabled_plans: None,
        }],
    }
}

#[test]
fn a_saved_plan_reads_back_the_same_and_is_readable_text() {
    let text = plan().to_text();
    assert!(text.contains("\n  \"items\": ["), "indented for a text editor");
    assert!(text.contains("Åsa Öberg"), "names as they are, not escaped");
    assert_eq!(SavedPlan::parse(text.as_bytes(), "plan.json").unwrap(), plan());
}

#[test]
fn a_newer_plan_or_another_file_is_refused_with_its_reason() {
    let newer = plan().to_text().replace("\"version\": 1", "\"version\": 2");
    let error = SavedPlan::parse(newer.as_bytes(), "plan.json").unwrap_err();
    assert_eq!(error.code, ErrorCode::FileNotUsable);
    assert!(
        error.message.contains("version 2") && error.message.contains("Update"),
        "{}",
        error.message
    );
    let other = SavedPlan::parse(
        br#"{"format":"license-desk-tenant-export","version":1}"#,
        "x.json",
    )
    .unwrap_err();
    assert!(
        other.message.contains("not a License Desk plan"),
        "{}",
        other.message
    );
    let broken = SavedPlan::parse(b"{\"format\": ", "x.json").unwrap_err();
    assert!(broken.message.contains("line 1"), "{}", broken.message);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_bytes_make_reading_a_plan_panic(bytes in prop::collection::vec(any::<u8>(), 0..1024)) {
        let _ = SavedPlan::parse(&bytes, "x");
    }

    #[test]
    fn a_plan_with_a_byte_changed_is_read_or_refused(at in 0usize..2000, byte in any::<u8>()) {
        let mut bytes = plan().to_text().into_bytes();
        let at = at % bytes.len();
        bytes[at] = byte;
        let _ = SavedPlan::parse(&bytes, "x");
    }
}
