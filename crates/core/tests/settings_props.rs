//! Properties of reading the settings file (`Settings::from_stored`): any
//! bytes read never panic, settings stored are read back the same, and one
//! bad field costs only that field.
//!
//! Cases are few and drawn from a fixed seed, so a run takes seconds and
//! never flakes; `PROPTEST_RNG_SEED` and `PROPTEST_CASES` explore others.

use std::collections::BTreeMap;

use license_desk_core::{Cloud, Language, Settings};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use serde_json::{json, Value};

fn config(cases: u32) -> ProptestConfig {
    let mut config = ProptestConfig::with_cases(cases);
    if config.rng_seed == RngSeed::Random {
        config.rng_seed = RngSeed::Fixed(0x5e7_7165);
    }
    config
}

const FIELDS: [&str; 7] = [
    "language",
    "cloud",
    "tenant",
    "clientId",
    "currency",
    "seatPrices",
    "checkForUpdates",
];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[A-Za-z0-9.\\-]{0,24}",
        2 => any::<String>(),
        1 => Just(" \u{feff}\"\\\n\u{0}".to_owned()),
    ]
}

fn settings() -> impl Strategy<Value = Settings> {
    (
        prop::option::of(prop_oneof![Just(Language::En), Just(Language::Sv)]),
        prop::sample::select(Cloud::ALL.to_vec()),
        text(),
        prop::option::of(text()),
        prop::option::of(text()),
        prop::collection::btree_map(text(), any::<u32>(), 0..5),
        prop::option::of(any::<bool>()),
    )
        .prop_map(
            |(language, cloud, tenant, client_id, currency, seat_prices, check_for_updates)| Settings {
                language,
                cloud,
                tenant,
                client_id,
                currency,
                seat_prices,
                check_for_updates,
            },
        )
}

/// Any JSON, with the settings' own names and words more often than chance.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        text().prop_map(Value::from),
        prop::sample::select(vec![
            "en",
            "sv",
            "worldwide",
            "china",
            "us_gov_dod",
            "germany",
            "organizations"
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 5, |inner| {
        let key = prop_oneof![
            2 => prop::sample::select(FIELDS.to_vec()).prop_map(str::to_owned),
            1 => text(),
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(key, inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A value `field` can never be read from.
fn bad_value(field: &str) -> BoxedStrategy<Value> {
    if field == "checkForUpdates" {
        let words = vec![json!("yes"), json!(1), json!(0), json!([]), json!({"on": true})];
        return prop::sample::select(words).boxed();
    }
    let wrong_type = prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        Just(json!([])),
        Just(json!({"unexpected": [1]})),
    ];
    let words: Vec<Value> = match field {
        "language" => vec![json!("EN"), json!("de"), json!(""), json!(1.5)],
        "cloud" => vec![json!("germany"), json!("Worldwide"), Value::Null, json!("")],
        "tenant" => vec![Value::Null, json!(12), json!(["contoso.com"])],
        "clientId" | "currency" => vec![json!(12), json!(false), json!({"a": "b"})],
        "seatPrices" => vec![
            Value::Null,
            json!("SPB=100"),
            json!({"SPB": -5}),
            json!({"SPB": 1.5}),
            json!({"SPB": 4_294_967_296u64}),
            json!({"SPB": "100"}),
            json!([["SPB", 100]]),
        ],
        _ => unreachable!("a settings field"),
    };
    prop_oneof![wrong_type, prop::sample::select(words)].boxed()
}

/// `settings` with `field` as the defaults have it.
fn with_default(mut settings: Settings, field: &str) -> Settings {
    let defaults = Settings::default();
    match field {
        "language" => settings.language = defaults.language,
        "cloud" => settings.cloud = defaults.cloud,
        "tenant" => settings.tenant = defaults.tenant,
        "clientId" => settings.client_id = defaults.client_id,
        "currency" => settings.currency = defaults.currency,
        "seatPrices" => settings.seat_prices = defaults.seat_prices,
        "checkForUpdates" => settings.check_for_updates = defaults.check_for_updates,
        _ => unreachable!("a settings field"),
    }
    settings
}

fn settings_and_a_bad_field() -> impl Strategy<Value = (Settings, &'static str, Value)> {
    (settings(), prop::sample::select(FIELDS.to_vec()))
        .prop_flat_map(|(settings, field)| (Just(settings), Just(field), bad_value(field)))
}

proptest! {
    #![proptest_config(config(256))]

    /// Any bytes as the file: reading never panics, and what is read,
    /// stored again, reads back the same.
    #[test]
    fn any_bytes_read_as_settings_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let stored = serde_json::from_slice::<Value>(&bytes).ok();
        let settings = Settings::from_stored(stored.as_ref());
        let again = serde_json::to_value(&settings).expect("settings serialise");
        prop_assert_eq!(Settings::from_stored(Some(&again)), settings);
    }

    /// Any JSON as the file: the same.
    #[test]
    fn any_json_read_as_settings_is_stable(stored in json_value()) {
        let settings = Settings::from_stored(Some(&stored));
        let again = serde_json::to_value(&settings).expect("settings serialise");
        prop_assert_eq!(Settings::from_stored(Some(&again)), settings.clone());
        // Text of the file, not just the value: written and read as bytes.
        let bytes = serde_json::to_vec(&stored).expect("a value serialises");
        let reread = serde_json::from_slice::<Value>(&bytes).ok();
        prop_assert_eq!(Settings::from_stored(reread.as_ref()), settings);
    }

    /// Settings stored are read back exactly, as a value and as a file.
    #[test]
    fn valid_settings_round_trip(settings in settings()) {
        let stored = serde_json::to_value(&settings).expect("settings serialise");
        prop_assert_eq!(Settings::from_stored(Some(&stored)), settings.clone());
        let bytes = serde_json::to_vec_pretty(&settings).expect("settings serialise");
        let reread: Value = serde_json::from_slice(&bytes).expect("what was written is JSON");
        prop_assert_eq!(Settings::from_stored(Some(&reread)), settings);
    }

    /// One field the app cannot read (hand-edited, another version) falls
    /// back to its default alone; unknown fields are ignored.
    #[test]
    fn one_bad_field_costs_only_that_field((settings, field, bad) in settings_and_a_bad_field()) {
        let mut stored = serde_json::to_value(&settings).expect("settings serialise");
        let fields = stored.as_object_mut().expect("settings are an object");
        fields.insert(field.to_owned(), bad);
        fields.insert("fromAFutureVersion".to_owned(), json!({"x": [1, 2]}));
        prop_assert_eq!(Settings::from_stored(Some(&stored)), with_default(settings, field));
    }

    /// A field missing from the file is its default; the others stay.
    #[test]
    fn a_missing_field_costs_only_that_field(settings in settings(), field in prop::sample::select(FIELDS.to_vec())) {
        let mut stored = serde_json::to_value(&settings).expect("settings serialise");
        stored.as_object_mut().expect("settings are an object").remove(field);
        prop_assert_eq!(Settings::from_stored(Some(&stored)), with_default(settings, field));
    }
}

#[test]
fn seat_prices_fall_back_as_one_field() {
    // The map is one field: one bad price costs the whole map, nothing else.
    let stored = json!({"language": "sv", "seatPrices": {"SPB": 100, "E3": -1}});
    assert_eq!(
        Settings::from_stored(Some(&stored)),
        Settings {
            language: Some(Language::Sv),
            seat_prices: BTreeMap::new(),
            ..Settings::default()
        }
    );
}
