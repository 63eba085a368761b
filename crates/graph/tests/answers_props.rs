//! Properties of what the client decodes from Graph's answers: the models
//! (`User`, `SubscribedSku`, `CompanySubscription`, `Organization`, `Group`,
//! `DirectoryObject`, `Me`) from any bytes or any JSON never panic, a
//! well-formed user decodes to what it says, and any body read as an error
//! answer, under any status, becomes an error with a message and the
//! request's id.
//!
//! Cases are few and drawn from a fixed seed, so a run takes seconds and
//! never flakes; `PROPTEST_RNG_SEED` and `PROPTEST_CASES` explore others.

use license_desk_graph::failure::GraphFailure;
use license_desk_graph::models::{
    CompanySubscription, DirectoryObject, Group, Me, Organization, SubscribedSku, User,
};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use uuid::Uuid;

fn config(cases: u32) -> ProptestConfig {
    let mut config = ProptestConfig::with_cases(cases);
    if config.rng_seed == RngSeed::Random {
        config.rng_seed = RngSeed::Fixed(0x6a_7a9b);
    }
    config
}

/// As the client reads an answer: bytes to a value (nothing readable is
/// `null`), the value to the model, and each item of a page's `value`.
fn decode_all(bytes: &[u8]) -> Value {
    let value = serde_json::from_slice::<Value>(bytes).unwrap_or(Value::Null);
    decode_value(&value);
    let _ = serde_json::from_slice::<User>(bytes);
    let _ = serde_json::from_slice::<SubscribedSku>(bytes);
    let _ = serde_json::from_slice::<CompanySubscription>(bytes);
    let _ = serde_json::from_slice::<Organization>(bytes);
    let _ = serde_json::from_slice::<Group>(bytes);
    let _ = serde_json::from_slice::<DirectoryObject>(bytes);
    let _ = serde_json::from_slice::<Me>(bytes);
    value
}

fn decode<T: DeserializeOwned>(value: &Value) {
    let _ = serde_json::from_value::<T>(value.clone());
    if let Some(Value::Array(items)) = value.get("value") {
        for item in items {
            let _ = serde_json::from_value::<T>(item.clone());
        }
    }
}

fn decode_value(value: &Value) {
    decode::<User>(value);
    decode::<SubscribedSku>(value);
    decode::<CompanySubscription>(value);
    decode::<Organization>(value);
    decode::<Group>(value);
    decode::<DirectoryObject>(value);
    decode::<Me>(value);
}

/// The names Graph's answers use, so random objects look like answers.
const NAMES: [&str; 30] = [
    "value",
    "@odata.nextLink",
    "@odata.count",
    "@odata.type",
    "error",
    "code",
    "message",
    "innerError",
    "request-id",
    "id",
    "displayName",
    "userPrincipalName",
    "accountEnabled",
    "assignedLicenses",
    "licenseAssignmentStates",
    "skuId",
    "disabledPlans",
    "assignedByGroup",
    "skuPartNumber",
    "appliesTo",
    "capabilityStatus",
    "consumedUnits",
    "prepaidUnits",
    "enabled",
    "servicePlans",
    "status",
    "ownerType",
    "totalLicenses",
    "verifiedDomains",
    "roleTemplateId",
];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => "[A-Za-z0-9 ._@\\-]{0,20}",
        1 => any::<String>(),
        1 => any::<u128>().prop_map(|n| Uuid::from_u128(n).to_string()),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        let key = prop_oneof![
            3 => prop::sample::select(NAMES.to_vec()).prop_map(str::to_owned),
            1 => text(),
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(key, inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Graph's error answer shape, with any code, message and inner error.
fn error_body() -> impl Strategy<Value = Value> {
    let message = prop_oneof![
        Just(Value::from("User license is inherited from a group membership and it cannot be removed directly from the user.")),
        Just(Value::from("User does not have a corresponding license.")),
        Just(Value::from("Subscription with SKU x does not have any available licenses.")),
        Just(Value::from("")),
        text().prop_map(Value::from),
        json_value(),
    ];
    (json_value(), message, json_value(), any::<bool>()).prop_map(|(code, message, inner, with_inner)| {
        let mut error = json!({"code": code, "message": message});
        if with_inner {
            error["innerError"] = inner;
        }
        json!({ "error": error })
    })
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        3 => prop::sample::select(vec![400u16, 401, 403, 404, 409, 429, 500, 502, 503, 504]),
        1 => any::<u16>(),
    ]
}

fn check_error(status: u16, body: &Value, client_request_id: &str) -> Result<(), TestCaseError> {
    let failure = GraphFailure::from_body(status, body, client_request_id);
    prop_assert_eq!(failure.status, status);
    prop_assert_eq!(&failure.client_request_id, client_request_id);
    prop_assert!(!failure.code.is_empty(), "a code, `unknown` at worst");
    let error = failure.into_error();
    prop_assert!(!error.message.trim().is_empty(), "an error with no message");
    let details = error.details.unwrap_or_default();
    prop_assert!(
        details.contains(client_request_id),
        "details keep the request id: {}",
        details
    );
    prop_assert!(
        details.contains(&status.to_string()),
        "details keep the status: {}",
        details
    );
    Ok(())
}

proptest! {
    #![proptest_config(config(256))]

    /// Any bytes as an answer: decoding never panics, and read as an error
    /// answer it is an error with a message.
    #[test]
    fn any_bytes_as_an_answer_never_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..256),
        status in status(),
        client_request_id in text(),
    ) {
        let value = decode_all(&bytes);
        check_error(status, &value, &client_request_id)?;
    }

    /// Any JSON as an answer: the same, for every model and as a page.
    #[test]
    fn any_json_as_an_answer_never_panics(
        value in json_value(),
        status in status(),
        client_request_id in text(),
    ) {
        let bytes = serde_json::to_vec(&value).expect("a value serialises");
        decode_all(&bytes);
        decode_value(&json!({"value": [value.clone(), value.clone()], "@odata.nextLink": value.clone()}));
        check_error(status, &value, &client_request_id)?;
    }

    /// Error answers as Graph shapes them, with anything in them.
    #[test]
    fn any_error_answer_becomes_an_error_with_a_message(
        body in error_body(),
        status in status(),
        client_request_id in text(),
    ) {
        check_error(status, &body, &client_request_id)?;
        let message = body["error"]["message"].as_str().unwrap_or_default();
        let details = GraphFailure::from_body(status, &body, &client_request_id)
            .into_error()
            .details
            .unwrap_or_default();
        prop_assert!(details.contains(message), "details keep Graph's own message");
    }

    /// A well-formed user decodes to exactly what it says, with unknown
    /// properties ignored.
    #[test]
    fn a_well_formed_user_decodes_to_what_it_says(
        id in any::<u128>(),
        upn in text(),
        display_name in prop::option::of(text()),
        skus in prop::collection::vec((any::<u128>(), prop::collection::vec(any::<u128>(), 0..3), prop::option::of(any::<u128>())), 0..4),
        extra in json_value(),
    ) {
        let id = Uuid::from_u128(id);
        let states: Vec<Value> = skus
            .iter()
            .map(|(sku, disabled, group)| {
                json!({
                    "skuId": Uuid::from_u128(*sku),
                    "disabledPlans": disabled.iter().map(|d| Uuid::from_u128(*d)).collect::<Vec<_>>(),
                    "assignedByGroup": group.map(Uuid::from_u128),
                    "state": "Active",
                    "error": "None",
                })
            })
            .collect();
        let answer = json!({
            "id": id,
            "userPrincipalName": upn,
            "displayName": display_name,
            "licenseAssignmentStates": states,
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users/$entity",
            "someFutureProperty": extra,
        });
        let bytes = serde_json::to_vec(&answer).expect("a value serialises");
        let user: User = serde_json::from_slice(&bytes).expect("a well-formed user decodes");
        prop_assert_eq!(user.id, id);
        prop_assert_eq!(&user.user_principal_name, &upn);
        prop_assert_eq!(&user.display_name, &display_name);
        prop_assert_eq!(user.license_assignment_states.len(), skus.len());
        for (state, (sku, disabled, group)) in user.license_assignment_states.iter().zip(&skus) {
            prop_assert_eq!(state.sku_id, Uuid::from_u128(*sku));
            prop_assert_eq!(state.disabled_plans.len(), disabled.len());
            prop_assert_eq!(state.assigned_by_group, group.map(Uuid::from_u128));
        }
    }
}

#[test]
fn an_empty_or_unreadable_answer_is_still_an_error_with_a_message() {
    for body in [
        Value::Null,
        json!(""),
        json!({"error": null}),
        json!({"error": "x"}),
        json!([]),
    ] {
        for status in [0, 400, 403, 404, 429, 500, 503, 999] {
            let error = GraphFailure::from_body(status, &body, "c-1").into_error();
            assert!(!error.message.is_empty());
            assert!(error
                .details
                .unwrap_or_default()
                .contains("client-request-id c-1"));
        }
    }
}
