//! The canonical form of a stored program: only what runs, bounded, in one fixed key order.
//!
//! A learner's program is kept as this text, never as it was sent: Blockly's other keys (`id`,
//! `extraState`, `deletable`, ...) are dropped, so nothing a learner adds beside the blocks can
//! make a stored program larger or deeper than the blocks it holds, and the limits below bound
//! what every later read of it costs. It is written with an explicit stack, never by recursion.

use crate::json::Node;
use crate::{Invalid, invalid};
use std::io::Write;

/// The most blocks a stored program holds across all its stacks, stray stacks, shadows and
/// disabled blocks included (the `when_run` stack itself is limited to [`crate::MAX_BLOCKS`]).
pub const MAX_STORED_BLOCKS: usize = 1_000;
/// The deepest a block may sit in any stack: a top-level block is at depth 1, a block in one
/// of its inputs at 2 (the blocks linked by `next` are at the same depth).
pub const MAX_NESTING: usize = 64;
/// The longest block type, field name, input name, field value or disabled reason, in
/// characters. Blockly's own are a few dozen at most.
pub const MAX_STRING_CHARS: usize = 200;
/// The longest canonical program text, in bytes. A thousand blocks with their fields take
/// about a third of this.
pub const MAX_PROGRAM_BYTES: usize = 256 * 1024;

/// A stored program's canonical text when it has no blocks at all.
pub const EMPTY_PROGRAM: &str = r#"{"blocks":{"blocks":[],"languageVersion":0}}"#;

/// The canonical text of a program stored before programs were kept in canonical form. It
/// was judged when it came, so it has Blockly's shape; one beyond this module's limits (only a
/// hostile one is) is kept as [`EMPTY_PROGRAM`], so that every stored program is bounded.
pub fn stored_form(text: &str) -> String {
    crate::Doc::parse(text)
        .ok()
        .and_then(|d| canonical_program(d.root()).ok())
        .unwrap_or_else(|| EMPTY_PROGRAM.to_owned())
}

enum Task<'d> {
    /// A key or a scalar value, with the comma before it when one is due.
    Item(String),
    /// Closing text, written as it is.
    Close(&'static str),
    Block(Node<'d>, usize),
    Connection(Node<'d>, usize),
}

fn too_long() -> Invalid {
    invalid(format!(
        "program: a block type, name or text may be at most {MAX_STRING_CHARS} characters"
    ))
}

fn short(s: &str) -> Result<&str, Invalid> {
    // Counting characters only when the bytes are over: most strings are far below.
    if s.len() > MAX_STRING_CHARS && s.chars().nth(MAX_STRING_CHARS).is_some() {
        return Err(too_long());
    }
    Ok(s)
}

fn quoted(s: &str) -> Result<String, Invalid> {
    serde_json::to_string(short(s)?).map_err(|_| too_long())
}

/// A comma, unless the text so far ends a key or opens a list or an object.
fn separate(out: &mut Vec<u8>) {
    if !matches!(out.last(), Some(b'{' | b'[' | b':') | None) {
        out.push(b',');
    }
}

fn not_a_block() -> Invalid {
    invalid("program: a block must be an object")
}

fn connection_of<'d>(c: Node<'d>) -> Result<Option<Node<'d>>, Invalid> {
    if !c.is_object() {
        return Err(invalid("program: an input or next must be an object"));
    }
    Ok((c.get("block").is_some() || c.get("shadow").is_some()).then_some(c))
}

/// The canonical text of a program read by [`crate::Doc::parse`]:
/// `{"blocks":{"blocks":[...],"languageVersion":0}}`, each block holding only `type`,
/// `fields` (scalar values), `inputs` (each only `block`/`shadow`), `next`, `enabled` (only
/// when false), `disabledReasons` (strings) and `x`/`y` (numbers), keys sorted. A program not
/// in Blockly's shape, or beyond the limits of this module, is refused (`invalid_program`).
///
/// What the judge reads is kept as it was, so that the canonical program gets the verdict the
/// sent one got (apart from block ids in the trace); writing it again gives the same text.
pub fn canonical_program(root: Node<'_>) -> Result<String, Invalid> {
    let tops = root
        .get("blocks")
        .and_then(|b| b.get("blocks"))
        .and_then(|b| b.elements())
        .ok_or_else(|| invalid("program: expected {\"blocks\": {\"blocks\": [...]}}"))?;
    let mut out: Vec<u8> = Vec::with_capacity(1024);
    out.extend_from_slice(br#"{"blocks":{"blocks":["#);
    let mut todo: Vec<Task<'_>> = vec![Task::Close(r#"],"languageVersion":0}}"#)];
    let first = todo.len();
    for top in tops {
        if todo.len() > MAX_STORED_BLOCKS {
            return Err(too_many());
        }
        todo.push(Task::Block(top, 1));
    }
    todo[first..].reverse();
    let mut blocks = 0usize;
    while let Some(task) = todo.pop() {
        match task {
            Task::Item(s) => {
                separate(&mut out);
                out.extend_from_slice(s.as_bytes());
            }
            Task::Close(s) => out.extend_from_slice(s.as_bytes()),
            Task::Connection(c, depth) => {
                separate(&mut out);
                out.push(b'{');
                todo.push(Task::Close("}"));
                if let Some(s) = c.get("shadow") {
                    todo.push(Task::Block(s, depth));
                    todo.push(Task::Item("\"shadow\":".into()));
                }
                if let Some(b) = c.get("block") {
                    todo.push(Task::Block(b, depth));
                    todo.push(Task::Item("\"block\":".into()));
                }
            }
            Task::Block(b, depth) => {
                blocks += 1;
                if blocks > MAX_STORED_BLOCKS {
                    return Err(too_many());
                }
                if depth > MAX_NESTING {
                    return Err(invalid(format!(
                        "program: blocks may be nested at most {MAX_NESTING} deep in any stack"
                    )));
                }
                block(b, depth, &mut out, &mut todo)?;
                if out.len() > MAX_PROGRAM_BYTES {
                    return Err(too_large());
                }
            }
        }
    }
    if out.len() > MAX_PROGRAM_BYTES {
        return Err(too_large());
    }
    String::from_utf8(out).map_err(|_| invalid("program: not UTF-8"))
}

fn too_many() -> Invalid {
    invalid(format!(
        "program: at most {MAX_STORED_BLOCKS} blocks in all stacks together"
    ))
}

fn too_large() -> Invalid {
    invalid(format!(
        "program: at most {MAX_PROGRAM_BYTES} bytes once Blockly's own keys are left out"
    ))
}

/// Writes a block's scalar keys and queues its inputs, next and the keys after them.
fn block<'d>(
    b: Node<'d>,
    depth: usize,
    out: &mut Vec<u8>,
    todo: &mut Vec<Task<'d>>,
) -> Result<(), Invalid> {
    if !b.is_object() {
        return Err(not_a_block());
    }
    let ty = b
        .get("type")
        .and_then(|t| t.as_str())
        .ok_or_else(|| invalid("program: every block needs a type"))?;
    separate(out);
    out.push(b'{');
    // Disabled as the judge sees it: `enabled: false`, or a non-empty list of reasons. The
    // reasons that are strings are kept; when none is, `enabled: false` keeps it disabled.
    let mut reasons = Vec::new();
    let mut listed = false;
    if let Some(list) = b.get("disabledReasons").and_then(|r| r.elements()) {
        for r in list {
            listed = true;
            if let Some(s) = r.as_str() {
                reasons.push(quoted(s)?);
            }
        }
    }
    if !reasons.is_empty() {
        separate(out);
        out.extend_from_slice(b"\"disabledReasons\":[");
        out.extend_from_slice(reasons.join(",").as_bytes());
        out.push(b']');
    }
    let off = b.get("enabled").and_then(|e| e.as_bool()) == Some(false);
    if off || (listed && reasons.is_empty()) {
        separate(out);
        out.extend_from_slice(b"\"enabled\":false");
    }
    if let Some(fields) = b.get("fields") {
        if !fields.is_object() {
            return Err(invalid("program: fields must be an object"));
        }
        let mut kept = Vec::new();
        for (k, v) in fields.entries() {
            let value = if let Some(s) = v.as_str() {
                quoted(s)?
            } else if v.as_f64().is_some() || v.as_bool().is_some() {
                v.canonical()
            } else {
                continue;
            };
            kept.push((k, quoted(k)?, value));
        }
        if !kept.is_empty() {
            // By the keys themselves, as serde_json orders them, not by their quoted text.
            kept.sort_by(|a, b| a.0.cmp(b.0));
            separate(out);
            out.extend_from_slice(b"\"fields\":{");
            for (i, (_, k, v)) in kept.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                let _ = write!(out, "{k}:{v}");
            }
            out.push(b'}');
        }
    }
    // Queued last to first: the keys after `next` (type, x, y), then next, then the inputs.
    todo.push(Task::Close("}"));
    for axis in ["y", "x"] {
        if let Some(n) = b.get(axis).filter(|n| n.as_f64().is_some()) {
            todo.push(Task::Item(format!("\"{axis}\":{}", n.canonical())));
        }
    }
    todo.push(Task::Item(format!("\"type\":{}", quoted(ty)?)));
    if let Some(next) = b.get("next")
        && let Some(c) = connection_of(next)?
    {
        todo.push(Task::Connection(c, depth));
        todo.push(Task::Item("\"next\":".into()));
    }
    if let Some(inputs) = b.get("inputs") {
        if !inputs.is_object() {
            return Err(invalid("program: inputs must be an object"));
        }
        let mut kept = Vec::new();
        for (name, c) in inputs.entries() {
            if let Some(c) = connection_of(c)? {
                kept.push((name, quoted(name)?, c));
            }
        }
        if !kept.is_empty() {
            kept.sort_by(|a, b| a.0.cmp(b.0));
            todo.push(Task::Close("}"));
            for (_, name, c) in kept.into_iter().rev() {
                todo.push(Task::Connection(c, depth + 1));
                todo.push(Task::Item(format!("{name}:")));
            }
            todo.push(Task::Item("\"inputs\":{".into()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Doc;

    fn canon(text: &str) -> Result<String, Invalid> {
        canonical_program(Doc::parse(text).unwrap().root())
    }

    #[test]
    fn keeps_what_runs_and_drops_the_rest() {
        let sent = r#"{"blocks":{"languageVersion":0,"blocks":[{"type":"when_run","id":"s","x":10,"y":-2.5,
            "extraState":{"a":[[[1]]]},"deletable":false,"next":{"block":{"type":"controls_repeat","id":"r",
            "fields":{"TIMES":3,"X":[1],"Y":null,"B":true,"A":"z"},"inputs":{"DO":{"block":{"type":"maze_move_forward",
            "enabled":true},"extra":1},"EMPTY":{}},"disabledReasons":"nope"}}}]},"variables":[1]}"#;
        assert_eq!(
            canon(sent).unwrap(),
            r#"{"blocks":{"blocks":[{"next":{"block":{"fields":{"A":"z","B":true,"TIMES":3},"inputs":{"DO":{"block":{"type":"maze_move_forward"}}},"type":"controls_repeat"}},"type":"when_run","x":10,"y":-2.5}],"languageVersion":0}}"#
        );
    }

    #[test]
    fn keys_are_sorted_as_serde_json_sorts_them() {
        let sent = r#"{"blocks":{"blocks":[{"type":"a","fields":{" ":1,"":2,"\n":3,"a":4},"inputs":{" ":{},"":{"block":{"type":"b"}}," x":{"block":{"type":"c"}}}}]}}"#;
        let c = canon(sent).unwrap();
        let v: serde_json::Value = serde_json::from_str(&c).unwrap();
        assert_eq!(v.to_string(), c);
    }

    #[test]
    fn a_disabled_block_stays_disabled() {
        let c = canon(r#"{"blocks":{"blocks":[{"type":"a","disabledReasons":[1]},{"type":"b","disabledReasons":["M",2]},{"type":"c","enabled":false,"disabledReasons":[]}]}}"#).unwrap();
        assert_eq!(
            c,
            r#"{"blocks":{"blocks":[{"enabled":false,"type":"a"},{"disabledReasons":["M"],"type":"b"},{"enabled":false,"type":"c"}],"languageVersion":0}}"#
        );
        assert_eq!(canon(&c).unwrap(), c);
    }

    #[test]
    fn shapes_the_judge_refuses_are_refused() {
        for bad in [
            r#"{"blocks":{"blocks":{}}}"#,
            r#"[]"#,
            r#"{"blocks":{"blocks":[1]}}"#,
            r#"{"blocks":{"blocks":[{"type":1}]}}"#,
            r#"{"blocks":{"blocks":[{"type":"a","fields":[]}]}}"#,
            r#"{"blocks":{"blocks":[{"type":"a","inputs":[]}]}}"#,
            r#"{"blocks":{"blocks":[{"type":"a","inputs":{"DO":1}}]}}"#,
            r#"{"blocks":{"blocks":[{"type":"a","next":null}]}}"#,
            r#"{"blocks":{"blocks":[{"type":"a","next":{"block":null}}]}}"#,
            r#"{"blocks":{"blocks":[{"type":"a","next":{"shadow":{"x":1}}}]}}"#,
        ] {
            assert!(canon(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn limits_are_kept() {
        let block = r#"{"type":"a"}"#;
        let many = |n: usize| {
            format!(
                r#"{{"blocks":{{"blocks":[{}]}}}}"#,
                vec![block; n].join(",")
            )
        };
        assert!(canon(&many(MAX_STORED_BLOCKS)).is_ok());
        assert!(canon(&many(MAX_STORED_BLOCKS + 1)).is_err());
        let nested = |n: usize| {
            let mut t = String::from(block);
            for _ in 1..n {
                t = format!(r#"{{"type":"a","inputs":{{"DO":{{"block":{t}}}}}}}"#);
            }
            format!(r#"{{"blocks":{{"blocks":[{t}]}}}}"#)
        };
        assert!(canon(&nested(MAX_NESTING)).is_ok());
        assert!(canon(&nested(MAX_NESTING + 1)).is_err());
        let long = |n: usize| {
            format!(
                r#"{{"blocks":{{"blocks":[{{"type":"{}"}}]}}}}"#,
                "é".repeat(n)
            )
        };
        assert!(canon(&long(MAX_STRING_CHARS)).is_ok());
        assert!(canon(&long(MAX_STRING_CHARS + 1)).is_err());
        let field = format!(r#"{{"type":"a","fields":{{"F":"{}"}}}}"#, "x".repeat(190));
        let big = format!(
            r#"{{"blocks":{{"blocks":[{}]}}}}"#,
            vec![field.as_str(); MAX_STORED_BLOCKS].join(",")
        );
        assert!(canon(&big).is_ok_and(|c| c.len() <= MAX_PROGRAM_BYTES));
        let fields: Vec<String> = (0..2_000)
            .map(|i| format!(r#""F{i}":"{}""#, "x".repeat(150)))
            .collect();
        let wide = format!(
            r#"{{"blocks":{{"blocks":[{{"type":"a","fields":{{{}}}}}]}}}}"#,
            fields.join(",")
        );
        assert!(canon(&wide).is_err(), "too many bytes");
    }

    #[test]
    fn hostile_extra_state_costs_nothing() {
        let n = 100_000;
        let text = format!(
            r#"{{"blocks":{{"blocks":[{{"type":"when_run","extraState":{}1{}}}]}}}}"#,
            "[".repeat(n),
            "]".repeat(n)
        );
        assert_eq!(
            canon(&text).unwrap(),
            r#"{"blocks":{"blocks":[{"type":"when_run"}],"languageVersion":0}}"#
        );
        assert_eq!(canon(EMPTY_PROGRAM).unwrap(), EMPTY_PROGRAM);
    }
}
