//! The identity and access service's throttling, from its documented limits:
//! sliding windows of resource units and writes per app and tenant, and of
//! writes per tenant across apps. A request over any limit is refused whole
//! and costs nothing; the answer says when it would fit.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use uuid::Uuid;

/// What one request costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cost {
    pub units: u32,
    pub writes: u32,
}

/// The documented cost of a Graph request.
pub fn cost(method: &str, path: &str, query: &[(String, String)]) -> Cost {
    if method != "GET" {
        return Cost { units: 1, writes: 1 };
    }
    let path = path.trim_end_matches('/').to_ascii_lowercase();
    let base: i32 = match path.as_str() {
        "/users" => 2,
        "/subscribedskus" => 3,
        "/me/memberof" => 2,
        _ => 1,
    };
    let has = |name: &str| query.iter().any(|(k, _)| k.eq_ignore_ascii_case(name));
    let small_page = query
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("$top") && v.parse::<u32>().is_ok_and(|n| n < 20));
    let units = base - i32::from(has("$select")) + i32::from(has("$expand")) - i32::from(small_page);
    Cost {
        units: units.max(1) as u32,
        writes: 0,
    }
}

/// Resource units per 10 seconds for one app in one tenant, by tenant size.
pub fn unit_limit(tenant_users: usize) -> u32 {
    match tenant_users {
        0..50 => 3_500,
        50..=500 => 5_000,
        _ => 8_000,
    }
}

pub const UNIT_WINDOW: Duration = Duration::from_secs(10);
pub const APP_WRITE_LIMIT: u32 = 3_000;
pub const APP_WRITE_WINDOW: Duration = Duration::from_secs(150);
pub const TENANT_WRITE_LIMIT: u32 = 18_000;
pub const TENANT_WRITE_WINDOW: Duration = Duration::from_secs(300);

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ThrottleMode {
    Off,
    /// Windows last this share of their real length: 1.0 is the real
    /// service, 0.01 runs the 150-second write window in 1.5 seconds.
    Scaled(f64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Throttled {
    pub retry_after: Duration,
    /// `x-ms-throttle-information`.
    pub information: &'static str,
    /// `x-ms-throttle-scope`.
    pub scope: String,
}

#[derive(Debug)]
struct Window {
    length: Duration,
    limit: u32,
    events: VecDeque<(Instant, u32)>,
    used: u32,
}

impl Window {
    fn new(length: Duration, limit: u32) -> Self {
        Self {
            length,
            limit,
            events: VecDeque::new(),
            used: 0,
        }
    }

    fn expire(&mut self, now: Instant) {
        while let Some(&(at, amount)) = self.events.front() {
            if now.duration_since(at) < self.length {
                break;
            }
            self.used -= amount;
            self.events.pop_front();
        }
    }

    /// `None` when `amount` fits now, else how long until it would.
    fn wait_for(&self, now: Instant, amount: u32) -> Option<Duration> {
        if self.used + amount <= self.limit {
            return None;
        }
        let mut freed = 0;
        for &(at, spent) in &self.events {
            freed += spent;
            if self.used - freed + amount <= self.limit {
                return Some((at + self.length).saturating_duration_since(now));
            }
        }
        // More than the whole window allows: it never fits; say one window.
        Some(self.length)
    }

    fn spend(&mut self, now: Instant, amount: u32) {
        if amount > 0 {
            self.events.push_back((now, amount));
            self.used += amount;
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Units(Uuid),
    AppWrites(Uuid),
    TenantWrites,
}

/// The throttle of one tenant.
pub struct Throttle {
    mode: ThrottleMode,
    tenant: Uuid,
    tenant_users: usize,
    windows: HashMap<Key, Window>,
}

impl Throttle {
    pub fn new(mode: ThrottleMode, tenant: Uuid, tenant_users: usize) -> Self {
        Self {
            mode,
            tenant,
            tenant_users,
            windows: HashMap::new(),
        }
    }

    pub fn mode(&self) -> ThrottleMode {
        self.mode
    }

    fn window(&mut self, key: Key, scale: f64) -> &mut Window {
        let tenant_users = self.tenant_users;
        self.windows.entry(key).or_insert_with(|| {
            let (length, limit) = match key {
                Key::Units(_) => (UNIT_WINDOW, unit_limit(tenant_users)),
                Key::AppWrites(_) => (APP_WRITE_WINDOW, APP_WRITE_LIMIT),
                Key::TenantWrites => (TENANT_WRITE_WINDOW, TENANT_WRITE_LIMIT),
            };
            Window::new(length.mul_f64(scale), limit)
        })
    }

    /// Spends `cost` for `app` now, or says why and for how long it cannot.
    pub fn admit(&mut self, now: Instant, app: Uuid, cost: Cost) -> Result<(), Throttled> {
        let ThrottleMode::Scaled(scale) = self.mode else {
            return Ok(());
        };
        let mut checks = vec![(Key::Units(app), cost.units)];
        if cost.writes > 0 {
            checks.push((Key::AppWrites(app), cost.writes));
            checks.push((Key::TenantWrites, cost.writes));
        }
        for &(key, amount) in &checks {
            let window = self.window(key, scale);
            window.expire(now);
            if let Some(wait) = window.wait_for(now, amount) {
                let tenant = self.tenant;
                let (information, scope) = match key {
                    Key::Units(_) => (
                        "ResourceUnitLimitExceeded",
                        format!("Tenant_Application/ReadWrite/{app}/{tenant}"),
                    ),
                    Key::AppWrites(_) => (
                        "WriteLimitExceeded",
                        format!("Tenant_Application/ReadWrite/{app}/{tenant}"),
                    ),
                    Key::TenantWrites => ("WriteLimitExceeded", format!("Tenant/ReadWrite/{tenant}")),
                };
                return Err(Throttled {
                    retry_after: wait,
                    information,
                    scope,
                });
            }
        }
        for (key, amount) in checks {
            self.window(key, scale).spend(now, amount);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn costs_follow_the_documented_table() {
        assert_eq!(cost("GET", "/users", &[]).units, 2);
        assert_eq!(cost("GET", "/users", &q(&[("$select", "id")])).units, 1);
        assert_eq!(cost("GET", "/subscribedSkus", &[]).units, 3);
        assert_eq!(
            cost(
                "GET",
                "/subscribedSkus",
                &q(&[("$select", "skuId"), ("$top", "5")])
            )
            .units,
            1
        );
        assert_eq!(cost("GET", "/me/memberOf", &q(&[("$expand", "x")])).units, 3);
        assert_eq!(cost("GET", "/organization", &q(&[("$select", "id")])).units, 1);
        assert_eq!(
            cost("POST", "/users/x/assignLicense", &[]),
            Cost { units: 1, writes: 1 }
        );
    }

    #[test]
    fn unit_limits_grow_with_the_tenant() {
        assert_eq!(unit_limit(49), 3_500);
        assert_eq!(unit_limit(50), 5_000);
        assert_eq!(unit_limit(500), 5_000);
        assert_eq!(unit_limit(501), 8_000);
    }

    #[test]
    fn writes_stop_at_3000_per_150_seconds_and_slide() {
        let app = Uuid::new_v4();
        let mut throttle = Throttle::new(ThrottleMode::Scaled(1.0), Uuid::nil(), 1000);
        let start = Instant::now();
        let write = Cost { units: 1, writes: 1 };
        for i in 0..3_000u32 {
            // Spread so the 8,000-unit window is never the limit.
            let at = start + Duration::from_millis(u64::from(i) * 10);
            assert_eq!(throttle.admit(at, app, write), Ok(()), "write {i}");
        }
        let at = start + Duration::from_secs(30);
        let refused = throttle.admit(at, app, write).unwrap_err();
        assert_eq!(refused.information, "WriteLimitExceeded");
        assert!(refused.scope.starts_with("Tenant_Application/ReadWrite/"));
        // The first write leaves the window 150 s after it was made.
        assert_eq!(refused.retry_after, Duration::from_secs(120));
        assert_eq!(
            throttle.admit(start + Duration::from_secs(150), app, write),
            Ok(())
        );
    }

    #[test]
    fn units_are_per_app_and_a_refusal_costs_nothing() {
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let mut throttle = Throttle::new(ThrottleMode::Scaled(1.0), Uuid::nil(), 10);
        let now = Instant::now();
        let read = Cost { units: 3, writes: 0 };
        for _ in 0..1_166 {
            throttle.admit(now, a, read).unwrap();
        }
        // 3,498 of 3,500 used: another 3 do not fit, 2 do.
        let refused = throttle.admit(now, a, read).unwrap_err();
        assert_eq!(refused.information, "ResourceUnitLimitExceeded");
        assert_eq!(refused.retry_after, Duration::from_secs(10));
        assert!(throttle.admit(now, a, Cost { units: 2, writes: 0 }).is_ok());
        assert!(
            throttle.admit(now, b, read).is_ok(),
            "another app has its own window"
        );
    }

    #[test]
    fn the_tenant_write_limit_spans_apps() {
        let mut throttle = Throttle::new(ThrottleMode::Scaled(1.0), Uuid::nil(), 1000);
        let start = Instant::now();
        let write = Cost { units: 1, writes: 1 };
        let apps: Vec<Uuid> = (0..7).map(|_| Uuid::new_v4()).collect();
        let mut admitted = 0;
        for (n, app) in apps.iter().enumerate() {
            for i in 0..3_000u64 {
                let at = start + Duration::from_millis(n as u64 * 30_000 + i * 5);
                if throttle.admit(at, *app, write).is_ok() {
                    admitted += 1;
                }
            }
        }
        assert_eq!(admitted, 18_000);
        let refused = throttle
            .admit(start + Duration::from_secs(211), apps[6], write)
            .unwrap_err();
        assert_eq!(refused.scope, format!("Tenant/ReadWrite/{}", Uuid::nil()));
    }

    #[test]
    fn a_time_scale_shortens_the_windows() {
        let app = Uuid::new_v4();
        let mut throttle = Throttle::new(ThrottleMode::Scaled(0.01), Uuid::nil(), 1000);
        let start = Instant::now();
        for i in 0..3_000u64 {
            throttle
                .admit(
                    start + Duration::from_micros(i),
                    app,
                    Cost { units: 1, writes: 1 },
                )
                .unwrap();
        }
        let refused = throttle
            .admit(
                start + Duration::from_millis(500),
                app,
                Cost { units: 1, writes: 1 },
            )
            .unwrap_err();
        assert_eq!(refused.retry_after, Duration::from_millis(1000));
    }

    #[test]
    fn off_never_throttles() {
        let mut throttle = Throttle::new(ThrottleMode::Off, Uuid::nil(), 10);
        let now = Instant::now();
        for _ in 0..10_000 {
            throttle
                .admit(now, Uuid::nil(), Cost { units: 5, writes: 1 })
                .unwrap();
        }
    }
}
