//! The panic boundary around each file's analysis, and the process's panic hook.
//!
//! A panic inside [`boundary`] becomes an error value (the engine reports it as an
//! `internal-error` finding and the run goes on); the hook keeps such panics quiet
//! and words any other one as a tool error rather than a Rust panic message.

use std::cell::Cell;
use std::io::Write;
use std::panic::{self, AssertUnwindSafe};

thread_local! {
    static IN_BOUNDARY: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, turning a panic inside it into its message.
pub fn boundary<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let was = IN_BOUNDARY.with(|b| b.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    IN_BOUNDARY.with(|b| b.set(was));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown failure".to_owned())
    })
}

/// Keeps panics caught by [`boundary`] quiet and words any other one as a tool error.
pub fn install_panic_hook() {
    panic::set_hook(Box::new(|info| {
        if IN_BOUNDARY.with(Cell::get) {
            return;
        }
        let _ = writeln!(
            std::io::stderr(),
            "error: cargo-panicfree failed: {info} (this is a bug; please report it)"
        );
    }));
}
