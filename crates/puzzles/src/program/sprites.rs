//! The sprites lab's program rules: event stacks of sprite blocks, checked for shape and
//! bounds as level programs are, never run on the server (the browser runs them).

use super::{
    MAX_BLOCKS, MAX_DEPTH, Tree, as_block, check_connections, check_shape, choice, field, filling,
    input_connections, inputs, is_disabled, number,
};
use crate::{Invalid, invalid};

/// The blocks that start a stack that runs. `when_run` is the levels' own start.
pub const SPRITES_EVENTS: [&str; 3] = ["when_run", "sprites_when_clicked", "sprites_when_key"];

/// The statement blocks of the sprites lab.
pub const SPRITES_BLOCKS: [&str; 13] = [
    "sprites_costume",
    "sprites_move",
    "sprites_goto",
    "sprites_say",
    "sprites_sound",
    "sprites_wait",
    "sprites_hide",
    "sprites_show",
    "controls_repeat",
    "sprites_forever",
    "sprites_if_key",
    "sprites_if_touching",
    "sprites_if_else_key",
];

/// The sprites on the stage, named by their place.
pub const SPRITE_NAMES: [&str; 4] = ["1", "2", "3", "4"];
/// The keys a stack can wait for or test.
pub const SPRITE_KEYS: [&str; 9] = ["up", "down", "left", "right", "space", "a", "s", "d", "w"];
/// The built-in costumes, served by Kodlek itself (`/static/sprites/<name>.svg`).
pub const COSTUMES: [&str; 16] = [
    "cat", "dog", "frog", "fox", "rabbit", "panda", "unicorn", "dragon", "robot", "alien",
    "rocket", "ball", "star", "heart", "tree", "ghost",
];
/// The built-in sounds (`/static/sounds/<name>.wav`).
pub const SOUNDS: [&str; 4] = ["pop", "beep", "boing", "ding"];
/// The longest speech bubble, in characters.
pub const SPEECH_CHARS: usize = 100;
/// The longest id after `media:`.
pub const MEDIA_ID_CHARS: usize = 64;

/// Whether a field value names an uploaded file: `media:` and an id of ASCII letters, digits,
/// `-` or `_`.
pub fn media_ref(v: &str) -> Option<&str> {
    let id = v.strip_prefix("media:")?;
    let ok = !id.is_empty()
        && id.len() <= MEDIA_ID_CHARS
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ok.then_some(id)
}

fn named<'t, T: Tree<'t>>(b: T, name: &str, builtin: &[&str]) -> Result<(), Invalid> {
    let v = field(b, name).and_then(T::as_str);
    match v {
        Some(v) if builtin.contains(&v) || media_ref(v).is_some() => Ok(()),
        _ => Err(invalid(format!(
            "program: field {name} must be one of {} or media:<id>",
            builtin.join(", ")
        ))),
    }
}

fn speech<'t, T: Tree<'t>>(b: T) -> Result<(), Invalid> {
    match field(b, "TEXT").and_then(T::as_str) {
        Some(s) if s.chars().count() <= SPEECH_CHARS => Ok(()),
        _ => Err(invalid(format!(
            "program: field TEXT must be a text of at most {SPEECH_CHARS} characters"
        ))),
    }
}

struct Checker {
    blocks: u32,
}

impl Checker {
    fn stack<'t, T: Tree<'t>>(&mut self, first: T, depth: usize) -> Result<(), Invalid> {
        let mut cur = Some(first);
        while let Some(v) = cur {
            let (b, ty) = as_block(v)?;
            if is_disabled(b) {
                check_connections(input_connections(b)?)?;
            } else {
                self.block(b, ty, depth)?;
            }
            cur = match b.get("next") {
                None => None,
                Some(n) => filling(n)?,
            };
        }
        Ok(())
    }

    fn body<'t, T: Tree<'t>>(&mut self, c: Option<T>, depth: usize) -> Result<(), Invalid> {
        let Some(first) = c.map(filling).transpose()?.flatten() else {
            return Ok(());
        };
        if depth + 1 > MAX_DEPTH {
            return Err(invalid(format!(
                "program: blocks may be nested at most {MAX_DEPTH} deep"
            )));
        }
        self.stack(first, depth + 1)
    }

    fn block<'t, T: Tree<'t>>(&mut self, b: T, ty: &str, depth: usize) -> Result<(), Invalid> {
        if !SPRITES_BLOCKS.contains(&ty) {
            return Err(if SPRITES_EVENTS.contains(&ty) {
                invalid("program: an event block can only start a stack")
            } else {
                let shown: String = ty.chars().take(40).collect();
                invalid(format!("program: unknown block type {shown}"))
            });
        }
        self.blocks += 1;
        if self.blocks > MAX_BLOCKS {
            return Err(invalid(format!("program: at most {MAX_BLOCKS} blocks")));
        }
        let holds_body = matches!(
            ty,
            "controls_repeat"
                | "sprites_forever"
                | "sprites_if_key"
                | "sprites_if_touching"
                | "sprites_if_else_key"
        );
        let (mut first, mut second) = (None, None);
        if let Some(ins) = inputs(b)? {
            for (name, c) in ins.entries() {
                match name {
                    "DO" if holds_body => first = Some(c),
                    "ELSE" if ty == "sprites_if_else_key" => second = Some(c),
                    _ => check_connections([c])?,
                }
            }
        }
        match ty {
            "sprites_costume" => {
                choice(b, "SPRITE", &SPRITE_NAMES)?;
                named(b, "COSTUME", &COSTUMES)?;
            }
            "sprites_move" => {
                choice(b, "SPRITE", &SPRITE_NAMES)?;
                choice(b, "DIR", &["up", "down", "left", "right"])?;
                number(b, "STEPS", 400.0)?;
            }
            "sprites_goto" => {
                choice(b, "SPRITE", &SPRITE_NAMES)?;
                number(b, "X", 400.0)?;
                number(b, "Y", 400.0)?;
            }
            "sprites_say" => {
                choice(b, "SPRITE", &SPRITE_NAMES)?;
                speech(b)?;
            }
            "sprites_sound" => named(b, "SOUND", &SOUNDS)?,
            "sprites_wait" => {
                number(b, "SECONDS", 10.0)?;
            }
            "sprites_hide" | "sprites_show" => {
                choice(b, "SPRITE", &SPRITE_NAMES)?;
            }
            "controls_repeat" => {
                let n = number(b, "TIMES", 100.0)?;
                if n.fract() != 0.0 {
                    return Err(invalid("program: field TIMES must be a whole number"));
                }
            }
            "sprites_if_key" | "sprites_if_else_key" => {
                choice(b, "KEY", &SPRITE_KEYS)?;
            }
            "sprites_if_touching" => {
                choice(b, "SPRITE", &SPRITE_NAMES)?;
                choice(b, "OTHER", &SPRITE_NAMES)?;
            }
            _ => {}
        }
        self.body(first, depth)?;
        self.body(second, depth)
    }
}

/// Checks a sprites program: any number of stacks; those that start with an event block have
/// their blocks checked (types, fields, at most [`MAX_BLOCKS`] in all of them, nesting); the
/// others are kept but never run, so only their shape is checked.
pub fn check<'t, T: Tree<'t>>(json: T) -> Result<(), Invalid> {
    let tops = json
        .get("blocks")
        .and_then(|b| b.get("blocks"))
        .and_then(T::elements)
        .ok_or_else(|| invalid("program: expected {\"blocks\": {\"blocks\": [...]}}"))?;
    let mut c = Checker { blocks: 0 };
    let mut strays = Vec::new();
    for top in tops {
        let (b, ty) = as_block(top)?;
        if !SPRITES_EVENTS.contains(&ty) {
            strays.push(top);
            continue;
        }
        match ty {
            "sprites_when_clicked" => {
                choice(b, "SPRITE", &SPRITE_NAMES)?;
            }
            "sprites_when_key" => {
                choice(b, "KEY", &SPRITE_KEYS)?;
            }
            _ => {}
        }
        check_connections(input_connections(b)?)?;
        if let Some(first) = b.get("next").map(filling).transpose()?.flatten() {
            c.stack(first, 1)?;
        }
    }
    check_shape(strays)
}
