//! Helpers shared by the test files: where the repository is, copying it to a scratch
//! directory, finding every documented example in a raw spec independently of the generator, and
//! a local HTTP server that answers one route for contract tests.

use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the repository")
        .to_path_buf()
}

/// A fresh scratch directory under the system temp dir, unique to this process and `name`.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("specgen-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("temp dir is writable");
    dir
}

/// Copies `from` into `to` recursively, skipping build output.
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() == "target" {
            continue;
        }
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            fs::copy(entry.path(), dest).unwrap();
        }
    }
}

/// A scratch copy of `specs/` and `generated/` in which a test may edit specs freely.
pub fn scratch_repo(name: &str) -> PathBuf {
    let dir = scratch_dir(name);
    copy_dir(&repo_root().join("specs"), &dir.join("specs"));
    copy_dir(&repo_root().join("generated"), &dir.join("generated"));
    dir
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// JSON pointers of every `example` value and every entry of an `examples` map in an OpenAPI
/// document, found by walking the raw YAML. Property maps are walked as maps of schemas, so a
/// property that happens to be named `example` is not mistaken for one.
pub fn raw_example_pointers(yaml: &str) -> Vec<String> {
    let value: Value = serde_yaml_ng::from_str(yaml).expect("spec parses");
    let mut out = Vec::new();
    walk(&value, "#", false, &mut out);
    out.sort();
    out
}

fn walk(value: &Value, pointer: &str, in_properties: bool, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let at = format!("{pointer}/{}", escape(key));
                if !in_properties && key == "example" {
                    out.push(at);
                } else if !in_properties && key == "examples" && child.is_object() {
                    for (name, example) in child.as_object().unwrap() {
                        if example.get("value").is_some() || example.get("$ref").is_some() {
                            out.push(format!("{at}/{}", escape(name)));
                        }
                    }
                } else {
                    walk(child, &at, !in_properties && key == "properties", out);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, &format!("{pointer}/{i}"), false, out);
            }
        }
        _ => {}
    }
}

/// The API of a fixture under `tests/fixtures/mock/`, loaded as `cargo xtask mock --spec` would.
pub fn mock_fixture(name: &str) -> specgen_ir::ir::Api {
    let path = repo_root().join("tests/fixtures/mock").join(name);
    match specgen_codegen::spec::load_spec(&path) {
        Ok(loaded) => loaded.api,
        Err(e) => panic!("fixture {name} does not load:\n{e}"),
    }
}

/// The API of every spec in `specs/`, as `cargo xtask codegen` lowers them.
pub fn spec_apis() -> Vec<specgen_ir::ir::Api> {
    let (inputs, diagnostics) =
        specgen_codegen::load::load_specs(&repo_root().join("specs"), "specs");
    assert!(!diagnostics.has_errors(), "{diagnostics}");
    let (apis, diagnostics) = specgen_codegen::lower_inputs(&inputs);
    assert!(!diagnostics.has_errors(), "{diagnostics}");
    apis
}

/// The API of one spec in `specs/` by module name.
pub fn spec_api(module: &str) -> specgen_ir::ir::Api {
    spec_apis()
        .into_iter()
        .find(|a| a.module == module)
        .unwrap_or_else(|| panic!("no spec for module {module}"))
}

/// Every JSON example in a release-notes file, with the line of its opening bracket, found
/// independently of the generator: each line that starts with `{` or `[` at column 1 begins one
/// JSON value, read with serde_json's stream reader (which stops at the end of that value).
pub fn release_notes_json_blocks(text: &str) -> Vec<(usize, Value)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if line.starts_with('{') || line.starts_with('[') {
            let mut values =
                serde_json::Deserializer::from_str(&text[offset..]).into_iter::<Value>();
            match values.next() {
                Some(Ok(value)) => out.push((i + 1, value)),
                other => panic!("line {}: the JSON example does not parse: {other:?}", i + 1),
            }
        }
        offset += line.len();
    }
    out
}

/// The placeholder strings release notes use for "a value of this type".
pub fn placeholder_kind(value: &Value) -> Option<&'static str> {
    match value.as_str()? {
        "<boolean>" => Some("boolean"),
        "<integer>" => Some("integer"),
        "<number>" => Some("number"),
        "<string>" => Some("string"),
        _ => None,
    }
}

/// True when `checked` equals `documented` except where `documented` holds a placeholder
/// string, which `checked` may replace by any value of the placeholder's type. Returns the
/// number of replaced placeholders, or the first JSON pointer where the two differ otherwise.
pub fn equal_modulo_placeholders(
    documented: &Value,
    checked: &Value,
    pointer: &str,
) -> Result<usize, String> {
    if let Some(kind) = placeholder_kind(documented) {
        let fits = match kind {
            "boolean" => checked.is_boolean(),
            "integer" => checked.is_i64() || checked.is_u64(),
            "number" => checked.is_number(),
            _ => checked.is_string(),
        };
        return match (fits, documented == checked) {
            (_, true) => Ok(0),
            (true, false) => Ok(1),
            (false, false) => Err(format!("{pointer}: {checked} is not a {kind}")),
        };
    }
    match (documented, checked) {
        (Value::Object(a), Value::Object(b)) => {
            if a.len() != b.len() || a.keys().any(|k| !b.contains_key(k)) {
                return Err(format!("{pointer}: the keys differ"));
            }
            a.iter().try_fold(0, |n, (k, v)| {
                Ok(n + equal_modulo_placeholders(v, &b[k], &format!("{pointer}/{}", escape(k)))?)
            })
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            a.iter().zip(b).enumerate().try_fold(0, |n, (i, (x, y))| {
                Ok(n + equal_modulo_placeholders(x, y, &format!("{pointer}/{i}"))?)
            })
        }
        _ if documented == checked => Ok(0),
        _ => Err(format!("{pointer}: {documented} became {checked}")),
    }
}

/// A local server that answers `verb route` with `status` and the JSON `body`, any number of times.
pub async fn serve_json(verb: &str, route: &str, status: u16, body: Value) -> wiremock::MockServer {
    use wiremock::matchers::{method, path};
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(method(verb))
        .and(path(route))
        .respond_with(wiremock::ResponseTemplate::new(status).set_body_json(body))
        .mount(&server)
        .await;
    server
}

/// Writes `files` (a generated crate) as a standalone crate under `target/` and runs
/// `cargo check --all-features` on it, sharing the workspace's lock file and one target
/// directory so dependencies are built once for every test that compiles generated code.
/// Returns cargo's stderr when the check fails.
pub fn check_generated_crate(
    name: &str,
    files: &std::collections::BTreeMap<PathBuf, String>,
) -> Result<(), String> {
    let dir = scratch_dir(name);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let manifest = files[&PathBuf::from("Cargo.toml")]
        .replace("name = \"specgen-apis\"", &format!("name = \"{name}\""))
        .replacen("[lib]", "[workspace]\n\n[lib]", 1);
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::copy(repo_root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    for (path, text) in files {
        if path.starts_with("src") {
            std::fs::write(dir.join(path), text).unwrap();
        }
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args([
            "check",
            "--quiet",
            "--offline",
            "--all-features",
            "--message-format=short",
        ])
        .current_dir(&dir)
        .env(
            "CARGO_TARGET_DIR",
            repo_root().join("target/breadth-fixture"),
        )
        .output()
        .unwrap();
    let result = if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    };
    std::fs::remove_dir_all(&dir).unwrap();
    result
}
