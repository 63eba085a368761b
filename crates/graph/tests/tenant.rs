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
