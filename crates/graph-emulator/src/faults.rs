//! Injected trouble, drawn from the seeded generator so a run can be
//! repeated exactly: 503 and 504 answers (with and without `Retry-After`,
//! before the request is carried out, or after: the case a careless retry
//! doubles), dropped connections (before the change is made, or after it is
//! made and before the answer leaves), slow answers, 503/504 answers to
//! requests inside a `$batch` after they were carried out, and `$batch`
//! answers without `responses` (what a proxy's page looks like).

use std::time::Duration;

use rand::Rng;

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FaultSpec {
    /// Share of requests answered 503 or 504.
    pub server_errors: f64,
    /// Share of connections dropped without an answer.
    pub drops: f64,
    /// Share of answers held back by `slow_by`.
    pub slow: f64,
    pub slow_by: Duration,
    /// Share of requests carried out, then answered 503 or 504.
    pub server_errors_after: f64,
    /// Share of `$batch` requests carried out, then answered 200 without
    /// `responses`.
    pub hollow_batches: f64,
    /// Share of requests inside a `$batch` carried out, then answered 503
    /// or 504 inside the batch's answer.
    pub inner_server_errors: f64,
}

impl std::str::FromStr for FaultSpec {
    type Err = String;

    /// `5xx=0.1,drop=0.02,slow=0.05:3000,5xx-after=0.01,no-responses=0.01,inner-5xx=0.05`
    /// (shares of requests; slow takes milliseconds after the colon). `none`
    /// is no faults.
    fn from_str(text: &str) -> Result<Self, String> {
        let mut spec = FaultSpec {
            slow_by: Duration::from_secs(3),
            ..FaultSpec::default()
        };
        if text.trim() == "none" {
            return Ok(spec);
        }
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, value) = part
                .split_once('=')
                .ok_or_else(|| format!("'{part}' is not name=share"))?;
            let (share, extra) = match value.split_once(':') {
                Some((share, extra)) => (share, Some(extra)),
                None => (value, None),
            };
            let share: f64 = share
                .parse()
                .ok()
                .filter(|s| (0.0..=1.0).contains(s))
                .ok_or_else(|| format!("'{share}' in '{part}' is not a share between 0 and 1"))?;
            match name {
                "5xx" => spec.server_errors = share,
                "drop" => spec.drops = share,
                "slow" => {
                    spec.slow = share;
                    if let Some(ms) = extra {
                        let ms: u64 = ms
                            .parse()
                            .map_err(|_| format!("'{ms}' in '{part}' is not milliseconds"))?;
                        spec.slow_by = Duration::from_millis(ms);
                    }
                }
                "5xx-after" => spec.server_errors_after = share,
                "no-responses" => spec.hollow_batches = share,
                "inner-5xx" => spec.inner_server_errors = share,
                other => {
                    return Err(format!(
                        "unknown fault '{other}': use 5xx, drop, slow, 5xx-after, no-responses or inner-5xx"
                    ))
                }
            }
        }
        if spec.server_errors + spec.drops + spec.slow + spec.server_errors_after > 1.0 {
            return Err("the shares add up to more than 1".to_owned());
        }
        Ok(spec)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    ServiceUnavailable {
        retry_after: Option<u64>,
    },
    GatewayTimeout,
    /// Carried out, then answered 503 (or 504 when `gateway`).
    ServerErrorAfter {
        gateway: bool,
    },
    DropBefore,
    DropAfter,
    Slow(Duration),
}

impl FaultSpec {
    pub fn draw(&self, rng: &mut impl Rng) -> Option<Fault> {
        let roll: f64 = rng.gen();
        if roll < self.server_errors {
            return Some(match rng.gen_range(0..3) {
                0 => Fault::ServiceUnavailable {
                    retry_after: Some(rng.gen_range(1..=3)),
                },
                1 => Fault::ServiceUnavailable { retry_after: None },
                _ => Fault::GatewayTimeout,
            });
        }
        if roll < self.server_errors + self.drops {
            return Some(if rng.gen_bool(0.5) {
                Fault::DropBefore
            } else {
                Fault::DropAfter
            });
        }
        if roll < self.server_errors + self.drops + self.slow {
            return Some(Fault::Slow(self.slow_by));
        }
        if roll < self.server_errors + self.drops + self.slow + self.server_errors_after {
            return Some(Fault::ServerErrorAfter {
                gateway: rng.gen_bool(0.5),
            });
        }
        None
    }

    /// Whether a `$batch` is answered without `responses`. Draws nothing
    /// unless asked for, so other faults repeat from the same seed.
    pub fn draw_hollow_batch(&self, rng: &mut impl Rng) -> bool {
        self.hollow_batches > 0.0 && rng.gen_bool(self.hollow_batches)
    }

    /// The fault, if any, for one request inside a `$batch`.
    pub fn draw_inner(&self, rng: &mut impl Rng) -> Option<Fault> {
        (self.inner_server_errors > 0.0 && rng.gen_bool(self.inner_server_errors)).then(|| {
            Fault::ServerErrorAfter {
                gateway: rng.gen_bool(0.5),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn parses_the_spec() {
        let spec: FaultSpec = "5xx=0.1, drop=0.02,slow=0.05:250".parse().unwrap();
        assert_eq!(spec.server_errors, 0.1);
        assert_eq!(spec.drops, 0.02);
        assert_eq!(spec.slow, 0.05);
        assert_eq!(spec.slow_by, Duration::from_millis(250));
        assert!("5xx=2".parse::<FaultSpec>().is_err());
        assert!("boom=0.1".parse::<FaultSpec>().is_err());
        assert!("5xx=0.6,drop=0.6".parse::<FaultSpec>().is_err());
        let spec: FaultSpec = "5xx-after=0.2,no-responses=1,inner-5xx=0.5".parse().unwrap();
        assert_eq!(spec.server_errors_after, 0.2);
        assert_eq!(spec.hollow_batches, 1.0);
        assert_eq!(spec.inner_server_errors, 0.5);
        assert_eq!("none".parse::<FaultSpec>().unwrap().server_errors, 0.0);
    }

    #[test]
    fn draws_about_the_asked_shares_and_repeats_from_a_seed() {
        let spec: FaultSpec = "5xx=0.1,drop=0.02".parse().unwrap();
        let draws = |seed| {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
            (0..10_000).map(|_| spec.draw(&mut rng)).collect::<Vec<_>>()
        };
        let first = draws(7);
        assert_eq!(first, draws(7));
        let errors = first
            .iter()
            .filter(|f| matches!(f, Some(Fault::ServiceUnavailable { .. } | Fault::GatewayTimeout)))
            .count();
        let drops = first
            .iter()
            .filter(|f| matches!(f, Some(Fault::DropBefore | Fault::DropAfter)))
            .count();
        assert!((800..1200).contains(&errors), "{errors}");
        assert!((120..280).contains(&drops), "{drops}");
    }
}
