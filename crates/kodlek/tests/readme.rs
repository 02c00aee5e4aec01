//! The README tells the truth about the binary: its configuration table has every option that
//! `kodlek serve --help` lists, and every guide it names under `docs/` exists.

use std::path::Path;
use std::process::Command;

fn workspace() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn readme() -> String {
    std::fs::read_to_string(workspace().join("README.md")).unwrap()
}

/// The words of `text` that start with `prefix`, made of letters, digits, `-` and `_`.
fn words_after(text: &str, prefix: &str) -> Vec<String> {
    let mut found: Vec<String> = text
        .match_indices(prefix)
        .map(|(at, _)| {
            let rest = &text[at + prefix.len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                .unwrap_or(rest.len());
            format!("{prefix}{}", &rest[..end])
        })
        .filter(|w| w.len() > prefix.len())
        .collect();
    found.sort();
    found.dedup();
    found
}

#[test]
fn the_configuration_table_has_every_option_of_serve() {
    let out = Command::new(env!("CARGO_BIN_EXE_kodlek"))
        .args(["serve", "--help"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    let readme = readme();
    let table: Vec<&str> = readme
        .lines()
        .skip_while(|l| !l.starts_with("## Configuration"))
        .take_while(|l| !l.starts_with("Mail goes over"))
        .filter(|l| l.starts_with('|'))
        .collect();
    let flags: Vec<String> = words_after(&help, "--")
        .into_iter()
        .filter(|f| f != "--help")
        .collect();
    assert!(flags.len() >= 10, "the options of serve: {flags:?}");
    for flag in &flags {
        let row = format!("| `{flag}` |");
        assert!(
            table.iter().any(|l| l.starts_with(&row)),
            "README.md's configuration table has no row for {flag}"
        );
    }
    for var in words_after(&help, "KODLEK_") {
        assert!(
            table.iter().any(|l| l.contains(&format!("`{var}`"))),
            "README.md's configuration table does not name {var}"
        );
    }
}

#[test]
fn every_guide_the_readme_names_exists() {
    let readme = readme();
    let mut named: Vec<String> = Vec::new();
    // The layout lists a folder's files after its name, on the following indented lines.
    let layout = readme
        .lines()
        .skip_while(|l| !l.starts_with("docs/"))
        .take_while(|l| l.starts_with("docs/") || l.starts_with(' '));
    for line in layout {
        for word in line.split(|c: char| c.is_whitespace() || c == ',') {
            if word.ends_with(".md") {
                named.push(format!("docs/{word}"));
            }
        }
    }
    for word in readme.split(|c: char| c.is_whitespace() || "`()<>,;".contains(c)) {
        if word.starts_with("docs/") && word.ends_with(".md") {
            named.push(word.to_owned());
        }
    }
    assert!(!named.is_empty(), "the README names its guides");
    for n in &named {
        assert!(
            workspace().join(n).is_file(),
            "README.md names {n}, which does not exist"
        );
    }
}
