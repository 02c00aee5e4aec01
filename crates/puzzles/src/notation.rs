//! The short notation of the content files' programs (reference solutions and start blocks),
//! turned into Blockly's JSON with an id on every block.

use serde_json::{Value, json};

/// Turns the short notation of reference solutions into a Blockly program:
/// `F` forward, `L`/`R` turn, `repeat N { … }`, `forever { … }`,
/// `if forward|left|right { … } [else { … }]`; artist: `fd N`, `bk N`, `lt N`, `rt N`, `up`,
/// `down`, `colour #rrggbb`.
pub(crate) fn to_blockly(src: &str) -> Result<Value, String> {
    let (program, locked) = workspace(src, "b")?;
    if !locked.is_empty() {
        return Err("only start_blocks can be locked with !".into());
    }
    Ok(program)
}

/// What reading the notation keeps track of: the next block id, and the locked blocks.
struct Notation {
    ids: u32,
    prefix: &'static str,
    locked: Vec<Value>,
}

/// A whole program from the notation (block ids `{prefix}1`, `{prefix}2`, …), and the blocks
/// marked with `!`.
pub(crate) fn workspace(src: &str, prefix: &'static str) -> Result<(Value, Vec<Value>), String> {
    let tokens: Vec<String> = src
        .replace('{', " { ")
        .replace('}', " } ")
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let mut pos = 0;
    let mut n = Notation {
        ids: 0,
        prefix,
        locked: Vec::new(),
    };
    let body = stack(&tokens, &mut pos, &mut n)?;
    if pos != tokens.len() {
        return Err(format!("unexpected {}", tokens[pos]));
    }
    let mut start =
        json!({"type": "when_run", "id": "start", "x": 20, "y": 20, "deletable": false});
    if let Some(first) = body {
        start["next"] = json!({"block": first});
    }
    Ok((
        json!({"blocks": {"languageVersion": 0, "blocks": [start]}}),
        n.locked,
    ))
}

fn stack(t: &[String], pos: &mut usize, n: &mut Notation) -> Result<Option<Value>, String> {
    let mut blocks = Vec::new();
    while *pos < t.len() && t[*pos] != "}" {
        blocks.push(one(t, pos, n)?);
    }
    let mut next: Option<Value> = None;
    for mut b in blocks.into_iter().rev() {
        if let Some(n) = next.take() {
            b["next"] = json!({"block": n});
        }
        next = Some(b);
    }
    Ok(next)
}

fn braced(t: &[String], pos: &mut usize, n: &mut Notation) -> Result<Option<Value>, String> {
    if t.get(*pos).map(String::as_str) != Some("{") {
        return Err("expected {".into());
    }
    *pos += 1;
    let body = stack(t, pos, n)?;
    if t.get(*pos).map(String::as_str) != Some("}") {
        return Err("expected }".into());
    }
    *pos += 1;
    Ok(body)
}

fn with_input(mut b: Value, name: &str, body: Option<Value>) -> Value {
    if let Some(body) = body {
        b["inputs"][name] = json!({"block": body});
    }
    b
}

fn one(t: &[String], pos: &mut usize, n: &mut Notation) -> Result<Value, String> {
    n.ids += 1;
    let id = format!("{}{}", n.prefix, n.ids);
    let token = t.get(*pos).cloned().unwrap_or_default();
    *pos += 1;
    // Locks are read everywhere, so that a `!` in a solution is refused rather than unknown.
    let (lock, word) = match token.strip_prefix('!') {
        Some(w) => (true, w.to_owned()),
        None => (false, token.clone()),
    };
    let arg = |pos: &mut usize| -> Result<String, String> {
        let a = t
            .get(*pos)
            .cloned()
            .ok_or_else(|| format!("{word} needs a value"))?;
        *pos += 1;
        Ok(a)
    };
    // Whole numbers as JSON integers, as Blockly saves them.
    let num = |s: String| -> Result<Value, String> {
        match (s.parse::<u32>(), s.parse::<f64>()) {
            (Ok(n), _) => Ok(json!(n)),
            (_, Ok(f)) if f.is_finite() => Ok(json!(f)),
            _ => Err(format!("not a number: {s}")),
        }
    };
    let mut block = match word.as_str() {
        "F" => json!({"type": "maze_move_forward", "id": id}),
        "L" | "R" => {
            json!({"type": "maze_turn", "id": id, "fields": {"DIR": if word == "L" { "turnLeft" } else { "turnRight" }}})
        }
        "repeat" => {
            let times = num(arg(pos)?)?;
            let b = json!({"type": "controls_repeat", "id": id, "fields": {"TIMES": times}, "inputs": {}});
            with_input(b, "DO", braced(t, pos, n)?)
        }
        "forever" => with_input(
            json!({"type": "maze_forever", "id": id, "inputs": {}}),
            "DO",
            braced(t, pos, n)?,
        ),
        "if" => {
            let side = match arg(pos)?.as_str() {
                "forward" => "isPathForward",
                "left" => "isPathLeft",
                "right" => "isPathRight",
                other => return Err(format!("if {other}?")),
            };
            let then = braced(t, pos, n)?;
            if t.get(*pos).map(String::as_str) == Some("else") {
                *pos += 1;
                let otherwise = braced(t, pos, n)?;
                let b = with_input(
                    json!({"type": "maze_ifElse", "id": id, "fields": {"DIR": side}, "inputs": {}}),
                    "DO",
                    then,
                );
                with_input(b, "ELSE", otherwise)
            } else {
                with_input(
                    json!({"type": "maze_if", "id": id, "fields": {"DIR": side}, "inputs": {}}),
                    "DO",
                    then,
                )
            }
        }
        "fd" | "bk" => {
            let ty = if word == "fd" {
                "artist_move_forward"
            } else {
                "artist_move_backward"
            };
            json!({"type": ty, "id": id, "fields": {"DISTANCE": num(arg(pos)?)?}})
        }
        "lt" | "rt" => {
            let dir = if word == "lt" {
                "turnLeft"
            } else {
                "turnRight"
            };
            json!({"type": "artist_turn", "id": id, "fields": {"DIR": dir, "ANGLE": num(arg(pos)?)?}})
        }
        "up" => json!({"type": "artist_pen_up", "id": id}),
        "down" => json!({"type": "artist_pen_down", "id": id}),
        "colour" => json!({"type": "artist_colour", "id": id, "fields": {"COLOUR": arg(pos)?}}),
        other => return Err(format!("unknown word {other}")),
    };
    if lock {
        n.locked.push(json!({"type": block["type"], "fields": block.get("fields").cloned().unwrap_or(json!({}))}));
        for key in ["deletable", "movable", "editable"] {
            block[key] = json!(false);
        }
    }
    Ok(block)
}
