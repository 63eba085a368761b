//! Graph's error answers, turned into [`Error`]s an admin can act on.
//!
//! Almost every licensing failure is `400 Request_BadRequest`; only the
//! message tells them apart, so the messages Graph sends are matched here,
//! in one place.

use license_desk_core::{Error, ErrorCode};
use serde_json::Value;

/// An error answer from Graph, with what support needs to trace it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphFailure {
    pub status: u16,
    pub code: String,
    pub message: String,
    pub client_request_id: String,
    pub request_id: Option<String>,
}

impl GraphFailure {
    pub fn from_body(status: u16, body: &Value, client_request_id: &str) -> Self {
        let error = &body["error"];
        Self {
            status,
            code: error["code"].as_str().unwrap_or("unknown").to_owned(),
            message: error["message"].as_str().unwrap_or_default().to_owned(),
            client_request_id: client_request_id.to_owned(),
            request_id: error["innerError"]["request-id"].as_str().map(str::to_owned),
        }
    }

    fn details(&self) -> String {
        let mut details = format!(
            "Microsoft Graph answered {} {}: {} (client-request-id {}",
            self.status, self.code, self.message, self.client_request_id
        );
        if let Some(request_id) = &self.request_id {
            details.push_str(&format!(", request-id {request_id}"));
        }
        details.push(')');
        details
    }

    /// What this failure means, in plain words.
    pub fn into_error(self) -> Error {
        let message = self.message.as_str();
        let (code, text) = match (self.status, self.code.as_str()) {
            (403, _) => (
                ErrorCode::InsufficientPrivileges,
                "Your account or app lacks the right to do this. A Global Administrator, License Administrator or User Administrator can; an app needs the LicenseAssignment.ReadWrite.All permission.",
            ),
            (404, _) => (ErrorCode::UserNotFound, "This user no longer exists in your organisation."),
            (400, _) if message.starts_with("User license is inherited from a group membership") => (
                ErrorCode::LicenseInherited,
                "This license comes from a group. Remove it at the group (or take the user out of the group); it cannot be removed from the user directly.",
            ),
            (400, _) if message == "User does not have a corresponding license." => {
                (ErrorCode::LicenseNotHeld, "The user does not hold this license (any more): nothing to remove.")
            }
            (400, _) if message.ends_with("does not correspond to a valid company License.") => (
                ErrorCode::ProductNotInTenant,
                "Your organisation does not own this product (any more), so it cannot be assigned or removed.",
            ),
            (400, _) if message.ends_with("does not have any available licenses.") => (
                ErrorCode::NoFreeSeats,
                "Every seat of this product is taken. Free one or buy more before assigning it.",
            ),
            (400, _) if message.starts_with("License assignment cannot be done for user with invalid usage location") => (
                ErrorCode::UsageLocationMissing,
                "The user has no usage location. Set their country in the admin center, then try again.",
            ),
            (400, _) if message.contains("self-service") => (
                ErrorCode::SelfServiceLocked,
                "A user bought this product themselves. Take the subscription over in the admin center before changing its licenses.",
            ),
            (429, _) => (ErrorCode::Throttled, "Microsoft's service asked License Desk to slow down for longer than it waits. Try again in a few minutes."),
            (503 | 504, _) => (ErrorCode::ServiceUnavailable, "Microsoft's service is not answering properly right now. Try again in a few minutes."),
            _ => (ErrorCode::GraphRequestFailed, "Microsoft Graph refused the request."),
        };
        let details = self.details();
        Error::new(code, text).with_details(details)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn failure(status: u16, code: &str, message: &str) -> Error {
        let body = json!({"error": {"code": code, "message": message, "innerError": {"request-id": "r-1"}}});
        GraphFailure::from_body(status, &body, "c-1").into_error()
    }

    #[test]
    fn every_documented_licensing_failure_has_its_own_code() {
        let cases = [
            (400, "User license is inherited from a group membership and it cannot be removed directly from the user.", ErrorCode::LicenseInherited),
            (400, "User does not have a corresponding license.", ErrorCode::LicenseNotHeld),
            (400, "License 639dec6b-bb19-468b-871c-c5c441c4b0cb does not correspond to a valid company License.", ErrorCode::ProductNotInTenant),
            (400, "Subscription with SKU f8a1db68-be16-40ed-86d5-cb42ce701560 does not have any available licenses.", ErrorCode::NoFreeSeats),
            (400, "License assignment cannot be done for user with invalid usage location.", ErrorCode::UsageLocationMissing),
            (404, "Resource 'x' does not exist or one of its queried reference-property objects are not present.", ErrorCode::UserNotFound),
            (403, "Insufficient privileges to complete the operation.", ErrorCode::InsufficientPrivileges),
            (400, "Cannot convert a primitive value to the expected type 'Edm.Guid'. See the inner exception for more details.", ErrorCode::GraphRequestFailed),
        ];
        for (status, message, code) in cases {
            let error = failure(status, "Request_BadRequest", message);
            assert_eq!(error.code, code, "{message}");
            let details = error.details.unwrap();
            assert!(
                details.contains(message)
                    && details.contains("client-request-id c-1")
                    && details.contains("request-id r-1")
            );
        }
    }

    #[test]
    fn the_admin_reads_what_to_do_not_graphs_words() {
        let error = failure(
            400,
            "Request_BadRequest",
            "User does not have a corresponding license.",
        );
        assert!(!error.message.contains("corresponding"));
        let denied = failure(
            403,
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        );
        assert!(denied.message.contains("License Administrator"));
    }
}
