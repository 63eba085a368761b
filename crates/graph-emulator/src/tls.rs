//! HTTPS with a certificate from a throwaway local CA, as Graph and sign-in
//! are HTTPS-only and MSAL refuses any authority that is not.

use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::TlsAcceptor;

fn io_error(error: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(error.to_string())
}

/// A TLS acceptor for 127.0.0.1 and localhost, and its CA's PEM.
pub fn local_ca_and_acceptor() -> std::io::Result<(TlsAcceptor, String)> {
    let ca_key = KeyPair::generate().map_err(io_error)?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(io_error)?;
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "graph-emulator local CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_cert = ca_params.self_signed(&ca_key).map_err(io_error)?;
    let issuer = Issuer::new(ca_params, ca_key);

    let server_key = KeyPair::generate().map_err(io_error)?;
    let mut server_params =
        CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).map_err(io_error)?;
    server_params
        .distinguished_name
        .push(DnType::CommonName, "graph-emulator");
    let server_cert = server_params.signed_by(&server_key, &issuer).map_err(io_error)?;

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(io_error)?
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(server_cert.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der())),
        )
        .map_err(io_error)?;
    // As Microsoft Graph: HTTP/2 to a client that offers it.
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok((TlsAcceptor::from(Arc::new(config)), ca_cert.pem()))
}
