//! The kit's command line: every command has `--help` (exit 0); bad input is a clear error with
//! a non-zero exit, never a panic.

use std::process::Command;

fn xtask(args: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_specgen-kit"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../.."))
        .output()
        .expect("the xtask binary runs");
    let text = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!text.contains("panicked"), "{text}");
    (output.status.code().unwrap_or(-1), text)
}

#[test]
fn bad_flags_and_missing_specs_are_clear_errors() {
    let (code, text) = xtask(&["mock"]);
    assert_eq!(code, 2);
    assert!(text.contains("--spec <FILE>"), "{text}");

    let (code, text) = xtask(&[
        "mock",
        "--spec",
        "specs/customer-orchestration.yaml",
        "--port",
        "1",
    ]);
    assert_eq!(code, 2);
    assert!(text.contains("unexpected argument '--port'"), "{text}");
    assert!(text.contains("Usage: cargo xtask mock"), "{text}");

    let (code, text) = xtask(&["mock", "--spec", "specs/nope.yaml"]);
    assert_eq!(code, 1);
    assert!(
        text.contains("cannot read spec `specs/nope.yaml`"),
        "{text}"
    );

    let (code, text) = xtask(&[
        "mock",
        "--spec",
        "specs/customer-orchestration.yaml",
        "--addr",
        "0.0.0.0:0",
    ]);
    assert_eq!(code, 1);
    assert!(text.contains("loopback"), "{text}");

    let (code, text) = xtask(&["contract", "--spec", "specs/customer-orchestration.yaml"]);
    assert_eq!(code, 2);
    assert!(text.contains("--base-url <URL>"), "{text}");

    let (code, text) = xtask(&[
        "contract",
        "--spec",
        "specs/customer-orchestration.yaml",
        "--base-url",
        "http://127.0.0.1:9",
        "--token-env",
        "SPECGEN_SURELY_UNSET_VARIABLE",
    ]);
    assert_eq!(code, 2);
    assert!(text.contains("SPECGEN_SURELY_UNSET_VARIABLE"), "{text}");

    let (code, text) = xtask(&["bench-mock", "--requests", "many"]);
    assert_eq!(code, 2);
    assert!(
        text.contains("invalid value 'many' for '--requests"),
        "{text}"
    );
}

#[test]
fn every_command_has_help() {
    for command in ["mock", "contract", "proxy", "bench-mock"] {
        let output = Command::new(env!("CARGO_BIN_EXE_specgen-kit"))
            .args([command, "--help"])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(0), "{command}: {stdout}");
        assert!(
            stdout.contains(&format!("Usage: cargo xtask {command}")),
            "{stdout}"
        );
    }
}

#[test]
fn the_contract_command_reports_a_server_that_is_not_there() {
    // Port 9 (discard) on loopback has no server here: every request fails, and says so.
    let output = Command::new(env!("CARGO_BIN_EXE_specgen-kit"))
        .args([
            "contract",
            "--spec",
            "specs/customer-orchestration.yaml",
            "--base-url",
            "http://127.0.0.1:9",
            "--timeout-secs",
            "2",
        ])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../.."))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("FAIL createPartnerClient [synthesised] transport"),
        "{stdout}"
    );
    assert!(
        stdout.trim_end().ends_with("0 passed, 2 failed"),
        "{stdout}"
    );
}
