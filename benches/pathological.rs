//! What the biggest pathological inputs cost the release binary, cold.
//!
//!     cargo bench --bench pathological [-- --only tree|unwraps|line|chain|types]
//!
//! Generates, in a temporary directory:
//!
//! - `tree`: a package of 100,000 tiny module files (100 directories of 1,000, one
//!   file in a hundred with an `unwrap()`);
//! - `unwraps`: one file of 1,000,000 `.unwrap()` calls, one a line;
//! - `line`: a 10 MB file on one line, with a finding every 100 KB;
//! - `chain`: one method chain of 11,900 `.unwrap()`s (just under the nesting
//!   limit) and a router of 5,000 `.route(..)`s, each one expression;
//! - `types`: a parameter type and a return type 5,000 levels of `impl Fn() -> ` deep;
//!
//! and runs the binary on each, cold (an empty cache, so `cargo metadata` runs and
//! the cache is written), with `--format json` and `--format human`, the report
//! written to a file. Prints the wall time, the CPU time and the peak resident
//! memory (`wait4`) of each run, and the report's size. `tests/pathological.rs`
//! checks the same inputs (smaller where a debug build would be too slow); this
//! only measures.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Input {
    name: &'static str,
    what: &'static str,
    make: fn(&Path) -> u64,
}

const INPUTS: [Input; 5] = [
    Input {
        name: "tree",
        what: "100,000 module files",
        make: module_tree,
    },
    Input {
        name: "unwraps",
        what: "1,000,000 unwraps in one file",
        make: million_unwraps,
    },
    Input {
        name: "line",
        what: "10 MB on one line",
        make: one_line,
    },
    Input {
        name: "chain",
        what: "a chain of 11,900 unwraps and a router of 5,000 routes",
        make: long_chains,
    },
    Input {
        name: "types",
        what: "types 5,000 levels of `impl Fn() -> ` deep",
        make: deep_types,
    },
];

const FORMATS: [&str; 2] = ["json", "human"];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .cloned();
    println!(
        "pathological inputs, release binary, cold runs (empty cache), {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    for input in INPUTS
        .iter()
        .filter(|i| only.as_deref().is_none_or(|o| o == i.name))
    {
        let dir = tempfile::tempdir().expect("a temporary directory");
        write(
            dir.path(),
            "Cargo.toml",
            "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
        );
        let started = Instant::now();
        let bytes = (input.make)(dir.path());
        println!(
            "\n{} ({:.1} MB of source, generated in {:.1} s)",
            input.what,
            bytes as f64 / 1e6,
            started.elapsed().as_secs_f64()
        );
        for format in FORMATS {
            let target = tempfile::tempdir().expect("a temporary target directory");
            let report = target.path().join("report");
            let run = measure(
                Command::new(env!("CARGO_BIN_EXE_cargo-panicfree"))
                    .current_dir(dir.path())
                    .args(["--format", format, "--color", "never", "--output"])
                    .arg(&report)
                    .arg("--target-dir")
                    .arg(target.path()),
            );
            let size = std::fs::metadata(&report).map_or(0, |m| m.len());
            println!(
                "  {format:>5}: {:6.2} s wall, {:6.2} s CPU, peak RSS {:5.0} MB, report {:6.1} MB, exit {}",
                run.wall.as_secs_f64(),
                run.cpu.as_secs_f64(),
                run.peak_mb,
                size as f64 / 1e6,
                run.code
            );
        }
    }
}

struct Run {
    wall: Duration,
    cpu: Duration,
    peak_mb: f64,
    code: i32,
}

/// Runs `cmd` to its end and reads its resource use with `wait4`.
#[expect(clippy::zombie_processes, reason = "wait4 reaps the child")]
fn measure(cmd: &mut Command) -> Run {
    let started = Instant::now();
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary runs");
    let pid = i32::try_from(child.id()).unwrap_or(-1);
    let mut status = 0;
    // SAFETY: `usage` is a plain C struct that wait4 fills in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: valid pointers to locals, and `pid` is our own child, not yet reaped.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    Run {
        wall,
        cpu: time(usage.ru_utime) + time(usage.ru_stime),
        // Kilobytes on Linux.
        peak_mb: usage.ru_maxrss as f64 / 1024.0,
        code: if waited == pid && libc::WIFEXITED(status) {
            libc::WEXITSTATUS(status)
        } else {
            -1
        },
    }
}

fn write(root: &Path, path: &str, text: &str) -> u64 {
    let path = root.join(path);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create dirs");
    }
    std::fs::write(&path, text).expect("write");
    text.len() as u64
}

fn module_tree(root: &Path) -> u64 {
    let (dirs, per_dir) = (100, 1_000);
    let lib: String = (0..dirs).map(|d| format!("pub mod d{d};\n")).collect();
    let mut bytes = write(root, "src/lib.rs", &lib);
    for d in 0..dirs {
        let decls: String = (0..per_dir).map(|f| format!("pub mod f{f};\n")).collect();
        bytes += write(root, &format!("src/d{d}/mod.rs"), &decls);
        for f in 0..per_dir {
            let source = if f % 100 == 0 {
                "pub fn f(o: Option<u8>) -> u8 { o.unwrap() }\n"
            } else {
                "pub fn f(a: u8) -> u8 { a }\n"
            };
            bytes += write(root, &format!("src/d{d}/f{f}.rs"), source);
        }
    }
    bytes
}

fn million_unwraps(root: &Path) -> u64 {
    let mut source = String::from("pub fn f(o: Option<u8>) {\n");
    for _ in 0..1_000_000 {
        source.push_str("    o.unwrap();\n");
    }
    source.push_str("}\n");
    write(root, "src/lib.rs", &source)
}

fn one_line(root: &Path) -> u64 {
    let mut line = String::from("pub fn f(o: Option<u8>, a: u32) -> u32 { let mut x = a; ");
    while line.len() < 10_000_000 {
        for _ in 0..9_000 {
            line.push_str("x = x + 1; ");
        }
        line.push_str("o.unwrap(); ");
    }
    line.push_str("x }");
    write(root, "src/lib.rs", &line)
}

fn long_chains(root: &Path) -> u64 {
    let source = format!(
        "pub fn f(x: Option<u8>) -> u8 {{ x{} }}\npub fn h() {{}}\npub fn app() {{ let _ = Router::new(){}; }}\n",
        ".unwrap()".repeat(11_900),
        ".route(\"/\", get(h))".repeat(5_000)
    );
    write(root, "src/lib.rs", &source)
}

fn deep_types(root: &Path) -> u64 {
    let nested = "impl Fn() -> ".repeat(5_000);
    let source = format!("pub fn f(g: {nested}u8) {{}}\nfn r() -> {nested}u8 {{ loop {{}} }}\n");
    write(root, "src/lib.rs", &source)
}
