//! `--with-clippy`: Clippy's (and so rustc's) own diagnostics beside ours, for an
//! editor whose `check.overrideCommand` replaces `cargo check` by this tool. Clippy
//! runs as a child (`cargo clippy --message-format=json`) while we check; its
//! messages follow ours in the same stream, passed through as cargo wrote them.

use std::process::{Child, Command, Stdio};

use crate::cli::args::CheckArgs;
use crate::cli::RunError;

/// A running `cargo clippy`.
pub struct Clippy {
    child: Option<Child>,
}

/// What Clippy wrote and whether it succeeded.
pub struct ClippyOutput {
    pub stdout: String,
    pub success: bool,
}

impl Clippy {
    /// Starts `cargo clippy --message-format=json` on the same workspace and packages
    /// (`$CARGO`, which cargo sets for its subcommands, else `cargo`), with the
    /// `--clippy-arg`s after.
    pub fn spawn(args: &CheckArgs) -> Result<Clippy, RunError> {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut command = Command::new(&cargo);
        command.args(["clippy", "--message-format=json", "--all-targets"]);
        if let Some(manifest) = &args.manifest_path {
            command.arg("--manifest-path").arg(manifest);
        }
        if args.packages.is_empty() {
            command.arg("--workspace");
        }
        for package in &args.packages {
            command.args(["--package", package]);
        }
        command.args(&args.report.clippy_args);
        let child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|source| RunError::Clippy {
                cargo: cargo.to_string_lossy().into_owned(),
                source,
            })?;
        Ok(Clippy { child: Some(child) })
    }

    /// Waits for Clippy and takes what it wrote.
    pub fn finish(mut self) -> Result<ClippyOutput, RunError> {
        let Some(child) = self.child.take() else {
            return Ok(ClippyOutput {
                stdout: String::new(),
                success: false,
            });
        };
        let output = child
            .wait_with_output()
            .map_err(|source| RunError::Clippy {
                cargo: "cargo clippy".to_owned(),
                source,
            })?;
        Ok(ClippyOutput {
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            success: output.status.success(),
        })
    }
}

impl Drop for Clippy {
    /// A run that fails before taking Clippy's output leaves no child behind.
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
