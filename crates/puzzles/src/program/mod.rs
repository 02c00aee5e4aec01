//! The Blockly-JSON parser: from a saved workspace to a checked program, refusing what is not
//! allowed (422 `invalid_program`) and never panicking, whatever the input.

use crate::canvas::Colour;
use crate::json;
use crate::{Invalid, invalid};
use serde_json::Value;

pub mod sprites;

/// Blocks nested deeper than this (the `when_run` stack is depth 1, a loop's body one more) make
/// the program invalid. The parser recurses once per level, so the check comes before the call.
pub const MAX_DEPTH: usize = 32;
/// More enabled blocks than this in the `when_run` stack make the program invalid.
pub const MAX_BLOCKS: u32 = 500;
/// Block ids are echoed in every trace step; a longer id is cut, so that one huge id cannot be
/// copied into ten thousand steps. Blockly's own ids are 20 characters.
const MAX_ID_CHARS: usize = 64;

/// Every block type the platform knows: the statement blocks and `when_run`, the start.
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

/// The statement blocks (everything a toolbox may offer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockType {
    MazeMoveForward,
    MazeTurn,
    Repeat,
    Forever,
    If,
    IfElse,
    ArtistMoveForward,
    ArtistMoveBackward,
    ArtistTurn,
    PenUp,
    PenDown,
    Colour,
}

impl BlockType {
    /// Every statement block, in the order of the enum (a `TypeSet` bit, a count's index).
    pub const ALL: [BlockType; 12] = [
        BlockType::MazeMoveForward,
        BlockType::MazeTurn,
        BlockType::Repeat,
        BlockType::Forever,
        BlockType::If,
        BlockType::IfElse,
        BlockType::ArtistMoveForward,
        BlockType::ArtistMoveBackward,
        BlockType::ArtistTurn,
        BlockType::PenUp,
        BlockType::PenDown,
        BlockType::Colour,
    ];

    /// The block's type as Blockly and the API name it.
    pub fn name(self) -> &'static str {
        KNOWN_BLOCKS[self as usize]
    }

    /// Whether `value` is one the block's field `field` takes (the parser's own limits).
    pub fn field_ok(self, field: &str, value: &Value) -> bool {
        use BlockType::*;
        let one_of = |options: &[&str]| value.as_str().is_some_and(|v| options.contains(&v));
        let up_to = |max: f64| {
            value
                .as_f64()
                .is_some_and(|n| n.is_finite() && (0.0..=max).contains(&n))
        };
        match (self, field) {
            (MazeTurn | ArtistTurn, "DIR") => one_of(&["turnLeft", "turnRight"]),
            (If | IfElse, "DIR") => one_of(&["isPathForward", "isPathLeft", "isPathRight"]),
            (Repeat, "TIMES") => up_to(100.0) && value.as_f64().is_some_and(|n| n.fract() == 0.0),
            (ArtistMoveForward | ArtistMoveBackward, "DISTANCE") => up_to(400.0),
            (ArtistTurn, "ANGLE") => up_to(360.0),
            (Colour, "COLOUR") => value
                .as_str()
                .and_then(crate::canvas::Colour::parse)
                .is_some(),
            _ => false,
        }
    }

    pub fn from_name(name: &str) -> Option<BlockType> {
        use BlockType::*;
        Some(match name {
            "maze_move_forward" => MazeMoveForward,
            "maze_turn" => MazeTurn,
            "controls_repeat" => Repeat,
            "maze_forever" => Forever,
            "maze_if" => If,
            "maze_ifElse" => IfElse,
            "artist_move_forward" => ArtistMoveForward,
            "artist_move_backward" => ArtistMoveBackward,
            "artist_turn" => ArtistTurn,
            "artist_pen_up" => PenUp,
            "artist_pen_down" => PenDown,
            "artist_colour" => Colour,
            _ => return None,
        })
    }

    /// Whether the block belongs on the artist's canvas (`controls_repeat` belongs to both).
    pub fn is_artist(self) -> bool {
        use BlockType::*;
        matches!(
            self,
            Repeat | ArtistMoveForward | ArtistMoveBackward | ArtistTurn | PenUp | PenDown | Colour
        )
    }

    /// Whether the block belongs in the maze.
    pub fn is_maze(self) -> bool {
        use BlockType::*;
        matches!(
            self,
            MazeMoveForward | MazeTurn | Repeat | Forever | If | IfElse
        )
    }
}

/// A set of block types as bits, so that the toolbox check of every attempt allocates nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TypeSet(u16);

impl TypeSet {
    pub fn insert(&mut self, t: BlockType) {
        self.0 |= 1 << t as u16;
    }
    #[cfg(test)]
    pub fn contains(self, t: BlockType) -> bool {
        self.0 & (1 << t as u16) != 0
    }
    pub fn is_subset(self, of: TypeSet) -> bool {
        self.0 & !of.0 == 0
    }
    /// The first type, in the order of [`BlockType::ALL`], that is here and not in `of`.
    pub fn first_not_in(self, of: TypeSet) -> Option<BlockType> {
        let rest = self.0 & !of.0;
        BlockType::ALL
            .into_iter()
            .find(|t| rest & (1 << *t as u16) != 0)
    }
}

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
        times: u32,
        body: Vec<Stmt>,
    },
    Forever {
        body: Vec<Stmt>,
    },
    If {
        side: Side,
        then: Vec<Stmt>,
        otherwise: Option<Vec<Stmt>>,
    },
    /// Forward or (negative) backward.
    Draw {
        id: Option<String>,
        distance: f64,
    },
    /// Clockwise degrees; negative turns left.
    Rotate {
        id: Option<String>,
        degrees: f64,
    },
    Pen {
        down: bool,
    },
    Colour {
        colour: Colour,
    },
}

impl Stmt {
    /// The block type the statement was written with.
    pub fn kind(&self) -> BlockType {
        use BlockType::*;
        match self {
            Stmt::Move { .. } => MazeMoveForward,
            Stmt::Turn { .. } => MazeTurn,
            Stmt::Repeat { .. } => Repeat,
            Stmt::Forever { .. } => Forever,
            Stmt::If {
                otherwise: None, ..
            } => If,
            Stmt::If { .. } => IfElse,
            // A backward move is stored negated; `-0.0` still says which block it was.
            Stmt::Draw { distance, .. } if distance.is_sign_negative() => ArtistMoveBackward,
            Stmt::Draw { .. } => ArtistMoveForward,
            Stmt::Rotate { .. } => ArtistTurn,
            Stmt::Pen { down: true } => PenDown,
            Stmt::Pen { down: false } => PenUp,
            Stmt::Colour { .. } => Colour,
        }
    }

    /// The value of one of the block's fields, as Blockly saved it.
    pub fn field(&self, name: &str) -> Option<Value> {
        let turn = |right: bool| Value::from(if right { "turnRight" } else { "turnLeft" });
        match (self, name) {
            (Stmt::Turn { right, .. }, "DIR") => Some(turn(*right)),
            (Stmt::Rotate { degrees, .. }, "DIR") => Some(turn(degrees.is_sign_positive())),
            (Stmt::Rotate { degrees, .. }, "ANGLE") => Some(Value::from(degrees.abs())),
            (Stmt::Repeat { times, .. }, "TIMES") => Some(Value::from(*times)),
            (Stmt::If { side, .. }, "DIR") => Some(Value::from(match side {
                Side::Forward => "isPathForward",
                Side::Left => "isPathLeft",
                Side::Right => "isPathRight",
            })),
            (Stmt::Draw { distance, .. }, "DISTANCE") => Some(Value::from(distance.abs())),
            (Stmt::Colour { colour }, "COLOUR") => Some(Value::from(colour.to_string())),
            _ => None,
        }
    }

    /// The statements inside it: a loop's body, or both branches of a decision.
    pub fn inner(&self) -> impl Iterator<Item = &Stmt> {
        let (a, b): (&[Stmt], &[Stmt]) = match self {
            Stmt::Repeat { body, .. } | Stmt::Forever { body } => (body.as_slice(), &[][..]),
            Stmt::If {
                then, otherwise, ..
            } => (then.as_slice(), otherwise.as_deref().unwrap_or(&[])),
            _ => (&[][..], &[][..]),
        };
        a.iter().chain(b)
    }
}

/// A parsed `when_run` stack: what runs, which block types it uses, and how many blocks count.
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    pub body: Vec<Stmt>,
    pub types: TypeSet,
    pub blocks_used: u32,
    /// How many blocks of each type count, by the index of [`BlockType::ALL`].
    pub counts: [u32; 12],
}

impl Program {
    /// Every statement that runs or could run, outer ones before the ones inside them.
    pub fn statements(&self) -> Vec<&Stmt> {
        let mut out = Vec::new();
        let mut todo: Vec<&Stmt> = self.body.iter().rev().collect();
        while let Some(s) = todo.pop() {
            out.push(s);
            let inner: Vec<&Stmt> = s.inner().collect();
            todo.extend(inner.into_iter().rev());
        }
        out
    }
}

/// What the parser needs of a JSON value, so that it reads a `serde_json::Value` (the public
/// API, tests, fuzzing) and a [`json::Node`] (the server) alike, with the same rules.
pub trait Tree<'t>: Copy {
    /// The value of a key of an object; `None` when not an object or no such key.
    fn get(self, key: &str) -> Option<Self>;
    fn is_object(self) -> bool;
    fn as_str(self) -> Option<&'t str>;
    fn as_f64(self) -> Option<f64>;
    fn as_bool(self) -> Option<bool>;
    /// Whether this is a non-empty array.
    fn is_nonempty_array(self) -> bool;
    /// An array's elements; `None` when not an array.
    fn elements(self) -> Option<Vec<Self>>;
    /// An object's entries, each key once; empty when not an object.
    fn entries(self) -> Vec<(&'t str, Self)>;
}

impl<'t> Tree<'t> for &'t Value {
    fn get(self, key: &str) -> Option<Self> {
        self.as_object().and_then(|m| m.get(key))
    }
    fn is_object(self) -> bool {
        Value::is_object(self)
    }
    fn as_str(self) -> Option<&'t str> {
        Value::as_str(self)
    }
    fn as_f64(self) -> Option<f64> {
        Value::as_f64(self)
    }
    fn as_bool(self) -> Option<bool> {
        Value::as_bool(self)
    }
    fn is_nonempty_array(self) -> bool {
        self.as_array().is_some_and(|a| !a.is_empty())
    }
    fn elements(self) -> Option<Vec<Self>> {
        self.as_array().map(|a| a.iter().collect())
    }
    fn entries(self) -> Vec<(&'t str, Self)> {
        self.as_object()
            .map(|m| m.iter().map(|(k, v)| (k.as_str(), v)).collect())
            .unwrap_or_default()
    }
}

impl<'t> Tree<'t> for json::Node<'t> {
    fn get(self, key: &str) -> Option<Self> {
        json::Node::get(&self, key)
    }
    fn is_object(self) -> bool {
        json::Node::is_object(&self)
    }
    fn as_str(self) -> Option<&'t str> {
        json::Node::as_str(&self)
    }
    fn as_f64(self) -> Option<f64> {
        json::Node::as_f64(&self)
    }
    fn as_bool(self) -> Option<bool> {
        json::Node::as_bool(&self)
    }
    fn is_nonempty_array(self) -> bool {
        json::Node::elements(&self).is_some_and(|mut e| e.next().is_some())
    }
    fn elements(self) -> Option<Vec<Self>> {
        json::Node::elements(&self).map(Iterator::collect)
    }
    fn entries(self) -> Vec<(&'t str, Self)> {
        json::Node::entries(&self)
    }
}

fn is_disabled<'t, T: Tree<'t>>(b: T) -> bool {
    b.get("enabled").and_then(T::as_bool) == Some(false)
        || b.get("disabledReasons").is_some_and(T::is_nonempty_array)
}

/// A value in Blockly's block shape: an object with a string `type`.
fn as_block<'t, T: Tree<'t>>(b: T) -> Result<(T, &'t str), Invalid> {
    if !b.is_object() {
        return Err(invalid("program: a block must be an object"));
    }
    let ty = b
        .get("type")
        .and_then(T::as_str)
        .ok_or_else(|| invalid("program: every block needs a type"))?;
    if b.get("fields").is_some_and(|f| !f.is_object()) {
        return Err(invalid("program: fields must be an object"));
    }
    Ok((b, ty))
}

fn inputs<'t, T: Tree<'t>>(b: T) -> Result<Option<T>, Invalid> {
    match b.get("inputs") {
        None => Ok(None),
        Some(i) if i.is_object() => Ok(Some(i)),
        Some(_) => Err(invalid("program: inputs must be an object")),
    }
}

fn connection<'t, T: Tree<'t>>(c: T) -> Result<T, Invalid> {
    if c.is_object() {
        Ok(c)
    } else {
        Err(invalid("program: an input or next must be an object"))
    }
}

/// Checks that blocks have Blockly's shape, without judging their types: for the stacks that
/// do not run (other top-level stacks, the insides of disabled blocks, unused shadows). An
/// explicit worklist instead of recursion, so that no nesting depth can exhaust the stack.
fn check_shape<'t, T: Tree<'t>>(mut todo: Vec<T>) -> Result<(), Invalid> {
    while let Some(v) = todo.pop() {
        let (b, _) = as_block(v)?;
        for c in input_connections(b)?.into_iter().chain(b.get("next")) {
            let c = connection(c)?;
            todo.extend(c.get("block"));
            todo.extend(c.get("shadow"));
        }
    }
    Ok(())
}

/// Checks connections (`{"block"?, "shadow"?}`) and everything below them, for shape only.
fn check_connections<'t, T: Tree<'t>>(conns: impl IntoIterator<Item = T>) -> Result<(), Invalid> {
    let mut todo = Vec::new();
    for c in conns {
        let c = connection(c)?;
        todo.extend(c.get("block"));
        todo.extend(c.get("shadow"));
    }
    check_shape(todo)
}

fn input_connections<'t, T: Tree<'t>>(b: T) -> Result<Vec<T>, Invalid> {
    Ok(inputs(b)?
        .map(|i| i.entries().into_iter().map(|(_, v)| v).collect())
        .unwrap_or_default())
}

/// The block that fills a connection: the real one, else its shadow. A shadow under a real
/// block does not run, but must still be shaped like a block.
fn filling<'t, T: Tree<'t>>(c: T) -> Result<Option<T>, Invalid> {
    let c = connection(c)?;
    match (c.get("block"), c.get("shadow")) {
        (Some(real), Some(shadow)) => {
            check_shape(vec![shadow])?;
            Ok(Some(real))
        }
        (real, shadow) => Ok(real.or(shadow)),
    }
}

fn field<'t, T: Tree<'t>>(b: T, name: &str) -> Option<T> {
    b.get("fields").and_then(|f| f.get(name))
}

fn choice<'t, T: Tree<'t>>(b: T, name: &str, options: &[&str]) -> Result<usize, Invalid> {
    field(b, name)
        .and_then(T::as_str)
        .and_then(|v| options.iter().position(|o| *o == v))
        .ok_or_else(|| {
            invalid(format!(
                "program: field {name} must be one of {}",
                options.join(", ")
            ))
        })
}

fn number<'t, T: Tree<'t>>(b: T, name: &str, max: f64) -> Result<f64, Invalid> {
    match field(b, name).and_then(T::as_f64) {
        Some(n) if n.is_finite() && (0.0..=max).contains(&n) => Ok(n),
        _ => Err(invalid(format!(
            "program: field {name} must be a number from 0 to {max}"
        ))),
    }
}

fn colour<'t, T: Tree<'t>>(b: T) -> Result<Colour, Invalid> {
    field(b, "COLOUR")
        .and_then(T::as_str)
        .and_then(Colour::parse)
        .ok_or_else(|| invalid("program: field COLOUR must be a colour like #1d4ed8"))
}

fn block_id<'t, T: Tree<'t>>(b: T) -> Option<String> {
    b.get("id").and_then(T::as_str).map(|s| {
        // Blockly's ids are short: copied whole without counting characters.
        if s.len() <= MAX_ID_CHARS {
            s.to_owned()
        } else {
            s.chars().take(MAX_ID_CHARS).collect()
        }
    })
}

struct Parser {
    types: TypeSet,
    blocks: u32,
    counts: [u32; 12],
}

impl Parser {
    /// A chain of blocks linked by `next`, walked in a loop: a long chain costs no stack, only
    /// nesting does. A disabled block is skipped with all inside it; the chain goes on after it,
    /// as in Blockly, where a block below a disabled one stays enabled.
    fn stack<'t, T: Tree<'t>>(&mut self, first: T, depth: usize) -> Result<Vec<Stmt>, Invalid> {
        let mut out = Vec::new();
        let mut cur = Some(first);
        while let Some(v) = cur {
            let (b, ty) = as_block(v)?;
            if is_disabled(b) {
                check_connections(input_connections(b)?)?;
            } else {
                out.push(self.block(b, ty, depth)?);
            }
            cur = match b.get("next") {
                None => None,
                Some(n) => filling(n)?,
            };
        }
        Ok(out)
    }

    /// The body in a statement input, one level deeper.
    fn body<'t, T: Tree<'t>>(&mut self, c: Option<T>, depth: usize) -> Result<Vec<Stmt>, Invalid> {
        let Some(first) = c.map(filling).transpose()?.flatten() else {
            return Ok(Vec::new());
        };
        if depth + 1 > MAX_DEPTH {
            return Err(invalid(format!(
                "program: blocks may be nested at most {MAX_DEPTH} deep"
            )));
        }
        self.stack(first, depth + 1)
    }

    fn block<'t, T: Tree<'t>>(&mut self, b: T, ty: &str, depth: usize) -> Result<Stmt, Invalid> {
        let Some(kind) = BlockType::from_name(ty) else {
            return Err(if ty == "when_run" {
                invalid("program: \"when run\" can only start a program")
            } else {
                let shown: String = ty.chars().take(40).collect();
                invalid(format!("program: unknown block type {shown}"))
            });
        };
        self.blocks += 1;
        if self.blocks > MAX_BLOCKS {
            return Err(invalid(format!("program: at most {MAX_BLOCKS} blocks")));
        }
        self.types.insert(kind);
        self.counts[kind as usize] += 1;
        // The statement inputs this type has; anything else under `inputs` is checked for shape
        // and otherwise ignored, like a stray stack.
        let (mut first, mut second) = (None, None);
        if let Some(ins) = inputs(b)? {
            for (name, c) in ins.entries() {
                match (kind, name) {
                    (
                        BlockType::Repeat | BlockType::Forever | BlockType::If | BlockType::IfElse,
                        "DO",
                    ) => first = Some(c),
                    (BlockType::IfElse, "ELSE") => second = Some(c),
                    _ => check_connections([c])?,
                }
            }
        }
        use BlockType::*;
        Ok(match kind {
            MazeMoveForward => Stmt::Move { id: block_id(b) },
            MazeTurn => Stmt::Turn {
                right: choice(b, "DIR", &["turnLeft", "turnRight"])? == 1,
                id: block_id(b),
            },
            Repeat => {
                let n = number(b, "TIMES", 100.0)?;
                if n.fract() != 0.0 {
                    return Err(invalid("program: field TIMES must be a whole number"));
                }
                Stmt::Repeat {
                    times: n as u32,
                    body: self.body(first, depth)?,
                }
            }
            Forever => Stmt::Forever {
                body: self.body(first, depth)?,
            },
            If | IfElse => {
                let side = match choice(b, "DIR", &["isPathForward", "isPathLeft", "isPathRight"])?
                {
                    0 => Side::Forward,
                    1 => Side::Left,
                    _ => Side::Right,
                };
                let then = self.body(first, depth)?;
                let otherwise = if kind == IfElse {
                    Some(self.body(second, depth)?)
                } else {
                    None
                };
                Stmt::If {
                    side,
                    then,
                    otherwise,
                }
            }
            ArtistMoveForward | ArtistMoveBackward => {
                let d = number(b, "DISTANCE", 400.0)?;
                Stmt::Draw {
                    distance: if kind == ArtistMoveForward { d } else { -d },
                    id: block_id(b),
                }
            }
            ArtistTurn => {
                let right = choice(b, "DIR", &["turnLeft", "turnRight"])? == 1;
                let a = number(b, "ANGLE", 360.0)?;
                Stmt::Rotate {
                    degrees: if right { a } else { -a },
                    id: block_id(b),
                }
            }
            PenUp | PenDown => Stmt::Pen {
                down: kind == PenDown,
            },
            Colour => Stmt::Colour { colour: colour(b)? },
        })
    }
}

/// Parses Blockly's `{"blocks": {"languageVersion": 0, "blocks": [...]}}`.
pub fn parse<'t, T: Tree<'t>>(json: T) -> Result<Program, Invalid> {
    let tops = json
        .get("blocks")
        .and_then(|b| b.get("blocks"))
        .and_then(T::elements)
        .ok_or_else(|| invalid("program: expected {\"blocks\": {\"blocks\": [...]}}"))?;
    let mut start = None;
    let mut strays = Vec::new();
    for top in tops {
        let (b, ty) = as_block(top)?;
        if ty != "when_run" {
            strays.push(top);
        } else if start.replace(b).is_some() {
            return Err(invalid(
                "program: there must be exactly one \"when run\" block",
            ));
        }
    }
    let Some(start) = start else {
        return Err(invalid(
            "program: there must be exactly one \"when run\" block",
        ));
    };
    check_shape(strays)?;
    // `when_run` has no inputs in the editor; whatever a hand-made program puts there is only
    // checked for shape. Its own `enabled` does not matter: it cannot be disabled in the editor,
    // and its stack is the blocks after it, which Blockly never disables with it.
    check_connections(input_connections(start)?)?;
    let mut p = Parser {
        types: TypeSet::default(),
        blocks: 0,
        counts: [0; 12],
    };
    let body = match start.get("next").map(filling).transpose()?.flatten() {
        Some(first) => p.stack(first, 1)?,
        None => Vec::new(),
    };
    Ok(Program {
        body,
        types: p.types,
        blocks_used: p.blocks,
        counts: p.counts,
    })
}

#[cfg(test)]
mod tests;
