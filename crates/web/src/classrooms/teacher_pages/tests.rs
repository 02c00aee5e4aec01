//! The teachers' pages' tests: the grid, the CSV, outlines and pasted names.

use super::common::*;
use super::dashboard::*;
use super::student::*;
use super::students::*;
use crate::kit::i18n::Tr;

#[test]
fn csv_cells_cannot_start_formulas_and_are_quoted() {
    let cell = |s: &str| {
        let mut out = String::new();
        csv_cell(s, &mut out);
        out
    };
    assert_eq!(cell("Alva"), "Alva");
    assert_eq!(
        cell("=HYPERLINK(\"http://x\")"),
        "\"'=HYPERLINK(\"\"http://x\"\")\""
    );
    assert_eq!(cell("-2+3"), "'-2+3");
    assert_eq!(cell("+1"), "'+1");
    assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
    assert_eq!(cell("\tx"), "'\tx");
    assert_eq!(cell("a,b"), "\"a,b\"");
    assert_eq!(cell("two\nlines"), "\"two\nlines\"");
}

#[test]
fn file_names_are_plain() {
    assert_eq!(file_name("Klass 3B"), "klass-3b");
    assert_eq!(file_name("Åsa's \"group\"; rm -rf"), "asa-s-group-rm-rf");
    assert_eq!(file_name("\r\n"), "section");
    assert_eq!(file_name("日本"), "section");
}

#[test]
fn codes_are_spaced_for_reading_aloud() {
    assert_eq!(spaced_code("KMNPQR"), "KMN PQR");
    assert_eq!(spaced_code("ABC"), "ABC");
}

#[test]
fn pasted_lists_skip_blank_lines() {
    assert_eq!(
        pasted_names("Alva\r\n\r\n  Bo \n\t\nCleo"),
        vec!["Alva", "Bo", "Cleo"]
    );
}

#[test]
fn both_languages_have_every_text_of_the_pages() {
    let keys = |text: &str| -> std::collections::BTreeSet<String> {
        text.lines()
            .filter(|l| !l.starts_with([' ', '#', '\t']) && l.contains(" ="))
            .map(|l| l.split(" =").next().unwrap().trim().to_owned())
            .collect()
    };
    let en = keys(include_str!("../../../locales/en/sections.ftl"));
    let sv = keys(include_str!("../../../locales/sv/sections.ftl"));
    assert_eq!(en, sv, "en and sv must have the same keys");
    let main = keys(include_str!("../../../locales/en/main.ftl"));
    assert!(en.is_disjoint(&main), "{:?}", en.intersection(&main));
    for t in LOGIN_TYPES {
        assert!(en.contains(&format!("sections-login-{t}-hint")));
    }
}

#[test]
fn programs_read_as_an_outline() {
    let tr = Tr::new(crate::kit::extract::Lang::En);
    let program = serde_json::json!({"blocks": {"languageVersion": 0, "blocks": [
        {"type": "artist_pen_down", "x": 300},
        {"type": "when_run", "next": {"block": {"type": "maze_ifElse", "fields": {"DIR": "isPathLeft"},
            "inputs": {"DO": {"block": {"type": "maze_turn", "fields": {"DIR": "turnLeft"}}},
                       "ELSE": {"block": {"type": "maze_forever", "inputs": {"DO": {"block": {"type": "maze_move_forward", "enabled": false}}}}}},
            "next": {"block": {"type": "artist_turn", "fields": {"DIR": "turnRight", "ANGLE": 90.0},
                "next": {"block": {"type": "artist_colour", "fields": {"COLOUR": "#ff0000"},
                    "next": {"block": {"type": "artist_move_backward", "fields": {"DISTANCE": 12.5},
                        "next": {"block": {"type": "<script>"}}}}}}}}}}}
    ]}});
    assert_eq!(
        outline(&tr, &program.to_string()),
        "when run\n    if path to the left:\n        turn left ↺\n    else:\n        repeat until done:\n            move forward (switched off)\n    turn right by 90 degrees\n    set colour #ff0000\n    move backward by 12.5\n    unknown block \"<script>\"\n\n(blocks not joined to \"when run\"; they do not run)\npen down"
    );
    assert_eq!(
        outline(&tr, r#"{"x": 1}"#),
        "(this program cannot be shown)"
    );
    // Deep nesting is cut, not followed.
    let mut deep = serde_json::json!({"type": "maze_move_forward"});
    for _ in 0..200 {
        deep = serde_json::json!({"type": "maze_forever", "inputs": {"DO": {"block": deep}}});
    }
    let text = outline(
        &tr,
        &serde_json::json!({"blocks": {"blocks": [deep]}}).to_string(),
    );
    assert!(text.lines().count() < 40 && text.ends_with('…'), "{text}");
}

#[test]
fn escaping_covers_markup() {
    let mut out = String::new();
    esc("<a href=\"x\">&'", &mut out);
    assert_eq!(out, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
}
