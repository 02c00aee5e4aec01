//! Sign-in secrets of young learners: the picture set and the word lists (from `content/` and
//! `static/pictures/`, embedded in the binary) and the random secrets drawn from them.
//!
//! A section signs in either with a picture (the learner picks it out of a grid) or with two
//! words ("happy tiger"). This module only holds the choices: it stores nothing and checks no
//! secret. A typed word secret is compared in the form that [`normalise_words`] gives it.
//!
//! The two TOML files use a small subset of TOML (`[[pictures]]` tables, `key = "text"` and
//! `key = ["text", ...]`, `#` comments, plain strings without escapes), read here by a strict
//! reader so that the web crate needs no TOML parser; anything else in them is an error that
//! the tests below report.

use crate::kit::extract::Lang;
use rand::rngs::OsRng;
use rand::seq::SliceRandom;
use std::sync::LazyLock;

const PICTURES_TOML: &str = include_str!("../../../../content/pictures.toml");
const WORDS_TOML: &str = include_str!("../../../../content/words.toml");

/// Every picture file, by id. A test checks that this list, `content/pictures.toml` and the
/// folder `static/pictures/` name the same pictures.
const PICTURE_FILES: &[(&str, &[u8])] = &[
    ("anchor", include_bytes!("../../static/pictures/anchor.svg")),
    ("apple", include_bytes!("../../static/pictures/apple.svg")),
    ("ball", include_bytes!("../../static/pictures/ball.svg")),
    (
        "balloon",
        include_bytes!("../../static/pictures/balloon.svg"),
    ),
    ("banana", include_bytes!("../../static/pictures/banana.svg")),
    ("bee", include_bytes!("../../static/pictures/bee.svg")),
    ("bird", include_bytes!("../../static/pictures/bird.svg")),
    ("boat", include_bytes!("../../static/pictures/boat.svg")),
    ("book", include_bytes!("../../static/pictures/book.svg")),
    ("bus", include_bytes!("../../static/pictures/bus.svg")),
    (
        "butterfly",
        include_bytes!("../../static/pictures/butterfly.svg"),
    ),
    ("cake", include_bytes!("../../static/pictures/cake.svg")),
    ("car", include_bytes!("../../static/pictures/car.svg")),
    ("carrot", include_bytes!("../../static/pictures/carrot.svg")),
    ("cat", include_bytes!("../../static/pictures/cat.svg")),
    ("clock", include_bytes!("../../static/pictures/clock.svg")),
    ("cloud", include_bytes!("../../static/pictures/cloud.svg")),
    ("crown", include_bytes!("../../static/pictures/crown.svg")),
    ("cup", include_bytes!("../../static/pictures/cup.svg")),
    ("dog", include_bytes!("../../static/pictures/dog.svg")),
    ("drum", include_bytes!("../../static/pictures/drum.svg")),
    ("fish", include_bytes!("../../static/pictures/fish.svg")),
    ("flower", include_bytes!("../../static/pictures/flower.svg")),
    ("frog", include_bytes!("../../static/pictures/frog.svg")),
    ("guitar", include_bytes!("../../static/pictures/guitar.svg")),
    ("hat", include_bytes!("../../static/pictures/hat.svg")),
    ("heart", include_bytes!("../../static/pictures/heart.svg")),
    ("house", include_bytes!("../../static/pictures/house.svg")),
    (
        "ice-cream",
        include_bytes!("../../static/pictures/ice-cream.svg"),
    ),
    ("key", include_bytes!("../../static/pictures/key.svg")),
    ("kite", include_bytes!("../../static/pictures/kite.svg")),
    ("lamp", include_bytes!("../../static/pictures/lamp.svg")),
    ("leaf", include_bytes!("../../static/pictures/leaf.svg")),
    ("moon", include_bytes!("../../static/pictures/moon.svg")),
    (
        "mushroom",
        include_bytes!("../../static/pictures/mushroom.svg"),
    ),
    ("owl", include_bytes!("../../static/pictures/owl.svg")),
    ("pear", include_bytes!("../../static/pictures/pear.svg")),
    ("pencil", include_bytes!("../../static/pictures/pencil.svg")),
    (
        "rainbow",
        include_bytes!("../../static/pictures/rainbow.svg"),
    ),
    ("rocket", include_bytes!("../../static/pictures/rocket.svg")),
    ("shoe", include_bytes!("../../static/pictures/shoe.svg")),
    ("snail", include_bytes!("../../static/pictures/snail.svg")),
    (
        "snowman",
        include_bytes!("../../static/pictures/snowman.svg"),
    ),
    ("star", include_bytes!("../../static/pictures/star.svg")),
    (
        "strawberry",
        include_bytes!("../../static/pictures/strawberry.svg"),
    ),
    ("sun", include_bytes!("../../static/pictures/sun.svg")),
    ("tent", include_bytes!("../../static/pictures/tent.svg")),
    ("tree", include_bytes!("../../static/pictures/tree.svg")),
    ("turtle", include_bytes!("../../static/pictures/turtle.svg")),
    (
        "umbrella",
        include_bytes!("../../static/pictures/umbrella.svg"),
    ),
];

/// One picture of picture sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    /// The stable id: the file name without `.svg`, and what a stored secret holds.
    pub id: &'static str,
    en: &'static str,
    sv: &'static str,
}

impl Picture {
    /// The picture's name in a language, as shown under it.
    pub fn label(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Sv => self.sv,
        }
    }

    /// The SVG image of the picture.
    pub fn svg(&self) -> &'static [u8] {
        picture_svg(self.id).expect("every picture has a file")
    }
}

static PICTURES: LazyLock<Vec<Picture>> = LazyLock::new(|| {
    load_pictures(PICTURES_TOML).unwrap_or_else(|e| panic!("content/pictures.toml: {e}"))
});

struct Words {
    en: Vec<&'static str>,
    sv: Vec<&'static str>,
}

static WORDS: LazyLock<Words> =
    LazyLock::new(|| load_words(WORDS_TOML).unwrap_or_else(|e| panic!("content/words.toml: {e}")));

/// All pictures, in the order of `content/pictures.toml`.
pub fn pictures() -> &'static [Picture] {
    &PICTURES
}

/// The picture with this id.
pub fn picture(id: &str) -> Option<&'static Picture> {
    pictures().iter().find(|p| p.id == id)
}

/// The SVG image of the picture with this id.
pub fn picture_svg(id: &str) -> Option<&'static [u8]> {
    PICTURE_FILES
        .iter()
        .find(|(name, _)| *name == id)
        .map(|(_, bytes)| *bytes)
}

/// The words of word secrets in a language.
pub fn words(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::En => &WORDS.en,
        Lang::Sv => &WORDS.sv,
    }
}

/// A new word secret: two different words of the language's list, joined by a space, each
/// pair equally likely, drawn with the operating system's random source.
pub fn random_word_secret(lang: Lang) -> String {
    let list = words(lang);
    let pair = rand::seq::index::sample(&mut OsRng, list.len(), 2);
    format!("{} {}", list[pair.index(0)], list[pair.index(1)])
}

/// A new picture secret: the id of a picture, each equally likely, drawn with the operating
/// system's random source.
pub fn random_picture_secret() -> &'static str {
    pictures()
        .choose(&mut OsRng)
        .expect("there are pictures")
        .id
}

/// A typed word secret in the form in which it is compared: lower case, without spaces at the
/// ends, one space between words. å, ä and ö typed as a letter and a combining mark become
/// the single letter, as in the word lists.
pub fn normalise_words(input: &str) -> String {
    let lower = input
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let mut out = String::with_capacity(lower.len());
    let mut chars = lower.chars().peekable();
    while let Some(c) = chars.next() {
        let composed = match (c, chars.peek()) {
            ('a', Some('\u{30a}')) => Some('å'),
            ('a', Some('\u{308}')) => Some('ä'),
            ('o', Some('\u{308}')) => Some('ö'),
            _ => None,
        };
        match composed {
            Some(letter) => {
                chars.next();
                out.push(letter);
            }
            None => out.push(c),
        }
    }
    out
}

fn load_pictures(text: &'static str) -> Result<Vec<Picture>, String> {
    let doc = parse(text)?;
    if let Some((key, _)) = doc.top.first() {
        return Err(format!("unexpected key {key:?} outside [[pictures]]"));
    }
    let mut out = Vec::new();
    for (name, table) in doc.tables {
        if name != "pictures" {
            return Err(format!("unexpected table [[{name}]]"));
        }
        let id = text_of(&table, "id")?;
        if let Some((key, _)) = table.iter().find(|(k, _)| !["id", "en", "sv"].contains(k)) {
            return Err(format!("picture {id:?}: unexpected key {key:?}"));
        }
        out.push(Picture {
            id,
            en: text_of(&table, "en")?,
            sv: text_of(&table, "sv")?,
        });
    }
    Ok(out)
}

fn load_words(text: &'static str) -> Result<Words, String> {
    let doc = parse(text)?;
    if let Some((name, _)) = doc.tables.first() {
        return Err(format!("unexpected table [[{name}]]"));
    }
    if let Some((key, _)) = doc.top.iter().find(|(k, _)| !["en", "sv"].contains(k)) {
        return Err(format!("unexpected key {key:?}"));
    }
    Ok(Words {
        en: list_of(&doc.top, "en")?,
        sv: list_of(&doc.top, "sv")?,
    })
}

#[derive(Debug, PartialEq)]
enum Value {
    Text(&'static str),
    List(Vec<&'static str>),
}

type Table = Vec<(&'static str, Value)>;

/// A read file: the keys before the first `[[name]]`, then each `[[name]]` table in order.
#[derive(Debug)]
struct Document {
    top: Table,
    tables: Vec<(&'static str, Table)>,
}

fn text_of(table: &Table, key: &str) -> Result<&'static str, String> {
    match table.iter().find(|(k, _)| *k == key) {
        Some((_, Value::Text(s))) => Ok(*s),
        Some(_) => Err(format!("{key:?} must be a string")),
        None => Err(format!("missing {key:?}")),
    }
}

fn list_of(table: &Table, key: &str) -> Result<Vec<&'static str>, String> {
    match table.iter().find(|(k, _)| *k == key) {
        Some((_, Value::List(items))) => Ok(items.clone()),
        Some(_) => Err(format!("{key:?} must be a list of strings")),
        None => Err(format!("missing {key:?}")),
    }
}

/// Reads the TOML subset described at the top of this module; the strings it returns are
/// slices of `text`.
fn parse(text: &'static str) -> Result<Document, String> {
    let mut r = Reader { text, pos: 0 };
    let mut doc = Document {
        top: Vec::new(),
        tables: Vec::new(),
    };
    loop {
        r.skip_blank(true);
        if r.rest().is_empty() {
            return Ok(doc);
        }
        if r.rest().starts_with("[[") {
            r.pos += 2;
            let name = r.key()?;
            r.expect("]]")?;
            r.end_of_line()?;
            doc.tables.push((name, Vec::new()));
            continue;
        }
        let key = r.key()?;
        r.skip_blank(false);
        r.expect("=")?;
        r.skip_blank(false);
        let value = if r.rest().starts_with('[') {
            r.pos += 1;
            let mut items = Vec::new();
            loop {
                r.skip_blank(true);
                if r.rest().starts_with(']') {
                    r.pos += 1;
                    break;
                }
                items.push(r.string()?);
                r.skip_blank(true);
                if r.rest().starts_with(',') {
                    r.pos += 1;
                } else if !r.rest().starts_with(']') {
                    return Err(r.error("expected \",\" or \"]\""));
                }
            }
            Value::List(items)
        } else {
            Value::Text(r.string()?)
        };
        r.end_of_line()?;
        let table = match doc.tables.last_mut() {
            Some((_, table)) => table,
            None => &mut doc.top,
        };
        if table.iter().any(|(k, _)| *k == key) {
            return Err(r.error(&format!("{key:?} given twice")));
        }
        table.push((key, value));
    }
}

struct Reader {
    text: &'static str,
    pos: usize,
}

impl Reader {
    fn rest(&self) -> &'static str {
        &self.text[self.pos..]
    }

    fn error(&self, what: &str) -> String {
        let line = self.text[..self.pos].matches('\n').count() + 1;
        format!("line {line}: {what}")
    }

    /// Skips spaces, tabs and comments, and line ends too when `lines`.
    fn skip_blank(&mut self, lines: bool) {
        loop {
            let rest = self.rest();
            if rest.starts_with('#') {
                self.pos += rest.find('\n').unwrap_or(rest.len());
            } else if rest.starts_with([' ', '\t']) || (lines && rest.starts_with(['\n', '\r'])) {
                self.pos += 1;
            } else {
                return;
            }
        }
    }

    fn end_of_line(&mut self) -> Result<(), String> {
        self.skip_blank(false);
        let rest = self.rest();
        if rest.is_empty() || rest.starts_with('\n') || rest.starts_with("\r\n") {
            Ok(())
        } else {
            Err(self.error("expected the end of the line"))
        }
    }

    fn expect(&mut self, what: &str) -> Result<(), String> {
        if self.rest().starts_with(what) {
            self.pos += what.len();
            Ok(())
        } else {
            Err(self.error(&format!("expected {what:?}")))
        }
    }

    fn key(&mut self) -> Result<&'static str, String> {
        let rest = self.rest();
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(rest.len());
        if len == 0 {
            return Err(self.error("expected a key"));
        }
        self.pos += len;
        Ok(&rest[..len])
    }

    fn string(&mut self) -> Result<&'static str, String> {
        self.expect("\"")?;
        let rest = self.rest();
        let len = rest
            .find(['"', '\\', '\n'])
            .filter(|&i| rest[i..].starts_with('"'))
            .ok_or_else(|| self.error("a string must end on its line and have no backslash"))?;
        self.pos += len + 1;
        Ok(&rest[..len])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    const PICTURE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/static/pictures");

    fn is_slug(id: &str) -> bool {
        !id.is_empty()
            && !id.starts_with('-')
            && !id.ends_with('-')
            && !id.contains("--")
            && id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
    }

    #[test]
    fn there_are_enough_pictures_with_slug_ids_and_two_labels() {
        assert!(pictures().len() >= 40, "only {} pictures", pictures().len());
        let mut ids = BTreeSet::new();
        for p in pictures() {
            assert!(is_slug(p.id), "picture id {:?} is not a slug", p.id);
            assert!(ids.insert(p.id), "picture {:?} twice", p.id);
            for lang in [Lang::En, Lang::Sv] {
                let label = p.label(lang);
                assert!(!label.trim().is_empty(), "{}: empty label", p.id);
                assert_eq!(label, label.to_lowercase(), "{}: label in lower case", p.id);
            }
            assert!(p.en.is_ascii(), "{}: English label in plain letters", p.id);
        }
        let mut en: Vec<_> = pictures().iter().map(|p| p.en).collect();
        let mut sv: Vec<_> = pictures().iter().map(|p| p.sv).collect();
        en.sort();
        en.dedup();
        sv.sort();
        sv.dedup();
        assert_eq!(
            en.len(),
            pictures().len(),
            "two pictures share an English name"
        );
        assert_eq!(
            sv.len(),
            pictures().len(),
            "two pictures share a Swedish name"
        );
    }

    #[test]
    fn every_picture_has_exactly_one_file_and_every_file_a_picture() {
        let mut on_disk = BTreeSet::new();
        for entry in std::fs::read_dir(PICTURE_DIR).expect("static/pictures") {
            let name = entry.unwrap().file_name().into_string().unwrap();
            let id = name
                .strip_suffix(".svg")
                .unwrap_or_else(|| panic!("{name}: only .svg files belong in static/pictures"));
            on_disk.insert(id.to_owned());
        }
        let in_toml: BTreeSet<String> = pictures().iter().map(|p| p.id.to_owned()).collect();
        let embedded: BTreeSet<String> = PICTURE_FILES.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(embedded.len(), PICTURE_FILES.len(), "a file listed twice");
        assert_eq!(
            in_toml, on_disk,
            "content/pictures.toml and static/pictures/ differ"
        );
        assert_eq!(
            embedded, on_disk,
            "PICTURE_FILES and static/pictures/ differ"
        );
        for (id, bytes) in PICTURE_FILES {
            let path = format!("{PICTURE_DIR}/{id}.svg");
            assert_eq!(*bytes, std::fs::read(&path).unwrap(), "{path}");
        }
    }

    /// Start and end tags pair up, and nothing but white space stands between the tags.
    fn well_formed(svg: &str) -> Result<(), String> {
        let mut open: Vec<&str> = Vec::new();
        let mut rest = svg;
        let mut roots = 0;
        while let Some(start) = rest.find('<') {
            if !rest[..start].trim().is_empty() {
                return Err(format!("text {:?}", rest[..start].trim()));
            }
            let end = rest[start..].find('>').ok_or("unclosed tag")? + start;
            let tag = &rest[start + 1..end];
            if let Some(name) = tag.strip_prefix('/') {
                match open.pop() {
                    Some(o) if o == name.trim() => {}
                    o => return Err(format!("</{name}> closes {o:?}")),
                }
            } else {
                if open.is_empty() {
                    roots += 1;
                }
                let name = tag.split_whitespace().next().unwrap_or("");
                let name = name.trim_end_matches('/');
                if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphabetic()) {
                    return Err(format!("bad tag <{tag}>"));
                }
                if !tag.matches('"').count().is_multiple_of(2) {
                    return Err(format!("unbalanced quotes in <{tag}>"));
                }
                if !tag.ends_with('/') {
                    open.push(name);
                }
            }
            rest = &rest[end + 1..];
        }
        if !rest.trim().is_empty() {
            return Err(format!("text after the root: {:?}", rest.trim()));
        }
        match (open.as_slice(), roots) {
            ([], 1) => Ok(()),
            ([], n) => Err(format!("{n} root elements")),
            (left, _) => Err(format!("unclosed {left:?}")),
        }
    }

    #[test]
    fn every_picture_is_a_small_self_contained_svg() {
        for (id, bytes) in PICTURE_FILES {
            assert!(bytes.len() < 2048, "{id}.svg is {} bytes", bytes.len());
            let svg = std::str::from_utf8(bytes).expect("UTF-8");
            assert!(svg.starts_with("<svg "), "{id}.svg: starts with <svg");
            assert!(svg.contains(r#"viewBox="0 0 64 64""#), "{id}.svg: viewBox");
            // The namespace declaration is the one address an SVG file must carry.
            let body = svg.replacen(r#"xmlns="http://www.w3.org/2000/svg""#, "", 1);
            let lower = body.to_lowercase();
            for banned in [
                "http",
                "href",
                "<script",
                "<image",
                "<text",
                "<style",
                "style=",
                "url(",
                "<foreignobject",
                "<!",
            ] {
                assert!(!lower.contains(banned), "{id}.svg contains {banned:?}");
            }
            // No event handler attributes (onload="...").
            assert!(!lower.contains(" on"), "{id}.svg has an on... attribute");
            well_formed(svg).unwrap_or_else(|e| panic!("{id}.svg: {e}"));
        }
    }

    #[test]
    fn the_svg_check_finds_broken_markup() {
        assert!(well_formed("<svg><path d=\"M0 0\"/></svg>").is_ok());
        assert!(well_formed("<svg><g></svg>").is_err());
        assert!(well_formed("<svg><path/></svg><svg></svg>").is_err());
        assert!(well_formed("<svg>hello</svg>").is_err());
        assert!(well_formed("<svg><path d=\"M0 0/></svg>").is_err());
    }

    /// True when `a` turns into `b` by changing, adding or removing one letter.
    fn one_letter_apart(a: &str, b: &str) -> bool {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
        match long.len() - short.len() {
            0 => short.iter().zip(&long).filter(|(x, y)| x != y).count() <= 1,
            1 => (0..long.len()).any(|skip| {
                long.iter()
                    .enumerate()
                    .filter(|(i, _)| *i != skip)
                    .map(|(_, c)| c)
                    .eq(short.iter())
            }),
            _ => false,
        }
    }

    #[test]
    fn the_word_lists_keep_their_rules() {
        for (lang, letters) in [
            (Lang::En, "abcdefghijklmnopqrstuvwxyz"),
            (Lang::Sv, "abcdefghijklmnopqrstuvwxyzåäö"),
        ] {
            let list = words(lang);
            assert!(list.len() >= 200, "{lang:?}: only {} words", list.len());
            let mut seen = BTreeSet::new();
            for word in list {
                let n = word.chars().count();
                assert!((3..=7).contains(&n), "{lang:?}: {word:?} has {n} letters");
                assert!(
                    word.chars().all(|c| letters.contains(c)),
                    "{lang:?}: {word:?} has other letters"
                );
                assert!(seen.insert(*word), "{lang:?}: {word:?} twice");
                assert_eq!(normalise_words(word), *word);
            }
            for (i, a) in list.iter().enumerate() {
                for b in &list[i + 1..] {
                    assert!(
                        !one_letter_apart(a, b),
                        "{lang:?}: {a:?} and {b:?} look alike"
                    );
                }
            }
        }
    }

    #[test]
    fn look_alike_words_are_found() {
        assert!(one_letter_apart("cat", "cot"));
        assert!(one_letter_apart("snow", "snowy"));
        assert!(one_letter_apart("lada", "låda"));
        assert!(one_letter_apart("rain", "train"));
        assert!(!one_letter_apart("cat", "dog"));
        assert!(!one_letter_apart("horse", "mouse"));
        assert!(!one_letter_apart("tea", "teapot"));
    }

    #[test]
    fn typed_words_are_normalised() {
        assert_eq!(normalise_words("  Happy   TIGER "), "happy tiger");
        assert_eq!(normalise_words("happy tiger"), "happy tiger");
        assert_eq!(normalise_words("\tglad\n\u{a0}KATT\r\n"), "glad katt");
        assert_eq!(normalise_words("RÖD ÄPPLE Åra"), "röd äpple åra");
        assert_eq!(
            normalise_words("ro\u{308}d a\u{308}pple A\u{30a}ra"),
            "röd äpple åra"
        );
        assert_eq!(normalise_words(""), "");
        assert_eq!(normalise_words("   "), "");
    }

    #[test]
    fn random_word_secrets_are_two_different_listed_words() {
        for lang in [Lang::En, Lang::Sv] {
            let list = words(lang);
            let mut firsts = BTreeSet::new();
            for _ in 0..300 {
                let secret = random_word_secret(lang);
                assert_eq!(normalise_words(&secret), secret);
                let (a, b) = secret.split_once(' ').expect("two words");
                assert_ne!(a, b, "{secret:?}");
                assert!(list.contains(&a) && list.contains(&b), "{secret:?}");
                firsts.insert(a.to_owned());
            }
            // 300 draws from 200 or more words: fewer than 50 different would mean a broken draw.
            assert!(
                firsts.len() > 50,
                "{lang:?}: {} different first words",
                firsts.len()
            );
        }
    }

    #[test]
    fn random_picture_secrets_are_picture_ids() {
        let mut seen = BTreeSet::new();
        for _ in 0..300 {
            let id = random_picture_secret();
            assert!(picture(id).is_some(), "{id}");
            seen.insert(id);
        }
        assert!(seen.len() > 20, "{} different pictures", seen.len());
    }

    #[test]
    fn pictures_are_found_by_id() {
        let apple = picture("apple").expect("apple");
        assert_eq!(apple.label(Lang::En), "apple");
        assert_eq!(apple.label(Lang::Sv), "äpple");
        assert!(apple.svg().starts_with(b"<svg"));
        assert_eq!(
            picture("ice-cream").map(|p| p.label(Lang::En)),
            Some("ice cream")
        );
        assert!(picture("Apple").is_none());
        assert!(picture("").is_none());
        assert!(picture_svg("../lib.rs").is_none());
        assert!(picture_svg("nope").is_none());
    }

    #[test]
    fn the_reader_takes_the_subset_and_refuses_the_rest() {
        let doc =
            parse("# c\nk = \"v\" # c\n\n[[t]]\na = [\n  \"x\", # c\n  \"y\",\n]\n[[t]]\nb = []\n")
                .unwrap();
        assert_eq!(doc.top, vec![("k", Value::Text("v"))]);
        assert_eq!(doc.tables.len(), 2);
        assert_eq!(
            doc.tables[0],
            ("t", vec![("a", Value::List(vec!["x", "y"]))])
        );
        assert_eq!(doc.tables[1], ("t", vec![("b", Value::List(vec![]))]));
        assert!(parse("k = \"a\\\"b\"").is_err());
        assert!(parse("k = \"open\n\"").is_err());
        assert!(parse("k = 'single'").is_err());
        assert!(parse("k = \"a\" \"b\"").is_err());
        assert!(parse("k = [\"a\" \"b\"]").is_err());
        assert!(parse("k \"a\"").is_err());
        assert!(parse("k = \"a\"\nk = \"b\"").is_err());
        assert!(parse("[t]\nk = \"a\"").is_err());
        assert!(load_pictures("[[pictures]]\nid = \"a\"\nen = \"a\"").is_err());
        assert!(
            load_pictures("[[pictures]]\nid = \"a\"\nen = \"a\"\nsv = \"a\"\nde = \"a\"").is_err()
        );
        assert!(load_words("en = [\"a\"]\nsv = \"b\"").is_err());
    }
}
