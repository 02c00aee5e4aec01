//! What a drawing is made of: colours and the line segments the artist draws and a target holds.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A colour, `#rrggbb` in JSON. Kept as a number: every line carries one, and copying a
/// number costs nothing where a string would cost an allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Colour(u32);

impl Colour {
    /// The pencil's colour before any `artist_colour` block.
    pub const START: Colour = Colour(0x1d4ed8);

    /// `#rrggbb` in either case; nothing else (no `+`, no short forms, no names).
    pub fn parse(s: &str) -> Option<Colour> {
        let hex = s.strip_prefix('#')?;
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(hex, 16).ok().map(Colour)
    }

    pub fn value(self) -> u32 {
        self.0
    }
}

impl fmt::Display for Colour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:06x}", self.0)
    }
}

impl Serialize for Colour {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Colour {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Colour, D::Error> {
        let s = String::deserialize(d)?;
        Colour::parse(&s).ok_or_else(|| serde::de::Error::custom("a colour is #rrggbb"))
    }
}

/// One line drawn, in canvas pixels rounded to two decimals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    pub from: [f64; 2],
    pub to: [f64; 2],
    pub colour: Colour,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_rrggbb_and_nothing_else() {
        assert_eq!(Colour::parse("#DC2626"), Some(Colour(0xdc2626)));
        assert_eq!(Colour(0xdc2626).to_string(), "#dc2626");
        assert_eq!(Colour(0x00000a).to_string(), "#00000a");
        for bad in [
            "dc2626",
            "#dc262",
            "#dc26266",
            "#+c2626",
            "#-12345",
            "#gggggg",
            "#ＡＢＣ",
            "",
        ] {
            assert_eq!(Colour::parse(bad), None, "{bad}");
        }
    }
}
