//! Structured logs and the panic hook.

use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;
use tracing_subscriber::EnvFilter;

use super::config::LogFormat;

/// Default log levels when `RUST_LOG` is unset.
const DEFAULT_FILTER: &str = "info,sqlx=warn";

/// Installs the global tracing subscriber. An error means one was already
/// installed (tests, embedding); the existing one is kept.
pub fn init_tracing(format: LogFormat) -> Result<(), String> {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let registry = tracing_subscriber::registry().with(filter);
    let result = match format {
        LogFormat::Text => registry
            .with(tracing_subscriber::fmt::layer().with_target(true))
            .try_init(),
        LogFormat::Json => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(true),
            )
            .try_init(),
    };
    result.map_err(|err| err.to_string())
}

/// Replaces the default panic hook (which prints to stderr) with one that logs
/// the panic as a structured `error` event: message, location, thread, and a
/// backtrace when `RUST_BACKTRACE` asks for one. The catch-panic layer then
/// turns a panicking request into a `500`; this hook makes sure it is seen.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("<non-string panic payload>");
        let location = info
            .location()
            .map(|loc| format!("{}:{}:{}", loc.file(), loc.line(), loc.column()))
            .unwrap_or_default();
        let thread = std::thread::current();
        let thread = thread.name().unwrap_or("<unnamed>");
        let backtrace = std::backtrace::Backtrace::capture();
        let backtrace = match backtrace.status() {
            std::backtrace::BacktraceStatus::Captured => backtrace.to_string(),
            _ => "(set RUST_BACKTRACE=1 for a backtrace)".to_owned(),
        };
        if tracing::enabled!(tracing::Level::ERROR) {
            tracing::error!(
                panic.message = message,
                panic.location = %location,
                panic.thread = thread,
                panic.backtrace = %backtrace,
                "panic"
            );
        } else {
            // No subscriber (or errors filtered out): never lose a panic.
            eprintln!("panic in thread '{thread}' at {location}: {message}\n{backtrace}");
        }
    }));
}
