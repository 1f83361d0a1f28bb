//! Runs a contract-kit command in the `specgen-kit` binary, through `cargo run`, so that the
//! kit is built only when one of its commands is used.
//!
//! On Unix, `cargo run` replaces itself with the binary it runs, and so does this forwarder:
//! `cargo xtask mock` keeps one process id from the shell to the server, and a script's
//! `kill $PID` or a terminal's Ctrl-C reaches the mock itself.

use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, ExitCode};

/// Runs `specgen-kit <command> <args...>` in the same build profile as this binary.
pub fn to_kit(root: &Path, command: &str, args: &[OsString]) -> ExitCode {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut run = Command::new(cargo);
    run.arg("run")
        .arg("--quiet")
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .args(["--package", "specgen-kit", "--bin", "specgen-kit"]);
    if !cfg!(debug_assertions) {
        run.arg("--release");
    }
    run.arg("--").arg(command).args(args);
    replace_process(run)
}

#[cfg(unix)]
fn replace_process(mut command: Command) -> ExitCode {
    use std::os::unix::process::CommandExt as _;
    // `exec` only returns when it failed.
    let err = command.exec();
    eprintln!("error: cannot run cargo to start specgen-kit: {err}");
    ExitCode::FAILURE
}

#[cfg(not(unix))]
fn replace_process(mut command: Command) -> ExitCode {
    match command.status() {
        Ok(status) => match status.code() {
            Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
            None => ExitCode::FAILURE,
        },
        Err(err) => {
            eprintln!("error: cannot run cargo to start specgen-kit: {err}");
            ExitCode::FAILURE
        }
    }
}
