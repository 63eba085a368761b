//! Where Graph and sign-in live for a session.

use license_desk_core::{Cloud, Error, ErrorCode};

/// The hosts one session talks to. A local tenant is never mistaken for a
/// cloud: `local` says so, and the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// e.g. `https://graph.microsoft.com/v1.0`
    pub graph: String,
    /// e.g. `https://login.microsoftonline.com`
    pub login: String,
    pub local: bool,
    /// A CA certificate (PEM) to trust besides the system's, for a local
    /// tenant served over HTTPS.
    pub extra_root_ca: Option<Vec<u8>>,
}

impl Endpoints {
    pub fn cloud(cloud: Cloud) -> Self {
        let hosts = cloud.endpoints();
        Self {
            graph: format!("{}/v1.0", hosts.graph),
            login: hosts.login,
            local: false,
            extra_root_ca: None,
        }
    }

    /// A local tenant at `base_url` (as `graph-emulator` prints it).
    pub fn local(base_url: &str, extra_root_ca: Option<Vec<u8>>) -> Self {
        let base = base_url.trim_end_matches('/');
        Self {
            graph: format!("{base}/v1.0"),
            login: base.to_owned(),
            local: true,
            extra_root_ca,
        }
    }

    /// The Graph resource that scopes are asked for.
    pub fn graph_resource(&self) -> &str {
        if self.local {
            // The local tenant issues tokens for Graph's real resource name.
            "https://graph.microsoft.com"
        } else {
            self.graph.trim_end_matches("/v1.0")
        }
    }

    pub fn http_client(&self) -> Result<reqwest::Client, Error> {
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("LicenseDesk/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(std::time::Duration::from_secs(15))
            .timeout(std::time::Duration::from_secs(120))
            .redirect(reqwest::redirect::Policy::none());
        if let Some(pem) = &self.extra_root_ca {
            let certificate = reqwest::Certificate::from_pem(pem).map_err(|e| {
                Error::new(
                    ErrorCode::Internal,
                    "The local tenant's certificate could not be read.",
                )
                .with_details(e.to_string())
            })?;
            builder = builder.add_root_certificate(certificate);
        }
        builder.build().map_err(|e| {
            Error::new(ErrorCode::Internal, "The network client could not start.").with_details(e.to_string())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clouds_and_local_tenants() {
        let gcc_high = Endpoints::cloud(Cloud::UsGovGccHigh);
        assert_eq!(gcc_high.graph, "https://graph.microsoft.us/v1.0");
        assert_eq!(gcc_high.graph_resource(), "https://graph.microsoft.us");
        assert!(!gcc_high.local);
        let local = Endpoints::local("http://127.0.0.1:4000/", None);
        assert_eq!(local.graph, "http://127.0.0.1:4000/v1.0");
        assert_eq!(local.login, "http://127.0.0.1:4000");
        assert!(local.local);
    }
}
