//! Where Graph and sign-in live for a session.

use std::sync::Arc;

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

    /// The HTTP client every request of this session goes through.
    ///
    /// TLS is verified the way the operating system verifies it (Windows'
    /// and macOS's own certificate checks; on Linux the system's CA bundle,
    /// or `SSL_CERT_FILE`/`SSL_CERT_DIR`), so a root an office trusts (a
    /// TLS-inspecting proxy's or antivirus's) is trusted here as in Edge
    /// or Safari. Proxies: `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and
    /// `NO_PROXY`, else the system's proxy settings on Windows and macOS.
    /// A tenant on a loopback address (the demo) never goes through a
    /// proxy: no proxy could reach it.
    pub fn http_client(&self) -> Result<reqwest::Client, Error> {
        client(
            self.extra_root_ca.as_deref(),
            self.on_loopback(),
            reqwest::redirect::Policy::none(),
        )
    }

    /// Whether Graph and sign-in are both at a loopback address (127.0.0.0/8
    /// or ::1), as the demo tenant is.
    fn on_loopback(&self) -> bool {
        [&self.graph, &self.login].iter().all(|url| on_loopback(url))
    }
}

fn on_loopback(url: &str) -> bool {
    url::Url::parse(url).ok().is_some_and(|url| match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        _ => false,
    })
}

/// A client for a public download (Microsoft's product table) from `url`:
/// the same trust store and proxies as Graph's, following up to five
/// redirects.
pub fn download_client(url: &str) -> Result<reqwest::Client, Error> {
    client(None, on_loopback(url), reqwest::redirect::Policy::limited(5))
}

fn client(
    extra_root_ca: Option<&[u8]>,
    loopback: bool,
    redirect: reqwest::redirect::Policy,
) -> Result<reqwest::Client, Error> {
    let mut builder = reqwest::Client::builder()
        .user_agent(concat!("LicenseDesk/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(std::time::Duration::from_secs(15))
        .timeout(std::time::Duration::from_secs(120))
        // Over HTTP/1.1 a burst of counts side by side opens a connection
        // each; only as many as the reads side by side stay open after it.
        .pool_max_idle_per_host(16)
        .redirect(redirect)
        .use_preconfigured_tls(tls(extra_root_ca)?);
    if loopback {
        builder = builder.no_proxy();
    }
    builder.build().map_err(|e| {
        Error::new(ErrorCode::Internal, "The network client could not start.").with_details(e.to_string())
    })
}

/// TLS with the platform's verifier, plus a local tenant's CA if any.
fn tls(extra_root_ca: Option<&[u8]>) -> Result<rustls::ClientConfig, Error> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::CertificateDer;

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let extra_roots = match extra_root_ca {
        Some(pem) => CertificateDer::pem_slice_iter(pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| {
                Error::new(
                    ErrorCode::Internal,
                    "The local tenant's certificate could not be read.",
                )
                .with_details(e.to_string())
            })?,
        None => Vec::new(),
    };
    let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(extra_roots, provider.clone())
        .map_err(|e| {
            Error::new(
                ErrorCode::Network,
                "This computer's trusted certificates could not be read, so no secure connection can be made. Ask whoever manages this computer to check its certificate store.",
            )
            .with_details(e.to_string())
        })?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| {
            Error::new(ErrorCode::Internal, "The network client could not start.").with_details(e.to_string())
        })?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    // HTTP/2 where the server offers it, as Microsoft Graph does: the reads
    // side by side of a large tenant then share one connection (and one
    // proxy tunnel) instead of opening one each.
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// A request that failed before Microsoft answered, said for the admin when
/// the office network is the cause: a certificate this computer does not
/// trust (often a proxy or antivirus that inspects HTTPS), or a proxy that
/// refused or could not be reached. `None` for any other failure.
pub(crate) fn office_network_problem(error: &reqwest::Error) -> Option<Error> {
    let mut chain = Vec::new();
    let mut source: Option<&dyn std::error::Error> = Some(error);
    while let Some(cause) = source {
        chain.push(cause.to_string());
        source = cause.source();
    }
    let details = chain.join(": ");
    let lower = details.to_lowercase();
    if lower.contains("certificate") || lower.contains("unknownissuer") {
        return Some(
            Error::new(
                ErrorCode::Network,
                "The connection to Microsoft was not trusted: the certificate it presented does not come from an authority this computer trusts. If your office's proxy or antivirus inspects secure connections, its root certificate must be installed in this computer's certificate store (whoever manages the computer can do it); then try again.",
            )
            .with_details(details),
        );
    }
    if lower.contains("proxy") || lower.contains("tunnel") {
        return Some(
            Error::new(
                ErrorCode::Network,
                "The proxy server on the way to Microsoft refused the connection or could not be reached. Check the proxy settings (the system's, or HTTPS_PROXY), then try again.",
            )
            .with_details(details),
        );
    }
    None
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

    #[test]
    fn only_a_tenant_on_a_loopback_address_bypasses_proxies() {
        assert!(Endpoints::local("http://127.0.0.1:4000", None).on_loopback());
        assert!(Endpoints::local("https://[::1]:4000", None).on_loopback());
        assert!(!Endpoints::local("https://localhost:4000", None).on_loopback());
        assert!(!Endpoints::local("https://tenant.example:4000", None).on_loopback());
        assert!(!Endpoints::cloud(Cloud::Worldwide).on_loopback());
    }

    #[test]
    fn the_local_tenants_certificate_must_be_a_certificate() {
        let bad = Endpoints::local(
            "https://127.0.0.1:4000",
            Some(b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n".to_vec()),
        );
        assert_eq!(bad.http_client().unwrap_err().code, ErrorCode::Internal);
        assert!(Endpoints::cloud(Cloud::Worldwide).http_client().is_ok());
    }
}
