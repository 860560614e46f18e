//! What a run costs, on a real workspace and on a small crate.
//!
//!     cargo bench --bench throughput -- DIR [--runs N] [--small DIR]
//!
//! DIR is a cargo workspace (`bash bench/vendor.sh` makes one of real crates in
//! `bench/vendor/`). Every round, after one warm-up, times:
//!
//! - `parse`: `syn::parse_file` alone on every file the check visits (read first,
//!   not timed), on a rayon pool with the tool's stack size;
//! - `analyze`: `engine::analyze::analyze` alone on the same texts (the per-file
//!   analysis without reading, caching, the workspace pass or the report);
//! - `cold`:  `check_workspace` with an empty cache (so `cargo metadata` runs too);
//! - `warm`:  `check_workspace` again, nothing changed;
//! - `edit`:  `check_workspace` after appending a line to one file.
//!
//! and prints the medians, CPU time, peak memory of each mode, and the ratios the
//! engine is held to, each the median of the rounds' own ratios. `--small DIR`
//! (default: `example-service/`) times warm runs of the release binary on a small
//! crate, process start included.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use cargo_panicfree::engine::analyze::{analyze, FileInput};
use cargo_panicfree::engine::model::FileKind;
use cargo_panicfree::engine::paths::{GraphStats, Timings};
use cargo_panicfree::engine::{check_workspace, Request};
use cargo_panicfree::output;
use rayon::prelude::*;

/// The allocator the tool's binary uses, for every mode alike.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The tool's own per-file stack size: the parser recurses once per nesting level.
const STACK_SIZE: usize = 256 * 1024 * 1024;
const EDIT: &str = "\n// a line the benchmark appended\n";

struct Options {
    dir: PathBuf,
    runs: usize,
    small: PathBuf,
}

#[derive(Clone, Copy, Default)]
struct Sample {
    wall: Duration,
    cpu: Duration,
    peak_mb: f64,
}

fn main() {
    // The binary's allocator settings, for every mode alike.
    cargo_panicfree::cli::tune_allocator();
    let Some(options) = parse_args() else {
        println!("usage: cargo bench --bench throughput -- DIR [--runs N] [--small DIR]");
        return;
    };
    let target = tempfile::tempdir().expect("a temporary target directory");
    let request = |cache: bool| Request {
        manifest_path: Some(options.dir.join("Cargo.toml")),
        target_dir: Some(target.path().to_path_buf()),
        use_cache: cache,
        ..Request::default()
    };

    // The files the check visits, read once for the parse-only mode.
    let report = check_workspace(&request(false)).expect("the workspace can be checked");
    let paths: Vec<PathBuf> = report
        .files
        .iter()
        .filter(|f| matches!(f.kind, FileKind::Rust { .. }))
        .map(|f| f.path.clone())
        .collect();
    let texts: Vec<String> = paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .map(|t| t.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(t))
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let lines: usize = texts.iter().map(|t| t.lines().count()).sum();
    let edited = median_sized(&paths).expect("the workspace has files");
    let original = std::fs::read_to_string(&edited).expect("the edited file is readable");
    println!(
        "{}: {} files, {} lines, {:.1} MB; {} findings; median of {} rounds after a warm-up; {} threads",
        options.dir.display(),
        texts.len(),
        lines,
        bytes as f64 / 1e6,
        report.findings.len(),
        options.runs,
        rayon::current_num_threads(),
    );
    println!("edit mode appends a line to {}", edited.display());

    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(STACK_SIZE)
        .build()
        .expect("a rayon pool");
    let cache_dir = target.path().join("panicfree");
    let mut samples: [Vec<Sample>; 5] = Default::default();
    let mut identical = true;
    for round in 0..=options.runs {
        let parse = measure(|| pool.install(|| parse_all(&texts)));
        let analyze = measure(|| pool.install(|| analyze_all(&texts)));
        let _ = std::fs::remove_dir_all(&cache_dir);
        let (cold, cold_json) = measure_check(&request(true));
        let (warm, warm_json) = measure_check(&request(true));
        identical &= cold_json == warm_json;
        std::fs::write(&edited, format!("{original}{EDIT}")).expect("edit the file");
        let (edit, _) = measure_check(&request(true));
        std::fs::write(&edited, &original).expect("restore the edited file");
        if round > 0 {
            for (all, s) in samples.iter_mut().zip([parse, analyze, cold, warm, edit]) {
                all.push(s);
            }
        }
    }

    println!();
    println!(
        "{:<6} {:>9} {:>9} {:>9} {:>8} {:>10}",
        "mode", "median", "min", "CPU", "MB/s", "peak RSS"
    );
    let medians: Vec<Sample> = samples.iter().map(|s| median(s)).collect();
    for ((name, all), m) in ["parse", "analyze", "cold", "warm", "edit"]
        .iter()
        .zip(&samples)
        .zip(&medians)
    {
        let min = all.iter().map(|s| s.wall).min().unwrap_or_default();
        println!(
            "{:<6} {:>8.3}s {:>8.3}s {:>8.3}s {:>8.1} {:>7.0} MB",
            name,
            m.wall.as_secs_f64(),
            min.as_secs_f64(),
            m.cpu.as_secs_f64(),
            bytes as f64 / 1e6 / m.wall.as_secs_f64(),
            m.peak_mb,
        );
    }
    let [parse, analyze, cold, warm, edit] =
        [0, 1, 2, 3, 4].map(|i| samples.get(i).map(|s| s.as_slice()).unwrap_or_default());
    let wall = |s: &Sample| s.wall.as_secs_f64();
    let cpu = |s: &Sample| s.cpu.as_secs_f64();
    let (cold_wall, _) = paired(cold, parse, wall);
    let (cold_cpu, each) = paired(cold, parse, cpu);
    println!();
    println!(
        "cold/parse = {cold_wall:.2} wall, {cold_cpu:.2} CPU (target <= 1.25); CPU by round: {}",
        listed(&each)
    );
    let (analyze_wall, _) = paired(analyze, parse, wall);
    let (analyze_cpu, each) = paired(analyze, parse, cpu);
    println!(
        "analyze/parse = {analyze_wall:.2} wall, {analyze_cpu:.2} CPU (the per-file analysis alone); CPU by round: {}",
        listed(&each)
    );
    println!(
        "warm/cold  = {:.3} (target <= 0.15)",
        paired(warm, cold, wall).0
    );
    println!(
        "edit/cold  = {:.3} (target <= 0.20)",
        paired(edit, cold, wall).0
    );
    println!(
        "warm and cold JSON reports byte-identical: {}",
        if identical { "yes" } else { "NO" }
    );

    graph_figures(medians.first().copied().unwrap_or_default());
    binary_peaks(&options.dir);
    small_crate(&options.small, options.runs.max(10));
}

/// Peak memory of one cold and one warm run of the release binary on the workspace.
fn binary_peaks(dir: &Path) {
    let target = tempfile::tempdir().expect("a temporary target directory");
    #[allow(clippy::zombie_processes, reason = "wait4 below reaps the child")]
    let run = || {
        let child = Command::new(env!("CARGO_BIN_EXE_cargo-panicfree"))
            .arg("panicfree")
            .arg("--manifest-path")
            .arg(dir.join("Cargo.toml"))
            .arg("--target-dir")
            .arg(target.path())
            .args(["--format", "json", "--output", "/dev/null"])
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("the binary runs");
        let start = Instant::now();
        let peak = wait_peak_mb(child.id());
        (start.elapsed(), peak)
    };
    let (cold, cold_mb) = run();
    let (warm, warm_mb) = run();
    println!();
    println!(
        "the binary on {}: cold {:.2} s, peak RSS {:.0} MB; warm {:.2} s, peak RSS {:.0} MB",
        dir.display(),
        cold.as_secs_f64(),
        cold_mb,
        warm.as_secs_f64(),
        warm_mb
    );
}

/// Waits for a child and returns its peak resident memory.
fn wait_peak_mb(pid: u32) -> f64 {
    let mut status = 0;
    // SAFETY: `usage` is a plain C struct that wait4 fills in; `pid` is our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = i32::try_from(pid).unwrap_or(-1);
    // SAFETY: valid pointers to locals, as wait4(2) requires.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if waited != pid {
        return 0.0;
    }
    usage.ru_maxrss as f64 / 1024.0
}

/// Warm runs of the release binary on a small crate, process start included.
fn small_crate(dir: &Path, runs: usize) {
    let bin = env!("CARGO_BIN_EXE_cargo-panicfree");
    let target = tempfile::tempdir().expect("a temporary target directory");
    let run = || {
        let start = Instant::now();
        let out = Command::new(bin)
            .arg("panicfree")
            .arg("--manifest-path")
            .arg(dir.join("Cargo.toml"))
            .arg("--target-dir")
            .arg(target.path())
            .arg("--format")
            .arg("json")
            .output()
            .expect("the binary runs");
        (start.elapsed(), out)
    };
    let (_, first) = run();
    let files = serde_json::from_slice::<serde_json::Value>(&first.stdout)
        .ok()
        .and_then(|v| v["summary"]["files"].as_u64())
        .unwrap_or(0);
    let mut times: Vec<Duration> = (0..runs).map(|_| run().0).collect();
    times.sort();
    println!();
    println!(
        "small crate {} ({files} files): warm run of the binary, process start included: median {:.1} ms, min {:.1} ms over {runs} runs (target <= 15 ms)",
        dir.display(),
        ms(times.get(runs / 2).copied().unwrap_or_default()),
        ms(times.first().copied().unwrap_or_default()),
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn parse_all(texts: &[String]) -> usize {
    texts
        .par_iter()
        .map(|t| {
            let failed = syn::parse_file(t).is_err();
            proc_macro2::extra::invalidate_current_thread_spans();
            usize::from(failed)
        })
        .sum()
}

fn analyze_all(texts: &[String]) -> usize {
    let markers = ["PANIC:".to_owned()];
    texts
        .par_iter()
        .map(|t| {
            let input = FileInput {
                module_path: "bench",
                in_test: false,
                include_tests: false,
                include_debug: false,
                library: None,
                markers: &markers,
            };
            analyze(t, &input).sites.len()
        })
        .sum()
}

fn measure_check(request: &Request) -> (Sample, String) {
    let mut json = String::new();
    let sample = measure(|| {
        let report = check_workspace(request).expect("the workspace can be checked");
        json = output::json::render(&report);
        if let Some(paths) = &report.paths {
            GRAPH.with(|g| {
                g.borrow_mut()
                    .push((paths.timings, paths.stats, paths.entries.len()))
            });
        }
    });
    (sample, json)
}

thread_local! {
    /// The panic-path phases of every `check_workspace` the bench ran, in order.
    static GRAPH: std::cell::RefCell<Vec<(Timings, GraphStats, usize)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The panic-path analysis's phases, medians over the checks of the rounds.
fn graph_figures(parse: Sample) {
    let all = GRAPH.with(|g| g.borrow().clone());
    let Some(&(_, stats, entries)) = all.last() else {
        return;
    };
    let mut times: Vec<[f64; 3]> = all
        .iter()
        .map(|(t, _, _)| [t.index, t.edges, t.search].map(|d| d.as_secs_f64()))
        .collect();
    let mut med = |i: usize| {
        times.sort_by(|a, b| {
            a.get(i)
                .partial_cmp(&b.get(i))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        times
            .get(times.len() / 2)
            .and_then(|t| t.get(i))
            .copied()
            .unwrap_or(0.0)
    };
    let (index, edges, search) = (med(0), med(1), med(2));
    println!();
    println!(
        "panic paths: {} functions, {} calls ({} exact, {} by name, {} dyn/generic, {} into dependencies, {} unresolved), {} edges, {} entries",
        stats.functions, stats.calls, stats.exact, stats.by_name, stats.dispatch, stats.dependency, stats.unresolved, stats.edges, entries
    );
    println!(
        "graph build (index + edges) = {:.3} s = {:.2} x parse; search from every entry = {:.3} s (medians over {} checks)",
        index + edges,
        (index + edges) / parse.wall.as_secs_f64(),
        search,
        all.len()
    );
}

/// Wall time, CPU time and peak resident memory of `f`.
fn measure<T>(f: impl FnOnce() -> T) -> Sample {
    // Resets the peak RSS the kernel keeps for this process (Linux).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let cpu = cpu_time();
    let start = Instant::now();
    std::hint::black_box(f());
    Sample {
        wall: start.elapsed(),
        cpu: cpu_time().saturating_sub(cpu),
        peak_mb: peak_rss_mb(),
    }
}

/// User and system time of this process, from `/proc/self/stat` (clock ticks of 10 ms).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<u64> = after_name
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|f| f.parse().ok())
        .collect();
    Duration::from_millis(fields.iter().sum::<u64>() * 10)
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The median over the rounds of `a`'s figure over `b`'s in the same round, and
/// each round's ratio. A round runs its modes back to back, so a slow spell of
/// a shared machine (which moves one mode's time by a sixth here) moves both
/// sides of a ratio alike: a ratio of the two medians would mix rounds.
fn paired(a: &[Sample], b: &[Sample], figure: impl Fn(&Sample) -> f64) -> (f64, Vec<f64>) {
    let each: Vec<f64> = a
        .iter()
        .zip(b)
        .map(|(a, b)| figure(a) / figure(b))
        .collect();
    let mut sorted = each.clone();
    sorted.sort_by(f64::total_cmp);
    (
        sorted.get(sorted.len() / 2).copied().unwrap_or(f64::NAN),
        each,
    )
}

fn listed(ratios: &[f64]) -> String {
    ratios
        .iter()
        .map(|r| format!("{r:.2}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn median(samples: &[Sample]) -> Sample {
    let mut sorted = samples.to_vec();
    sorted.sort_by_key(|s| s.wall);
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}

/// The file of median size, as a typical edit.
fn median_sized(paths: &[PathBuf]) -> Option<PathBuf> {
    let mut sized: Vec<(u64, &PathBuf)> = paths
        .iter()
        .filter_map(|p| Some((std::fs::metadata(p).ok()?.len(), p)))
        .collect();
    sized.sort();
    sized.get(sized.len() / 2).map(|(_, p)| (*p).clone())
}

fn parse_args() -> Option<Options> {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let mut dir = None;
    let mut runs = 3;
    let mut small = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-service");
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => runs = args.next()?.parse().ok()?,
            "--small" => small = PathBuf::from(args.next()?),
            _ => dir = Some(PathBuf::from(arg)),
        }
    }
    Some(Options {
        dir: dir?,
        runs,
        small,
    })
}
