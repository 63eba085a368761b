//! Microsoft Graph v1.0: the endpoints License Desk calls, with Graph's
//! authentication, permission checks, throttling, paging and batching.

use std::sync::Arc;
use std::time::Instant;

use percent_encoding::percent_decode_str;
use rand::Rng;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use time::macros::format_description;
use uuid::Uuid;

use crate::apps::roles;
use crate::directory::Directory;
use crate::error::GraphError;
use crate::faults::Fault;
use crate::http::{Outcome, Request, Response};
use crate::model::{AssignedLicense, User};
use crate::odata::{encode_skiptoken, parse_select, UsersQuery, DEFAULT_USER_PROPERTIES};
use crate::throttle::{self, Cost};
use crate::token::{Claims, TokenProblem};
use crate::{lock, unix_now, LogEntry, Shared};

const READ_USERS: &[&str] = &[
    "User.Read.All",
    "User.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
const READ_LICENSES: &[&str] = &[
    "LicenseAssignment.Read.All",
    "LicenseAssignment.ReadWrite.All",
    "Organization.Read.All",
    "Organization.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
const WRITE_LICENSES: &[&str] = &[
    "LicenseAssignment.ReadWrite.All",
    "User.ReadWrite.All",
    "Directory.ReadWrite.All",
];
const READ_GROUPS: &[&str] = &[
    "GroupMember.Read.All",
    "Group.Read.All",
    "Group.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
const READ_SELF: &[&str] = &[
    "User.Read",
    "User.ReadWrite",
    "User.Read.All",
    "User.ReadWrite.All",
    "Directory.Read.All",
];
const READ_ORGANIZATION: &[&str] = &[
    "User.Read",
    "Organization.Read.All",
    "Organization.ReadWrite.All",
    "Directory.Read.All",
    "LicenseAssignment.Read.All",
    "LicenseAssignment.ReadWrite.All",
];
/// `signInActivity`, on top of reading users.
const READ_SIGN_INS: &[&str] = &["AuditLog.Read.All"];
const READ_REPORTS: &[&str] = &["Reports.Read.All"];
const READ_REPORT_SETTINGS: &[&str] = &["ReportSettings.Read.All", "ReportSettings.ReadWrite.All"];
const WRITE_REPORT_SETTINGS: &[&str] = &["ReportSettings.ReadWrite.All"];
const READ_OWN_ROLES: &[&str] = &[
    "User.Read",
    "Directory.Read.All",
    "RoleManagement.Read.Directory",
    "GroupMember.Read.All",
];

/// One Graph call: a request on the wire, or one inside a `$batch`.
struct Call {
    method: String,
    /// After `/v1.0`.
    path: String,
    query: Vec<(String, String)>,
    authorization: Option<String>,
    consistency_eventual: bool,
    client_request_id: Option<String>,
    body: Vec<u8>,
    in_batch: bool,
}

fn graph_date() -> String {
    time::OffsetDateTime::now_utc()
        .format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second]"
        ))
        .unwrap_or_default()
}

fn error_response(error: &GraphError, request_id: &str, client_request_id: &str) -> Response {
    Response::json(
        error.status,
        &json!({"error": {
            "code": error.code,
            "message": error.message,
            "innerError": {"date": graph_date(), "request-id": request_id, "client-request-id": client_request_id}
        }}),
    )
}

pub async fn handle(shared: &Arc<Shared>, request: Request) -> Outcome {
    let latency = shared.config.latency;
    let is_batch = request.path.eq_ignore_ascii_case("/v1.0/$batch");
    let (fault, hollow_batch, delay) = {
        let mut rng = lock(&shared.rng);
        let jitter = rng.gen_range(0.75..1.25);
        let fault = shared.config.faults.draw(&mut *rng);
        let hollow_batch = is_batch && shared.config.faults.draw_hollow_batch(&mut *rng);
        (fault, hollow_batch, latency.mul_f64(jitter))
    };
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let call = Call {
        method: request.method.clone(),
        path: request.path.trim_start_matches("/v1.0").to_owned(),
        query: request.query.clone(),
        authorization: request.header("authorization").map(str::to_owned),
        consistency_eventual: request
            .header("consistencylevel")
            .is_some_and(|v| v.eq_ignore_ascii_case("eventual")),
        client_request_id: request.header("client-request-id").map(str::to_owned),
        body: request.body.to_vec(),
        in_batch: false,
    };
    let injected = match fault {
        Some(Fault::ServiceUnavailable { retry_after }) => {
            Some((GraphError::service_unavailable(), retry_after))
        }
        Some(Fault::GatewayTimeout) => Some((GraphError::gateway_timeout(), None)),
        Some(Fault::DropBefore) => {
            log(shared, &call, 0, Cost::default(), false);
            return Outcome::Drop;
        }
        Some(Fault::Slow(by)) => {
            tokio::time::sleep(by).await;
            None
        }
        Some(Fault::DropAfter | Fault::ServerErrorAfter { .. }) | None => None,
    };
    if let Some((error, retry_after)) = injected {
        let client_request_id = call
            .client_request_id
            .clone()
            .unwrap_or_else(|| Uuid::new_v4().to_string());
        let mut response = error_response(&error, &Uuid::new_v4().to_string(), &client_request_id);
        if let Some(seconds) = retry_after {
            response = response.with_header("Retry-After", seconds.to_string());
        }
        log(shared, &call, error.status, Cost::default(), false);
        return Outcome::Respond(response);
    }
    let client_request_id = call.client_request_id.clone().unwrap_or_default();
    let response = execute(shared, call);
    // In each case below the change is made; the answer that says so is lost.
    match fault {
        Some(Fault::DropAfter) => return Outcome::Drop,
        Some(Fault::ServerErrorAfter { gateway }) => {
            return Outcome::Respond(server_error_after(gateway, &client_request_id))
        }
        _ => {}
    }
    if hollow_batch {
        return Outcome::Respond(Response::html(
            200,
            "<!doctype html><html><body><p>Request processed.</p></body></html>".to_owned(),
        ));
    }
    Outcome::Respond(response)
}

/// A 503 (or 504) for a request that was carried out all the same.
fn server_error_after(gateway: bool, client_request_id: &str) -> Response {
    let error = if gateway {
        GraphError::gateway_timeout()
    } else {
        GraphError::service_unavailable()
    };
    error_response(&error, &Uuid::new_v4().to_string(), client_request_id)
}

fn log(shared: &Shared, call: &Call, status: u16, cost: Cost, throttled: bool) {
    shared.record(LogEntry {
        at_ms: 0,
        method: call.method.clone(),
        path: format!("/v1.0{}", call.path),
        status,
        resource_units: cost.units,
        writes: cost.writes,
        throttled,
        in_batch: call.in_batch,
        client_request_id: call.client_request_id.clone(),
    });
}

fn authenticate(shared: &Shared, authorization: Option<&str>) -> Result<Claims, GraphError> {
    let token = authorization
        .and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| GraphError::invalid_token("Access token is empty."))?;
    let claims = shared.signer.verify(token).map_err(|problem| match problem {
        TokenProblem::Malformed => {
            GraphError::invalid_token("IDX14100: JWT is not well formed, there are no dots (.).")
        }
        TokenProblem::BadSignature => {
            GraphError::invalid_token("Access token validation failure. Invalid audience.")
        }
    })?;
    if claims.exp <= unix_now() || lock(&shared.tokens).is_expired(&claims.uti) {
        return Err(GraphError::invalid_token(
            "Lifetime validation failed, the token is expired.",
        ));
    }
    if claims.tid != shared.config.tenant.id {
        return Err(GraphError::invalid_token(
            "Access token validation failure. Invalid audience.",
        ));
    }
    Ok(claims)
}

fn execute(shared: &Arc<Shared>, call: Call) -> Response {
    let request_id = Uuid::new_v4().to_string();
    let client_request_id = call
        .client_request_id
        .clone()
        .unwrap_or_else(|| Uuid::new_v4().to_string());
    let finish = |response: Response, cost: Cost, throttled: bool, call: &Call| {
        log(shared, call, response.status, cost, throttled);
        response
            .with_header("request-id", request_id.clone())
            .with_header("client-request-id", client_request_id.clone())
            .with_header("x-ms-resource-unit", cost.units.to_string())
    };
    let claims = match authenticate(shared, call.authorization.as_deref()) {
        Ok(claims) => claims,
        Err(error) => {
            let response = error_response(&error, &request_id, &client_request_id).with_header(
                "WWW-Authenticate",
                "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"",
            );
            return finish(response, Cost::default(), false, &call);
        }
    };
    if call.path.eq_ignore_ascii_case("/$batch") && !call.in_batch {
        let response = batch(shared, &call);
        return finish(response, Cost::default(), false, &call);
    }
    let cost = throttle::cost(&call.method, &call.path, &call.query);
    if let Err(throttled) = lock(&shared.throttle).admit(Instant::now(), claims.appid, cost) {
        let seconds = throttled.retry_after.as_secs_f64().ceil().max(1.0) as u64;
        let response = error_response(&GraphError::throttled(), &request_id, &client_request_id)
            .with_header("Retry-After", seconds.to_string())
            .with_header("x-ms-throttle-scope", throttled.scope)
            .with_header("x-ms-throttle-information", throttled.information);
        return finish(response, Cost::default(), true, &call);
    }
    let response = match dispatch(shared, &claims, &call) {
        Ok((status, body)) if status == REDIRECT => {
            // A report: found at a short-lived download link.
            Response::new(302, "text/plain", Vec::new())
                .with_header("Location", body.as_str().unwrap_or_default().to_owned())
        }
        Ok((204, _)) => Response::new(204, "text/plain", Vec::new()),
        Ok((status, body)) => Response::json(status, &body).with_header("OData-Version", "4.0"),
        Err(error) => error_response(&error, &request_id, &client_request_id),
    };
    finish(response, cost, false, &call)
}

/// What `dispatch` answers for a redirect: the body is the location.
const REDIRECT: u16 = 302;

/// `signInActivity` is given only with AuditLog.Read.All, and only by a
/// tenant with Entra ID P1 or P2.
fn may_read_sign_ins(
    directory: &Directory,
    claims: &Claims,
    fields: Option<&[&str]>,
) -> Result<(), GraphError> {
    if !fields.is_some_and(|f| f.contains(&"signInActivity")) {
        return Ok(());
    }
    require(claims, READ_SIGN_INS)?;
    if directory.tenant().has_entra_premium() {
        Ok(())
    } else {
        Err(GraphError::not_premium())
    }
}

fn require(claims: &Claims, permissions: &[&str]) -> Result<(), GraphError> {
    if claims.has_any(permissions) {
        Ok(())
    } else {
        Err(GraphError::insufficient_privileges())
    }
}

fn signed_in_user<'d>(directory: &'d Directory, claims: &Claims) -> Result<&'d User, GraphError> {
    if claims.is_app_only() {
        return Err(GraphError::me_needs_delegation());
    }
    let id = claims.oid.map(|o| o.to_string()).unwrap_or_default();
    directory.find_user(&id).ok_or_else(|| GraphError::not_found(&id))
}

fn dispatch(shared: &Shared, claims: &Claims, call: &Call) -> Result<(u16, Value), GraphError> {
    // Graph takes `admin%40contoso.example` for `admin@contoso.example`.
    let segments: Vec<String> = call
        .path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| percent_decode_str(s).decode_utf8_lossy().into_owned())
        .collect();
    let lower: Vec<String> = segments.iter().map(|s| s.to_ascii_lowercase()).collect();
    let lower: Vec<&str> = lower.iter().map(String::as_str).collect();
    let base = &shared.base_url;
    let get = call.method == "GET";
    let select = call
        .query
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("$select"))
        .map(|(_, v)| v.as_str());
    match (call.method.as_str(), lower.as_slice()) {
        ("GET", ["me"]) => {
            require(claims, READ_SELF)?;
            let directory = lock(&shared.directory);
            let user = signed_in_user(&directory, claims)?;
            let fields = parse_select(select)?;
            may_read_sign_ins(&directory, claims, fields.as_deref())?;
            let mut body = user_json(&directory, user, fields.as_deref());
            body.insert(
                "@odata.context".into(),
                json!(context(base, "users", fields.as_deref(), true)),
            );
            Ok((200, Value::Object(body)))
        }
        ("GET", ["me", "memberof"]) => {
            require(claims, READ_OWN_ROLES)?;
            let directory = lock(&shared.directory);
            let user = signed_in_user(&directory, claims)?;
            let tenant_id = directory.tenant().id;
            let mut value: Vec<Value> = user
                .directory_roles
                .iter()
                .map(|template| {
                    json!({
                        "@odata.type": "#microsoft.graph.directoryRole",
                        "id": Uuid::from_u128(template.as_u128() ^ tenant_id.as_u128()),
                        "displayName": roles::display_name(*template),
                        "description": null,
                        "roleTemplateId": template,
                    })
                })
                .collect();
            value.extend(
                user.member_of
                    .iter()
                    .filter_map(|id| directory.find_group(*id))
                    .map(|g| {
                        let mut group = group_json(g);
                        group.insert("@odata.type".into(), json!("#microsoft.graph.group"));
                        Value::Object(group)
                    }),
            );
            let value: Vec<Value> = value.into_iter().map(|v| select_fields(v, select)).collect();
            Ok((
                200,
                json!({"@odata.context": context(base, "directoryObjects", selected(select).as_deref(), false), "value": value}),
            ))
        }
        ("GET", ["organization"]) => {
            require(claims, READ_ORGANIZATION)?;
            let directory = lock(&shared.directory);
            let tenant = directory.tenant();
            let domains: Vec<Value> = tenant
                .domains
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    json!({"capabilities": "Email, OfficeCommunicationsOnline", "isDefault": i == 0,
                           "isInitial": name.ends_with(".onmicrosoft.com"), "name": name, "type": "Managed"})
                })
                .collect();
            let organization = json!({"id": tenant.id, "displayName": tenant.display_name, "countryLetterCode": tenant.country_letter_code,
                                      "tenantType": "AAD", "verifiedDomains": domains});
            Ok((
                200,
                json!({
                    "@odata.context": context(base, "organization", selected(select).as_deref(), false),
                    "value": [select_fields(organization, select)]
                }),
            ))
        }
        ("GET", ["subscribedskus"]) => {
            require(claims, READ_LICENSES)?;
            let directory = lock(&shared.directory);
            let value: Vec<Value> = directory
                .tenant()
                .products
                .iter()
                .map(|p| select_fields(sku_json(&directory, p), select))
                .collect();
            Ok((
                200,
                json!({"@odata.context": context(base, "subscribedSkus", selected(select).as_deref(), false), "value": value}),
            ))
        }
        ("GET", ["directory", "subscriptions"]) => {
            require(claims, READ_LICENSES)?;
            let directory = lock(&shared.directory);
            let tenant = directory.tenant();
            let value: Vec<Value> = tenant
                .subscriptions
                .iter()
                .map(|s| {
                    let part_number = tenant
                        .products
                        .iter()
                        .find(|p| p.sku_id == s.sku_id)
                        .map(|p| p.sku_part_number.clone());
                    select_fields(
                        json!({"id": s.id, "commerceSubscriptionId": s.commerce_subscription_id, "createdDateTime": s.created_date_time,
                               "isTrial": s.is_trial, "nextLifecycleDateTime": s.next_lifecycle_date_time, "ownerId": s.owner_id,
                               "ownerTenantId": tenant.id, "ownerType": s.owner_type, "serviceStatus": [], "skuId": s.sku_id,
                               "skuPartNumber": part_number, "status": s.status, "totalLicenses": s.total_licenses}),
                        select,
                    )
                })
                .collect();
            Ok((
                200,
                json!({"@odata.context": context(base, "directory/subscriptions", selected(select).as_deref(), false), "value": value}),
            ))
        }
        ("GET", ["users"]) => {
            require(claims, READ_USERS)?;
            list_users(shared, claims, call)
        }
        ("GET", ["users", _]) => {
            require(claims, READ_USERS)?;
            let directory = lock(&shared.directory);
            let user = directory
                .find_user(&segments[1])
                .ok_or_else(|| GraphError::not_found(&segments[1]))?;
            let fields = parse_select(select)?;
            may_read_sign_ins(&directory, claims, fields.as_deref())?;
            let mut body = user_json(&directory, user, fields.as_deref());
            body.insert(
                "@odata.context".into(),
                json!(context(base, "users", fields.as_deref(), true)),
            );
            Ok((200, Value::Object(body)))
        }
        ("POST", ["users", _, "assignlicense"]) => {
            require(claims, WRITE_LICENSES)?;
            let mut directory = lock(&shared.directory);
            if !claims.is_app_only() {
                let may = signed_in_user(&directory, claims)?
                    .directory_roles
                    .iter()
                    .any(|r| roles::LICENSE_MANAGERS.contains(r));
                if !may {
                    return Err(GraphError::insufficient_privileges());
                }
            }
            let (add, remove) = parse_assign_license(&call.body)?;
            let user = directory.assign_license(&segments[1], &add, &remove)?.clone();
            shared.save_state(&directory);
            let mut body = user_json(&directory, &user, None);
            body.insert("@odata.context".into(), json!(context(base, "users", None, true)));
            Ok((200, Value::Object(body)))
        }
        ("GET", ["reports", function]) if function.starts_with("getoffice365activeuserdetail(") => {
            require(claims, READ_REPORTS)?;
            // On a user's behalf, the permission is not enough: the user
            // needs a role that may read reports.
            if !claims.is_app_only() {
                let may = signed_in_user(&lock(&shared.directory), claims)?
                    .directory_roles
                    .iter()
                    .any(|r| roles::USAGE_REPORT_READERS.contains(r));
                if !may {
                    return Err(GraphError::insufficient_privileges());
                }
            }
            let days = crate::reports::parse_period(&segments[1])
                .map_err(|asked| GraphError::invalid_report_period(&asked))?;
            let file =
                crate::reports::active_user_detail(&lock(&shared.directory), days, crate::reports::today());
            let token = lock(&shared.downloads).offer(file);
            Ok((
                REDIRECT,
                json!(format!("{}/data/download/{token}", download_base(base))),
            ))
        }
        ("GET", ["admin", "reportsettings"]) => {
            require(claims, READ_REPORT_SETTINGS)?;
            let concealed = lock(&shared.directory).tenant().display_concealed_names;
            Ok((
                200,
                json!({"@odata.context": format!("{base}/v1.0/$metadata#admin/reportSettings/$entity"), "displayConcealedNames": concealed}),
            ))
        }
        ("PATCH", ["admin", "reportsettings"]) => {
            require(claims, WRITE_REPORT_SETTINGS)?;
            let body: Value = serde_json::from_slice(&call.body).map_err(|_| {
                GraphError::bad_request(
                    "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
                )
            })?;
            let mut directory = lock(&shared.directory);
            if let Some(concealed) = body.get("displayConcealedNames") {
                let concealed = concealed.as_bool().ok_or_else(|| {
                    GraphError::bad_request("Cannot convert the literal to the expected type 'Edm.Boolean'.")
                })?;
                directory.set_display_concealed_names(concealed);
                shared.save_state(&directory);
            }
            Ok((204, Value::Null))
        }
        ("GET", ["groups", _]) => {
            require(claims, READ_GROUPS)?;
            let directory = lock(&shared.directory);
            let group = Uuid::parse_str(&segments[1])
                .ok()
                .and_then(|id| directory.find_group(id))
                .ok_or_else(|| GraphError::not_found(&segments[1]))?;
            let mut body = group_json(group);
            body.insert(
                "@odata.context".into(),
                json!(context(base, "groups", selected(select).as_deref(), true)),
            );
            Ok((200, select_fields(Value::Object(body), select)))
        }
        (
            _,
            ["me" | "organization" | "subscribedskus" | "users" | "groups" | "reports", ..]
            | ["me", "memberof"]
            | ["directory", "subscriptions"]
            | ["admin", "reportsettings"],
        ) if !get => Err(GraphError::method_not_allowed()),
        _ => Err(GraphError::no_route()),
    }
}

fn list_users(shared: &Shared, claims: &Claims, call: &Call) -> Result<(u16, Value), GraphError> {
    let query = UsersQuery::parse(&call.query, call.consistency_eventual)?;
    let directory = lock(&shared.directory);
    may_read_sign_ins(&directory, claims, query.select.as_deref())?;
    let users = directory.users();
    let order: Option<Vec<usize>> = query.order_by.map(|(property, descending)| {
        let mut order: Vec<usize> = (0..users.len()).collect();
        let key = |u: &User| match property {
            "displayName" => u.display_name.to_lowercase(),
            _ => u.user_principal_name.to_lowercase(),
        };
        order.sort_by_cached_key(|&i| key(&users[i]));
        if descending {
            order.reverse();
        }
        order
    });
    let at = |position: usize| &users[order.as_ref().map_or(position, |o| o[position])];
    let mut page = Vec::with_capacity(query.top.min(users.len()));
    let mut next = None;
    let mut position = query.start;
    while position < users.len() {
        let user = at(position);
        if query.matches(&directory, user) {
            if page.len() == query.top {
                next = Some(position);
                break;
            }
            page.push(Value::Object(user_json(
                &directory,
                user,
                query.select.as_deref(),
            )));
        }
        position += 1;
    }
    let base = &shared.base_url;
    let mut body = Map::new();
    body.insert(
        "@odata.context".into(),
        json!(context(base, "users", query.select.as_deref(), false)),
    );
    if query.count && query.start == 0 {
        let total = users.iter().filter(|u| query.matches(&directory, u)).count();
        body.insert("@odata.count".into(), json!(total));
    }
    if let Some(position) = next {
        let mut link = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in call
            .query
            .iter()
            .filter(|(k, _)| !k.eq_ignore_ascii_case("$skiptoken"))
        {
            link.append_pair(name, value);
        }
        link.append_pair("$skiptoken", &encode_skiptoken(position));
        body.insert(
            "@odata.nextLink".into(),
            json!(format!("{base}/v1.0/users?{}", link.finish())),
        );
    }
    body.insert("value".into(), Value::Array(page));
    Ok((200, Value::Object(body)))
}

fn parse_guid(value: &Value) -> Result<Uuid, GraphError> {
    value
        .as_str()
        .and_then(|s| Uuid::parse_str(s).ok())
        .ok_or_else(GraphError::not_a_guid)
}

fn parse_assign_license(body: &[u8]) -> Result<(Vec<AssignedLicense>, Vec<Uuid>), GraphError> {
    let body: Value = serde_json::from_slice(body).map_err(|_| {
        GraphError::bad_request(
            "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
        )
    })?;
    let missing: Vec<&str> = ["addLicenses", "removeLicenses"]
        .into_iter()
        .filter(|key| body.get(key).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(GraphError::missing_parameters(&missing));
    }
    let add = body["addLicenses"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|license| {
            Ok(AssignedLicense {
                sku_id: parse_guid(&license["skuId"])?,
                disabled_plans: license["disabledPlans"]
                    .as_array()
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                    .iter()
                    .map(parse_guid)
                    .collect::<Result<_, _>>()?,
            })
        })
        .collect::<Result<Vec<_>, GraphError>>()?;
    let remove = body["removeLicenses"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(parse_guid)
        .collect::<Result<Vec<_>, _>>()?;
    Ok((add, remove))
}

/// `@odata.context` as Graph writes it: the entity set, the `$select`ed
/// properties in brackets, and `/$entity` for a single object
/// (`…/$metadata#users(id,displayName)/$entity`).
fn context(base: &str, set: &str, selected: Option<&[&str]>, entity: bool) -> String {
    let mut context = format!("{base}/v1.0/$metadata#{set}");
    if let Some(properties) = selected {
        context.push_str(&format!("({})", properties.join(",")));
    }
    if entity {
        context.push_str("/$entity");
    }
    context
}

/// The properties a `$select` names, as given.
fn selected(select: Option<&str>) -> Option<Vec<&str>> {
    select.map(|s| s.split(',').map(str::trim).filter(|p| !p.is_empty()).collect())
}

/// Keeps only the `$select`ed keys (and OData annotations) of an object.
fn select_fields(value: Value, select: Option<&str>) -> Value {
    let (Some(wanted), Value::Object(object)) = (selected(select), &value) else {
        return value;
    };
    Value::Object(
        object
            .iter()
            .filter(|(k, _)| k.starts_with('@') || wanted.iter().any(|w| w.eq_ignore_ascii_case(k)))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    )
}

fn sku_json(directory: &Directory, product: &crate::model::Product) -> Value {
    let tenant = directory.tenant();
    let subscription_ids: Vec<Uuid> = tenant
        .subscriptions
        .iter()
        .filter(|s| s.sku_id == product.sku_id)
        .map(|s| s.id)
        .collect();
    let plans: Vec<Value> = product
        .service_plans
        .iter()
        .map(|p| json!({"servicePlanId": p.service_plan_id, "servicePlanName": p.service_plan_name, "provisioningStatus": "Success", "appliesTo": "User"}))
        .collect();
    let units = product.prepaid_units;
    json!({
        "accountName": tenant.domains.last().and_then(|d| d.split('.').next()).unwrap_or_default(),
        "accountId": tenant.id,
        "appliesTo": product.applies_to,
        "capabilityStatus": product.capability_status,
        "consumedUnits": directory.consumed_units(product.sku_id),
        "id": format!("{}_{}", tenant.id, product.sku_id),
        "prepaidUnits": {"enabled": units.enabled, "lockedOut": units.locked_out, "suspended": units.suspended, "warning": units.warning},
        "servicePlans": plans,
        "skuId": product.sku_id,
        "skuPartNumber": product.sku_part_number,
        "subscriptionIds": subscription_ids,
    })
}

fn group_json(group: &crate::model::Group) -> Map<String, Value> {
    let dynamic = group.membership_rule.is_some();
    let licenses: Vec<Value> = group
        .assigned_licenses
        .iter()
        .map(|l| json!({"skuId": l.sku_id, "disabledPlans": l.disabled_plans}))
        .collect();
    let value = json!({
        "id": group.id,
        "displayName": group.display_name,
        "description": group.description,
        "mailEnabled": group.mail_enabled,
        "mail": group.mail,
        "securityEnabled": group.security_enabled,
        "groupTypes": if dynamic { vec!["DynamicMembership"] } else { Vec::new() },
        "membershipRule": group.membership_rule,
        "membershipRuleProcessingState": if dynamic { Some("On") } else { None },
        "onPremisesSyncEnabled": group.on_premises_sync_enabled,
        "assignedLicenses": licenses,
    });
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// A user as Graph returns it: the default properties, or what `$select` asks.
fn user_json(directory: &Directory, user: &User, select: Option<&[&'static str]>) -> Map<String, Value> {
    let fields: &[&str] = select.unwrap_or(&DEFAULT_USER_PROPERTIES);
    let mut object = Map::with_capacity(fields.len());
    for &field in fields {
        let value = match field {
            "id" => json!(user.id),
            "displayName" => json!(user.display_name),
            "givenName" => json!(user.given_name),
            "surname" => json!(user.surname),
            "userPrincipalName" => json!(user.user_principal_name),
            "mail" => json!(user.mail),
            "jobTitle" => json!(user.job_title),
            "department" => json!(user.department),
            "usageLocation" => json!(user.usage_location),
            "accountEnabled" => json!(user.account_enabled),
            "createdDateTime" => json!(user.created_date_time),
            "signInActivity" => sign_in_activity_json(user),
            "businessPhones" => json!([]),
            "mobilePhone" | "officeLocation" | "preferredLanguage" => Value::Null,
            "assignedLicenses" => Value::Array(
                directory
                    .assigned_licenses(user)
                    .into_iter()
                    .map(|l| json!({"disabledPlans": l.disabled_plans, "skuId": l.sku_id}))
                    .collect(),
            ),
            "licenseAssignmentStates" => Value::Array(
                directory
                    .license_states(user)
                    .into_iter()
                    .map(|s| {
                        json!({"assignedByGroup": s.assigned_by_group, "disabledPlans": s.disabled_plans, "error": "None",
                               "lastUpdatedDateTime": user.created_date_time, "skuId": s.sku_id, "state": "Active"})
                    })
                    .collect(),
            ),
            _ => continue,
        };
        object.insert(field.to_owned(), value);
    }
    object
}

/// `signInActivity` as Graph gives it: each date with the id of the
/// request it was seen on, both null when there was none.
fn sign_in_activity_json(user: &User) -> Value {
    let activity = user.sign_in_activity.clone().unwrap_or_default();
    let request_id = |kind: &str, date: &Option<String>| match date {
        Some(date) => {
            let digest = Sha256::digest(format!("{}:{kind}:{date}", user.id).as_bytes());
            let mut bytes = [0u8; 16];
            bytes.copy_from_slice(&digest[..16]);
            json!(uuid::Builder::from_random_bytes(bytes).into_uuid())
        }
        None => Value::Null,
    };
    json!({
        "lastSignInDateTime": activity.last_sign_in_date_time,
        "lastSignInRequestId": request_id("interactive", &activity.last_sign_in_date_time),
        "lastNonInteractiveSignInDateTime": activity.last_non_interactive_sign_in_date_time,
        "lastNonInteractiveSignInRequestId": request_id("non-interactive", &activity.last_non_interactive_sign_in_date_time),
        "lastSuccessfulSignInDateTime": activity.last_successful_sign_in_date_time,
        "lastSuccessfulSignInRequestId": request_id("successful", &activity.last_successful_sign_in_date_time),
    })
}

/// Where report downloads are served: this server under another host
/// name, as Microsoft serves them from another host than Graph's.
fn download_base(base: &str) -> String {
    base.replacen("://127.0.0.1:", "://localhost:", 1)
}

/// `GET /data/download/{token}`: a report behind a one-time link, with no
/// `Authorization` needed (the link is the credential). A request that
/// brings a token anyway is refused, as pre-authenticated storage links
/// refuse a second credential, and the link stays unused.
pub fn download(shared: &Shared, request: &Request) -> Response {
    let token = request.path.trim_start_matches("/data/download/");
    let file = if request.method == "GET" && request.header("authorization").is_none() {
        lock(&shared.downloads).take(token)
    } else {
        None
    };
    let response = match file {
        Some(file) => Response::new(200, "application/octet-stream", file),
        None if request.header("authorization").is_some() => Response::new(
            400,
            "text/plain",
            b"This link carries its own authorization; send the request without an Authorization header."
                .to_vec(),
        ),
        None => Response::new(
            404,
            "text/plain",
            b"The download link has expired or was already used. Ask Microsoft Graph for the report again."
                .to_vec(),
        ),
    };
    shared.record(LogEntry {
        at_ms: 0,
        method: request.method.clone(),
        path: "/data/download/{token}".to_owned(),
        status: response.status,
        resource_units: 0,
        writes: 0,
        throttled: false,
        in_batch: false,
        client_request_id: request.header("client-request-id").map(str::to_owned),
    });
    response
}

/// `POST /$batch`: up to 20 requests, each authenticated, throttled and
/// answered on its own, in any order.
fn batch(shared: &Arc<Shared>, outer: &Call) -> Response {
    let request_id = Uuid::new_v4().to_string();
    let client_request_id = outer.client_request_id.clone().unwrap_or_default();
    let fail = |message: &str| {
        error_response(
            &GraphError {
                status: 400,
                code: "BadRequest",
                message: message.to_owned(),
            },
            &request_id,
            &client_request_id,
        )
    };
    let Ok(body) = serde_json::from_slice::<Value>(&outer.body) else {
        return fail("Invalid batch payload format.");
    };
    let Some(requests) = body.get("requests").and_then(Value::as_array) else {
        return fail("Invalid batch payload format.");
    };
    if requests.len() > 20 {
        return fail("Number of batch request steps exceeds the maximum of 20.");
    }
    let mut ids: Vec<String> = Vec::new();
    for request in requests {
        let Some(id) = request.get("id").and_then(Value::as_str) else {
            return fail("Invalid batch payload format: every request needs an id.");
        };
        if ids.iter().any(|seen| seen.eq_ignore_ascii_case(id)) {
            return fail(&format!("Request id '{id}' is duplicated in the batch."));
        }
        ids.push(id.to_owned());
        let has_body = request.get("body").is_some_and(|b| !b.is_null());
        let has_type = request
            .get("headers")
            .and_then(Value::as_object)
            .is_some_and(|h| h.keys().any(|k| k.eq_ignore_ascii_case("content-type")));
        if has_body && !has_type {
            return fail("Content-Type header must be specified for a request with a body.");
        }
    }

    let mut statuses: Vec<(String, u16)> = Vec::new();
    let mut responses = Vec::new();
    let mut pending: Vec<&Value> = requests.iter().collect();
    // Requests run once what they depend on has run; a cycle never runs.
    while !pending.is_empty() {
        let ready = pending.iter().position(|r| {
            depends_on(r)
                .iter()
                .all(|d| statuses.iter().any(|(id, _)| id.eq_ignore_ascii_case(d)))
        });
        let Some(index) = ready else {
            return fail("Invalid batch payload format: dependsOn forms a cycle or names an unknown id.");
        };
        let request = pending.remove(index);
        let id = request["id"].as_str().unwrap_or_default().to_owned();
        let failed_dependency = depends_on(request).iter().any(|d| {
            statuses
                .iter()
                .any(|(id, status)| id.eq_ignore_ascii_case(d) && *status >= 400)
        });
        let response = if failed_dependency {
            error_response(
                &GraphError::failed_dependency(),
                &Uuid::new_v4().to_string(),
                &client_request_id,
            )
        } else {
            let executed = execute(shared, inner_call(shared, outer, request));
            let fault = shared.config.faults.draw_inner(&mut *lock(&shared.rng));
            match fault {
                Some(Fault::ServerErrorAfter { gateway }) => server_error_after(gateway, &client_request_id),
                _ => executed,
            }
        };
        statuses.push((id.clone(), response.status));
        responses.push(inner_response(&id, response));
    }
    // Graph answers in any order; so does the emulator, from its seed.
    {
        let mut rng = lock(&shared.rng);
        for i in (1..responses.len()).rev() {
            responses.swap(i, rng.gen_range(0..=i));
        }
    }
    Response::json(200, &json!({"responses": responses}))
}

fn depends_on(request: &Value) -> Vec<&str> {
    request
        .get("dependsOn")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn inner_call(shared: &Shared, outer: &Call, request: &Value) -> Call {
    let url = request.get("url").and_then(Value::as_str).unwrap_or_default();
    // Relative to the version, as documented; the Graph SDKs also send the
    // absolute URL of the same service.
    let url = url.strip_prefix(shared.base_url.as_str()).unwrap_or(url);
    let url = url.trim_start_matches("/v1.0");
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let headers = request.get("headers").and_then(Value::as_object);
    let header = |name: &str| {
        headers
            .and_then(|h| h.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)))
            .and_then(|(_, v)| v.as_str())
            .map(str::to_owned)
    };
    Call {
        method: request
            .get("method")
            .and_then(Value::as_str)
            .unwrap_or("GET")
            .to_ascii_uppercase(),
        path: format!("/{}", path.trim_start_matches('/')),
        query: url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect(),
        authorization: outer.authorization.clone(),
        consistency_eventual: header("ConsistencyLevel").is_some_and(|v| v.eq_ignore_ascii_case("eventual")),
        client_request_id: header("client-request-id").or_else(|| outer.client_request_id.clone()),
        body: request
            .get("body")
            .map(|b| serde_json::to_vec(b).unwrap_or_default())
            .unwrap_or_default(),
        in_batch: true,
    }
}

fn inner_response(id: &str, response: Response) -> Value {
    let mut headers = Map::new();
    for name in [
        "Content-Type",
        "Location",
        "Retry-After",
        "x-ms-throttle-scope",
        "x-ms-throttle-information",
        "client-request-id",
    ] {
        if let Some(value) = response.header(name) {
            headers.insert(name.to_owned(), json!(value));
        }
    }
    let body: Value = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
    json!({"id": id, "status": response.status, "headers": headers, "body": body})
}
