//! Reading the tenant and the signed-in admin's roles.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::sync::Arc;
use std::time::Duration;

use graph_emulator::apps::PUBLIC_CLIENT_ID;
use graph_emulator::{generate, Config, Emulator};
use license_desk_graph::auth::{BrowserSignIn, Session, SignInTarget};
use license_desk_graph::retry::RetryPolicy;
use license_desk_graph::tenant::{load, signed_in_admin};
use license_desk_graph::{Endpoints, GraphClient};

async fn signed_in(upn: &str) -> (Emulator, GraphClient) {
    let mut config = Config::new(generate::demo());
    config.approve = Some(upn.to_owned());
    let emulator = Emulator::start(config).await.unwrap();
    let target = SignInTarget {
        endpoints: Endpoints::local(emulator.base_url(), None),
        tenant: "organizations".to_owned(),
        client_id: PUBLIC_CLIENT_ID.to_string(),
    };
    let sign_in = BrowserSignIn::start(target.clone()).await.unwrap();
    let url = sign_in.authorize_url.clone();
    let browser = async {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let back = http.get(&url).send().await.unwrap().headers()["location"]
            .to_str()
            .unwrap()
            .to_owned();
        http.get(back).send().await.unwrap();
    };
    let (tokens, ()) = tokio::join!(sign_in.finish(Duration::from_secs(10)), browser);
    let session = Session::delegated(target, &tokens.unwrap(), None).unwrap();
    let client = GraphClient::new(Arc::new(session), RetryPolicy::default()).unwrap();
    (emulator, client)
}

#[tokio::test]
async fn says_which_license_roles_the_admin_holds() {
    let (_tenant, admin) = signed_in("admin@northwindtraders.example").await;
    let who = signed_in_admin(&admin).await.unwrap();
    assert_eq!(who.license_roles, ["Global Administrator"]);
    assert!(who.may_manage_licenses());

    let (_tenant, user_admin) = signed_in("useradmin@northwindtraders.example").await;
    assert_eq!(
        signed_in_admin(&user_admin).await.unwrap().license_roles,
        ["User Administrator"]
    );

    let (_tenant, reader) = signed_in("reader@northwindtraders.example").await;
    let who = signed_in_admin(&reader).await.unwrap();
    assert!(who.license_roles.is_empty());
    assert!(!who.may_manage_licenses());
    assert_eq!(who.user_principal_name, "reader@northwindtraders.example");
}

#[tokio::test]
async fn loads_the_whole_tenant_with_progress() {
    let (_tenant, client) = signed_in("licenses@northwindtraders.example").await;
    let mut seen = Vec::new();
    let snapshot = load(&client, |progress| seen.push(progress)).await.unwrap();
    assert_eq!(snapshot.organization.display_name, "Northwind Traders");
    assert_eq!(snapshot.users.len(), 150);
    assert_eq!(snapshot.products.len(), 10);
    assert!(snapshot.subscriptions.iter().any(|s| s.is_self_service()));
    let last = seen.last().unwrap();
    assert_eq!((last.users_loaded, last.users_total), (150, Some(150)));
    let inherited: std::collections::BTreeSet<_> = snapshot
        .users
        .iter()
        .flat_map(|u| {
            u.license_assignment_states
                .iter()
                .filter_map(|s| s.assigned_by_group)
        })
        .collect();
    assert!(!inherited.is_empty());
    for id in inherited {
        assert!(
            snapshot.groups[&id].display_name.is_some(),
            "every inheriting group is named"
        );
    }
    let dynamic = snapshot
        .groups
        .values()
        .find(|g| g.membership_rule.is_some())
        .unwrap();
    assert_eq!(dynamic.group_types, ["DynamicMembership"]);
}

#[tokio::test]
async fn lists_users_by_product_filter_and_sort() {
    use license_desk_core::overview::{UserFilter, UserQuery, UserSort};
    let (_tenant, client) = signed_in("licenses@northwindtraders.example").await;
    let snapshot = load(&client, |_| {}).await.unwrap();
    let premium = snapshot
        .products
        .iter()
        .find(|p| p.sku_part_number == "SPB")
        .unwrap()
        .sku_id;
    let holders = snapshot
        .users
        .iter()
        .filter(|u| u.license_assignment_states.iter().any(|s| s.sku_id == premium));
    let query = UserQuery {
        product: Some(premium.to_string()),
        ..UserQuery::everyone()
    };
    let page = snapshot.users_page(&query, 0, 500);
    assert_eq!(page.total as usize, holders.count());
    assert!(page.total > 0);
    assert!(page
        .rows
        .iter()
        .all(|row| row.licenses.iter().any(|l| l.sku_id == premium.to_string())));
    let names: Vec<String> = page.rows.iter().map(|r| r.display_name.to_lowercase()).collect();
    assert!(names.windows(2).all(|w| w[0] <= w[1]), "by name");
    assert_eq!(snapshot.user_ids(&query).len(), page.total as usize);

    let most = UserQuery {
        sort: UserSort::MostLicenses,
        ..UserQuery::everyone()
    };
    let counts: Vec<usize> = snapshot
        .users_page(&most, 0, 500)
        .rows
        .iter()
        .map(|r| r.licenses.len())
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");

    let by_upn = UserQuery {
        sort: UserSort::UserName,
        filter: UserFilter::ThroughGroup,
        ..UserQuery::everyone()
    };
    let upns: Vec<String> = snapshot
        .users_page(&by_upn, 0, 500)
        .rows
        .iter()
        .map(|r| r.user_principal_name.to_lowercase())
        .collect();
    assert!(!upns.is_empty() && upns.windows(2).all(|w| w[0] <= w[1]));

    let unknown = UserQuery {
        product: Some("not a product".into()),
        ..UserQuery::everyone()
    };
    assert_eq!(snapshot.users_page(&unknown, 0, 10).total, 0);
}

#[tokio::test]
async fn a_refresh_reads_back_only_the_users_it_is_given() {
    let (tenant, admin) = signed_in("admin@northwindtraders.example").await;
    let mut picture = load(&admin, |_| {}).await.unwrap();
    let holder = picture
        .users
        .iter()
        .find(|u| u.assigned_licenses.len() == 1 && u.license_assignment_states.len() == 1)
        .unwrap()
        .clone();
    let sku = holder.assigned_licenses[0].sku_id;
    let consumed = |picture: &license_desk_graph::tenant::TenantPicture| {
        picture
            .products
            .iter()
            .find(|p| p.sku_id == sku)
            .unwrap()
            .consumed_units
    };
    let before = consumed(&picture);
    admin
        .send_ok(&license_desk_graph::client::Request::post(
            format!("/users/{}/assignLicense", holder.id),
            serde_json::json!({"addLicenses": [], "removeLicenses": [sku]}),
        ))
        .await
        .unwrap();
    let reads_before = tenant.request_log().len();

    license_desk_graph::tenant::refresh_users(&admin, &mut picture, &[holder.id])
        .await
        .unwrap();
    let refreshed = picture.users.iter().find(|u| u.id == holder.id).unwrap();
    assert!(refreshed.license_assignment_states.is_empty());
    assert_eq!(
        consumed(&picture),
        before - 1,
        "the products' counts are read again"
    );
    let reads: Vec<_> = tenant.request_log()[reads_before..]
        .iter()
        .filter(|e| e.path.contains("/users"))
        .map(|e| e.path.clone())
        .collect();
    assert!(
        reads
            .iter()
            .all(|path| path.contains(&holder.id.to_string()) || path.ends_with("$batch")),
        "{reads:?}"
    );
    let page = picture.users_page(&license_desk_core::overview::UserQuery::everyone(), 0, 1000);
    let row = page.rows.iter().find(|r| r.id == holder.id.to_string()).unwrap();
    assert!(row.licenses.is_empty(), "the views see the change");
}

/// The first characters a large tenant's user names are counted by:
/// letters, digits, '.', '_' and '-'.
const FIRST_CHARACTERS: usize = 39;

/// The app-only client of `emulator`, trusting its CA when it serves HTTPS.
async fn app_only_client(emulator: &Emulator) -> GraphClient {
    let ca = emulator.ca_certificate_pem().map(|pem| pem.as_bytes().to_vec());
    let target = SignInTarget {
        endpoints: Endpoints::local(emulator.base_url(), ca),
        tenant: emulator.tenant_id().to_string(),
        client_id: graph_emulator::apps::APP_ONLY_CLIENT_ID.to_string(),
    };
    let session = Session::app_only(target, graph_emulator::apps::APP_ONLY_SECRET.to_owned())
        .await
        .unwrap();
    GraphClient::new(Arc::new(session), RetryPolicy::default()).unwrap()
}

/// Every user of `tenant`, read by the app-only client.
async fn read_everyone(tenant: graph_emulator::model::Tenant) -> (Emulator, Vec<String>, Vec<String>) {
    let mut config = Config::new(tenant);
    config.throttle = graph_emulator::throttle::ThrottleMode::Scaled(1.0);
    let emulator = Emulator::start(config).await.unwrap();
    let client = app_only_client(&emulator).await;
    let picture = load(&client, |_| {}).await.unwrap();
    let mut read: Vec<String> = picture
        .users
        .iter()
        .map(|u| u.user_principal_name.clone())
        .collect();
    read.sort();
    let mut expected: Vec<String> =
        emulator.directory(|d| d.users().iter().map(|u| u.user_principal_name.clone()).collect());
    expected.sort();
    (emulator, read, expected)
}

#[tokio::test]
async fn a_large_tenant_is_read_in_partitions_with_every_user_exactly_once() {
    for (size, seed) in [(999, 1), (1_000, 2), (4_500, 3), (12_000, 4)] {
        let (emulator, read, expected) = read_everyone(generate::tenant("Sizes", size, seed)).await;
        assert_eq!(read, expected, "{size} users");
        let log = emulator.request_log();
        let requests = log
            .iter()
            .filter(|e| e.method == "GET" && e.path.ends_with("/users"))
            .count();
        if size <= 10 * 999 {
            assert_eq!(requests, size.div_ceil(999), "{size} users: page by page");
        } else {
            assert!(
                requests > FIRST_CHARACTERS + size.div_ceil(999),
                "{size} users: every first character counted, then read in partitions ({requests} requests)"
            );
        }
        assert_eq!(
            log.iter().filter(|e| e.throttled).count(),
            0,
            "{size} users: no throttling"
        );
    }
}

#[tokio::test]
async fn user_names_of_every_shape_are_read_once_even_when_partitions_cannot_hold_them() {
    let mut tenant = generate::tenant("Odd names", 12_000, 9);
    let odd = [
        "9lives@",
        "Åsa.Öberg@",
        "_service@",
        "ADELE_contoso.com#EXT#@",
        "émile@",
        "0@",
        "Zoë@",
    ];
    for (user, local) in tenant.users.iter_mut().zip(odd) {
        let domain = user.user_principal_name.split_once('@').unwrap().1.to_owned();
        user.user_principal_name = format!("{local}{domain}");
    }
    let (emulator, read, expected) = read_everyone(tenant).await;
    assert_eq!(
        read, expected,
        "names a partition cannot hold are still read, once"
    );
    assert!(emulator.request_log().iter().all(|e| !e.throttled));
}

/// `tenant` with the user names from `from` on renamed by `name` (given
/// each one's place), kept in the tenant's own domain.
fn renamed(
    mut tenant: graph_emulator::model::Tenant,
    from: usize,
    name: impl Fn(usize) -> String,
) -> graph_emulator::model::Tenant {
    for (at, user) in tenant.users.iter_mut().enumerate().skip(from) {
        let domain = user.user_principal_name.split_once('@').unwrap().1.to_owned();
        user.user_principal_name = format!("{}@{domain}", name(at));
    }
    tenant
}

#[tokio::test]
async fn a_tenant_whose_counts_do_not_add_up_is_still_read_once() {
    // One user in a hundred starts with a letter no partition holds.
    let tenant = renamed(generate::tenant("Nordic", 12_000, 5), 0, |at| {
        if at % 100 == 7 {
            format!("øystein.{at}")
        } else {
            format!("user.{at}")
        }
    });
    let (emulator, read, expected) = read_everyone(tenant).await;
    assert_eq!(read, expected, "every user once, page by page");
    assert!(emulator.request_log().iter().all(|e| !e.throttled));
}

#[tokio::test]
async fn large_prefixes_the_first_page_did_not_show_are_split_or_read_whole() {
    // 4,000 names after the first page start with "ab": the first page
    // gives no hint of them. In the second tenant one of them goes on with
    // a character no partition holds, so "a" cannot be split and is read
    // whole.
    for odd_one_out in [None, Some(11_999)] {
        let tenant = renamed(generate::tenant("Late", 12_000, 6), 8_000, |at| {
            if Some(at) == odd_one_out {
                format!("aé.{at}")
            } else {
                format!("ab.{at}")
            }
        });
        let (emulator, read, expected) = read_everyone(tenant).await;
        assert_eq!(read, expected, "{odd_one_out:?}");
        assert!(emulator.request_log().iter().all(|e| !e.throttled));
    }
}

#[tokio::test]
async fn over_https_the_reads_side_by_side_share_one_http2_connection() {
    let mut config = Config::new(generate::tenant("Over HTTP/2", 12_000, 5));
    config.throttle = graph_emulator::throttle::ThrottleMode::Scaled(1.0);
    let ca_file = std::env::temp_dir().join(format!("license-desk-h2-{}.pem", std::process::id()));
    config.tls_ca_file = Some(ca_file.clone());
    let emulator = Emulator::start(config).await.unwrap();
    let _ = std::fs::remove_file(&ca_file);
    assert!(emulator.base_url().starts_with("https://"));
    let client = app_only_client(&emulator).await;
    let signed_in = emulator.connections_used();
    let picture = load(&client, |_| {}).await.unwrap();
    assert_eq!(picture.users.len(), 12_000);
    let requests = emulator.request_log().len();
    assert!(requests > 40, "read side by side ({requests} requests)");
    // Over HTTP/1.1 each read side by side would need its own connection.
    assert_eq!(
        emulator.connections_used() - signed_in,
        1,
        "{requests} requests over one connection"
    );
}
