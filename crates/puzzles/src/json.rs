//! A small JSON reader for programs, cheaper than `serde_json::Value` and safe at any depth.
//!
//! Grading reads a few keys of each block and never the rest (Blockly's `id`, `x`, `y`,
//! `deletable`...). `serde_json::Value` allocates a tree of maps and owned strings for all of it
//! and frees it again, which was most of the cost of grading an attempt. [`Doc`] keeps the whole
//! document in one flat vector, with strings borrowed from the text unless they have escapes.
//! Parsing and [`Doc::canonical`] walk with explicit stacks, and dropping a `Doc` drops a flat
//! vector, so no nesting depth can exhaust the thread's stack: a chain of blocks is nested two
//! levels per block, and the program's own limits ([`crate::MAX_BLOCKS`], [`crate::MAX_DEPTH`])
//! are checked on the parsed program, not by the JSON reader.
//!
//! It reads what `serde_json` reads and refuses what it refuses (RFC 8259; numbers out of the
//! range of f64 are refused), a duplicated key keeps its last value, and `canonical` writes
//! exactly what `serde_json::to_string` writes for the same document parsed into a `Value`
//! (keys sorted), so that a stored program's text and hash do not depend on which reader read it.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
enum Item<'a> {
    Null,
    Bool(bool),
    /// The number's text, checked against JSON's grammar and f64's range.
    Num(&'a str),
    Str(Cow<'a, str>),
    /// An array: its elements follow; `end` is the index just past the last item inside.
    Arr {
        end: u32,
    },
    /// An object: key (a `Str`) and value alternate; `end` as for arrays.
    Obj {
        end: u32,
    },
}

/// A parsed JSON document.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc<'a> {
    items: Vec<Item<'a>>,
}

/// Why a text is not JSON, with the byte offset where reading stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub message: &'static str,
    pub offset: usize,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.message, self.offset)
    }
}

impl std::error::Error for JsonError {}

struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Reader<'a> {
    fn err<T>(&self, message: &'static str) -> Result<T, JsonError> {
        Err(JsonError {
            message,
            offset: self.pos,
        })
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        let b = self.text.as_bytes();
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = b.get(self.pos) {
            self.pos += 1;
        }
    }

    fn literal(&mut self, word: &'static str) -> Result<(), JsonError> {
        if self.text.as_bytes()[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(())
        } else {
            self.err("expected a value")
        }
    }

    fn digits(&mut self) -> usize {
        let b = self.text.as_bytes();
        let start = self.pos;
        while b.get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<&'a str, JsonError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return self.err("invalid number"),
        }
        let mut plain = true;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            plain = false;
            if self.digits() == 0 {
                return self.err("invalid number");
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            plain = false;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return self.err("invalid number");
            }
        }
        let token = &self.text[start..self.pos];
        if !(plain && token.len() <= 18) && number_value(token).is_none() {
            self.pos = start;
            return self.err("number out of range");
        }
        Ok(token)
    }

    fn hex4(&mut self) -> Result<u16, JsonError> {
        let b = self.text.as_bytes();
        let Some(h) = b.get(self.pos..self.pos + 4) else {
            return self.err("unexpected end of hex escape");
        };
        let mut n = 0u16;
        for &c in h {
            let d = match c {
                b'0'..=b'9' => c - b'0',
                b'a'..=b'f' => c - b'a' + 10,
                b'A'..=b'F' => c - b'A' + 10,
                _ => return self.err("invalid escape"),
            };
            n = n * 16 + u16::from(d);
        }
        self.pos += 4;
        Ok(n)
    }

    /// A string, the opening quote already read.
    fn string(&mut self) -> Result<Cow<'a, str>, JsonError> {
        let b = self.text.as_bytes();
        let start = self.pos;
        self.pos += special(&b[start..]);
        match b.get(self.pos) {
            None => return self.err("unterminated string"),
            Some(b'"') => {
                self.pos += 1;
                return Ok(Cow::Borrowed(&self.text[start..self.pos - 1]));
            }
            Some(b'\\') => {}
            Some(_) => return self.err("control character in string"),
        }
        let mut out = String::from(&self.text[start..self.pos]);
        loop {
            let run = self.pos;
            self.pos += special(&b[run..]);
            out.push_str(&self.text[run..self.pos]);
            match b.get(self.pos) {
                None => return self.err("unterminated string"),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let Some(&e) = b.get(self.pos) else {
                        return self.err("unterminated string");
                    };
                    self.pos += 1;
                    out.push(match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => {
                            self.pos -= 1;
                            return self.err("invalid escape");
                        }
                    });
                }
                Some(_) => return self.err("control character in string"),
            }
        }
    }

    /// `\uXXXX`, the `\u` already read; a surrogate must come in a pair, as serde_json wants.
    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if !self.text.as_bytes()[self.pos..].starts_with(b"\\u") {
                    return self.err("lone leading surrogate in hex escape");
                }
                self.pos += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return self.err("lone leading surrogate in hex escape");
                }
                0x10000 + ((u32::from(first) - 0xD800) << 10) + (u32::from(second) - 0xDC00)
            }
            0xDC00..=0xDFFF => return self.err("lone trailing surrogate in hex escape"),
            n => u32::from(n),
        };
        char::from_u32(code).map_or_else(|| self.err("invalid escape"), Ok)
    }
}

/// The length of the run of bytes that a string takes as they are: up to a quote, a backslash
/// or a control character (which JSON does not allow in a string).
fn special(b: &[u8]) -> usize {
    b.iter()
        .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
        .unwrap_or(b.len())
}

/// A number's value as serde_json reads it (its own float parser, so that `as_f64` agrees with
/// `Value::as_f64` to the last bit); `None` when out of range.
fn number_value(token: &str) -> Option<f64> {
    serde_json::from_str::<f64>(token)
        .ok()
        .filter(|f| f.is_finite())
}

impl<'a> Doc<'a> {
    /// Parses a whole text: one value, with nothing but whitespace around it.
    pub fn parse(text: &'a str) -> Result<Doc<'a>, JsonError> {
        let mut r = Reader { text, pos: 0 };
        // About one item per 5 bytes in Blockly's JSON; a guess, not a limit.
        let mut items = Vec::with_capacity(text.len() / 4 + 2);
        // The open arrays and objects, innermost last: an explicit stack instead of recursion.
        let mut open: Vec<usize> = Vec::with_capacity(32);
        'value: loop {
            r.skip_ws();
            let Some(c) = r.peek() else {
                return r.err("expected a value");
            };
            match c {
                b'{' | b'[' => {
                    r.pos += 1;
                    let at = items.len();
                    items.push(if c == b'{' {
                        Item::Obj { end: 0 }
                    } else {
                        Item::Arr { end: 0 }
                    });
                    r.skip_ws();
                    let close = if c == b'{' { b'}' } else { b']' };
                    if r.peek() == Some(close) {
                        r.pos += 1;
                        set_end(&mut items, at)?;
                    } else {
                        open.push(at);
                        if c == b'{' {
                            key(&mut r, &mut items)?;
                        }
                        continue 'value;
                    }
                }
                b'"' => {
                    r.pos += 1;
                    items.push(Item::Str(r.string()?));
                }
                b't' => {
                    r.literal("true")?;
                    items.push(Item::Bool(true));
                }
                b'f' => {
                    r.literal("false")?;
                    items.push(Item::Bool(false));
                }
                b'n' => {
                    r.literal("null")?;
                    items.push(Item::Null);
                }
                b'-' | b'0'..=b'9' => items.push(Item::Num(r.number()?)),
                _ => return r.err("expected a value"),
            }
            // After a value: a comma, or the end of the containers it closes.
            loop {
                r.skip_ws();
                let Some(&at) = open.last() else {
                    if r.pos != text.len() {
                        return r.err("trailing characters");
                    }
                    return Ok(Doc { items });
                };
                let is_obj = matches!(items[at], Item::Obj { .. });
                match r.peek() {
                    Some(b',') => {
                        r.pos += 1;
                        if is_obj {
                            key(&mut r, &mut items)?;
                        }
                        continue 'value;
                    }
                    Some(b'}') if is_obj => {}
                    Some(b']') if !is_obj => {}
                    None => return r.err("unexpected end of input"),
                    _ => return r.err("expected a comma or the end of a list or object"),
                }
                r.pos += 1;
                open.pop();
                set_end(&mut items, at)?;
            }
        }
    }

    /// The top-level value.
    pub fn root(&self) -> Node<'_> {
        Node {
            items: &self.items,
            at: 0,
        }
    }

    /// The text `serde_json::to_string` gives for this document parsed into a `Value`: no
    /// whitespace, object keys sorted and each only once (the last value of a duplicated key).
    pub fn canonical(&self) -> String {
        self.root().canonical()
    }
}

fn set_end(items: &mut [Item<'_>], at: usize) -> Result<(), JsonError> {
    let end = u32::try_from(items.len()).map_err(|_| JsonError {
        message: "document too large",
        offset: 0,
    })?;
    if let Item::Obj { end: e } | Item::Arr { end: e } = &mut items[at] {
        *e = end;
    }
    Ok(())
}

/// An object's key and its colon.
fn key<'a>(r: &mut Reader<'a>, items: &mut Vec<Item<'a>>) -> Result<(), JsonError> {
    r.skip_ws();
    if r.peek() != Some(b'"') {
        return r.err("expected a key");
    }
    r.pos += 1;
    items.push(Item::Str(r.string()?));
    r.skip_ws();
    if r.peek() != Some(b':') {
        return r.err("expected a colon");
    }
    r.pos += 1;
    Ok(())
}

/// A value in a [`Doc`].
#[derive(Clone, Copy)]
pub struct Node<'d> {
    items: &'d [Item<'d>],
    at: usize,
}

impl fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical())
    }
}

impl<'d> Node<'d> {
    fn item(&self) -> &'d Item<'d> {
        &self.items[self.at]
    }

    /// The index just past this value and everything inside it.
    fn next(&self) -> usize {
        match self.item() {
            Item::Arr { end } | Item::Obj { end } => *end as usize,
            _ => self.at + 1,
        }
    }

    fn at(&self, at: usize) -> Node<'d> {
        Node {
            items: self.items,
            at,
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self.item(), Item::Obj { .. })
    }

    pub fn is_null(&self) -> bool {
        matches!(self.item(), Item::Null)
    }

    pub fn as_str(&self) -> Option<&'d str> {
        match self.item() {
            Item::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.item() {
            Item::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// A number as f64, like `Value::as_f64`.
    pub fn as_f64(&self) -> Option<f64> {
        let Item::Num(t) = self.item() else {
            return None;
        };
        // The common case, small whole numbers, without a float parser; exact below 2^53.
        if t.len() <= 15
            && t.bytes()
                .skip(usize::from(t.starts_with('-')))
                .all(|b| b.is_ascii_digit())
        {
            let (neg, digits) = t.strip_prefix('-').map_or((false, *t), |d| (true, d));
            let n = digits
                .bytes()
                .fold(0i64, |n, b| n * 10 + i64::from(b - b'0'));
            return Some(if neg { -(n as f64) } else { n as f64 });
        }
        number_value(t)
    }

    /// The elements of an array; `None` when this is not an array.
    pub fn elements(&self) -> Option<impl Iterator<Item = Node<'d>> + use<'d>> {
        let Item::Arr { end } = self.item() else {
            return None;
        };
        let (end, me) = (*end as usize, *self);
        let mut pos = self.at + 1;
        Some(std::iter::from_fn(move || {
            (pos < end).then(|| {
                let n = me.at(pos);
                pos = n.next();
                n
            })
        }))
    }

    /// An object's keys and values in the order of the text, duplicates included.
    fn raw_entries(&self) -> impl Iterator<Item = (&'d str, Node<'d>)> + use<'d> {
        let (mut pos, end) = match self.item() {
            Item::Obj { end } => (self.at + 1, *end as usize),
            _ => (0, 0),
        };
        let me = *self;
        std::iter::from_fn(move || {
            (pos < end).then(|| {
                let k = me.at(pos).as_str().unwrap_or("");
                let v = me.at(pos + 1);
                pos = v.next();
                (k, v)
            })
        })
    }

    /// An object's entries, each key once with its last value, as in a `Value`'s map; in the
    /// order of the text, not sorted. Empty when this is not an object.
    pub fn entries(&self) -> Vec<(&'d str, Node<'d>)> {
        let mut all: Vec<_> = self.raw_entries().collect();
        if all.len() > 1 {
            let mut order: Vec<usize> = (0..all.len()).collect();
            // Stable: among equal keys the last in the text sorts last.
            order.sort_by_key(|&i| all[i].0);
            let mut keep = vec![true; all.len()];
            for w in order.windows(2) {
                if all[w[0]].0 == all[w[1]].0 {
                    keep[w[0]] = false;
                }
            }
            let mut i = 0;
            all.retain(|_| {
                i += 1;
                keep[i - 1]
            });
        }
        all
    }

    /// The value of a key of an object (the last, if the key is repeated); `None` when this
    /// is not an object or has no such key.
    pub fn get(&self, key: &str) -> Option<Node<'d>> {
        let Item::Obj { end } = self.item() else {
            return None;
        };
        let (end, mut pos, mut found) = (*end as usize, self.at + 1, None);
        // Every entry is looked at, so that a repeated key gives its last value.
        while pos < end {
            if let Item::Str(k) = &self.items[pos]
                && k.as_bytes() == key.as_bytes()
            {
                found = Some(pos + 1);
            }
            pos = match self.items[pos + 1] {
                Item::Arr { end } | Item::Obj { end } => end as usize,
                _ => pos + 2,
            };
        }
        found.map(|at| self.at(at))
    }

    /// The canonical text of this value; see [`Doc::canonical`].
    pub fn canonical(&self) -> String {
        enum Frame<'d> {
            Arr(usize, usize),
            Obj(std::vec::IntoIter<(&'d str, Node<'d>)>),
        }
        let mut out = Vec::new();
        let mut stack: Vec<Frame<'d>> = Vec::new();
        let mut next = Some(*self);
        loop {
            if let Some(n) = next.take() {
                match n.item() {
                    Item::Null => out.extend_from_slice(b"null"),
                    Item::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
                    Item::Num(t) => write_number(&mut out, t),
                    Item::Str(s) => write_str(&mut out, s),
                    Item::Arr { end } => {
                        out.push(b'[');
                        stack.push(Frame::Arr(n.at + 1, *end as usize));
                    }
                    Item::Obj { .. } => {
                        out.push(b'{');
                        let mut e = n.entries();
                        e.sort_by_key(|(k, _)| *k);
                        stack.push(Frame::Obj(e.into_iter()));
                    }
                }
            }
            let Some(top) = stack.last_mut() else { break };
            let first = out.last().is_some_and(|&c| c == b'[' || c == b'{');
            match top {
                Frame::Arr(pos, end) if *pos < *end => {
                    if !first {
                        out.push(b',');
                    }
                    let n = self.at(*pos);
                    *pos = n.next();
                    next = Some(n);
                }
                Frame::Obj(it) => match it.next() {
                    Some((k, v)) => {
                        if !first {
                            out.push(b',');
                        }
                        write_str(&mut out, k);
                        out.push(b':');
                        next = Some(v);
                    }
                    None => {
                        out.push(b'}');
                        stack.pop();
                    }
                },
                Frame::Arr(..) => {
                    out.push(b']');
                    stack.pop();
                }
            }
        }
        String::from_utf8(out).expect("JSON text is UTF-8")
    }
}

fn write_str(out: &mut Vec<u8>, s: &str) {
    serde_json::to_writer(out, s).expect("writing to a Vec cannot fail");
}

fn write_number(out: &mut Vec<u8>, t: &str) {
    let plain = t.len() <= 18
        && t.bytes()
            .skip(usize::from(t.starts_with('-')))
            .all(|b| b.is_ascii_digit());
    // serde_json reads "-0" as the float -0.0, so it takes the long way.
    if plain && t != "-0" {
        out.extend_from_slice(t.as_bytes());
        return;
    }
    // Big integers and floats as serde_json writes them (its own formats), so that the
    // canonical text is the same as before.
    let n: serde_json::Number = serde_json::from_str(t).expect("checked when parsed");
    serde_json::to_writer(out, &n).expect("writing to a Vec cannot fail");
}

/// A program's JSON text as it came in a request body, unparsed: serde_json skips over it
/// without recursion and without its nesting limit (128, too few for a chain of 64 blocks),
/// and [`Doc::parse`] reads it when it is judged.
#[derive(Debug, Clone)]
pub struct ProgramJson(Box<serde_json::value::RawValue>);

impl ProgramJson {
    pub fn text(&self) -> &str {
        self.0.get()
    }

    /// From stored text, checked to be JSON.
    pub fn from_text(text: String) -> Option<ProgramJson> {
        serde_json::value::RawValue::from_string(text)
            .ok()
            .map(ProgramJson)
    }
}

impl<'de> Deserialize<'de> for ProgramJson {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Box::<serde_json::value::RawValue>::deserialize(d).map(ProgramJson)
    }
}

impl Serialize for ProgramJson {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn same_as_serde(text: &str) {
        let ours = Doc::parse(text);
        let theirs = serde_json::from_str::<Value>(text);
        match (&ours, &theirs) {
            (Ok(d), Ok(v)) => assert_eq!(d.canonical(), v.to_string(), "{text}"),
            (Err(_), Err(_)) => {}
            _ => panic!("{text}: ours {ours:?}, serde_json {theirs:?}"),
        }
    }

    #[test]
    fn reads_and_refuses_what_serde_json_does() {
        for t in [
            "null",
            "true",
            "false",
            "0",
            "-0",
            "-0.0",
            "1.5",
            "1e5",
            "1E+5",
            "-1e-5",
            "12345678901234567890",
            "123456789012345678901234567890",
            "1e400",
            "-1e400",
            "1e-400",
            "01",
            "1.",
            ".5",
            "-",
            "+1",
            "1e",
            "[]",
            "{}",
            "[1,2,[3,{}]]",
            "[1,]",
            "[,1]",
            "{\"a\":1,}",
            "{\"a\" 1}",
            "{1:2}",
            "{\"b\":1,\"a\":[true,null],\"b\":2}",
            "\"a\\u00e9\\n\\\"\\/\\ud83d\\ude00\"",
            "\"\\ud83d\"",
            "\"\\ude00\"",
            "\"\\ud83dx\"",
            "\"\\x\"",
            "\"\u{1}\"",
            "\"é\u{7f}\u{2028}\"",
            " [ 1 , 2 ] ",
            "[1] x",
            "",
            "   ",
            "[",
            "{\"a\":",
            "tru",
            "nul",
            "[1 2]",
            "\"\\u12\"",
            "{\"\":\"\"}",
            "[[[[[]]]]]",
            "{\"a\":{\"b\":{}}}",
            "9007199254740993",
            "-9223372036854775809",
            "18446744073709551616",
            "0.1",
            "100.0",
            "1.0e2",
            "5e-324",
            "1.7976931348623157e308",
        ] {
            same_as_serde(t);
        }
    }

    #[test]
    fn duplicate_keys_keep_the_last_value() {
        let d = Doc::parse(r#"{"a": 1, "b": 2, "a": {"c": 3}}"#).unwrap();
        let a = d.root().get("a").unwrap();
        assert_eq!(a.get("c").and_then(|c| c.as_f64()), Some(3.0));
        let keys: Vec<_> = d.root().entries().into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["b", "a"]);
    }

    #[test]
    fn any_depth_costs_no_stack() {
        let n = 200_000;
        let text = "[".repeat(n) + &"]".repeat(n);
        let d = Doc::parse(&text).unwrap();
        assert_eq!(d.canonical(), text);
        let deep_obj = "{\"a\":".repeat(n) + "1" + &"}".repeat(n);
        assert_eq!(Doc::parse(&deep_obj).unwrap().canonical(), deep_obj);
        assert!(Doc::parse(&"[".repeat(n)).is_err());
    }

    #[test]
    fn numbers_read_as_serde_json_reads_them() {
        for t in [
            "0",
            "-7",
            "123456789012345",
            "1234567890123456789",
            "2.5",
            "1e3",
            "-0.1",
        ] {
            let d = Doc::parse(t).unwrap();
            let v: Value = serde_json::from_str(t).unwrap();
            assert_eq!(d.root().as_f64(), v.as_f64(), "{t}");
        }
    }
}
