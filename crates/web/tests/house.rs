//! The shape of the code: no source file grows past 800 lines, the kit uses no feature, and
//! a feature reaches another only through its public surface, never its handlers or pages.

use std::path::{Path, PathBuf};

const MAX_LINES: usize = 800;
const FEATURES: [&str; 10] = [
    "accounts",
    "puzzles",
    "classrooms",
    "staff",
    "support",
    "notices",
    "families",
    "creations",
    "media",
    "sso",
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.rs` file under `dir`, in a stable order.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The source folders of the workspace: each crate's `src`, and the benchmark's.
fn source_dirs() -> Vec<PathBuf> {
    let root = workspace();
    let mut dirs = vec![root.join("bench/src")];
    let mut crates: Vec<PathBuf> = std::fs::read_dir(root.join("crates"))
        .expect("the crates folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("src").is_dir())
        .map(|p| p.join("src"))
        .collect();
    crates.sort();
    dirs.extend(crates);
    dirs
}

#[test]
fn no_source_file_is_longer_than_800_lines() {
    let mut too_long = Vec::new();
    let mut seen = 0;
    for dir in source_dirs() {
        for file in rust_files(&dir) {
            seen += 1;
            let lines = std::fs::read_to_string(&file)
                .expect("readable")
                .lines()
                .count();
            if lines > MAX_LINES {
                too_long.push(format!("{} ({lines} lines)", file.display()));
            }
        }
    }
    assert!(
        seen > 50,
        "only {seen} source files found: is the walk right?"
    );
    assert!(
        too_long.is_empty(),
        "split these along their seams: {too_long:#?}"
    );
}

/// The modules of `crate::<feature>` that a file names: `crate::f::m` and `crate::f::{m, ..}`.
fn modules_named(text: &str, feature: &str) -> Vec<String> {
    let prefix = format!("crate::{feature}::");
    let mut named = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(&prefix) {
        rest = &rest[at + prefix.len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inside = &group[..group.find('}').unwrap_or(group.len())];
            for item in inside.split(',') {
                let first = item.trim().split("::").next().unwrap_or("");
                named.push(first.split_whitespace().next().unwrap_or("").to_owned());
            }
        } else {
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            named.push(rest[..end].to_owned());
        }
    }
    named
}

/// Handlers and pages: the modules a feature keeps to itself.
fn is_handlers_or_pages(module: &str) -> bool {
    module == "api" || module == "pages" || module.ends_with("_pages")
}

#[test]
fn features_reach_each_other_only_through_their_public_surface() {
    let src = workspace().join("crates/web/src");
    let mut wrong = Vec::new();
    for feature in FEATURES {
        for file in rust_files(&src.join(feature)) {
            let text = std::fs::read_to_string(&file).expect("readable");
            for other in FEATURES.iter().filter(|f| **f != feature) {
                for module in modules_named(&text, other) {
                    if is_handlers_or_pages(&module) {
                        wrong.push(format!("{} names {other}::{module}", file.display()));
                    }
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn the_kit_uses_no_feature() {
    let kit = workspace().join("crates/web/src/kit");
    let files = rust_files(&kit);
    assert!(!files.is_empty(), "the kit has a folder");
    let mut wrong = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable");
        for feature in FEATURES {
            if text.contains(&format!("crate::{feature}")) {
                wrong.push(format!("{} uses {feature}", file.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn the_rule_sees_handlers_and_pages_named_either_way() {
    let named = modules_named(
        "use crate::puzzles::{api::attempt, AttemptView};\nlet x = crate::puzzles::pages::x;",
        "puzzles",
    );
    assert_eq!(named, ["api", "AttemptView", "pages"]);
    assert!(named.iter().any(|m| is_handlers_or_pages(m)));
    assert!(is_handlers_or_pages("teacher_pages"));
    assert!(!is_handlers_or_pages("AttemptView"));
}
