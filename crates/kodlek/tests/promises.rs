//! Which promises of the privacy notice are proven: every kept promise must be named by a test.

use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
struct Promises {
    promise: Vec<Promise>,
}

#[derive(Deserialize)]
struct Promise {
    id: String,
    status: String,
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if p.is_dir() {
            if !["node_modules", "target", ".git"].contains(&name.as_str()) {
                sources(&p, out);
            }
        } else if name.ends_with(".rs") || name.ends_with(".mjs") {
            out.push(p);
        }
    }
}

/// A line that says `promise ID` (or lists IDs after "promise") names the ID.
fn named(text: &str, id: &str) -> bool {
    text.lines().any(|l| {
        l.contains("promise")
            && l.match_indices(id).any(|(i, _)| {
                let after = l[i + id.len()..].chars().next();
                !after.is_some_and(|c| c.is_ascii_digit())
            })
    })
}

#[test]
fn every_kept_promise_is_proven() {
    let list: Promises =
        toml::from_str(&std::fs::read_to_string(repo().join("docs/promises.toml")).unwrap())
            .unwrap();
    let mut files = Vec::new();
    sources(&repo().join("crates"), &mut files);
    sources(&repo().join("tests"), &mut files);
    let texts: Vec<String> = files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .collect();
    let mut missing = Vec::new();
    for p in &list.promise {
        let proven = texts.iter().any(|t| named(t, &p.id));
        println!(
            "{:<10} {:<8} {}",
            p.id,
            p.status,
            if proven { "proven" } else { "-" }
        );
        if p.status == "kept" && !proven {
            missing.push(p.id.clone());
        }
    }
    let kept = list.promise.iter().filter(|p| p.status == "kept").count();
    println!("{kept} of {} promises are kept today", list.promise.len());
    assert!(
        missing.is_empty(),
        "kept promises without a test that names them: {missing:?}"
    );
    assert!(
        list.promise
            .iter()
            .all(|p| ["kept", "planned"].contains(&p.status.as_str()))
    );
}

#[test]
fn a_promise_id_is_not_named_by_its_longer_cousin() {
    assert!(named("// promise ACCT-1", "ACCT-1"));
    assert!(!named("// promise ACCT-10", "ACCT-1"));
    assert!(!named("ACCT-1 without the word", "ACCT-1"));
}
