//! Times `read` on a generated 50,000-user admin center export (median of
//! five runs) and reports how large the result is.
//!
//! `cargo run --release -p license-desk-files --example parse_bench`

use std::time::{Duration, Instant};

use license_desk_files::{read, Imported, ADMIN_CENTER_HEADER};

const USERS: usize = 50_000;
const RUNS: usize = 5;

const LICENCE_CELLS: &[&str] = &[
    "Microsoft 365 Business Premium",
    "Microsoft 365 Business Basic+Microsoft Power Automate Free",
    "Office 365 E3+Enterprise Mobility + Security E5",
    "Visio Plan 2+Microsoft Fabric (Free)+Microsoft Power Automate Free+Microsoft 365 Business Standard",
    "Unlicensed",
    "Microsoft 365 E5+Microsoft Copilot for Microsoft 365",
    "\"Windows 365 Business 16 vCPU, 64 GB, 1 TB+Microsoft 365 E3\"",
];

fn export() -> String {
    let mut text = format!("\u{feff}{}\r\n", ADMIN_CENTER_HEADER.join(","));
    for index in 0..USERS {
        let licences = LICENCE_CELLS[index % LICENCE_CELLS.len()];
        let blocked = if index % 17 == 0 { "True" } else { "False" };
        text.push_str(&format!(
            "User {index},False,user{index}@contoso.com,{:08x}-3651-425f-810a-56e0fb00287a,User,{index},2022-03-18 19:49:35Z,,Engineer,Sales,EUR,Stockholm,Sweden,HQ,,SE,,{blocked},{licences},False,2022-03-18 19:49:35Z,+46 70 000 00 00,,111 22,sv-SE,\"Storgatan 1, 4 tr\",,SMTP:user{index}@contoso.com+smtp:u{index}@contoso.onmicrosoft.com\r\n",
            index
        ));
    }
    text
}

/// Heap bytes the result holds, counted from its contents.
fn result_bytes(imported: &Imported) -> usize {
    let text = |value: &Option<String>| value.as_ref().map_or(0, String::capacity);
    let users: usize = imported
        .users
        .iter()
        .map(|user| {
            std::mem::size_of_val(user)
                + user.user_principal_name.capacity()
                + text(&user.display_name)
                + text(&user.usage_location)
                + user
                    .licenses
                    .iter()
                    .map(|license| std::mem::size_of_val(license) + license.raw.capacity())
                    .sum::<usize>()
        })
        .sum();
    let products: usize = imported
        .products
        .iter()
        .map(|p| std::mem::size_of_val(p) + p.raw.capacity())
        .sum();
    users + products
}

fn peak_resident_megabytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kilobytes: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes / 1024)
}

fn main() {
    let text = export();
    println!(
        "generated {USERS} users, {:.1} MB of CSV",
        text.len() as f64 / 1e6
    );
    let mut times: Vec<Duration> = Vec::new();
    let mut last = None;
    for _ in 0..RUNS {
        let started = Instant::now();
        let imported = match read(text.as_bytes(), "bench.csv") {
            Ok(imported) => imported,
            Err(error) => {
                eprintln!("refused: {error}");
                std::process::exit(1);
            }
        };
        times.push(started.elapsed());
        last = Some(imported);
    }
    times.sort();
    let Some(imported) = last else { return };
    println!(
        "read: median {:.0} ms over {RUNS} runs (min {:.0} ms, max {:.0} ms); {} users, {} products",
        times[RUNS / 2].as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[RUNS - 1].as_secs_f64() * 1e3,
        imported.users.len(),
        imported.products.len(),
    );
    println!(
        "result: about {:.1} MB on the heap",
        result_bytes(&imported) as f64 / 1e6
    );
    if let Some(peak) = peak_resident_megabytes() {
        println!("peak resident memory of this process: {peak} MB");
    }
}
