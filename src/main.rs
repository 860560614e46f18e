//! `cargo-panicfree`: arguments in, exit status out (0 clean, 1 blocking findings,
//! 2 the tool could not do its job).

use std::io::Write;
use std::process::ExitCode;

use cargo_panicfree::cli::{self, Cli};
use cargo_panicfree::engine::guard::{boundary, install_panic_hook};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    cli::tune_allocator();
    install_panic_hook();
    let args = match Cli::parse_args(std::env::args_os()) {
        Ok(args) => args,
        Err(e) => {
            // clap prints help and version itself, and exits 2 on usage errors.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match boundary(|| cli::run(&args)) {
        Ok(Ok(outcome)) => ExitCode::from(outcome.exit_code()),
        Ok(Err(e)) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            ExitCode::from(2)
        }
        Err(panic) => {
            let _ = writeln!(
                std::io::stderr(),
                "error: cargo-panicfree failed: {panic} (this is a bug; please report it)"
            );
            ExitCode::from(2)
        }
    }
}
