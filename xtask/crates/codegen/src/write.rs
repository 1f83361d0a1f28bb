//! Stage 6: write or check. The only stage besides `load` that touches the disk.
//!
//! Writing compares each file with what is on disk and rewrites only the changed ones, each
//! through a temporary file and a rename so a reader never sees half a file; files the generator
//! no longer produces are removed. Checking compares the same way and reports stale, missing and
//! orphaned files without touching anything (the rust-analyzer `ensure_file_contents` model).

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Generated files by path relative to the output directory.
pub type Files = BTreeMap<PathBuf, String>;

/// How `generated/` differs from what the specs produce.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Drift {
    /// Files whose content differs.
    pub stale: Vec<PathBuf>,
    /// Files the generator produces that do not exist.
    pub missing: Vec<PathBuf>,
    /// Files in the output directory that the generator does not produce.
    pub orphaned: Vec<PathBuf>,
}

impl Drift {
    /// True when `generated/` matches the specs exactly.
    pub fn is_clean(&self) -> bool {
        self.stale.is_empty() && self.missing.is_empty() && self.orphaned.is_empty()
    }
}

fn normalize(text: &str) -> String {
    text.replace("\r\n", "\n")
}

/// Every file under `dir`, relative to it, skipping build output and lock files.
fn existing_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let entries = match fs::read_dir(&current) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            let path = entry.path();
            let name = entry.file_name();
            if name == "target" || name == "Cargo.lock" {
                continue;
            }
            if entry.file_type()?.is_dir() {
                stack.push(path);
            } else if let Ok(relative) = path.strip_prefix(dir) {
                out.push(relative.to_path_buf());
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Compares `files` with the contents of `dir`.
pub fn check(dir: &Path, files: &Files) -> io::Result<Drift> {
    let mut drift = Drift::default();
    for (relative, content) in files {
        match fs::read_to_string(dir.join(relative)) {
            Ok(existing) if normalize(&existing) == normalize(content) => {}
            Ok(_) => drift.stale.push(relative.clone()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => drift.missing.push(relative.clone()),
            Err(e) => return Err(e),
        }
    }
    drift.orphaned = existing_files(dir)?
        .into_iter()
        .filter(|f| !files.contains_key(f))
        .collect();
    Ok(drift)
}

/// Writes `files` into `dir`, changing only what differs, and removes orphans. Returns what changed.
pub fn write(dir: &Path, files: &Files) -> io::Result<Drift> {
    let drift = check(dir, files)?;
    for relative in drift.stale.iter().chain(&drift.missing) {
        let path = dir.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let tmp = path.with_extension("specgen-tmp");
        fs::write(&tmp, &files[relative])?;
        fs::rename(&tmp, &path)?;
    }
    for relative in &drift.orphaned {
        fs::remove_file(dir.join(relative))?;
    }
    Ok(drift)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_reports_stale_missing_and_orphaned_and_write_fixes_them() {
        let dir = std::env::temp_dir().join(format!("specgen-write-test-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("src")).unwrap();
        fs::write(dir.join("src/a.rs"), "old").unwrap();
        fs::write(dir.join("src/orphan.rs"), "x").unwrap();
        let files: Files = [
            (PathBuf::from("src/a.rs"), "new".to_owned()),
            (PathBuf::from("src/b.rs"), "b".to_owned()),
        ]
        .into();
        let drift = check(&dir, &files).unwrap();
        assert_eq!(drift.stale, [PathBuf::from("src/a.rs")]);
        assert_eq!(drift.missing, [PathBuf::from("src/b.rs")]);
        assert_eq!(drift.orphaned, [PathBuf::from("src/orphan.rs")]);
        assert_eq!(
            fs::read_to_string(dir.join("src/a.rs")).unwrap(),
            "old",
            "check must not write"
        );
        write(&dir, &files).unwrap();
        assert!(check(&dir, &files).unwrap().is_clean());
        fs::remove_dir_all(&dir).unwrap();
    }
}
