//! The crash soak, shared by `examples/soak.rs` (the long run) and
//! `tests/soak.rs` (the small one CI runs).
//!
//! It drives the real binaries exactly as an admin's script and a flaky
//! world would: the `graph-emulator` binary serves a generated tenant with
//! `--state FILE`, injected faults and throttling; `license-desk unassign
//! --all-holders` removes Business Premium (SPB) from every holder and is
//! killed with SIGKILL at seeded random moments, then `license-desk resume`
//! continues it, killed too, until the kills set aside for the removal are
//! spent and a last resume finishes it; `license-desk undo` then puts every
//! license back, killed the same way and continued with `license-desk
//! resume <undo run>`. Meanwhile the emulator itself is killed (SIGKILL)
//! and started again on the same port with the same state file, and every
//! access token is expired every few seconds through the emulator's
//! control surface.
//!
//! How changes are counted: each emulator process writes its own request
//! log (`--log`, one file per process, one line per Graph request, written
//! as the request is answered, so a killed emulator's file survives it).
//! The soak reads them all; a change is a `POST …/users/{id}/assignLicense`
//! answered 200, inside a `$batch` or not, including those whose answer
//! was then lost on purpose (the emulator logs a change it made before it
//! drops the answer). The removal's changes are the lines written until its
//! run finished; the undo's are the lines after. The in-memory log
//! (`/_emulator/log`) would not do: it dies with each emulator process. The
//! state file alone would not do either: it shows the tenant, not how often
//! a change was made.
//!
//! One gap between the two, closed at every emulator kill: the emulator
//! logs a change only after saving it, and saving ends by syncing the
//! state file's folder (milliseconds), so a SIGKILL often lands after a
//! change is in the state file and before its log line. Before starting
//! the emulator again the soak reads the dead process's state file (its
//! `tenant`) and compares each holder's license with what it was when the
//! phase began and what the logged changes of the phase say; a change the state shows and no log line
//! does is counted once, as made at the kill ("reconciled" in the
//! figures). A change repeated in that same instant would not show; one
//! the log holds and the state does not is reported as a problem.
//!
//! What it asserts: every holder's license removed exactly once and put
//! back exactly once, nobody else's touched; after the removal no holder
//! still holds it directly and every other license is as it was; after the
//! undo every user's licenses (sorted, disabled plans sorted) equal the
//! start; both runs' records finished with every item done; no panic, no
//! run that could not be resumed. Problems are collected, not asserted
//! here, so the caller prints them all with the figures.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use graph_emulator::apps::{APP_ONLY_CLIENT_ID, APP_ONLY_SECRET};
use graph_emulator::catalog;
use graph_emulator::model::Tenant;
use license_desk_engine::journal::{self, Outcome, Record, RunKind};
use serde::Deserialize;
use uuid::Uuid;

/// What to run.
#[derive(Debug, Clone)]
pub struct Soak {
    pub users: usize,
    /// SIGKILLs of `license-desk`: half for the removal, the rest (and any
    /// the removal could not use) for the undo.
    pub kills: usize,
    /// Emulator kills and restarts, at random points of the runs.
    pub restarts: usize,
    /// Every access token expired this often (`None`: never).
    pub expire_every: Option<Duration>,
    /// The emulator's `--faults`.
    pub faults: String,
    /// The emulator's `--throttle`: `realistic`, `off` or a time scale.
    pub throttle: String,
    /// The emulator's `--latency-ms`.
    pub latency_ms: u64,
    /// Seeds the tenant, the emulator's faults and every choice the soak
    /// makes (when to kill, when to restart). Process timing still varies.
    pub seed: u64,
    pub license_desk: PathBuf,
    pub graph_emulator: PathBuf,
    /// Work folder: state file, request logs, journals, processes' output.
    pub dir: PathBuf,
    /// The whole soak gives up after this long.
    pub time_limit: Duration,
    /// Say what happens on standard error as it happens.
    pub verbose: bool,
}

impl Soak {
    pub fn new(license_desk: PathBuf, graph_emulator: PathBuf, dir: PathBuf) -> Self {
        Self {
            users: 300,
            kills: 6,
            restarts: 1,
            expire_every: Some(Duration::from_millis(500)),
            faults: "5xx=0.1,drop=0.02".to_owned(),
            throttle: "realistic".to_owned(),
            latency_ms: 40,
            seed: 1,
            license_desk,
            graph_emulator,
            dir,
            time_limit: Duration::from_secs(3600),
            verbose: false,
        }
    }
}

/// The build's output folder of the running program (`target/<profile>`),
/// from an example (`…/examples/soak`) or a test (`…/deps/soak-…`).
pub fn profile_dir() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot tell where this program is: {e}"))?;
    let mut dir = exe.parent().ok_or("this program has no folder")?.to_path_buf();
    if dir.file_name().is_some_and(|n| n == "examples" || n == "deps") {
        dir.pop();
    }
    Ok(dir)
}

/// `name` built in `dir`, or a message saying how to build it.
pub fn binary(dir: &Path, name: &str, build: &str) -> Result<PathBuf, String> {
    let path = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "{} is missing: build it first with `{build}`",
            path.display()
        ))
    }
}

/// The figures of one soak.
#[derive(Debug, Default, Clone)]
pub struct Figures {
    pub users: usize,
    /// Users holding the product directly at the start.
    pub holders: usize,
    pub kills_removal: usize,
    pub kills_undo: usize,
    pub restarts: usize,
    pub token_expiries: u64,
    pub wall: Duration,
    pub removal_wall: Duration,
    pub undo_wall: Duration,
    pub writes_removal: usize,
    pub writes_undo: usize,
    /// Graph requests answered 429 (inner requests of a batch included).
    pub throttled: usize,
    /// Graph requests answered 5xx or dropped without an answer.
    pub server_errors: usize,
    pub requests: usize,
    pub processes: usize,
    /// How the `license-desk` processes that were not killed ended.
    pub exits: BTreeMap<String, usize>,
    /// Runs found cut short before anything was sent (killed while writing
    /// their plan) and started again.
    pub started_again: usize,
    /// Changes found in a killed emulator's state file with no log line.
    pub reconciled: usize,
}

impl Figures {
    pub fn table(&self) -> String {
        let exits: Vec<String> = self.exits.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        let rows = [
            ("users", self.users.to_string()),
            ("holders (SPB, direct)", self.holders.to_string()),
            (
                "kills (removal + undo)",
                format!(
                    "{} ({} + {})",
                    self.kills_removal + self.kills_undo,
                    self.kills_removal,
                    self.kills_undo
                ),
            ),
            ("emulator restarts", self.restarts.to_string()),
            ("token expiries", self.token_expiries.to_string()),
            (
                "wall time",
                format!(
                    "{:.1} s (removal {:.1} s, undo {:.1} s)",
                    self.wall.as_secs_f64(),
                    self.removal_wall.as_secs_f64(),
                    self.undo_wall.as_secs_f64()
                ),
            ),
            (
                "writes (removal + undo)",
                format!(
                    "{} ({} + {})",
                    self.writes_removal + self.writes_undo,
                    self.writes_removal,
                    self.writes_undo
                ),
            ),
            ("429s", self.throttled.to_string()),
            ("5xx or dropped", self.server_errors.to_string()),
            ("Graph requests", self.requests.to_string()),
            ("license-desk processes", self.processes.to_string()),
            ("exits not killed", exits.join(", ")),
            ("runs started again", self.started_again.to_string()),
            ("writes reconciled at emulator kills", self.reconciled.to_string()),
        ];
        let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        let mut out = String::new();
        for (key, value) in rows {
            let _ = writeln!(out, "| {key:<width$} | {value} |");
        }
        out
    }
}

/// What a soak found.
#[derive(Debug, Clone)]
pub struct Report {
    pub figures: Figures,
    /// Every way the product failed the soak; empty when it passed.
    pub problems: Vec<String>,
    pub dir: PathBuf,
}

/// Runs the soak. `Err` only when it could not be set up or carried out
/// (a binary missing, the emulator never started); what the product got
/// wrong is in the report's problems.
pub fn run(soak: &Soak) -> Result<Report, String> {
    std::fs::create_dir_all(&soak.dir).map_err(|e| format!("cannot create {}: {e}", soak.dir.display()))?;
    let started = Instant::now();
    let mut world = World::start(soak)?;
    let result = world.soak();
    world.stop_expiring();
    world.figures.wall = started.elapsed();
    world.figures.token_expiries = world.expiries.load(Ordering::SeqCst);
    world.logs.finish_file();
    world.count_requests();
    world.emulator.kill();
    if let Err(problem) = result {
        world.problems.push(problem);
    }
    Ok(Report {
        figures: world.figures,
        problems: world.problems,
        dir: soak.dir.clone(),
    })
}

/// splitmix64: small, seeded, good enough to pick moments.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// In `low..=high`.
    fn between(&mut self, low: u64, high: u64) -> u64 {
        if high <= low {
            return low;
        }
        low + self.next() % (high - low + 1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// A small HTTP/1.1 client for the emulator's control surface.
fn http(base_url: &str, method: &str, path: &str) -> Result<(u16, Vec<u8>), String> {
    let host = base_url
        .strip_prefix("http://")
        .ok_or_else(|| format!("{base_url} is not an http:// address"))?;
    let address: SocketAddr = host.parse().map_err(|e| format!("{host}: {e}"))?;
    let io = |e: std::io::Error| format!("{method} {path}: {e}");
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(2)).map_err(io)?;
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .map_err(io)?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
    )
    .map_err(io)?;
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).map_err(io)?;
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| format!("{method} {path}: no HTTP answer"))?;
    let head = String::from_utf8_lossy(&bytes[..end]).to_ascii_lowercase();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("{method} {path}: no status in {head}"))?;
    let body = bytes[end + 4..].to_vec();
    let body = if head.contains("transfer-encoding: chunked") {
        dechunk(&body)
    } else {
        body
    };
    Ok((status, body))
}

fn dechunk(mut bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = bytes.windows(2).position(|w| w == b"\r\n") {
        let size = std::str::from_utf8(&bytes[..line_end])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next().unwrap_or("").trim(), 16).ok())
            .unwrap_or(0);
        bytes = &bytes[line_end + 2..];
        if size == 0 || bytes.len() < size {
            break;
        }
        out.extend_from_slice(&bytes[..size]);
        bytes = bytes.get(size + 2..).unwrap_or_default();
    }
    out
}

/// One line of the emulator's request log, as much as the soak needs.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LogLine {
    method: String,
    path: String,
    status: u16,
}

/// Every emulator process's request log, read as it grows.
#[derive(Default)]
struct Logs {
    current: Option<PathBuf>,
    offset: u64,
    pending: Vec<u8>,
    /// Users changed, in the order the changes were logged.
    writes: Vec<Uuid>,
    requests: usize,
    throttled: usize,
    server_errors: usize,
}

impl Logs {
    fn follow(&mut self, path: PathBuf) {
        self.finish_file();
        self.current = Some(path);
        self.offset = 0;
        self.pending.clear();
    }

    /// Reads the lines written since the last poll.
    fn poll(&mut self) {
        let Some(path) = &self.current else { return };
        let Ok(mut file) = std::fs::File::open(path) else {
            return;
        };
        if file.seek(SeekFrom::Start(self.offset)).is_err() {
            return;
        }
        let mut bytes = Vec::new();
        if let Ok(read) = file.read_to_end(&mut bytes) {
            self.offset += read as u64;
        }
        self.pending.extend_from_slice(&bytes);
        while let Some(end) = self.pending.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=end).collect();
            self.take(&line[..end]);
        }
    }

    /// The current file is done with (its emulator is dead): a last line
    /// whose `\n` never came is still a whole entry if it parses.
    fn finish_file(&mut self) {
        self.poll();
        let rest = std::mem::take(&mut self.pending);
        if !rest.is_empty() {
            self.take(&rest);
        }
    }

    fn take(&mut self, line: &[u8]) {
        let Ok(entry) = serde_json::from_slice::<LogLine>(line) else {
            return;
        };
        self.requests += 1;
        match entry.status {
            429 => self.throttled += 1,
            0 | 500..=599 => self.server_errors += 1,
            _ => {}
        }
        if entry.method == "POST" && entry.status == 200 {
            let segments: Vec<&str> = entry.path.trim_matches('/').split('/').collect();
            if let ["v1.0", "users", user, last] = segments.as_slice() {
                if last.eq_ignore_ascii_case("assignLicense") {
                    if let Ok(user) = Uuid::parse_str(user) {
                        self.writes.push(user);
                    }
                }
            }
        }
    }
}

/// A running `graph-emulator` process.
struct Emulator {
    child: Child,
    base_url: String,
}

impl Emulator {
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.kill();
    }
}

/// When to kill a `license-desk` process.
#[derive(Debug, Clone, Copy)]
enum Trigger {
    /// This long after it started: often while it signs in, reads the
    /// tenant, writes its plan or checks what was in flight.
    After(Duration),
    /// Once this many more changes are logged, or after `at_most` (while
    /// it waits on a throttle or a dead emulator).
    Writes { count: usize, at_most: Duration },
}

enum Ended {
    Killed,
    Exited(ExitStatus),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Phase {
    Removal,
    Undo { of: Uuid },
}

type Licenses = BTreeMap<Uuid, Vec<(Uuid, Vec<Uuid>)>>;

/// Each user's direct licenses, sorted, disabled plans sorted.
fn licenses(tenant: &Tenant) -> Licenses {
    tenant
        .users
        .iter()
        .map(|user| {
            let mut held: Vec<(Uuid, Vec<Uuid>)> = user
                .assigned_licenses
                .iter()
                .map(|l| {
                    let mut disabled = l.disabled_plans.clone();
                    disabled.sort_unstable();
                    (l.sku_id, disabled)
                })
                .collect();
            held.sort();
            (user.id, held)
        })
        .collect()
}

/// The users holding `sku` directly.
fn holding(licenses: &Licenses, sku: Uuid) -> BTreeSet<Uuid> {
    licenses
        .iter()
        .filter(|(_, held)| held.iter().any(|(s, _)| *s == sku))
        .map(|(user, _)| *user)
        .collect()
}

struct World<'a> {
    soak: &'a Soak,
    rng: Rng,
    port: u16,
    emulator: Emulator,
    incarnation: usize,
    logs: Logs,
    /// Total changes at which the emulator is restarted next, soonest last.
    restart_at: Vec<usize>,
    expiries: Arc<AtomicU64>,
    expiring: Arc<AtomicBool>,
    expirer: Option<std::thread::JoinHandle<()>>,
    journals: PathBuf,
    tenant_id: Uuid,
    figures: Figures,
    problems: Vec<String>,
    /// Runs cut short before sending anything, given up for a fresh start.
    abandoned: BTreeSet<Uuid>,
    /// Users holding the product directly at the start.
    holders: BTreeSet<Uuid>,
    /// The phase under way and where its changes start in `logs.writes`.
    phase: Option<(Phase, usize)>,
    /// The holders who held the product directly when the phase began.
    held_at_phase_start: BTreeSet<Uuid>,
    /// How long the last process took to its first change (to aim kills
    /// at what comes before: sign-in, reading, planning, checking).
    time_to_first_write: Duration,
    deadline: Instant,
}

impl<'a> World<'a> {
    fn start(soak: &'a Soak) -> Result<World<'a>, String> {
        let mut world_rng = Rng(soak.seed ^ 0x5eed_50a6);
        let _ = world_rng.next();
        let journals = soak.dir.join("runs");
        let (emulator, port) = spawn_emulator(soak, 0, 0)?;
        let mut world = World {
            soak,
            rng: world_rng,
            port,
            emulator,
            incarnation: 0,
            logs: Logs::default(),
            restart_at: Vec::new(),
            expiries: Arc::default(),
            expiring: Arc::new(AtomicBool::new(true)),
            expirer: None,
            journals,
            tenant_id: Uuid::nil(),
            figures: Figures {
                users: soak.users,
                ..Figures::default()
            },
            problems: Vec::new(),
            abandoned: BTreeSet::new(),
            holders: BTreeSet::new(),
            phase: None,
            held_at_phase_start: BTreeSet::new(),
            time_to_first_write: Duration::from_millis(500),
            deadline: Instant::now() + soak.time_limit,
        };
        world.logs.follow(log_path(soak, 0));
        Ok(world)
    }

    fn say(&self, what: impl AsRef<str>) {
        if self.soak.verbose {
            eprintln!("soak: {}", what.as_ref());
        }
    }

    fn tenant(&self) -> Result<Tenant, String> {
        let (status, body) = http(&self.emulator.base_url, "GET", "/_emulator/tenant")?;
        if status != 200 {
            return Err(format!("GET /_emulator/tenant answered {status}"));
        }
        serde_json::from_slice(&body).map_err(|e| format!("GET /_emulator/tenant: {e}"))
    }

    fn stop_expiring(&mut self) {
        self.expiring.store(false, Ordering::SeqCst);
        if let Some(expirer) = self.expirer.take() {
            let _ = expirer.join();
        }
    }

    fn count_requests(&mut self) {
        self.figures.requests = self.logs.requests;
        self.figures.throttled = self.logs.throttled;
        self.figures.server_errors = self.logs.server_errors;
    }

    fn soak(&mut self) -> Result<(), String> {
        let start = self.tenant()?;
        self.tenant_id = start.id;
        let sku = catalog::BUSINESS_PREMIUM.sku_id;
        let before = licenses(&start);
        let holders = holding(&before, sku);
        self.figures.users = start.users.len();
        self.figures.holders = holders.len();
        self.holders = holders.clone();
        self.held_at_phase_start = holders.clone();
        if holders.is_empty() {
            return Err("the generated tenant has no Business Premium holders".into());
        }
        self.say(format!(
            "tenant {} with {} users, {} hold SPB directly, at {}",
            start.id,
            start.users.len(),
            holders.len(),
            self.emulator.base_url
        ));
        let total = 2 * holders.len();
        let mut restart_at: Vec<usize> = (0..self.soak.restarts)
            .map(|_| {
                self.rng
                    .between((total / 20).max(1) as u64, (total * 9 / 10).max(1) as u64)
                    as usize
            })
            .collect();
        restart_at.sort_unstable_by(|a, b| b.cmp(a));
        self.restart_at = restart_at;
        self.start_expiring();

        // The removal.
        let removal_kills = self.soak.kills - self.soak.kills / 2;
        let phase_started = Instant::now();
        let (removal, unused) = self.phase(Phase::Removal, removal_kills, holders.len())?;
        self.figures.removal_wall = phase_started.elapsed();
        self.figures.kills_removal = removal_kills - unused;
        self.logs.poll();
        let removal_writes = self.logs.writes.len();
        self.figures.writes_removal = removal_writes;
        self.check_record(&removal, holders.len(), "the removal");
        let mut expected = before.clone();
        for user in &holders {
            if let Some(held) = expected.get_mut(user) {
                held.retain(|(s, _)| *s != sku);
            }
        }
        let after_removal = licenses(&self.tenant()?);
        self.held_at_phase_start = holding(&after_removal, sku);
        self.compare(&expected, &after_removal, "after the removal");
        let found = check_writes(&self.logs.writes[..removal_writes], &holders, "removed");
        self.problems.extend(found);

        // The undo, with what the removal left of the kills.
        let undo_kills = self.soak.kills / 2 + unused;
        let phase_started = Instant::now();
        let (undo, unused) = self.phase(Phase::Undo { of: removal.run }, undo_kills, holders.len())?;
        self.figures.undo_wall = phase_started.elapsed();
        self.figures.kills_undo = undo_kills - unused;
        self.logs.poll();
        self.figures.writes_undo = self.logs.writes.len() - removal_writes;
        self.check_record(&undo, holders.len(), "the undo");
        let after_undo = licenses(&self.tenant()?);
        self.compare(&before, &after_undo, "after the undo");
        let found = check_writes(&self.logs.writes[removal_writes..], &holders, "put back");
        self.problems.extend(found);
        self.figures.restarts = self.incarnation;
        Ok(())
    }

    fn start_expiring(&mut self) {
        let Some(every) = self.soak.expire_every else {
            return;
        };
        let (base_url, expiries, expiring) = (
            self.emulator.base_url.clone(),
            self.expiries.clone(),
            self.expiring.clone(),
        );
        self.expirer = Some(std::thread::spawn(move || {
            let mut next = Instant::now() + every;
            while expiring.load(Ordering::SeqCst) {
                if Instant::now() < next {
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                }
                next += every;
                // Refused while the emulator is down: that one does not count.
                if matches!(http(&base_url, "POST", "/_emulator/expire-tokens"), Ok((204, _))) {
                    expiries.fetch_add(1, Ordering::SeqCst);
                }
            }
        }));
    }

    /// Runs a phase to its end: the run is started, killed `kills` times
    /// and resumed until it finishes. Returns its record and the kills it
    /// could not use (the run ended first).
    fn phase(&mut self, phase: Phase, kills: usize, holders: usize) -> Result<(Record, usize), String> {
        let name = match phase {
            Phase::Removal => "removal",
            Phase::Undo { .. } => "undo",
        };
        let mut kills_left = kills;
        let writes_before = self.logs.writes.len();
        self.phase = Some((phase, writes_before));
        let mut run: Option<Uuid> = None;
        let attempts_allowed = kills + 60;
        for attempt in 1..=attempts_allowed {
            if Instant::now() > self.deadline {
                return Err(format!("the {name} did not finish within the soak's time limit"));
            }
            let args: Vec<String> = match (phase, run) {
                (Phase::Removal, None) => ["unassign", "--sku", "SPB", "--all-holders", "--yes"]
                    .map(String::from)
                    .to_vec(),
                (Phase::Undo { of }, None) => vec!["undo".into(), of.to_string(), "--yes".into()],
                (_, Some(run)) => vec!["resume".into(), run.to_string()],
            };
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let trigger = (kills_left > 0).then(|| {
                let done = self.logs.writes.len() - writes_before;
                self.trigger(holders.saturating_sub(done), kills_left)
            });
            self.say(format!(
                "{name} #{attempt}: license-desk {} (kill: {trigger:?})",
                args.join(" ")
            ));
            let ended = self.supervise(&args, trigger)?;
            match ended {
                Ended::Killed => {
                    kills_left -= 1;
                    self.say(format!("{name} #{attempt}: killed"));
                }
                Ended::Exited(status) => {
                    let word = match status.code() {
                        Some(code) => format!("exit {code}"),
                        None => format!("{status}"),
                    };
                    self.say(format!("{name} #{attempt}: {word}"));
                    *self.figures.exits.entry(word.clone()).or_default() += 1;
                    if !matches!(status.code(), Some(0 | 1 | 3)) {
                        self.problems.push(format!(
                            "`license-desk {}` ended with {word}; see {}",
                            args.join(" "),
                            self.output_path(self.figures.processes, "err").display()
                        ));
                    }
                }
            }
            let found = self.find_run(phase)?;
            if matches!(ended, Ended::Exited(status) if status.success())
                && !found.as_ref().is_some_and(Record::finished)
            {
                self.problems.push(format!(
                    "`license-desk {}` said everything was done (exit 0) but its run is not finished",
                    args.join(" ")
                ));
            }
            match found {
                None => run = None,
                Some(record) if record.finished() => return Ok((record, kills_left)),
                Some(record) if record.interrupted() => run = Some(record.run),
                Some(record) if record.damaged() && record.sent.is_empty() && record.outcomes.is_empty() => {
                    // Killed while writing its plan: nothing was sent, so
                    // the admin's way on is to start it again.
                    self.say(format!(
                        "{name}: run {} was cut short before sending; starting again",
                        record.run
                    ));
                    self.abandoned.insert(record.run);
                    self.figures.started_again += 1;
                    run = None;
                }
                Some(record) => {
                    return Err(format!(
                        "the {name}'s run {} cannot be continued: state {:?}, problems {:?}; journal {}",
                        record.run,
                        if record.damaged() { "damaged" } else { "cancelled" },
                        record.problems(),
                        self.journals.join(format!("{}.jsonl", record.run)).display()
                    ))
                }
            }
        }
        Err(format!(
            "the {name} did not finish after {attempts_allowed} processes (last run {run:?})"
        ))
    }

    /// The phase's run, from the journals (as `license-desk runs` reads them).
    fn find_run(&mut self, phase: Phase) -> Result<Option<Record>, String> {
        let (runs, _unreadable) = journal::list_all(&self.journals);
        // A journal unreadable from its first line was killed as it was
        // created: it names no run and sent nothing.
        let mut found: Vec<Record> = runs
            .into_iter()
            .map(|(_, record)| record)
            .filter(|r| !self.abandoned.contains(&r.run))
            .filter(|r| match phase {
                Phase::Removal => r.kind == RunKind::Unassign,
                Phase::Undo { of } => r.kind == RunKind::Undo && r.undoes == Some(of),
            })
            .collect();
        if found.len() > 1 {
            let ids: Vec<String> = found.iter().map(|r| r.run.to_string()).collect();
            return Err(format!("more than one run for one phase: {}", ids.join(", ")));
        }
        if let Some(record) = found.first() {
            if record.tenant != Some(self.tenant_id) {
                self.problems
                    .push(format!("run {} names tenant {:?}", record.run, record.tenant));
            }
        }
        Ok(found.pop())
    }

    fn trigger(&mut self, remaining: usize, kills_left: usize) -> Trigger {
        if self.rng.chance(30) {
            // Before its first change, as long as that took lately.
            let before_sending = self.time_to_first_write.as_millis() as u64;
            Trigger::After(Duration::from_millis(self.rng.between(0, before_sending)))
        } else {
            let spread = (2 * remaining / (kills_left + 1)).max(1) as u64;
            Trigger::Writes {
                count: self.rng.between(1, spread) as usize,
                at_most: Duration::from_millis(self.rng.between(2_000, 20_000)),
            }
        }
    }

    fn output_path(&self, process: usize, stream: &str) -> PathBuf {
        self.soak.dir.join(format!("license-desk-{process}.{stream}"))
    }

    /// Runs `license-desk args` until it exits or `trigger` kills it,
    /// restarting the emulator on the way when a restart is due.
    fn supervise(&mut self, args: &[&str], trigger: Option<Trigger>) -> Result<Ended, String> {
        self.figures.processes += 1;
        let process = self.figures.processes;
        let file = |stream: &str| {
            std::fs::File::create(self.output_path(process, stream)).map_err(|e| format!("{stream}: {e}"))
        };
        let mut child = Command::new(&self.soak.license_desk)
            .args(args)
            .args([
                "--local-tenant",
                &self.emulator.base_url,
                "--tenant",
                &self.tenant_id.to_string(),
                "--client-id",
                &APP_ONLY_CLIENT_ID.to_string(),
                "--journal-dir",
            ])
            .arg(&self.journals)
            .env("LICENSE_DESK_CLIENT_SECRET", APP_ONLY_SECRET)
            .stdin(Stdio::null())
            .stdout(file("out")?)
            .stderr(file("err")?)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", self.soak.license_desk.display()))?;
        let started = Instant::now();
        let writes_at_start = self.logs.writes.len();
        let mut first_write = None;
        let ended = loop {
            if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
                break Ended::Exited(status);
            }
            self.logs.poll();
            let writes = self.logs.writes.len();
            if writes > writes_at_start && first_write.is_none() {
                first_write = Some(started.elapsed());
                self.time_to_first_write = started.elapsed();
            }
            if self.restart_at.last().is_some_and(|at| writes >= *at) {
                self.restart_at.pop();
                self.restart_emulator()?;
            }
            if let Ok(Some(status)) = self.emulator.child.try_wait() {
                self.problems.push(format!(
                    "the emulator stopped by itself ({status}); started again"
                ));
                self.restart_emulator()?;
            }
            let fire = match trigger {
                None => false,
                Some(Trigger::After(after)) => started.elapsed() >= after,
                Some(Trigger::Writes { count, at_most }) => {
                    writes - writes_at_start >= count || started.elapsed() >= at_most
                }
            };
            if fire {
                let _ = child.kill();
                let status = child.wait().map_err(|e| e.to_string())?;
                // It may have ended on its own just before.
                break if status.code().is_some() {
                    Ended::Exited(status)
                } else {
                    Ended::Killed
                };
            }
            if Instant::now() > self.deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "`license-desk {}` was still running at the soak's time limit",
                    args.join(" ")
                ));
            }
            std::thread::sleep(Duration::from_millis(2));
        };
        let stderr = std::fs::read_to_string(self.output_path(process, "err")).unwrap_or_default();
        if stderr.contains("panicked") {
            self.problems.push(format!(
                "`license-desk {}` panicked: {}",
                args.join(" "),
                stderr
                    .lines()
                    .find(|l| l.contains("panicked"))
                    .unwrap_or_default()
            ));
        }
        Ok(ended)
    }

    /// Kills the emulator (SIGKILL) and starts it again on the same port
    /// with the same state file, after a moment's downtime.
    fn restart_emulator(&mut self) -> Result<(), String> {
        self.emulator.kill();
        self.logs.finish_file();
        self.reconcile()?;
        self.incarnation += 1;
        let downtime = Duration::from_millis(self.rng.between(0, 800));
        self.say(format!(
            "emulator killed after {} changes; down for {} ms",
            self.logs.writes.len(),
            downtime.as_millis()
        ));
        std::thread::sleep(downtime);
        let (emulator, port) = spawn_emulator(self.soak, self.port, self.incarnation)?;
        if port != self.port || emulator.base_url != self.emulator.base_url {
            return Err(format!("the emulator came back at {} instead", emulator.base_url));
        }
        self.emulator = emulator;
        self.logs.follow(log_path(self.soak, self.incarnation));
        Ok(())
    }

    /// Counts the changes a killed emulator saved and never logged (see
    /// the module's doc): each holder's license in its state file against
    /// what the phase's logged changes say.
    fn reconcile(&mut self) -> Result<(), String> {
        let Some((_, start)) = self.phase else {
            return Ok(());
        };
        let path = self.soak.dir.join("tenant.json");
        let text = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut state: serde_json::Value =
            serde_json::from_slice(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let tenant: Tenant = serde_json::from_value(state["tenant"].take())
            .map_err(|e| format!("the tenant in {}: {e}", path.display()))?;
        let sku = catalog::BUSINESS_PREMIUM.sku_id;
        let logged: BTreeSet<Uuid> = self.logs.writes[start..].iter().copied().collect();
        let mut missed = Vec::new();
        for user in &tenant.users {
            if !self.holders.contains(&user.id) {
                continue;
            }
            let holds = user.assigned_licenses.iter().any(|l| l.sku_id == sku);
            let changed = holds != self.held_at_phase_start.contains(&user.id);
            match (changed, logged.contains(&user.id)) {
                (true, false) => missed.push(user.id),
                (false, true) => self.problems.push(format!(
                    "the emulator logged a change for {} that its state file does not hold",
                    user.id
                )),
                _ => {}
            }
        }
        self.say(format!(
            "{} changes saved and not logged at the kill",
            missed.len()
        ));
        self.figures.reconciled += missed.len();
        self.logs.writes.extend(missed);
        Ok(())
    }

    fn check_record(&mut self, record: &Record, holders: usize, what: &str) {
        let done = record.outcomes.values().filter(|o| **o == Outcome::Done).count();
        let other: Vec<String> = record
            .outcomes
            .iter()
            .filter(|(_, o)| **o != Outcome::Done)
            .take(5)
            .map(|(i, o)| format!("item {i}: {o:?}"))
            .collect();
        if done != holders || !other.is_empty() || !record.problems().is_empty() {
            self.problems.push(format!(
                "{what}'s record (run {}): {done} done of {holders} holders; other outcomes {other:?}; problems {:?}",
                record.run,
                record.problems()
            ));
        }
    }

    fn compare(&mut self, expected: &Licenses, actual: &Licenses, when: &str) {
        let mut differ = Vec::new();
        for (user, want) in expected {
            match actual.get(user) {
                Some(have) if have == want => {}
                have => differ.push(format!("{user}: expected {want:?}, found {have:?}")),
            }
        }
        differ.extend(
            actual
                .keys()
                .filter(|u| !expected.contains_key(u))
                .map(|u| format!("{u}: a user that was not there")),
        );
        if !differ.is_empty() {
            self.problems.push(format!(
                "{when}, {} users' licenses are not as they should be: {}",
                differ.len(),
                differ.iter().take(5).cloned().collect::<Vec<_>>().join("; ")
            ));
        }
    }
}

/// Each holder changed exactly once, nobody else at all.
fn check_writes(writes: &[Uuid], holders: &BTreeSet<Uuid>, done: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut counts: BTreeMap<Uuid, usize> = BTreeMap::new();
    for user in writes {
        *counts.entry(*user).or_default() += 1;
    }
    let lost: Vec<String> = holders
        .iter()
        .filter(|u| !counts.contains_key(u))
        .map(Uuid::to_string)
        .collect();
    let repeated: Vec<String> = counts
        .iter()
        .filter(|(u, n)| holders.contains(u) && **n > 1)
        .map(|(u, n)| format!("{u} ×{n}"))
        .collect();
    let strays: Vec<String> = counts
        .iter()
        .filter(|(u, _)| !holders.contains(u))
        .map(|(u, n)| format!("{u} ×{n}"))
        .collect();
    for (list, what) in [
        (lost, format!("never {done} (no successful write logged)")),
        (repeated, format!("{done} more than once")),
        (strays, format!("{done} but never held the product")),
    ] {
        if !list.is_empty() {
            problems.push(format!(
                "{} users {what}: {}{}",
                list.len(),
                list.iter().take(10).cloned().collect::<Vec<_>>().join(", "),
                if list.len() > 10 { ", …" } else { "" }
            ));
        }
    }
    problems
}

fn log_path(soak: &Soak, incarnation: usize) -> PathBuf {
    soak.dir.join(format!("requests-{incarnation}.jsonl"))
}

/// Starts the emulator binary (`port` 0: any free port) and waits for it
/// to say its address. A port not yet free is tried again for a while.
fn spawn_emulator(soak: &Soak, port: u16, incarnation: usize) -> Result<(Emulator, u16), String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let stderr = std::fs::File::create(soak.dir.join(format!("emulator-{incarnation}.err")))
            .map_err(|e| e.to_string())?;
        let mut child = Command::new(&soak.graph_emulator)
            .args(["--port", &port.to_string()])
            .args(["--users", &soak.users.to_string()])
            .args(["--seed", &soak.seed.to_string()])
            .args(["--latency-ms", &soak.latency_ms.to_string()])
            .args(["--throttle", &soak.throttle])
            .args(["--faults", &soak.faults])
            .arg("--state")
            .arg(soak.dir.join("tenant.json"))
            .arg("--log")
            .arg(log_path(soak, incarnation))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", soak.graph_emulator.display()))?;
        let mut line = String::new();
        if let Some(stdout) = child.stdout.take() {
            let _ = BufReader::new(stdout).read_line(&mut line);
        }
        let base_url = line.trim().to_owned();
        if base_url.starts_with("http://") {
            let port = base_url
                .rsplit(':')
                .next()
                .and_then(|p| p.parse().ok())
                .ok_or_else(|| format!("no port in {base_url}"))?;
            return Ok((Emulator { child, base_url }, port));
        }
        let _ = child.kill();
        let _ = child.wait();
        if Instant::now() > deadline {
            let why = std::fs::read_to_string(soak.dir.join(format!("emulator-{incarnation}.err")))
                .unwrap_or_default();
            return Err(format!("the emulator did not start: {}", why.trim()));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
