//! Any bytes as an answer from Graph: decoding every model the client reads
//! (alone and as a page's `value`) never panics, and any body read as an
//! error answer, under any status, becomes an error with a message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use license_desk_graph::failure::GraphFailure;
use license_desk_graph::models::{
    CompanySubscription, DirectoryObject, Group, Me, Organization, SubscribedSku, User,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// As the client reads: bytes to a value (nothing readable is `null`), then
/// the value to the model; also straight from the bytes.
fn decode<T: DeserializeOwned>(bytes: &[u8], value: &Value) {
    let _ = serde_json::from_slice::<T>(bytes);
    let _ = serde_json::from_value::<T>(value.clone());
    if let Some(Value::Array(items)) = value.get("value") {
        for item in items {
            let _ = serde_json::from_value::<T>(item.clone());
        }
    }
}

const STATUSES: [u16; 14] = [0, 200, 204, 301, 400, 401, 403, 404, 409, 429, 500, 502, 503, 504];

fuzz_target!(|bytes: &[u8]| {
    let value = serde_json::from_slice::<Value>(bytes).unwrap_or(Value::Null);
    decode::<User>(bytes, &value);
    decode::<SubscribedSku>(bytes, &value);
    decode::<CompanySubscription>(bytes, &value);
    decode::<Organization>(bytes, &value);
    decode::<Group>(bytes, &value);
    decode::<DirectoryObject>(bytes, &value);
    decode::<Me>(bytes, &value);

    // The status and the client-request-id from the input too, so odd ones
    // are tried as well as the usual.
    let status = match bytes {
        [a, b, ..] => u16::from_le_bytes([*a, *b]),
        _ => 0,
    };
    let client_request_id = String::from_utf8_lossy(bytes.get(..8).unwrap_or(bytes));
    for status in STATUSES.into_iter().chain([status]) {
        let failure = GraphFailure::from_body(status, &value, &client_request_id);
        let error = failure.into_error();
        assert!(!error.message.trim().is_empty(), "an error with no message");
        let details = error.details.expect("an error answer keeps its details");
        assert!(details.contains(client_request_id.as_ref()));
    }
});
