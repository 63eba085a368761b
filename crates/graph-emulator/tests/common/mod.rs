//! A small tenant with one of every case, and a client for it.
#![allow(dead_code)] // each test file uses its own share of these helpers

use graph_emulator::apps::{roles, APP_ONLY_CLIENT_ID, APP_ONLY_SECRET, PUBLIC_CLIENT_ID};
use graph_emulator::catalog;
use graph_emulator::model::{
    AssignedLicense, Group, PrepaidUnits, SignInActivity, Subscription, Tenant, User,
};
use graph_emulator::{throttle::ThrottleMode, Config, Emulator};
use reqwest::header::HeaderMap;
use serde_json::{json, Value};
use uuid::{uuid, Uuid};

pub const TENANT_ID: Uuid = uuid!("11111111-2222-4333-8444-555555555555");
pub const GROUP_E3: Uuid = uuid!("aaaaaaaa-0000-4000-8000-000000000001");
pub const GROUP_DYNAMIC: Uuid = uuid!("aaaaaaaa-0000-4000-8000-000000000002");

pub const ADMIN: &str = "admin@fixture.example";
pub const READER: &str = "reader@fixture.example";
pub const DIRECT: &str = "direct@fixture.example";
pub const GROUP_ONLY: &str = "group@fixture.example";
pub const BOTH: &str = "both@fixture.example";
pub const NOWHERE: &str = "nowhere@fixture.example";

pub fn license(product: &catalog::CatalogProduct) -> AssignedLicense {
    AssignedLicense {
        sku_id: product.sku_id,
        disabled_plans: Vec::new(),
    }
}

fn user(n: u128, upn: &str, licenses: Vec<AssignedLicense>, groups: Vec<Uuid>, roles: Vec<Uuid>) -> User {
    User {
        id: Uuid::from_u128(0xbbbb_0000_0000_4000_8000_0000_0000_0000 + n),
        display_name: upn.split('@').next().unwrap_or_default().to_owned(),
        given_name: None,
        surname: None,
        user_principal_name: upn.to_owned(),
        mail: Some(upn.to_owned()),
        job_title: None,
        department: Some("Sales".to_owned()),
        usage_location: Some("SE".to_owned()),
        account_enabled: true,
        created_date_time: "2024-01-01T00:00:00Z".to_owned(),
        assigned_licenses: licenses,
        member_of: groups,
        directory_roles: roles,
        sign_in_activity: Some(SignInActivity {
            last_sign_in_date_time: Some("2026-11-20T08:14:03Z".to_owned()),
            last_non_interactive_sign_in_date_time: Some("2026-11-21T06:02:41Z".to_owned()),
            last_successful_sign_in_date_time: Some("2026-11-20T08:14:03Z".to_owned()),
        }),
    }
}

/// Seven users; Business Premium with 2 spare seats, Power BI Pro at
/// capacity, Visio self-service, E3 through a group.
pub fn fixture() -> Tenant {
    let mut nowhere = user(6, NOWHERE, vec![], vec![], vec![]);
    nowhere.usage_location = None;
    let mut disabled = user(
        7,
        "disabled@fixture.example",
        vec![license(&catalog::BUSINESS_PREMIUM)],
        vec![],
        vec![],
    );
    disabled.account_enabled = false;
    let users = vec![
        user(
            1,
            ADMIN,
            vec![license(&catalog::BUSINESS_PREMIUM)],
            vec![],
            vec![roles::LICENSE_ADMINISTRATOR],
        ),
        user(
            2,
            READER,
            vec![license(&catalog::BUSINESS_PREMIUM)],
            vec![],
            vec![],
        ),
        user(
            3,
            DIRECT,
            vec![
                AssignedLicense {
                    sku_id: catalog::BUSINESS_PREMIUM.sku_id,
                    disabled_plans: vec![catalog::BUSINESS_PREMIUM.service_plans[2].1],
                },
                license(&catalog::POWER_BI_PRO),
            ],
            vec![],
            vec![],
        ),
        user(4, GROUP_ONLY, vec![], vec![GROUP_E3], vec![]),
        user(
            5,
            BOTH,
            vec![license(&catalog::M365_E3)],
            vec![GROUP_E3, GROUP_DYNAMIC],
            vec![],
        ),
        nowhere,
        disabled,
    ];
    let group = |id, name: &str, licenses, rule: Option<&str>| Group {
        id,
        display_name: name.to_owned(),
        description: None,
        mail_enabled: false,
        mail: None,
        security_enabled: true,
        membership_rule: rule.map(str::to_owned),
        on_premises_sync_enabled: Some(rule.is_none()),
        assigned_licenses: licenses,
    };
    Tenant {
        id: TENANT_ID,
        display_name: "Fixture AB".to_owned(),
        domains: vec!["fixture.example".to_owned(), "fixture.onmicrosoft.com".to_owned()],
        country_letter_code: "SE".to_owned(),
        products: vec![
            catalog::BUSINESS_PREMIUM.product(
                PrepaidUnits {
                    enabled: 6,
                    ..Default::default()
                },
                "Enabled",
            ),
            catalog::POWER_BI_PRO.product(
                PrepaidUnits {
                    enabled: 1,
                    ..Default::default()
                },
                "Enabled",
            ),
            catalog::M365_E3.product(
                PrepaidUnits {
                    enabled: 5,
                    ..Default::default()
                },
                "Enabled",
            ),
            catalog::VISIO_PLAN_2.product(
                PrepaidUnits {
                    enabled: 3,
                    ..Default::default()
                },
                "Enabled",
            ),
        ],
        subscriptions: vec![Subscription {
            id: Uuid::from_u128(9),
            commerce_subscription_id: Uuid::from_u128(10),
            sku_id: catalog::VISIO_PLAN_2.sku_id,
            owner_type: Some("User".to_owned()),
            owner_id: Some(Uuid::from_u128(0xbbbb_0000_0000_4000_8000_0000_0000_0003)),
            status: "Enabled".to_owned(),
            total_licenses: 3,
            is_trial: false,
            created_date_time: "2024-01-01T00:00:00Z".to_owned(),
            next_lifecycle_date_time: None,
        }],
        groups: vec![
            group(GROUP_E3, "E3 licensing", vec![license(&catalog::M365_E3)], None),
            group(
                GROUP_DYNAMIC,
                "Dynamic sales",
                vec![],
                Some("(user.department -eq \"Sales\")"),
            ),
        ],
        users,
        apps: vec![],
        consented_permissions: graph_emulator::model::default_consent(),
        display_concealed_names: true,
    }
}

pub struct Local {
    pub emulator: Emulator,
    pub http: reqwest::Client,
}

pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn error_code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or_default()
    }

    pub fn error_message(&self) -> &str {
        self.body["error"]["message"].as_str().unwrap_or_default()
    }
}

pub async fn start_with(config: Config) -> Local {
    let emulator = Emulator::start(config).await.expect("the emulator starts");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client");
    Local { emulator, http }
}

pub async fn start() -> Local {
    let mut config = Config::new(fixture());
    config.throttle = ThrottleMode::Off;
    start_with(config).await
}

impl Local {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.emulator.base_url())
    }

    pub async fn answer(response: reqwest::Response) -> Answer {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap_or_default();
        Answer {
            status,
            headers,
            body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
        }
    }

    pub async fn token_request(&self, form: &[(&str, &str)]) -> Answer {
        let response = self
            .http
            .post(self.url(&format!("/{}/oauth2/v2.0/token", self.emulator.tenant_id())))
            .form(form)
            .send()
            .await
            .expect("the token endpoint answers");
        Self::answer(response).await
    }

    pub async fn app_token(&self) -> String {
        let answer = self
            .token_request(&[
                ("client_id", &APP_ONLY_CLIENT_ID.to_string()),
                ("client_secret", APP_ONLY_SECRET),
                ("grant_type", "client_credentials"),
                ("scope", "https://graph.microsoft.com/.default"),
            ])
            .await;
        answer.body["access_token"]
            .as_str()
            .expect("an app token")
            .to_owned()
    }

    /// Signs `login` in through the authorization code flow with PKCE and
    /// returns the whole token response.
    pub async fn sign_in(&self, login: &str, scope: &str) -> Value {
        let verifier = "a-verifier-of-at-least-43-characters-0123456789abcdef";
        let challenge = {
            use base64::Engine;
            use sha2::Digest;
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier))
        };
        let code = self.authorization_code(login, scope, &challenge).await;
        let answer = self
            .token_request(&[
                ("client_id", &PUBLIC_CLIENT_ID.to_string()),
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", "http://localhost:5555/callback"),
                ("code_verifier", verifier),
                ("scope", scope),
            ])
            .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        answer.body
    }

    pub async fn authorization_code(&self, login: &str, scope: &str, challenge: &str) -> String {
        let response = self
            .http
            .post(self.url("/organizations/oauth2/v2.0/authorize"))
            .form(&[
                ("client_id", PUBLIC_CLIENT_ID.to_string().as_str()),
                ("response_type", "code"),
                ("redirect_uri", "http://localhost:5555/callback"),
                ("scope", scope),
                ("state", "s1"),
                ("code_challenge", challenge),
                ("code_challenge_method", "S256"),
                ("login", login),
            ])
            .send()
            .await
            .expect("the authorize endpoint answers");
        assert_eq!(response.status().as_u16(), 302);
        let location = response.headers()["location"]
            .to_str()
            .expect("a location")
            .to_owned();
        let url = url::Url::parse(&location).expect("a redirect URL");
        assert_eq!(
            url.query_pairs()
                .find(|(k, _)| k == "state")
                .map(|(_, v)| v.into_owned())
                .as_deref(),
            Some("s1")
        );
        url.query_pairs()
            .find(|(k, _)| k == "code")
            .map(|(_, v)| v.into_owned())
            .expect("a code")
    }

    pub async fn user_token(&self, login: &str, scope: &str) -> String {
        self.sign_in(login, scope).await["access_token"]
            .as_str()
            .expect("an access token")
            .to_owned()
    }

    pub async fn admin_token(&self) -> String {
        self.user_token(ADMIN, "openid profile offline_access User.Read User.Read.All LicenseAssignment.ReadWrite.All Organization.Read.All GroupMember.Read.All").await
    }

    pub async fn get(&self, token: &str, path: &str) -> Answer {
        self.get_with(token, path, &[]).await
    }

    pub async fn get_with(&self, token: &str, path: &str, headers: &[(&str, &str)]) -> Answer {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            self.url(&format!("/v1.0{path}"))
        };
        let mut request = self.http.get(url).bearer_auth(token);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Self::answer(request.send().await.expect("Graph answers")).await
    }

    pub async fn post(&self, token: &str, path: &str, body: &Value) -> Answer {
        let response = self
            .http
            .post(self.url(&format!("/v1.0{path}")))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("Graph answers");
        Self::answer(response).await
    }

    pub async fn assign(&self, token: &str, user: &str, add: Value, remove: Value) -> Answer {
        self.post(
            token,
            &format!("/users/{user}/assignLicense"),
            &json!({"addLicenses": add, "removeLicenses": remove}),
        )
        .await
    }
}
