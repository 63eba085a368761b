//! Graph contract: every endpoint License Desk uses, every documented
//! licensing failure with its exact message, paging, advanced queries,
//! batching, throttling on the wire, faults and TLS.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use std::time::Duration;

use common::*;
use graph_emulator::catalog;
use graph_emulator::throttle::ThrottleMode;
use graph_emulator::Config;
use serde_json::{json, Value};

fn skus(user: &Value, key: &str) -> Vec<String> {
    user[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["skuId"].as_str().unwrap().to_owned())
        .collect()
}

async fn consumed(local: &Local, token: &str, part: &str) -> u64 {
    let answer = local.get(token, "/subscribedSkus").await;
    answer.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["skuPartNumber"] == part)
        .unwrap()["consumedUnits"]
        .as_u64()
        .unwrap()
}

#[tokio::test]
async fn every_graph_error_has_the_documented_shape() {
    let local = start().await;
    let answer = local.get("", "/users").await;
    assert_eq!(
        (answer.status, answer.error_code()),
        (401, "InvalidAuthenticationToken")
    );
    assert_eq!(answer.error_message(), "Access token is empty.");
    let inner = &answer.body["error"]["innerError"];
    let date = inner["date"].as_str().unwrap();
    assert_eq!(date.len(), 19, "no time zone suffix: {date}");
    assert!(inner["request-id"].is_string());

    let response = local
        .http
        .get(local.url("/v1.0/users"))
        .header("client-request-id", "7d4b0d2c-0000-4000-8000-000000000abc")
        .bearer_auth("a.b.c")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["client-request-id"],
        "7d4b0d2c-0000-4000-8000-000000000abc"
    );
    let answer = Local::answer(response).await;
    assert_eq!(
        answer.body["error"]["innerError"]["client-request-id"],
        "7d4b0d2c-0000-4000-8000-000000000abc"
    );
    assert_eq!(answer.status, 401);
}

#[tokio::test]
async fn foreign_and_expired_tokens_are_refused() {
    let local = start().await;
    let other = start().await;
    let foreign = other.admin_token().await;
    assert_eq!(local.get(&foreign, "/users").await.status, 401);

    let token = local.admin_token().await;
    assert_eq!(local.get(&token, "/users").await.status, 200);
    local.emulator.expire_tokens();
    let expired = local.get(&token, "/users").await;
    assert_eq!(
        (expired.status, expired.error_message()),
        (401, "Lifetime validation failed, the token is expired.")
    );
}

#[tokio::test]
async fn scopes_and_roles_are_enforced() {
    let local = start().await;
    let narrow = local.user_token(ADMIN, "User.Read.All").await;
    let denied = local
        .assign(&narrow, DIRECT, json!([]), json!([catalog::POWER_BI_PRO.sku_id]))
        .await;
    assert_eq!(
        (denied.status, denied.error_code()),
        (403, "Authorization_RequestDenied")
    );
    assert_eq!(
        denied.error_message(),
        "Insufficient privileges to complete the operation."
    );
    assert_eq!(local.get(&narrow, "/subscribedSkus").await.status, 403);

    let not_admin = local
        .user_token(READER, "User.Read.All LicenseAssignment.ReadWrite.All")
        .await;
    let denied = local
        .assign(
            &not_admin,
            DIRECT,
            json!([]),
            json!([catalog::POWER_BI_PRO.sku_id]),
        )
        .await;
    assert_eq!(
        (denied.status, denied.error_code()),
        (403, "Authorization_RequestDenied")
    );
}

#[tokio::test]
async fn me_and_my_roles() {
    let local = start().await;
    let token = local.admin_token().await;
    let me = local.get(&token, "/me").await;
    assert_eq!(me.body["userPrincipalName"], ADMIN);
    assert!(
        me.body.get("assignedLicenses").is_none(),
        "not a default property"
    );
    let roles = local.get(&token, "/me/memberOf").await;
    let role = &roles.body["value"][0];
    assert_eq!(role["@odata.type"], "#microsoft.graph.directoryRole");
    assert_eq!(role["roleTemplateId"], "4d6ac14f-3453-41d0-bef9-a3e0c569773a");
    let reader = local.user_token(READER, "User.Read").await;
    assert_eq!(local.get(&reader, "/me/memberOf").await.body["value"], json!([]));
}

#[tokio::test]
async fn organization_products_and_subscriptions() {
    let local = start().await;
    let token = local.admin_token().await;
    let org = local.get(&token, "/organization").await;
    assert_eq!(org.body["value"][0]["displayName"], "Fixture AB");
    assert_eq!(org.body["value"][0]["verifiedDomains"][1]["isInitial"], true);

    let skus = local.get(&token, "/subscribedSkus").await;
    let premium = skus.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["skuPartNumber"] == "SPB")
        .unwrap();
    assert_eq!(premium["skuId"], catalog::BUSINESS_PREMIUM.sku_id.to_string());
    assert_eq!(
        premium["id"],
        format!("{TENANT_ID}_{}", catalog::BUSINESS_PREMIUM.sku_id)
    );
    assert_eq!(premium["consumedUnits"], 4);
    assert_eq!(
        premium["prepaidUnits"],
        json!({"enabled": 6, "lockedOut": 0, "suspended": 0, "warning": 0})
    );
    assert_eq!(premium["servicePlans"][0]["provisioningStatus"], "Success");
    let selected = local
        .get(&token, "/subscribedSkus?$select=skuId,skuPartNumber")
        .await;
    assert_eq!(selected.body["value"][0].as_object().unwrap().len(), 2);
    assert_eq!(selected.headers["x-ms-resource-unit"], "2");

    let subscriptions = local.get(&token, "/directory/subscriptions").await;
    assert_eq!(subscriptions.body["value"][0]["ownerType"], "User");
    assert_eq!(subscriptions.body["value"][0]["skuPartNumber"], "VISIOCLIENT");
}

#[tokio::test]
async fn users_by_id_or_name_with_license_states() {
    let local = start().await;
    let token = local.admin_token().await;
    let select = "?$select=id,userPrincipalName,assignedLicenses,licenseAssignmentStates";
    let both = local.get(&token, &format!("/users/{BOTH}{select}")).await;
    assert_eq!(both.status, 200);
    let states = both.body["licenseAssignmentStates"].as_array().unwrap();
    assert_eq!(states.len(), 2, "once direct, once through the group");
    assert!(states.iter().any(|s| s["assignedByGroup"].is_null()));
    assert!(states
        .iter()
        .any(|s| s["assignedByGroup"] == GROUP_E3.to_string()));
    assert!(states
        .iter()
        .all(|s| s["error"] == "None" && s["state"] == "Active"));
    assert_eq!(
        skus(&both.body, "assignedLicenses"),
        [catalog::M365_E3.sku_id.to_string()]
    );

    let id = both.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        local.get(&token, &format!("/users/{id}")).await.body["userPrincipalName"],
        BOTH
    );
    let missing = local.get(&token, "/users/ghost@fixture.example").await;
    assert_eq!(
        (missing.status, missing.error_code()),
        (404, "Request_ResourceNotFound")
    );
    assert_eq!(
        missing.error_message(),
        "Resource 'ghost@fixture.example' does not exist or one of its queried reference-property objects are not present."
    );
    let bad_select = local.get(&token, "/users?$select=id,shoeSize").await;
    assert_eq!(bad_select.status, 400);
}

#[tokio::test]
async fn groups_say_how_they_are_run() {
    let local = start().await;
    let token = local.admin_token().await;
    let dynamic = local.get(&token, &format!("/groups/{GROUP_DYNAMIC}")).await;
    assert_eq!(dynamic.body["groupTypes"], json!(["DynamicMembership"]));
    assert_eq!(dynamic.body["membershipRule"], "(user.department -eq \"Sales\")");
    let synced = local.get(&token, &format!("/groups/{GROUP_E3}")).await;
    assert_eq!(synced.body["onPremisesSyncEnabled"], true);
    assert_eq!(synced.body["displayName"], "E3 licensing");
    assert_eq!(synced.body["mailEnabled"], false);
}

#[tokio::test]
async fn assign_license_fails_exactly_as_graph_does() {
    let local = start().await;
    let token = local.admin_token().await;
    let cases: Vec<(&str, Value, u16, &str)> = vec![
        (DIRECT, json!({"addLicenses": []}), 400,
         "One or more parameters of the operation 'assignLicense' are missing from the request payload. The missing parameters are: removeLicenses."),
        (DIRECT, json!({"removeLicenses": []}), 400,
         "One or more parameters of the operation 'assignLicense' are missing from the request payload. The missing parameters are: addLicenses."),
        (DIRECT, json!({"addLicenses": [], "removeLicenses": ["SPB"]}), 400,
         "Cannot convert a primitive value to the expected type 'Edm.Guid'. See the inner exception for more details."),
        (GROUP_ONLY, json!({"addLicenses": [], "removeLicenses": [catalog::M365_E3.sku_id]}), 400,
         "User license is inherited from a group membership and it cannot be removed directly from the user."),
        (NOWHERE, json!({"addLicenses": [], "removeLicenses": [catalog::M365_E3.sku_id]}), 400,
         "User does not have a corresponding license."),
        (DIRECT, json!({"addLicenses": [], "removeLicenses": [catalog::COPILOT.sku_id]}), 400,
         "License 639dec6b-bb19-468b-871c-c5c441c4b0cb does not correspond to a valid company License."),
        (READER, json!({"addLicenses": [{"skuId": catalog::POWER_BI_PRO.sku_id, "disabledPlans": []}], "removeLicenses": []}), 400,
         "Subscription with SKU f8a1db68-be16-40ed-86d5-cb42ce701560 does not have any available licenses."),
        (NOWHERE, json!({"addLicenses": [{"skuId": catalog::BUSINESS_PREMIUM.sku_id, "disabledPlans": []}], "removeLicenses": []}), 400,
         "License assignment cannot be done for user with invalid usage location."),
        ("nobody@fixture.example", json!({"addLicenses": [], "removeLicenses": []}), 404,
         "Resource 'nobody@fixture.example' does not exist or one of its queried reference-property objects are not present."),
    ];
    for (user, body, status, message) in cases {
        let answer = local
            .post(&token, &format!("/users/{user}/assignLicense"), &body)
            .await;
        assert_eq!(answer.status, status, "{body}");
        assert_eq!(answer.error_message(), message, "{body}");
        let code = if status == 404 {
            "Request_ResourceNotFound"
        } else {
            "Request_BadRequest"
        };
        assert_eq!(answer.error_code(), code);
    }
    // Nothing changed.
    assert_eq!(consumed(&local, &token, "SPB").await, 4);
    assert_eq!(consumed(&local, &token, "POWER_BI_PRO").await, 1);
}

#[tokio::test]
async fn removing_and_restoring_keeps_seats_and_disabled_plans_right() {
    let local = start().await;
    let token = local.admin_token().await;
    let premium = catalog::BUSINESS_PREMIUM.sku_id;
    let disabled = catalog::BUSINESS_PREMIUM.service_plans[2].1;

    let removed = local.assign(&token, DIRECT, json!([]), json!([premium])).await;
    assert_eq!(removed.status, 200);
    assert_eq!(
        removed.body["userPrincipalName"], DIRECT,
        "the user object comes back"
    );
    assert!(removed.body.get("assignedLicenses").is_none());
    assert_eq!(consumed(&local, &token, "SPB").await, 3);
    let again = local.assign(&token, DIRECT, json!([]), json!([premium])).await;
    assert_eq!(
        again.error_message(),
        "User does not have a corresponding license."
    );

    let restored = local
        .assign(
            &token,
            DIRECT,
            json!([{"skuId": premium, "disabledPlans": [disabled]}]),
            json!([]),
        )
        .await;
    assert_eq!(restored.status, 200);
    let user = local
        .get(&token, &format!("/users/{DIRECT}?$select=assignedLicenses"))
        .await;
    let license = user.body["assignedLicenses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["skuId"] == premium.to_string())
        .unwrap()
        .clone();
    assert_eq!(license["disabledPlans"], json!([disabled]));
    assert_eq!(consumed(&local, &token, "SPB").await, 4);

    // Held both ways: the direct copy goes, the seat stays taken.
    let e3 = catalog::M365_E3.sku_id;
    let before = consumed(&local, &token, "SPE_E3").await;
    assert_eq!(
        local.assign(&token, BOTH, json!([]), json!([e3])).await.status,
        200
    );
    let both = local
        .get(&token, &format!("/users/{BOTH}?$select=licenseAssignmentStates"))
        .await;
    let states = both.body["licenseAssignmentStates"].as_array().unwrap();
    assert_eq!(states.len(), 1);
    assert_eq!(states[0]["assignedByGroup"], GROUP_E3.to_string());
    assert_eq!(consumed(&local, &token, "SPE_E3").await, before);
}

#[tokio::test]
async fn self_service_licenses_are_locked() {
    let local = start().await;
    let token = local.admin_token().await;
    let answer = local
        .assign(
            &token,
            READER,
            json!([{"skuId": catalog::VISIO_PLAN_2.sku_id, "disabledPlans": []}]),
            json!([]),
        )
        .await;
    assert_eq!(answer.status, 400);
    assert!(answer.error_message().contains("self-service"));
}

#[tokio::test]
async fn pages_follow_next_links_and_filters_work() {
    let mut config = Config::new(graph_emulator::generate::tenant("Paging", 250, 4));
    config.throttle = ThrottleMode::Off;
    let local = start_with(config).await;
    let token = local.app_token().await;
    let mut url = "/users?$select=id,displayName&$top=100".to_owned();
    let mut ids = std::collections::HashSet::new();
    let mut pages = 0;
    loop {
        let page = local.get(&token, &url).await;
        assert_eq!(page.status, 200, "{}", page.body);
        pages += 1;
        for user in page.body["value"].as_array().unwrap() {
            assert!(
                ids.insert(user["id"].as_str().unwrap().to_owned()),
                "no user twice"
            );
            assert_eq!(user.as_object().unwrap().len(), 2, "only what $select asked");
        }
        match page.body["@odata.nextLink"].as_str() {
            Some(next) => {
                assert!(next.contains("$skiptoken=") || next.contains("%24skiptoken="));
                url = next.to_owned();
            }
            None => break,
        }
    }
    assert_eq!((pages, ids.len()), (3, 250));

    let too_big = local.get(&token, "/users?$top=1000").await;
    assert_eq!(
        too_big.error_message(),
        "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive."
    );
    assert_eq!(local.get(&token, "/users?$skip=10").await.status, 400);

    let sku = catalog::BUSINESS_PREMIUM.sku_id;
    let holders = local
        .get(&token, &format!("/users?$filter=assignedLicenses/any(x:x/skuId eq {sku})&$select=id,assignedLicenses&$top=999"))
        .await;
    let holders = holders.body["value"].as_array().unwrap();
    assert!(!holders.is_empty() && holders.len() < 250);
    assert!(holders
        .iter()
        .all(|u| skus(u, "assignedLicenses").contains(&sku.to_string())));

    let disabled = local
        .get(
            &token,
            "/users?$filter=accountEnabled eq false&$select=accountEnabled&$top=999",
        )
        .await;
    assert!(disabled.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["accountEnabled"] == false));
    let admins = local
        .get(&token, "/users?$filter=startswith(userPrincipalName,'admin')")
        .await;
    assert_eq!(admins.body["value"].as_array().unwrap().len(), 1);
}

/// How License Desk sizes the partitions of a large tenant before reading
/// them: the whole count of a prefix, case ignored, beside a single user,
/// for the one resource unit a page under 20 costs.
#[tokio::test]
async fn a_prefix_is_counted_whole_beside_one_user_for_one_unit() {
    let mut tenant = fixture();
    tenant.users[0].user_principal_name = "Åsa.Öberg@fixture.example".to_owned();
    let mut config = Config::new(tenant);
    config.throttle = ThrottleMode::Off;
    let local = start_with(config).await;
    let token = local.app_token().await;
    let eventual = [("ConsistencyLevel", "eventual")];
    // "direct" and "disabled"; "Åsa.Öberg".
    for (prefix, count) in [("d", 2), ("D", 2), ("å", 1), ("ÅSA.ö", 1), ("nobody", 0)] {
        let path =
            format!("/users?$top=1&$select=id&$count=true&$filter=startswith(userPrincipalName,'{prefix}')");
        let counted = local.get_with(&token, &path, &eventual).await;
        assert_eq!(counted.body["@odata.count"], count, "{prefix}");
        assert_eq!(
            counted.body["value"].as_array().unwrap().len(),
            count.min(1),
            "{prefix}"
        );
        assert_eq!(counted.headers["x-ms-resource-unit"], "1", "{prefix}");
    }
}

#[tokio::test]
async fn advanced_queries_need_eventual_consistency() {
    let local = start().await;
    let token = local.app_token().await;
    let eventual = [("ConsistencyLevel", "eventual")];
    for query in [
        "/users?$count=true",
        "/users?$search=\"displayName:both\"",
        "/users?$filter=accountEnabled ne false&$count=true",
        "/users?$filter=endswith(mail,'.example')&$count=true",
        "/users?$filter=assignedLicenses/$count eq 0&$count=true",
        "/users?$filter=accountEnabled eq true&$orderby=displayName",
    ] {
        let plain = local.get(&token, query).await;
        assert_eq!(
            (plain.status, plain.error_code()),
            (400, "Request_UnsupportedQuery"),
            "{query}"
        );
        let advanced = local.get_with(&token, query, &eventual).await;
        assert_eq!(advanced.status, 200, "{query}: {}", advanced.body);
    }
    let counted = local
        .get_with(
            &token,
            "/users?$filter=assignedLicenses/$count eq 0&$count=true",
            &eventual,
        )
        .await;
    assert_eq!(counted.body["@odata.count"], 1, "only 'nowhere' holds nothing");
    let found = local
        .get_with(&token, "/users?$search=\"displayName:bo\"", &eventual)
        .await;
    assert_eq!(found.body["value"][0]["userPrincipalName"], BOTH);
    let sorted = local
        .get(&token, "/users?$orderby=displayName&$select=displayName")
        .await;
    let names: Vec<&str> = sorted.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["displayName"].as_str().unwrap())
        .collect();
    let mut expected = names.clone();
    expected.sort();
    assert_eq!(names, expected);
}

fn batch_of(requests: Vec<Value>) -> Value {
    json!({"requests": requests})
}

fn unassign(id: &str, user: &str, sku: uuid::Uuid) -> Value {
    json!({"id": id, "method": "POST", "url": format!("/users/{user}/assignLicense"),
           "headers": {"Content-Type": "application/json"}, "body": {"addLicenses": [], "removeLicenses": [sku]}})
}

#[tokio::test]
async fn batches_answer_each_request_and_refuse_malformed_ones() {
    let local = start().await;
    let token = local.admin_token().await;
    let premium = catalog::BUSINESS_PREMIUM.sku_id;

    let too_many: Vec<Value> = (0..21)
        .map(|i| json!({"id": i.to_string(), "method": "GET", "url": "/me"}))
        .collect();
    assert_eq!(
        local.post(&token, "/$batch", &batch_of(too_many)).await.status,
        400
    );
    let duplicate = vec![
        json!({"id": "a", "method": "GET", "url": "/me"}),
        json!({"id": "A", "method": "GET", "url": "/me"}),
    ];
    assert_eq!(
        local.post(&token, "/$batch", &batch_of(duplicate)).await.status,
        400
    );
    let untyped = vec![json!({"id": "1", "method": "POST", "url": "/users/x/assignLicense", "body": {}})];
    assert_eq!(
        local.post(&token, "/$batch", &batch_of(untyped)).await.status,
        400
    );

    let answer = local
        .post(
            &token,
            "/$batch",
            &batch_of(vec![
                unassign("1", DIRECT, premium),
                unassign("2", GROUP_ONLY, catalog::M365_E3.sku_id),
                json!({"id": "3", "method": "GET", "url": "/users/admin@fixture.example?$select=id", "dependsOn": ["2"]}),
                json!({"id": "4", "method": "GET", "url": "subscribedSkus?$select=skuPartNumber,consumedUnits", "dependsOn": ["1"]}),
            ]),
        )
        .await;
    assert_eq!(answer.status, 200);
    let responses = answer.body["responses"].as_array().unwrap();
    let by_id = |id: &str| responses.iter().find(|r| r["id"] == id).unwrap().clone();
    assert_eq!(by_id("1")["status"], 200);
    assert_eq!(by_id("2")["status"], 400);
    assert_eq!(
        by_id("2")["body"]["error"]["message"],
        "User license is inherited from a group membership and it cannot be removed directly from the user."
    );
    assert_eq!(by_id("3")["status"], 424, "its dependency failed");
    assert_eq!(by_id("4")["status"], 200);
    let spb = by_id("4")["body"]["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["skuPartNumber"] == "SPB")
        .unwrap()
        .clone();
    assert_eq!(spb["consumedUnits"], 3, "the change shows in the next read");

    let log = local.emulator.request_log();
    assert_eq!(
        log.iter().filter(|e| e.in_batch).count(),
        3,
        "the failed dependency never ran"
    );
    assert!(log
        .iter()
        .any(|e| e.in_batch && e.writes == 1 && e.path.ends_with("/assignLicense")));
}

#[tokio::test]
async fn throttling_answers_429_with_its_headers_also_inside_batches() {
    // A tenant under 50 users gets 3,500 resource units per 10 seconds.
    let local = start_with(Config::new(fixture())).await;
    let token = local.app_token().await;
    let get_skus = |i: usize| json!({"id": i.to_string(), "method": "GET", "url": "/subscribedSkus"});
    let mut inner_429 = None;
    for _ in 0..70 {
        let answer = local
            .post(&token, "/$batch", &batch_of((0..20).map(get_skus).collect()))
            .await;
        assert_eq!(answer.status, 200, "the batch itself is never throttled");
        if let Some(throttled) = answer.body["responses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["status"] == 429)
        {
            inner_429 = Some(throttled.clone());
            break;
        }
    }
    let throttled = inner_429.expect("3,500 units are spent within 59 batches");
    assert!(
        throttled["headers"]["Retry-After"]
            .as_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    assert_eq!(
        throttled["headers"]["x-ms-throttle-information"],
        "ResourceUnitLimitExceeded"
    );
    assert_eq!(throttled["body"]["error"]["code"], "TooManyRequests");
    assert_eq!(throttled["body"]["error"]["message"], "Please retry again later.");

    let direct = local.get(&token, "/subscribedSkus").await;
    assert_eq!(direct.status, 429);
    assert!(direct.headers.contains_key("retry-after"));
    let scope = direct.headers["x-ms-throttle-scope"].to_str().unwrap();
    assert_eq!(
        scope,
        format!(
            "Tenant_Application/ReadWrite/{}/{TENANT_ID}",
            graph_emulator::apps::APP_ONLY_CLIENT_ID
        )
    );
    let spent: u32 = local
        .emulator
        .request_log()
        .iter()
        .filter(|e| !e.throttled)
        .map(|e| e.resource_units)
        .sum();
    assert!(spent <= 3_500, "{spent}");
    assert!(local.emulator.request_log().iter().any(|e| e.throttled));
}

#[tokio::test]
async fn injected_faults_are_server_errors_and_dropped_connections() {
    let mut config = Config::new(fixture());
    config.faults = "5xx=1".parse().unwrap();
    let local = start_with(config).await;
    let token = local.app_token().await;
    for _ in 0..10 {
        let answer = local.get(&token, "/users").await;
        assert!(matches!(answer.status, 503 | 504), "{}", answer.status);
    }

    let mut config = Config::new(fixture());
    config.faults = "drop=1".parse().unwrap();
    config.throttle = ThrottleMode::Off;
    let local = start_with(config).await;
    let token = local.admin_token().await;
    let sku = catalog::BUSINESS_PREMIUM.sku_id;
    for user in [ADMIN, READER, DIRECT, "disabled@fixture.example"] {
        let sent = local
            .http
            .post(local.url(&format!("/v1.0/users/{user}/assignLicense")))
            .bearer_auth(&token)
            .json(&json!({"addLicenses": [], "removeLicenses": [sku]}))
            .timeout(Duration::from_secs(5))
            .send()
            .await;
        assert!(sent.is_err(), "the connection is dropped without an answer");
    }
    // Some connections dropped before the change, some after it was made:
    // then the tenant changed and the client never heard.
    let log = local.emulator.request_log();
    let made = log.iter().filter(|e| e.status == 200).count();
    let held = local.emulator.directory(|d| d.consumed_units(sku));
    assert_eq!(held as usize, 4 - made, "{log:?}");
    for _ in 0..20 {
        let _ = local
            .http
            .get(local.url("/v1.0/users"))
            .bearer_auth(&token)
            .send()
            .await;
    }
    let statuses: Vec<u16> = local.emulator.request_log().iter().map(|e| e.status).collect();
    assert!(statuses.contains(&0), "drops before the work: {statuses:?}");
    assert!(statuses.contains(&200), "drops after the work: {statuses:?}");
}

#[tokio::test]
async fn serves_https_with_a_local_ca() {
    let dir = std::env::temp_dir().join(format!("graph-emulator-ca-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca_file = dir.join("ca.pem");
    let mut config = Config::new(fixture());
    config.tls_ca_file = Some(ca_file.clone());
    let emulator = graph_emulator::Emulator::start(config).await.unwrap();
    assert!(emulator.base_url().starts_with("https://127.0.0.1:"));
    let pem = std::fs::read(&ca_file).unwrap();
    assert_eq!(pem, emulator.ca_certificate_pem().unwrap().as_bytes());
    let url = format!(
        "{}/organizations/v2.0/.well-known/openid-configuration",
        emulator.base_url()
    );

    let untrusting = reqwest::Client::new();
    assert!(
        untrusting.get(&url).send().await.is_err(),
        "an unknown CA is refused"
    );
    let trusting = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .build()
        .unwrap();
    let config = trusting
        .get(&url)
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert!(config["token_endpoint"]
        .as_str()
        .unwrap()
        .starts_with("https://127.0.0.1:"));
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn users_are_found_by_a_percent_encoded_user_principal_name_also_in_batches() {
    let local = start().await;
    let token = local.admin_token().await;
    let encoded = |upn: &str| upn.replace('@', "%40");
    let admin = local.get(&token, &format!("/users/{}", encoded(ADMIN))).await;
    assert_eq!(admin.status, 200, "{}", admin.body);
    assert_eq!(admin.body["userPrincipalName"], ADMIN);

    let sku = catalog::BUSINESS_PREMIUM.sku_id;
    let removed = local
        .assign(&token, &encoded(READER), json!([]), json!([sku]))
        .await;
    assert_eq!(removed.status, 200, "{}", removed.body);

    let batch = batch_of(vec![
        json!({"id": "1", "method": "GET", "url": format!("/users/{}?$select=id,userPrincipalName", encoded(BOTH))}),
        unassign("2", &encoded(DIRECT), sku),
    ]);
    let answer = local.post(&token, "/$batch", &batch).await;
    let responses = answer.body["responses"].as_array().unwrap();
    assert!(responses.iter().all(|r| r["status"] == 200), "{responses:?}");
    let read = responses.iter().find(|r| r["id"] == "1").unwrap();
    assert_eq!(read["body"]["userPrincipalName"], BOTH);
    assert_eq!(consumed(&local, &token, "SPB").await, 2);
}

#[tokio::test]
async fn select_shapes_single_objects_the_organization_and_roles_and_the_context_names_it() {
    let local = start().await;
    let token = local.admin_token().await;
    let base = local.emulator.base_url().to_owned();

    let user = local
        .get(&token, &format!("/users/{DIRECT}?$select=id,displayName"))
        .await;
    assert_eq!(
        user.body["@odata.context"],
        format!("{base}/v1.0/$metadata#users(id,displayName)/$entity")
    );
    let me = local.get(&token, "/me?$select=displayName").await;
    assert_eq!(
        me.body["@odata.context"],
        format!("{base}/v1.0/$metadata#users(displayName)/$entity")
    );
    let whole = local.get(&token, "/me").await;
    assert_eq!(
        whole.body["@odata.context"],
        format!("{base}/v1.0/$metadata#users/$entity")
    );

    let organization = local.get(&token, "/organization?$select=id,displayName").await;
    assert_eq!(
        organization.body["@odata.context"],
        format!("{base}/v1.0/$metadata#organization(id,displayName)")
    );
    let keys: Vec<&String> = organization.body["value"][0]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(keys, ["displayName", "id"]);

    let roles = local.get(&token, "/me/memberOf?$select=id,roleTemplateId").await;
    assert_eq!(
        roles.body["@odata.context"],
        format!("{base}/v1.0/$metadata#directoryObjects(id,roleTemplateId)")
    );
    let role = roles.body["value"][0].as_object().unwrap();
    let mut keys: Vec<&str> = role.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["@odata.type", "id", "roleTemplateId"]);
}

#[tokio::test]
async fn faults_after_the_work_make_the_change_and_lose_the_answer() {
    let sku = catalog::BUSINESS_PREMIUM.sku_id;
    let mut config = Config::new(fixture());
    config.throttle = ThrottleMode::Off;
    config.faults = "5xx-after=1".parse().unwrap();
    let local = start_with(config).await;
    let token = local.app_token().await;
    let answer = local.assign(&token, READER, json!([]), json!([sku])).await;
    assert!(matches!(answer.status, 503 | 504), "{}", answer.status);
    assert_eq!(local.emulator.directory(|d| d.consumed_units(sku)), 3);

    let mut config = Config::new(fixture());
    config.throttle = ThrottleMode::Off;
    config.faults = "no-responses=1".parse().unwrap();
    let local = start_with(config).await;
    let token = local.app_token().await;
    let answer = local
        .post(&token, "/$batch", &batch_of(vec![unassign("1", READER, sku)]))
        .await;
    assert_eq!(answer.status, 200);
    assert!(answer.body.get("responses").is_none(), "{}", answer.body);
    assert_eq!(local.emulator.directory(|d| d.consumed_units(sku)), 3);

    let mut config = Config::new(fixture());
    config.throttle = ThrottleMode::Off;
    config.faults = "inner-5xx=1".parse().unwrap();
    let local = start_with(config).await;
    let token = local.app_token().await;
    let answer = local
        .post(
            &token,
            "/$batch",
            &batch_of(vec![unassign("1", READER, sku), unassign("2", DIRECT, sku)]),
        )
        .await;
    assert_eq!(answer.status, 200);
    let statuses: Vec<&Value> = answer.body["responses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["status"])
        .collect();
    assert!(statuses.iter().all(|s| **s == 503 || **s == 504), "{statuses:?}");
    assert_eq!(local.emulator.directory(|d| d.consumed_units(sku)), 2);
}
