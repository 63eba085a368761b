//! The one retry policy every Graph request follows.

use std::time::Duration;

use rand::Rng;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// No request keeps retrying past this, however it is answered.
    pub max_elapsed: Duration,
    /// First back-off step for 503/504 without `Retry-After` and for
    /// dropped connections.
    pub base_delay: Duration,
    /// The longest single back-off.
    pub max_delay: Duration,
}

/// No request is sent more often than this, however quickly it is
/// answered: a broken answer must never turn into a flood of requests.
pub const MAX_ATTEMPTS: u32 = 20;

/// How often one request may renew the access token after a 401: a token
/// renewed by another request may itself be refused (a signing key changed
/// meanwhile), and one more renewal mends that.
pub const MAX_RENEWALS: u32 = 2;

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_elapsed: Duration::from_secs(15 * 60),
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Exponential back-off with full jitter: anywhere from zero to
    /// `base * 2^attempt`, capped, so many clients do not retry in step.
    pub fn backoff(&self, attempt: u32, rng: &mut impl Rng) -> Duration {
        let ceiling = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(attempt.min(16)))
            .min(self.max_delay);
        ceiling.mul_f64(rng.gen_range(0.0..=1.0))
    }
}

/// `Retry-After` in seconds (Graph never sends the date form).
pub fn retry_after(value: Option<&str>) -> Option<Duration> {
    value
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn backoff_grows_and_stays_under_its_cap() {
        let policy = RetryPolicy::default();
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        for attempt in 0..30 {
            let ceiling = (policy.base_delay * 2u32.pow(attempt.min(16))).min(policy.max_delay);
            for _ in 0..20 {
                assert!(policy.backoff(attempt, &mut rng) <= ceiling);
            }
        }
        let late: Vec<_> = (0..200).map(|_| policy.backoff(10, &mut rng)).collect();
        assert!(late.iter().any(|d| *d > Duration::from_secs(10)), "it does grow");
        assert!(late.iter().any(|d| *d < Duration::from_secs(10)), "with jitter");
    }

    #[test]
    fn reads_retry_after() {
        assert_eq!(retry_after(Some("7")), Some(Duration::from_secs(7)));
        assert_eq!(retry_after(Some(" 0.5 ")), Some(Duration::from_millis(500)));
        assert_eq!(retry_after(Some("soon")), None);
        assert_eq!(retry_after(None), None);
    }
}
