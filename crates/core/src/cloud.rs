//! The Microsoft clouds License Desk can sign in to, and their hosts.
//!
//! Microsoft Cloud Deutschland closed on 2021-10-29 and its tenants moved to
//! the worldwide cloud, so it is explained in the UI but never offered here.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Cloud {
    /// Microsoft 365 worldwide, GCC included.
    #[default]
    Worldwide,
    /// US Government L4.
    UsGovGccHigh,
    /// US Government L5 (Department of Defense).
    UsGovDod,
    /// Microsoft 365 operated by 21Vianet.
    China,
}

/// Where a cloud's services live. A token from one cloud is refused by another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CloudEndpoints {
    pub cloud: Cloud,
    pub graph: String,
    pub login: String,
    pub admin_center: String,
}

impl CloudEndpoints {
    /// The admin center's page where subscriptions (and their seats) are
    /// changed.
    pub fn subscriptions_page(&self) -> String {
        format!("{}/Adminportal/Home#/subscriptions", self.admin_center)
    }
}

impl Cloud {
    pub const ALL: [Cloud; 4] = [
        Cloud::Worldwide,
        Cloud::UsGovGccHigh,
        Cloud::UsGovDod,
        Cloud::China,
    ];

    pub fn endpoints(self) -> CloudEndpoints {
        let (graph, login, admin_center) = match self {
            Cloud::Worldwide => (
                "https://graph.microsoft.com",
                "https://login.microsoftonline.com",
                "https://admin.microsoft.com",
            ),
            Cloud::UsGovGccHigh => (
                "https://graph.microsoft.us",
                "https://login.microsoftonline.us",
                "https://portal.office365.us",
            ),
            Cloud::UsGovDod => (
                "https://dod-graph.microsoft.us",
                "https://login.microsoftonline.us",
                "https://portal.apps.mil",
            ),
            Cloud::China => (
                "https://microsoftgraph.chinacloudapi.cn",
                "https://login.chinacloudapi.cn",
                "https://portal.partner.microsoftonline.cn",
            ),
        };
        CloudEndpoints {
            cloud: self,
            graph: graph.to_owned(),
            login: login.to_owned(),
            admin_center: admin_center.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cloud_has_its_own_graph_host() {
        let hosts: std::collections::HashSet<_> = Cloud::ALL.iter().map(|c| c.endpoints().graph).collect();
        assert_eq!(hosts.len(), Cloud::ALL.len());
    }

    #[test]
    fn us_government_clouds_share_a_sign_in_host() {
        assert_eq!(
            Cloud::UsGovGccHigh.endpoints().login,
            Cloud::UsGovDod.endpoints().login
        );
        assert_eq!(
            Cloud::UsGovDod.endpoints().graph,
            "https://dod-graph.microsoft.us"
        );
    }

    #[test]
    fn subscriptions_are_changed_in_each_clouds_own_admin_center() {
        assert_eq!(
            Cloud::Worldwide.endpoints().subscriptions_page(),
            "https://admin.microsoft.com/Adminportal/Home#/subscriptions"
        );
        assert!(Cloud::China
            .endpoints()
            .subscriptions_page()
            .starts_with("https://portal.partner.microsoftonline.cn/"));
    }

    #[test]
    fn germany_is_not_offered() {
        assert!(Cloud::ALL
            .iter()
            .all(|c| !c.endpoints().graph.ends_with(".de") && !c.endpoints().login.ends_with(".de")));
    }
}
