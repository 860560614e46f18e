//! Throughput of the checker on a directory tree of Rust sources.
//!
//!     cargo bench --bench throughput -- DIR [--runs N] [--threads N]
//!
//! Every `.rs` file under DIR is read into memory first (I/O is not timed).
//! Then, on a rayon pool with big stacks, three modes are timed, each after a
//! warm-up run, as the median of several runs:
//!
//! - `parse`:  `syn::parse_file` on every file;
//! - `check`:  `check::analyze` with the default configuration;
//! - `layers`: `check::analyze` with four architecture layers configured.
//!
//! Files that fail to parse are counted, not fatal.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cargo_panicfree::boundary::{self, WorkspaceFacts};
use cargo_panicfree::check::{self, FileContext};
use cargo_panicfree::config::{self, Config};
use cargo_panicfree::workspace::{Checked, CheckedFile, Workspace};
use rayon::prelude::*;

/// The analyzer recurses once per nesting level: give each worker a big stack.
const STACK_SIZE: usize = 256 * 1024 * 1024;

/// Four layers, `{0}`..`{3}` standing for module prefixes taken from the
/// corpus (its four largest top-level directories), so that layer lookups
/// succeed for a realistic share of the files, next to prefixes that match
/// nothing (`a::core`, ...).
const LAYERS_TOML: &str = r#"
[[layer]]
name = "core"
modules = ["a::core", "b::domain", "{0}"]
may_use = []
forbid_crates = ["sqlx", "reqwest", "hyper", "tokio"]

[[layer]]
name = "app"
modules = ["a::app", "b::service", "{1}"]
may_use = ["core"]
forbid_crates = ["sqlx"]

[[layer]]
name = "infra"
modules = ["a::infra", "b::db", "{2}"]
may_use = ["core", "app"]

[[layer]]
name = "web"
modules = ["a::web", "b::http", "{3}"]
may_use = ["core", "app"]
"#;

struct Options {
    dir: PathBuf,
    runs: usize,
    threads: usize,
}

struct Source {
    path: PathBuf,
    /// The module path handed to the checker; derived from the file path so
    /// the layer lookup has something realistic to chew on.
    module_path: String,
    text: String,
}

#[derive(Default)]
struct Outcome {
    failed: usize,
    findings: usize,
}

fn main() {
    let Some(options) = parse_args() else {
        print_usage();
        return;
    };

    let mut paths = Vec::new();
    collect_rs_files(&options.dir, &mut paths);
    paths.sort();
    let sources: Vec<Source> = paths
        .iter()
        .filter_map(|p| read_source(&options.dir, p))
        .collect();
    if sources.is_empty() {
        println!("no readable .rs files under {}", options.dir.display());
        return;
    }
    let bytes: usize = sources.iter().map(|s| s.text.len()).sum();
    let lines: usize = sources.iter().map(|s| s.text.lines().count()).sum();
    let unreadable = paths.len() - sources.len();

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads)
        .stack_size(STACK_SIZE)
        .build()
        .expect("build the rayon pool");

    let default_config = Config::default();
    let layers_path = Path::new("bench-layers.toml");
    // Every top-level directory of the corpus goes to one of the four layers
    // (round robin), so every file is layered: the worst case for the cost.
    let tops = top_modules(&sources);
    let mut layers_toml = LAYERS_TOML.to_owned();
    for i in 0..4 {
        let modules: Vec<String> = tops
            .iter()
            .skip(i)
            .step_by(4)
            .map(|t| format!("\"{t}\""))
            .collect();
        let list = if modules.is_empty() {
            format!("\"c::unused{i}\"")
        } else {
            modules.join(", ")
        };
        layers_toml = layers_toml.replace(&format!("\"{{{i}}}\""), &list);
    }
    let layers_config = config::parse_file(&layers_toml, layers_path)
        .and_then(|raw| config::validate(raw, layers_path))
        .expect("the bench's layer configuration is valid");
    assert_eq!(layers_config.layers.len(), 4);

    let in_layers = sources
        .iter()
        .filter(|s| layers_config.layer_of(&s.module_path).is_some())
        .count();
    println!(
        "layers mode: {} of {} files in a layer ({} top-level modules in 4 layers)",
        in_layers,
        sources.len(),
        tops.len()
    );
    println!(
        "{} files ({} unreadable or not UTF-8 skipped), {} lines, {:.1} MB; {} threads, median of {} interleaved runs after 1 warm-up",
        sources.len(),
        unreadable,
        lines,
        mb(bytes),
        options.threads,
        options.runs,
    );

    let modes: [&(dyn Fn() -> Outcome + Sync); 3] = [
        &|| parse_all(&sources),
        &|| check_all(&sources, &default_config),
        &|| check_all(&sources, &layers_config),
    ];
    let [parse, check, layers] = measure(&pool, options.runs, modes);

    println!();
    println!(
        "{:<8} {:>9} {:>9} {:>8} {:>11} {:>9} {:>10} {:>9} {:>9}",
        "mode", "median", "min", "MB/s", "lines/s", "CPU", "MB/CPU-s", "no parse", "findings"
    );
    for (name, m) in [("parse", &parse), ("check", &check), ("layers", &layers)] {
        let secs = m.median.as_secs_f64();
        let findings = match name {
            "parse" => "-".to_owned(),
            _ => m.outcome.findings.to_string(),
        };
        let (cpu, per_cpu) = match m.cpu {
            Some(cpu) => (
                format!("{:.3}s", cpu.as_secs_f64()),
                format!("{:.1}", mb(bytes) / cpu.as_secs_f64()),
            ),
            None => ("-".to_owned(), "-".to_owned()),
        };
        println!(
            "{:<8} {:>8.3}s {:>8.3}s {:>8.1} {:>11.0} {:>9} {:>10} {:>9} {:>9}",
            name,
            secs,
            m.min.as_secs_f64(),
            mb(bytes) / secs,
            lines as f64 / secs,
            cpu,
            per_cpu,
            m.outcome.failed,
            findings,
        );
    }
    println!("(MB/s and lines/s from the median wall time; CPU = median CPU time of all threads)");
    println!();
    let ratio = |a: &Measurement, b: &Measurement| {
        let wall = a.median.as_secs_f64() / b.median.as_secs_f64();
        match (a.cpu, b.cpu) {
            (Some(x), Some(y)) => format!(
                "{wall:.2} (wall), {:.2} (CPU)",
                x.as_secs_f64() / y.as_secs_f64()
            ),
            _ => format!("{wall:.2} (wall)"),
        }
    };
    println!("check/parse  = {}", ratio(&check, &parse));
    println!("layers/check = {}", ratio(&layers, &check));
    let failed: Vec<&Source> = sources
        .iter()
        .filter(|s| syn::parse_file(&s.text).is_err())
        .collect();
    for s in failed.iter().take(5) {
        println!("does not parse: {}", s.path.display());
    }
    if failed.len() > 5 {
        println!("... and {} more", failed.len() - 5);
    }
    println!(
        "all runs (s): parse {}; check {}; layers {}",
        fmt_runs(&parse.runs),
        fmt_runs(&check.runs),
        fmt_runs(&layers.runs),
    );
}

fn parse_args() -> Option<Options> {
    // `cargo bench` passes `--bench`; ignore it and any flag we do not know.
    let mut args = std::env::args().skip(1);
    let mut dir = None;
    let mut runs = 5;
    let mut threads = 2;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => runs = args.next()?.parse().ok().filter(|&n| n > 0)?,
            "--threads" => threads = args.next()?.parse().ok().filter(|&n| n > 0)?,
            "-h" | "--help" => return None,
            a if a.starts_with('-') => {}
            a => dir = Some(PathBuf::from(a)),
        }
    }
    let dir = dir?;
    if !dir.is_dir() {
        eprintln!("not a directory: {}", dir.display());
        return None;
    }
    Some(Options { dir, runs, threads })
}

fn print_usage() {
    println!("usage: cargo bench --bench throughput -- DIR [--runs N] [--threads N]");
    println!();
    println!("Times syn parsing, the default check and a check with four layers on");
    println!("every .rs file under DIR (e.g. bench/vendor, made by bench/vendor.sh).");
}

/// Every `.rs` file under `dir`; symlinks are not followed (vendored trees have none,
/// and it rules out loops).
fn collect_rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        if kind.is_dir() {
            collect_rs_files(&path, out);
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn read_source(root: &Path, path: &Path) -> Option<Source> {
    let text = std::fs::read_to_string(path).ok()?;
    // The CLI strips a byte-order mark before calling `analyze`; so do we.
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(text);
    let relative = path.strip_prefix(root).unwrap_or(path).with_extension("");
    let module_path = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().replace(['-', '.'], "_"))
        .collect::<Vec<_>>()
        .join("::");
    Some(Source {
        path: path.to_path_buf(),
        module_path,
        text,
    })
}

/// The first module path segments (top-level directories) that are identifiers.
fn top_modules(sources: &[Source]) -> Vec<String> {
    let mut tops: Vec<String> = sources
        .iter()
        .filter_map(|s| s.module_path.split("::").next())
        .filter(|top| is_ident(top))
        .map(str::to_owned)
        .collect();
    tops.sort();
    tops.dedup();
    tops
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

fn parse_all(sources: &[Source]) -> Outcome {
    let failed = sources
        .par_iter()
        .map(|s| {
            let ok = syn::parse_file(&s.text).is_ok();
            proc_macro2::extra::invalidate_current_thread_spans();
            usize::from(!ok)
        })
        .sum();
    Outcome {
        failed,
        findings: 0,
    }
}

/// The per-file check on every file, then the whole-workspace pass (the
/// boundary rules) on their summaries, as a run of the tool does.
fn check_all(sources: &[Source], config: &Config) -> Outcome {
    let files: Vec<(Outcome, CheckedFile)> = sources
        .par_iter()
        .map(|s| {
            let cx = FileContext {
                module_path: &s.module_path,
                in_test: false,
                library: None,
            };
            let analysis = check::analyze(&s.text, &cx, config);
            proc_macro2::extra::invalidate_current_thread_spans();
            let failed = analysis.findings.iter().any(|f| f.rule == "parse-error");
            let outcome = Outcome {
                failed: usize::from(failed),
                findings: analysis.findings.len(),
            };
            let file = CheckedFile {
                path: s.path.clone(),
                canonical: s.path.clone(),
                package: None,
                findings: Vec::new(),
                text: None,
                facts: analysis.summary.facts,
                target: None,
            };
            (outcome, file)
        })
        .collect();
    let mut total = Outcome::default();
    let mut checked = Checked::default();
    for (outcome, file) in files {
        total.failed += outcome.failed;
        total.findings += outcome.findings;
        checked.files.push(file);
    }
    let ws = Workspace {
        root: PathBuf::new(),
        packages: Vec::new(),
    };
    let facts = WorkspaceFacts::new(&ws, &checked, config, None);
    total.findings += boundary::check(&facts, cargo_panicfree::rules::ALL).len();
    total
}

struct Measurement {
    median: Duration,
    min: Duration,
    runs: Vec<Duration>,
    /// Median CPU time of all threads, when the OS tells (Linux): unlike wall
    /// time it hardly moves when other processes compete for the cores.
    cpu: Option<Duration>,
    outcome: Outcome,
}

/// One untimed warm-up of each mode, then `runs` timed rounds on `pool`. Each
/// round runs every mode once, so drifting background load hits all modes alike.
fn measure<const N: usize>(
    pool: &rayon::ThreadPool,
    runs: usize,
    modes: [&(dyn Fn() -> Outcome + Sync); N],
) -> [Measurement; N] {
    let mut outcomes: Vec<Outcome> = modes.iter().map(|f| pool.install(f)).collect();
    let mut times = vec![Vec::with_capacity(runs); N];
    let mut cpu_times = vec![Vec::with_capacity(runs); N];
    for _ in 0..runs {
        for (i, f) in modes.iter().enumerate() {
            let cpu_start = process_cpu_time();
            let start = Instant::now();
            outcomes[i] = pool.install(f);
            times[i].push(start.elapsed());
            if let (Some(a), Some(b)) = (cpu_start, process_cpu_time()) {
                cpu_times[i].push(b.saturating_sub(a));
            }
        }
    }
    let mut results =
        times
            .into_iter()
            .zip(cpu_times)
            .zip(outcomes)
            .map(|((runs, mut cpu), outcome)| {
                let mut sorted = runs.clone();
                sorted.sort();
                cpu.sort();
                Measurement {
                    median: sorted[sorted.len() / 2],
                    min: sorted[0],
                    runs,
                    cpu: cpu.get(cpu.len() / 2).copied(),
                    outcome,
                }
            });
    std::array::from_fn(|_| results.next().expect("one result per mode"))
}

/// CPU time used so far by all threads of this process, from
/// `/proc/self/task/*/schedstat` (nanoseconds on the CPU); `None` off Linux.
fn process_cpu_time() -> Option<Duration> {
    let mut total = 0u64;
    for task in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
        let stat = std::fs::read_to_string(task.path().join("schedstat")).ok()?;
        total += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(Duration::from_nanos(total))
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1_000_000.0
}

fn fmt_runs(runs: &[Duration]) -> String {
    runs.iter()
        .map(|d| format!("{:.3}", d.as_secs_f64()))
        .collect::<Vec<_>>()
        .join(" ")
}
