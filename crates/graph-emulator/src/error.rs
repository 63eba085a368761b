//! Graph's errors, with the exact codes and messages the real service sends.

use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

impl GraphError {
    fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "Request_BadRequest", message)
    }

    pub fn unsupported_query(message: impl Into<String>) -> Self {
        Self::new(400, "Request_UnsupportedQuery", message)
    }

    pub fn not_found(id: &str) -> Self {
        Self::new(
            404,
            "Request_ResourceNotFound",
            format!("Resource '{id}' does not exist or one of its queried reference-property objects are not present."),
        )
    }

    pub fn no_route() -> Self {
        Self::new(400, "BadRequest", "Resource not found for the segment.")
    }

    pub fn method_not_allowed() -> Self {
        Self::new(
            405,
            "Request_BadRequest",
            "Specified HTTP method is not allowed for the request target.",
        )
    }

    pub fn insufficient_privileges() -> Self {
        Self::new(
            403,
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        )
    }

    /// `signInActivity` asked of a tenant without Entra ID P1 or P2.
    pub fn not_premium() -> Self {
        Self::new(
            403,
            "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
            "Neither tenant is B2C or tenant doesn't have premium license",
        )
    }

    /// Unconfirmed: a report function's period other than D7, D30, D90 or
    /// D180; this reading lives here only.
    pub fn invalid_report_period(asked: &str) -> Self {
        Self::new(
            400,
            "BadRequest",
            format!("Invalid value '{asked}' for the period parameter. The supported values are D7, D30, D90 and D180."),
        )
    }

    pub fn me_needs_delegation() -> Self {
        Self::new(
            400,
            "BadRequest",
            "/me request is only valid with delegated authentication flow.",
        )
    }

    pub fn invalid_token(message: &str) -> Self {
        Self::new(401, "InvalidAuthenticationToken", message)
    }

    pub fn throttled() -> Self {
        Self::new(429, "TooManyRequests", "Please retry again later.")
    }

    pub fn service_unavailable() -> Self {
        Self::new(
            503,
            "serviceNotAvailable",
            "The service is temporarily unavailable. Please retry later.",
        )
    }

    pub fn gateway_timeout() -> Self {
        Self::new(504, "UnknownError", "The request timed out.")
    }

    pub fn failed_dependency() -> Self {
        Self::new(
            424,
            "FailedDependency",
            "The request could not be completed because a request it depends on failed.",
        )
    }

    // assignLicense failures.

    pub fn missing_parameters(missing: &[&str]) -> Self {
        Self::bad_request(format!(
            "One or more parameters of the operation 'assignLicense' are missing from the request payload. The missing parameters are: {}.",
            missing.join(", ")
        ))
    }

    pub fn not_a_guid() -> Self {
        Self::bad_request("Cannot convert a primitive value to the expected type 'Edm.Guid'. See the inner exception for more details.")
    }

    pub fn inherited_from_group() -> Self {
        Self::bad_request("User license is inherited from a group membership and it cannot be removed directly from the user.")
    }

    pub fn license_not_held() -> Self {
        Self::bad_request("User does not have a corresponding license.")
    }

    pub fn not_a_company_license(sku_id: Uuid) -> Self {
        Self::bad_request(format!(
            "License {sku_id} does not correspond to a valid company License."
        ))
    }

    pub fn no_available_licenses(sku_id: Uuid) -> Self {
        Self::bad_request(format!(
            "Subscription with SKU {sku_id} does not have any available licenses."
        ))
    }

    pub fn invalid_usage_location() -> Self {
        Self::bad_request("License assignment cannot be done for user with invalid usage location.")
    }

    /// Unconfirmed: Graph documents no message for a self-service
    /// subscription's license; this reading lives here only.
    pub fn self_service_subscription(sku_id: Uuid) -> Self {
        Self::bad_request(format!(
            "License {sku_id} belongs to a self-service subscription and can only be managed after an administrator takes the subscription over."
        ))
    }
}
