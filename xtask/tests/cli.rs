//! `cargo xtask`'s own commands: each has `--help` (exit 0) and a one-line description in the
//! command list; a wrong flag prints the usage and exits 2. The forwarded kit commands are
//! tested on the `specgen-kit` binary (`xtask/crates/kit/tests/cli.rs`).

use std::process::{Command, Output};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .expect("the xtask binary runs")
}

#[test]
fn every_command_is_listed_with_a_description_and_has_help() {
    let listing = xtask(&["--help"]);
    assert_eq!(listing.status.code(), Some(0));
    let listing = String::from_utf8_lossy(&listing.stdout).into_owned();
    for command in ["codegen", "openapi", "corpus", "bench", "drift"] {
        let line = listing
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{command} ")))
            .unwrap_or_else(|| panic!("`{command}` is not listed:\n{listing}"));
        assert!(line.split_whitespace().count() > 2, "{line}");
        let help = xtask(&[command, "--help"]);
        let stdout = String::from_utf8_lossy(&help.stdout);
        assert_eq!(help.status.code(), Some(0), "{command}: {stdout}");
        assert!(
            stdout.contains(&format!("Usage: cargo xtask {command}")),
            "{stdout}"
        );
    }
    for forwarded in ["mock", "contract", "proxy", "bench-mock"] {
        assert!(
            listing
                .lines()
                .any(|l| l.trim_start().starts_with(forwarded)),
            "`{forwarded}` is not listed:\n{listing}"
        );
    }
}

#[test]
fn a_wrong_flag_prints_the_usage_and_exits_2() {
    for args in [
        &["codegen", "--chek"][..],
        &["corpus"],
        &["openapi"],
        &["no-such-command"],
    ] {
        let output = xtask(args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("Usage: cargo xtask"), "{args:?}: {stderr}");
    }
    // A bad value names the flag and what it takes.
    for (args, says) in [
        (
            &["bench", "--repeat", "often"][..],
            "invalid value 'often' for '--repeat <N>'",
        ),
        (&["bench", "--doc", "no-equals-sign"], "takes NAME=PATH"),
    ] {
        let output = xtask(args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}

#[test]
fn openapi_reports_a_missing_spec_without_panicking() {
    let output = xtask(&["openapi", "--spec", "specs/nope.yaml"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot read spec `specs/nope.yaml`"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}
