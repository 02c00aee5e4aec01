//! The Blockly-JSON parser: from a saved workspace to a validated program, refusing what is
//! not allowed (422) and never panicking, whatever the input.

use crate::{Invalid, invalid};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// Deeper nesting than this is refused before it is walked.
pub const MAX_DEPTH: usize = 32;
/// More enabled blocks than this in the `when_run` stack are refused.
pub const MAX_BLOCKS: u32 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Forward,
    Left,
    Right,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Stmt {
    Move {
        id: Option<String>,
    },
    Turn {
        id: Option<String>,
        right: bool,
    },
    Repeat {
        id: Option<String>,
        times: u32,
        body: Vec<Stmt>,
    },
    Forever {
        id: Option<String>,
        body: Vec<Stmt>,
    },
    If {
        id: Option<String>,
        side: Side,
        then: Vec<Stmt>,
        otherwise: Option<Vec<Stmt>>,
    },
    Draw {
        id: Option<String>,
        distance: f64,
    },
    Rotate {
        id: Option<String>,
        degrees: f64,
    },
    Pen {
        id: Option<String>,
        down: bool,
    },
    Colour {
        id: Option<String>,
        colour: String,
    },
}

/// A parsed `when_run` stack: what runs, which block types it uses, and how many blocks count.
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    pub body: Vec<Stmt>,
    pub types: BTreeSet<String>,
    pub blocks_used: u32,
}

/// Every block type the platform knows.
pub const KNOWN_BLOCKS: [&str; 13] = [
    "maze_move_forward",
    "maze_turn",
    "controls_repeat",
    "maze_forever",
    "maze_if",
    "maze_ifElse",
    "artist_move_forward",
    "artist_move_backward",
    "artist_turn",
    "artist_pen_up",
    "artist_pen_down",
    "artist_colour",
    "when_run",
];

fn is_disabled(b: &Map<String, Value>) -> bool {
    b.get("enabled") == Some(&Value::Bool(false))
        || b.get("disabledReasons")
            .and_then(Value::as_array)
            .is_some_and(|r| !r.is_empty())
}

/// Checks that a stack has Blockly's shape, without judging its types. Chains of `next` are
/// walked in a loop; only nesting into inputs deepens.
fn check_shape(v: &Value, depth: usize) -> Result<(), Invalid> {
    if depth > MAX_DEPTH {
        return Err(invalid("program: blocks are nested too deeply"));
    }
    let mut cur = Some(v);
    let mut count = 0usize;
    while let Some(v) = cur {
        count += 1;
        if count > 10 * MAX_BLOCKS as usize {
            return Err(invalid("program: too many blocks"));
        }
        let b = v
            .as_object()
            .ok_or_else(|| invalid("program: a block must be an object"))?;
        if !b.get("type").is_some_and(Value::is_string) {
            return Err(invalid("program: every block needs a type"));
        }
        if let Some(inputs) = b.get("inputs") {
            let inputs = inputs
                .as_object()
                .ok_or_else(|| invalid("program: inputs must be an object"))?;
            for input in inputs.values() {
                let input = input
                    .as_object()
                    .ok_or_else(|| invalid("program: an input must be an object"))?;
                for k in ["block", "shadow"] {
                    if let Some(inner) = input.get(k) {
                        check_shape(inner, depth + 1)?;
                    }
                }
            }
        }
        cur = match b.get("next") {
            None => None,
            Some(n) => n
                .as_object()
                .ok_or_else(|| invalid("program: next must be an object"))?
                .get("block"),
        };
    }
    Ok(())
}

struct Parser {
    types: BTreeSet<String>,
    blocks: u32,
}

fn field<'a>(b: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    b.get("fields")
        .and_then(Value::as_object)
        .and_then(|f| f.get(name))
}

fn choice(b: &Map<String, Value>, name: &str, options: &[&str]) -> Result<usize, Invalid> {
    let v = field(b, name).and_then(Value::as_str);
    v.and_then(|v| options.iter().position(|o| *o == v))
        .ok_or_else(|| {
            invalid(format!(
                "program: field {name} must be one of {}",
                options.join(", ")
            ))
        })
}

fn number(b: &Map<String, Value>, name: &str, min: f64, max: f64) -> Result<f64, Invalid> {
    let v = field(b, name)
        .and_then(Value::as_f64)
        .filter(|n| n.is_finite());
    match v {
        Some(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(invalid(format!(
            "program: field {name} must be a number from {min} to {max}"
        ))),
    }
}

impl Parser {
    /// The real block in an input, else its shadow.
    fn input<'a>(b: &'a Map<String, Value>, name: &str) -> Result<Option<&'a Value>, Invalid> {
        let Some(input) = b
            .get("inputs")
            .and_then(Value::as_object)
            .and_then(|i| i.get(name))
        else {
            return Ok(None);
        };
        let input = input
            .as_object()
            .ok_or_else(|| invalid("program: an input must be an object"))?;
        Ok(input.get("block").or_else(|| input.get("shadow")))
    }

    fn body(
        &mut self,
        b: &Map<String, Value>,
        name: &str,
        depth: usize,
    ) -> Result<Vec<Stmt>, Invalid> {
        match Self::input(b, name)? {
            Some(first) => self.stack(first, depth + 1),
            None => Ok(Vec::new()),
        }
    }

    /// A chain of blocks linked by `next`, walked iteratively so that long chains cost no stack.
    fn stack(&mut self, first: &Value, depth: usize) -> Result<Vec<Stmt>, Invalid> {
        if depth > MAX_DEPTH {
            return Err(invalid("program: blocks are nested too deeply"));
        }
        let mut out = Vec::new();
        let mut cur = Some(first);
        while let Some(v) = cur {
            let b = v
                .as_object()
                .ok_or_else(|| invalid("program: a block must be an object"))?;
            // A disabled block and all inside it neither run nor count; the chain goes on after it.
            if !is_disabled(b) {
                out.push(self.block(b, depth)?);
            }
            cur = match b.get("next") {
                None => None,
                Some(n) => n
                    .as_object()
                    .ok_or_else(|| invalid("program: next must be an object"))?
                    .get("block"),
            };
        }
        Ok(out)
    }

    fn block(&mut self, b: &Map<String, Value>, depth: usize) -> Result<Stmt, Invalid> {
        let ty = b
            .get("type")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid("program: every block needs a type"))?;
        let id = b
            .get("id")
            .and_then(Value::as_str)
            .map(|s| s.chars().take(64).collect());
        self.blocks += 1;
        if self.blocks > MAX_BLOCKS {
            return Err(invalid(format!("program: at most {MAX_BLOCKS} blocks")));
        }
        let stmt = match ty {
            "maze_move_forward" => Stmt::Move { id },
            "maze_turn" => Stmt::Turn {
                id,
                right: choice(b, "DIR", &["turnLeft", "turnRight"])? == 1,
            },
            "controls_repeat" => {
                let n = number(b, "TIMES", 0.0, 100.0)?;
                if n.fract() != 0.0 {
                    return Err(invalid("program: field TIMES must be a whole number"));
                }
                Stmt::Repeat {
                    id,
                    times: n as u32,
                    body: self.body(b, "DO", depth)?,
                }
            }
            "maze_forever" => Stmt::Forever {
                id,
                body: self.body(b, "DO", depth)?,
            },
            "maze_if" | "maze_ifElse" => {
                let side = [Side::Forward, Side::Left, Side::Right]
                    [choice(b, "DIR", &["isPathForward", "isPathLeft", "isPathRight"])?];
                let then = self.body(b, "DO", depth)?;
                let otherwise = if ty == "maze_ifElse" {
                    Some(self.body(b, "ELSE", depth)?)
                } else {
                    None
                };
                Stmt::If {
                    id,
                    side,
                    then,
                    otherwise,
                }
            }
            "artist_move_forward" | "artist_move_backward" => {
                let d = number(b, "DISTANCE", 0.0, 400.0)?;
                Stmt::Draw {
                    id,
                    distance: if ty == "artist_move_forward" { d } else { -d },
                }
            }
            "artist_turn" => {
                let right = choice(b, "DIR", &["turnLeft", "turnRight"])? == 1;
                let a = number(b, "ANGLE", 0.0, 360.0)?;
                Stmt::Rotate {
                    id,
                    degrees: if right { a } else { -a },
                }
            }
            "artist_pen_up" | "artist_pen_down" => Stmt::Pen {
                id,
                down: ty == "artist_pen_down",
            },
            "artist_colour" => {
                let c = field(b, "COLOUR").and_then(Value::as_str).unwrap_or("");
                let ok = c.len() == 7
                    && c.starts_with('#')
                    && c[1..].chars().all(|ch| ch.is_ascii_hexdigit());
                if !ok {
                    return Err(invalid(
                        "program: field COLOUR must be a colour like #1d4ed8",
                    ));
                }
                Stmt::Colour {
                    id,
                    colour: c.to_ascii_lowercase(),
                }
            }
            other => {
                let shown: String = other.chars().take(40).collect();
                return Err(invalid(format!("program: unknown block type {shown}")));
            }
        };
        self.types.insert(ty.to_owned());
        Ok(stmt)
    }
}

/// Parses Blockly's `{"blocks": {"languageVersion": 0, "blocks": [...]}}`.
pub fn parse(json: &Value) -> Result<Program, Invalid> {
    let tops = json
        .get("blocks")
        .and_then(|b| b.get("blocks"))
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("program: expected {\"blocks\": {\"blocks\": [...]}}"))?;
    for t in tops {
        check_shape(t, 0)?;
    }
    let starts: Vec<&Value> = tops
        .iter()
        .filter(|t| t.get("type").and_then(Value::as_str) == Some("when_run"))
        .collect();
    let [start] = starts.as_slice() else {
        return Err(invalid(
            "program: there must be exactly one \"when run\" block",
        ));
    };
    let mut p = Parser {
        types: BTreeSet::new(),
        blocks: 0,
    };
    let body = match start.get("next").and_then(|n| n.get("block")) {
        Some(first) => p.stack(first, 1)?,
        None => Vec::new(),
    };
    Ok(Program {
        body,
        types: p.types,
        blocks_used: p.blocks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn prog(next: Value) -> Value {
        json!({"blocks": {"languageVersion": 0, "blocks": [{"type": "when_run", "id": "start", "x": 10, "y": 10, "next": {"block": next}}]}})
    }

    #[test]
    fn one_when_run_exactly() {
        assert!(parse(&json!({"blocks": {"languageVersion": 0, "blocks": []}})).is_err());
        let two = json!({"blocks": {"blocks": [{"type": "when_run"}, {"type": "when_run"}]}});
        assert!(parse(&two).is_err());
        assert!(
            parse(&json!({"blocks": {"blocks": [{"type": "when_run"}]}}))
                .unwrap()
                .body
                .is_empty()
        );
        assert!(parse(&json!([1, 2])).is_err());
    }

    #[test]
    fn stray_stacks_are_ignored_but_must_be_shaped_like_blocks() {
        let p = json!({"blocks": {"blocks": [{"type": "when_run"}, {"type": "mystery_block", "next": {"block": {"type": "whatever"}}}]}});
        let parsed = parse(&p).unwrap();
        assert_eq!(parsed.blocks_used, 0);
        assert!(parsed.types.is_empty());
        assert!(
            parse(&json!({"blocks": {"blocks": [{"type": "when_run"}, {"no_type": 1}]}})).is_err()
        );
        assert!(parse(&json!({"blocks": {"blocks": [{"type": "when_run"}, 7]}})).is_err());
    }

    #[test]
    fn disabled_blocks_do_not_count_and_the_chain_goes_on() {
        let p = prog(
            json!({"type": "maze_move_forward", "enabled": false, "next": {"block": {"type": "maze_move_forward", "next": {"block": {"type": "controls_repeat", "disabledReasons": ["MANUALLY_DISABLED"], "fields": {"TIMES": 3}, "inputs": {"DO": {"block": {"type": "maze_move_forward"}}}}}}}}),
        );
        let parsed = parse(&p).unwrap();
        assert_eq!(parsed.blocks_used, 1);
        assert_eq!(parsed.body.len(), 1);
        assert!(!parsed.types.contains("controls_repeat"));
    }

    #[test]
    fn a_shadow_fills_an_input_only_when_no_block_does() {
        let shadow_only = prog(
            json!({"type": "controls_repeat", "fields": {"TIMES": 2}, "inputs": {"DO": {"shadow": {"type": "maze_move_forward"}}}}),
        );
        assert_eq!(parse(&shadow_only).unwrap().blocks_used, 2);
        let both = prog(
            json!({"type": "controls_repeat", "fields": {"TIMES": 2}, "inputs": {"DO": {"shadow": {"type": "maze_move_forward"}, "block": {"type": "maze_turn", "fields": {"DIR": "turnLeft"}}}}}),
        );
        let parsed = parse(&both).unwrap();
        assert!(parsed.types.contains("maze_turn") && !parsed.types.contains("maze_move_forward"));
    }

    #[test]
    fn fields_are_checked() {
        for times in [json!(101), json!(-1), json!(2.5), json!("3"), Value::Null] {
            let p = prog(json!({"type": "controls_repeat", "fields": {"TIMES": times}}));
            assert!(parse(&p).is_err(), "{times}");
        }
        assert!(
            parse(&prog(
                json!({"type": "controls_repeat", "fields": {"TIMES": 3.0}})
            ))
            .is_ok()
        );
        assert!(
            parse(&prog(
                json!({"type": "maze_turn", "fields": {"DIR": "turnAround"}})
            ))
            .is_err()
        );
        assert!(parse(&prog(json!({"type": "maze_turn"}))).is_err());
        assert!(
            parse(&prog(
                json!({"type": "artist_colour", "fields": {"COLOUR": "red"}})
            ))
            .is_err()
        );
        assert!(parse(&prog(json!({"type": "launch_rocket"}))).is_err());
    }

    #[test]
    fn hostile_shapes_are_refused_without_recursion_trouble() {
        let mut deep = json!({"type": "maze_forever"});
        for _ in 0..200 {
            deep = json!({"type": "maze_forever", "inputs": {"DO": {"block": deep}}});
        }
        assert!(parse(&prog(deep)).is_err());
        let mut long = json!({"type": "maze_move_forward"});
        for _ in 0..600 {
            long = json!({"type": "maze_move_forward", "next": {"block": long}});
        }
        assert!(parse(&prog(long)).is_err(), "too many blocks");
    }
}
