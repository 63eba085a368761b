//! The app registrations every local tenant carries, and the Graph
//! permissions the emulator knows.

use uuid::{uuid, Uuid};

use crate::model::AppRegistration;

/// The multi-tenant public client License Desk signs in with by default.
pub const PUBLIC_CLIENT_ID: Uuid = uuid!("5d7c3a1e-9b4f-4c1a-8e2d-4c1e0b7a9f31");
/// A confidential client for app-only (client credentials) use.
pub const APP_ONLY_CLIENT_ID: Uuid = uuid!("8e2b6f40-3c7d-4a59-b1e4-7f0d2c9a6e58");
/// The local test secret of [`APP_ONLY_CLIENT_ID`]. It opens nothing but a local tenant.
pub const APP_ONLY_SECRET: &str = "local-tenant-secret~not-for-production";

/// Microsoft Graph's application id: the `aud` of every Graph token.
pub const GRAPH_RESOURCE_ID: Uuid = uuid!("00000003-0000-0000-c000-000000000000");

pub fn built_in() -> [AppRegistration; 2] {
    [
        AppRegistration {
            app_id: PUBLIC_CLIENT_ID,
            display_name: "License Desk".to_owned(),
            secret: None,
            application_permissions: Vec::new(),
        },
        AppRegistration {
            app_id: APP_ONLY_CLIENT_ID,
            display_name: "License Desk (app-only)".to_owned(),
            secret: Some(APP_ONLY_SECRET.to_owned()),
            application_permissions: [
                "User.Read.All",
                "LicenseAssignment.ReadWrite.All",
                "Organization.Read.All",
                "GroupMember.Read.All",
            ]
            .map(str::to_owned)
            .to_vec(),
        },
    ]
}

/// Role template ids of the directory roles that may change licenses, and
/// of those that may read usage reports.
pub mod roles {
    use uuid::{uuid, Uuid};

    pub const GLOBAL_ADMINISTRATOR: Uuid = uuid!("62e90394-69f5-4237-9190-012177145e10");
    pub const LICENSE_ADMINISTRATOR: Uuid = uuid!("4d6ac14f-3453-41d0-bef9-a3e0c569773a");
    pub const USER_ADMINISTRATOR: Uuid = uuid!("fe930be7-5e62-47db-91af-98c3a49a38b1");
    pub const DIRECTORY_WRITERS: Uuid = uuid!("9360feb5-f418-4baa-8175-e2a00bac4301");
    pub const REPORTS_READER: Uuid = uuid!("4a5d8f65-41da-4de4-8968-e035b65339cf");
    pub const EXCHANGE_ADMINISTRATOR: Uuid = uuid!("29232cdf-9323-42fd-ade2-1d097af3e4de");
    pub const SHAREPOINT_ADMINISTRATOR: Uuid = uuid!("f28a1f50-f6e7-4571-818b-6a12f2af6b6c");
    pub const TEAMS_ADMINISTRATOR: Uuid = uuid!("69091246-20e8-4a56-aa4d-066075b2a7a8");
    pub const TEAMS_COMMUNICATIONS_ADMINISTRATOR: Uuid = uuid!("baf37b3a-610e-45da-9e62-d9d1e5e8914b");
    pub const SKYPE_FOR_BUSINESS_ADMINISTRATOR: Uuid = uuid!("75941009-915a-4869-abe7-691bff18279e");

    pub const LICENSE_MANAGERS: [Uuid; 4] = [
        GLOBAL_ADMINISTRATOR,
        LICENSE_ADMINISTRATOR,
        USER_ADMINISTRATOR,
        DIRECTORY_WRITERS,
    ];

    /// The roles that may read a usage report's user details on a user's
    /// behalf ("Authorization for APIs to read Microsoft 365 usage
    /// reports"; Global Reader and Usage Summary Reports Reader see only
    /// tenant-wide figures).
    pub const USAGE_REPORT_READERS: [Uuid; 7] = [
        GLOBAL_ADMINISTRATOR,
        REPORTS_READER,
        EXCHANGE_ADMINISTRATOR,
        SHAREPOINT_ADMINISTRATOR,
        TEAMS_ADMINISTRATOR,
        TEAMS_COMMUNICATIONS_ADMINISTRATOR,
        SKYPE_FOR_BUSINESS_ADMINISTRATOR,
    ];

    pub fn display_name(template: Uuid) -> &'static str {
        match template {
            GLOBAL_ADMINISTRATOR => "Global Administrator",
            LICENSE_ADMINISTRATOR => "License Administrator",
            USER_ADMINISTRATOR => "User Administrator",
            DIRECTORY_WRITERS => "Directory Writers",
            REPORTS_READER => "Reports Reader",
            EXCHANGE_ADMINISTRATOR => "Exchange Administrator",
            SHAREPOINT_ADMINISTRATOR => "SharePoint Administrator",
            TEAMS_ADMINISTRATOR => "Teams Administrator",
            TEAMS_COMMUNICATIONS_ADMINISTRATOR => "Teams Communications Administrator",
            SKYPE_FOR_BUSINESS_ADMINISTRATOR => "Skype for Business Administrator",
            _ => "Directory role",
        }
    }
}
