//! Learners' own projects: the rules an artist or sprites project's program follows, the
//! artist thumbnail drawn on the server, and which uploaded files a program uses.

use crate::artist::{self, ArtistSpec, CANVAS};
use crate::canvas::Segment;
use crate::drawing::Target;
use crate::json::Node;
use crate::program::{self, BlockType, TypeSet};
use crate::{Invalid, invalid};
use std::fmt::Write as _;

pub use crate::program::sprites::{
    COSTUMES, MEDIA_ID_CHARS, SOUNDS, SPEECH_CHARS, SPRITE_KEYS, SPRITE_NAMES, SPRITES_BLOCKS,
    SPRITES_EVENTS, media_ref,
};

/// The most lines a thumbnail draws: enough for any drawing a child looks at, and a bound on
/// what one thumbnail costs to send.
pub const THUMBNAIL_LINES: usize = 2_000;

fn artist_types() -> TypeSet {
    let mut set = TypeSet::default();
    for name in program::KNOWN_BLOCKS {
        if let Some(t) = BlockType::from_name(name).filter(|t| t.is_artist()) {
            set.insert(t);
        }
    }
    set
}

/// Checks an artist project's program by the rules of artist levels (exactly one `when_run`,
/// the artist's blocks only) and draws it as free play does, from the middle of the canvas.
pub fn artist_drawing(root: Node<'_>) -> Result<Vec<Segment>, Invalid> {
    let p = program::parse(root)?;
    if !p.types.is_subset(artist_types()) {
        return Err(invalid(
            "program: an artist project uses the artist's blocks only",
        ));
    }
    let spec = ArtistSpec {
        width: CANVAS,
        height: CANVAS,
        start: [200.0, 200.0],
        heading: 0.0,
        target: Target::new(Vec::new(), false),
    };
    // A drawing stopped by the step limit is kept as far as it got, as free play shows it.
    Ok(artist::run(&spec, &p.body).segments)
}

/// Checks a sprites project's program (see `program::sprites`).
pub fn check_sprites(root: Node<'_>) -> Result<(), Invalid> {
    program::sprites::check(root)
}

/// The drawing as an SVG image of the canvas: white, with its lines.
pub fn thumbnail_svg(segments: &[Segment]) -> String {
    let mut out = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CANVAS} {CANVAS}" width="{CANVAS}" height="{CANVAS}"><rect width="{CANVAS}" height="{CANVAS}" fill="#ffffff"/><g stroke-width="3" stroke-linecap="round" fill="none">"##
    );
    for s in segments.iter().take(THUMBNAIL_LINES) {
        let _ = write!(
            out,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>"#,
            s.from[0], s.from[1], s.to[0], s.to[1], s.colour
        );
    }
    out.push_str("</g></svg>");
    out
}

/// Whether a program uses the uploaded file `media_id`: a block of any stack has a field whose
/// value is `media:<media_id>`. Walked with an explicit stack, whatever the nesting.
pub fn uses_media(root: Node<'_>, media_id: &str) -> bool {
    let wanted = format!("media:{media_id}");
    let mut todo = vec![root];
    while let Some(n) = todo.pop() {
        if let Some(items) = n.elements() {
            todo.extend(items);
            continue;
        }
        for (key, v) in n.entries() {
            if key == "fields" {
                if v.entries().iter().any(|(_, f)| f.as_str() == Some(&wanted)) {
                    return true;
                }
            } else {
                todo.push(v);
            }
        }
    }
    false
}

/// The texts a program shows to whoever plays it (its speech bubbles), to check before it is
/// shared. Walked with an explicit stack, whatever the nesting.
pub fn shown_texts(root: Node<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let mut todo = vec![root];
    while let Some(n) = todo.pop() {
        if let Some(items) = n.elements() {
            todo.extend(items);
            continue;
        }
        for (key, v) in n.entries() {
            if key == "fields" {
                out.extend(v.get("TEXT").and_then(|t| t.as_str()).map(str::to_owned));
            } else {
                todo.push(v);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Doc;

    fn doc(text: &str) -> Doc<'_> {
        Doc::parse(text).unwrap()
    }

    #[test]
    fn an_artist_project_draws_its_lines() {
        let d = doc(
            r#"{"blocks":{"blocks":[{"type":"when_run","next":{"block":{"type":"artist_move_forward","fields":{"DISTANCE":50}}}}]}}"#,
        );
        let lines = artist_drawing(d.root()).unwrap();
        assert_eq!(lines.len(), 1);
        let svg = thumbnail_svg(&lines);
        assert!(
            svg.contains(r##"<line x1="200" y1="200" x2="200" y2="150" stroke="#1d4ed8"/>"##),
            "{svg}"
        );
    }

    #[test]
    fn an_artist_project_has_one_start_and_artist_blocks() {
        for bad in [
            r#"{"blocks":{"blocks":[]}}"#,
            r#"{"blocks":{"blocks":[{"type":"when_run"},{"type":"when_run"}]}}"#,
            r#"{"blocks":{"blocks":[{"type":"when_run","next":{"block":{"type":"maze_move_forward"}}}]}}"#,
        ] {
            assert!(artist_drawing(doc(bad).root()).is_err(), "{bad}");
        }
    }

    #[test]
    fn sprites_programs_hold_event_stacks() {
        let ok = r#"{"blocks":{"blocks":[
            {"type":"when_run","next":{"block":{"type":"sprites_costume","fields":{"SPRITE":"1","COSTUME":"cat"}}}},
            {"type":"sprites_when_key","fields":{"KEY":"right"},"next":{"block":{"type":"sprites_move","fields":{"SPRITE":"1","DIR":"right","STEPS":10}}}},
            {"type":"sprites_when_clicked","fields":{"SPRITE":"1"},"next":{"block":{"type":"sprites_say","fields":{"SPRITE":"1","TEXT":"Hej!"}}}},
            {"type":"sprites_when_key","fields":{"KEY":"space"},"next":{"block":{"type":"sprites_costume","fields":{"SPRITE":"2","COSTUME":"media:abc123"}}}},
            {"type":"anything","fields":{"X":"kept but never run"}}
        ]}}"#;
        check_sprites(doc(ok).root()).unwrap();
        assert!(uses_media(doc(ok).root(), "abc123"));
        assert!(!uses_media(doc(ok).root(), "abc12"));
        assert_eq!(shown_texts(doc(ok).root()), ["Hej!"]);
        for bad in [
            r#"{"blocks":{"blocks":[{"type":"when_run","next":{"block":{"type":"artist_pen_up"}}}]}}"#,
            r#"{"blocks":{"blocks":[{"type":"sprites_when_key","fields":{"KEY":"f1"}}]}}"#,
            r#"{"blocks":{"blocks":[{"type":"when_run","next":{"block":{"type":"sprites_costume","fields":{"SPRITE":"1","COSTUME":"https://example.com/x.png"}}}}]}}"#,
            r#"{"blocks":{"blocks":[{"type":"when_run","next":{"block":{"type":"sprites_wait","fields":{"SECONDS":11}}}}]}}"#,
            r#"{"blocks":{"blocks":[{"type":"when_run","next":{"block":{"type":"when_run"}}}]}}"#,
        ] {
            assert!(check_sprites(doc(bad).root()).is_err(), "{bad}");
        }
    }
}
