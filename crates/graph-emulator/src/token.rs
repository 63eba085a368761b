//! JWT-shaped access and ID tokens, signed with a key only this emulator
//! knows: a token from another emulator, or a real one, fails validation the
//! way a token from another cloud fails at Graph.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    pub aud: String,
    pub iss: String,
    pub iat: u64,
    pub nbf: u64,
    pub exp: u64,
    pub tid: Uuid,
    /// The client (application) id.
    pub appid: Uuid,
    /// "user" for delegated tokens, "app" for app-only.
    pub idtyp: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oid: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Delegated permissions, space separated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scp: Option<String>,
    /// Application permissions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
    pub ver: String,
    /// A unique token id.
    pub uti: String,
}

impl Claims {
    pub fn is_app_only(&self) -> bool {
        self.idtyp == "app"
    }

    /// Whether the token carries any of `permissions`, as a delegated scope
    /// or an application role.
    pub fn has_any(&self, permissions: &[&str]) -> bool {
        let granted: Vec<&str> = match (&self.scp, &self.roles) {
            (Some(scp), _) => scp.split(' ').collect(),
            (None, Some(roles)) => roles.iter().map(String::as_str).collect(),
            (None, None) => Vec::new(),
        };
        permissions
            .iter()
            .any(|wanted| granted.iter().any(|g| g.eq_ignore_ascii_case(wanted)))
    }
}

pub struct Signer {
    key: [u8; 32],
}

#[derive(Debug, PartialEq, Eq)]
pub enum TokenProblem {
    Malformed,
    BadSignature,
}

impl Signer {
    pub fn new(key: [u8; 32]) -> Self {
        Self { key }
    }

    pub fn key(&self) -> &[u8; 32] {
        &self.key
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC accepts keys of any length.
        <Hmac<Sha256> as Mac>::new_from_slice(&self.key).unwrap_or_else(|_| unreachable!())
    }

    pub fn sign(&self, claims: &impl Serialize) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"HS256","kid":"graph-emulator"}"#);
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap_or_default());
        let mut mac = self.mac();
        mac.update(format!("{header}.{payload}").as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{header}.{payload}.{signature}")
    }

    pub fn verify(&self, token: &str) -> Result<Claims, TokenProblem> {
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenProblem::Malformed);
        };
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| TokenProblem::Malformed)?;
        let mut mac = self.mac();
        mac.update(format!("{header}.{payload}").as_bytes());
        mac.verify_slice(&signature)
            .map_err(|_| TokenProblem::BadSignature)?;
        let payload = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| TokenProblem::Malformed)?;
        serde_json::from_slice(&payload).map_err(|_| TokenProblem::Malformed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> Claims {
        Claims {
            aud: "https://graph.microsoft.com".into(),
            iss: "https://sts.windows.net/x/".into(),
            iat: 1,
            nbf: 1,
            exp: 2,
            tid: Uuid::nil(),
            appid: Uuid::nil(),
            idtyp: "user".into(),
            oid: None,
            upn: None,
            name: None,
            scp: Some("User.Read.All LicenseAssignment.ReadWrite.All".into()),
            roles: None,
            ver: "1.0".into(),
            uti: "u".into(),
        }
    }

    #[test]
    fn verifies_its_own_tokens_only() {
        let signer = Signer::new([7; 32]);
        let token = signer.sign(&claims());
        assert_eq!(token.split('.').count(), 3);
        assert_eq!(signer.verify(&token), Ok(claims()));
        assert_eq!(
            Signer::new([8; 32]).verify(&token),
            Err(TokenProblem::BadSignature)
        );
        assert_eq!(signer.verify("not a token"), Err(TokenProblem::Malformed));
    }

    #[test]
    fn checks_permissions_case_insensitively() {
        assert!(claims().has_any(&["licenseassignment.readwrite.all"]));
        assert!(!claims().has_any(&["Directory.ReadWrite.All"]));
    }
}
