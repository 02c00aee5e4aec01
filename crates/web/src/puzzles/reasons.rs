//! A failed attempt in words: the learner's message after Run and the teacher's line about a
//! stored attempt, each naming the block or the maze cell the grader's verdict is about.

use crate::kit::i18n::Tr;
use kodlek_puzzles::{Detail, Mismatch, Reason};
use serde_json::Value;
use std::collections::BTreeMap;

/// A block as the toolbox shows it, with the field values that matter ("turn right",
/// "repeat 3 times", "if path to the left").
pub fn block_label(tr: &Tr, block: &str, fields: &BTreeMap<String, Value>) -> String {
    let field = |name: &str| fields.get(name).map(plain);
    let dir = fields.get("DIR").and_then(Value::as_str);
    let path = |dir: Option<&str>| match dir {
        Some("isPathForward") => format!(" {}", tr.t("block-path-forward")),
        Some("isPathLeft") => format!(" {}", tr.t("block-path-left")),
        Some("isPathRight") => format!(" {}", tr.t("block-path-right")),
        _ => String::new(),
    };
    match block {
        "maze_move_forward" => tr.t("block-move-forward"),
        "maze_turn" => match dir {
            Some("turnLeft") => tr.t("block-turn-left"),
            Some("turnRight") => tr.t("block-turn-right"),
            _ => tr.t("block-turn"),
        },
        "controls_repeat" => match field("TIMES") {
            Some(n) => format!("{} {n} {}", tr.t("block-repeat"), tr.t("block-times")),
            None => tr.t("block-repeat"),
        },
        "maze_forever" => tr.t("block-forever"),
        "maze_if" => format!("{}{}", tr.t("block-if"), path(dir)),
        "maze_ifElse" => format!("{}{} … {}", tr.t("block-if"), path(dir), tr.t("block-else")),
        "artist_move_forward" | "artist_move_backward" => {
            let key = if block == "artist_move_forward" {
                "block-artist-forward"
            } else {
                "block-artist-backward"
            };
            match field("DISTANCE") {
                Some(d) => format!("{} {d}", tr.t(key)),
                None => tr.t(key),
            }
        }
        "artist_turn" => {
            let turn = match dir {
                Some("turnLeft") => tr.t("block-artist-turn-left"),
                Some("turnRight") => tr.t("block-artist-turn-right"),
                _ => tr.t("block-turn"),
            };
            match field("ANGLE") {
                Some(a) => format!("{turn} {a} {}", tr.t("block-degrees")),
                None => turn,
            }
        }
        "artist_pen_up" => tr.t("block-pen-up"),
        "artist_pen_down" => tr.t("block-pen-down"),
        "artist_colour" => tr.t("block-colour"),
        other => other.to_owned(),
    }
}

/// A field value as a child reads it: `3`, not `3.0` or `"3"`.
fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e9 => format!("{}", f as i64),
            _ => n.to_string(),
        },
        other => other.to_string(),
    }
}

/// The words for a failure: `level-failed-…` keys for the learner, `sections-reason-…` for
/// the teacher (`prefix`). With a detail the text names the block or the cell; without one
/// (a verdict that has none) it is the reason's general text.
pub fn failure_text(tr: &Tr, prefix: &str, reason: Reason, detail: Option<&Detail>) -> String {
    let base = format!("{prefix}-{}", reason.as_str().replace('_', "-"));
    let Some(d) = detail else {
        return tr.t(&base);
    };
    let label = d
        .block
        .map(|b| block_label(tr, b, &d.fields))
        .unwrap_or_default();
    let (row, column) = (
        d.y.map(|y| (y + 1).to_string()).unwrap_or_default(),
        d.x.map(|x| (x + 1).to_string()).unwrap_or_default(),
    );
    let limit = d.limit.map(|n| n.to_string()).unwrap_or_default();
    let key = match reason {
        Reason::Crashed if d.cell == Some("obstacle") => format!("{prefix}-obstacle-at"),
        Reason::Crashed | Reason::NotReachedGoal if d.x.is_some() => format!("{base}-at"),
        Reason::EmptyBlock if d.input == Some("ELSE") => format!("{prefix}-empty-else"),
        // A repeat block always ends: it ran too many rounds, it did not run forever.
        Reason::TooManySteps if d.block == Some("controls_repeat") => format!("{base}-repeat"),
        Reason::WrongDrawing => match d.drawing {
            Some(Mismatch::Extra) => format!("{base}-extra"),
            Some(Mismatch::Missing) => format!("{base}-missing"),
            None => base,
        },
        Reason::TooManySteps | Reason::BlockNotAllowed | Reason::MissingRequiredBlock
            if d.block.is_some() =>
        {
            format!("{base}-named")
        }
        Reason::TooManyBlocks | Reason::MissingLockedBlock | Reason::EmptyBlock
            if d.block.is_some() =>
        {
            base
        }
        _ => return tr.t(&base),
    };
    tr.args(
        &key,
        &[
            ("block", label.as_str()),
            ("row", row.as_str()),
            ("column", column.as_str()),
            ("limit", limit.as_str()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::extract::Lang;
    use serde_json::json;

    fn detail(v: Value) -> Detail {
        let mut d = Detail::default();
        let o = v.as_object().unwrap();
        d.block = o.get("block").and_then(Value::as_str).map(|b| {
            kodlek_puzzles::KNOWN_BLOCKS
                .into_iter()
                .find(|k| *k == b)
                .unwrap()
        });
        if let Some(f) = o.get("fields").and_then(Value::as_object) {
            d.fields = f.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        }
        d.input = o.get("input").map(|_| "ELSE");
        d.limit = o.get("limit").and_then(Value::as_u64).map(|n| n as u32);
        d.x = o.get("x").and_then(Value::as_i64);
        d.y = o.get("y").and_then(Value::as_i64);
        d.cell = o
            .get("cell")
            .map(|c| if c == "wall" { "wall" } else { "obstacle" });
        d.drawing = o.get("drawing").map(|m| {
            if m == "extra" {
                Mismatch::Extra
            } else {
                Mismatch::Missing
            }
        });
        d
    }

    #[test]
    fn every_failure_with_a_detail_names_its_block_or_cell_in_both_languages() {
        let cases = [
            (
                Reason::Crashed,
                json!({"x": 2, "y": 1, "cell": "wall"}),
                "row 2, column 3",
            ),
            (
                Reason::Crashed,
                json!({"x": 0, "y": 3, "cell": "obstacle"}),
                "row 4, column 1",
            ),
            (
                Reason::NotReachedGoal,
                json!({"x": 4, "y": 0}),
                "row 1, column 5",
            ),
            (
                Reason::MissingRequiredBlock,
                json!({"block": "maze_turn", "fields": {"DIR": "turnRight"}}),
                "turn right",
            ),
            (
                Reason::BlockNotAllowed,
                json!({"block": "maze_forever"}),
                "repeat until done",
            ),
            (
                Reason::TooManyBlocks,
                json!({"block": "maze_move_forward", "limit": 2}),
                "move forward",
            ),
            (
                Reason::MissingLockedBlock,
                json!({"block": "controls_repeat", "fields": {"TIMES": 3}}),
                "repeat 3 times",
            ),
            (
                Reason::EmptyBlock,
                json!({"block": "controls_repeat"}),
                "repeat",
            ),
            (
                Reason::EmptyBlock,
                json!({"block": "maze_ifElse", "input": "ELSE"}),
                "else",
            ),
            (
                Reason::TooManySteps,
                json!({"block": "maze_forever"}),
                "repeat until done",
            ),
            (
                Reason::TooManySteps,
                json!({"block": "controls_repeat"}),
                "too many times",
            ),
            (
                Reason::WrongDrawing,
                json!({"drawing": "extra"}),
                "not in the picture",
            ),
            (
                Reason::WrongDrawing,
                json!({"drawing": "missing"}),
                "not drawn yet",
            ),
        ];
        for prefix in ["level-failed", "sections-reason"] {
            for (reason, d, named) in &cases {
                let d = detail(d.clone());
                let en = failure_text(&Tr::new(Lang::En), prefix, *reason, Some(&d));
                let sv = failure_text(&Tr::new(Lang::Sv), prefix, *reason, Some(&d));
                assert!(en.contains(named), "{prefix} {reason:?}: {en}");
                assert_ne!(en, sv, "{prefix} {reason:?}");
                assert!(!en.contains('{') && !sv.contains('{'), "{en} / {sv}");
                let plain = failure_text(&Tr::new(Lang::En), prefix, *reason, None);
                assert_ne!(plain, en, "{prefix} {reason:?}: the detail is used");
            }
            assert!(
                failure_text(
                    &Tr::new(Lang::En),
                    prefix,
                    Reason::TooManyBlocks,
                    Some(&detail(json!({"block": "maze_move_forward", "limit": 2})))
                )
                .contains('2')
            );
            assert!(
                failure_text(
                    &Tr::new(Lang::Sv),
                    prefix,
                    Reason::Crashed,
                    Some(&detail(json!({"x": 2, "y": 1, "cell": "wall"})))
                )
                .contains("rad 2, kolumn 3")
            );
        }
    }

    #[test]
    fn every_reason_has_its_words_in_both_languages() {
        let files = [
            include_str!("../../locales/en/main.ftl"),
            include_str!("../../locales/sv/main.ftl"),
            include_str!("../../locales/en/sections.ftl"),
            include_str!("../../locales/sv/sections.ftl"),
        ];
        for (i, file) in files.iter().enumerate() {
            let prefix = if i < 2 {
                "level-failed"
            } else {
                "sections-reason"
            };
            for r in Reason::ALL {
                let key = format!("\n{prefix}-{} = ", r.as_str().replace('_', "-"));
                assert!(file.contains(&key), "{key}");
            }
        }
    }
}
