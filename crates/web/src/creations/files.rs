//! The sprites lab's built-in costumes and sounds, embedded in the binary and served by
//! Kodlek itself, so that no page loads a picture or a sound from another site.

use crate::AppState;
use crate::kit::error::ApiError;
use axum::Router;
use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// The costumes (Twemoji, CC-BY 4.0: see `static/sprites/LICENSE.md`), one per name in
/// `kodlek_puzzles::creations::COSTUMES`.
pub const COSTUMES: &[(&str, &[u8])] = &[
    ("cat.svg", include_bytes!("../../static/sprites/cat.svg")),
    ("dog.svg", include_bytes!("../../static/sprites/dog.svg")),
    ("frog.svg", include_bytes!("../../static/sprites/frog.svg")),
    ("fox.svg", include_bytes!("../../static/sprites/fox.svg")),
    (
        "rabbit.svg",
        include_bytes!("../../static/sprites/rabbit.svg"),
    ),
    (
        "panda.svg",
        include_bytes!("../../static/sprites/panda.svg"),
    ),
    (
        "unicorn.svg",
        include_bytes!("../../static/sprites/unicorn.svg"),
    ),
    (
        "dragon.svg",
        include_bytes!("../../static/sprites/dragon.svg"),
    ),
    (
        "robot.svg",
        include_bytes!("../../static/sprites/robot.svg"),
    ),
    (
        "alien.svg",
        include_bytes!("../../static/sprites/alien.svg"),
    ),
    (
        "rocket.svg",
        include_bytes!("../../static/sprites/rocket.svg"),
    ),
    ("ball.svg", include_bytes!("../../static/sprites/ball.svg")),
    ("star.svg", include_bytes!("../../static/sprites/star.svg")),
    (
        "heart.svg",
        include_bytes!("../../static/sprites/heart.svg"),
    ),
    ("tree.svg", include_bytes!("../../static/sprites/tree.svg")),
    (
        "ghost.svg",
        include_bytes!("../../static/sprites/ghost.svg"),
    ),
];

/// The sounds (made by `tools/make-sounds.py`), one per name in `creations::SOUNDS`.
pub const SOUNDS: &[(&str, &[u8])] = &[
    ("pop.wav", include_bytes!("../../static/sounds/pop.wav")),
    ("beep.wav", include_bytes!("../../static/sounds/beep.wav")),
    ("boing.wav", include_bytes!("../../static/sounds/boing.wav")),
    ("ding.wav", include_bytes!("../../static/sounds/ding.wav")),
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/static/sprites/{file}", get(costume))
        .route("/static/sounds/{file}", get(sound))
}

fn serve(
    files: &'static [(&'static str, &'static [u8])],
    name: &str,
    kind: &'static str,
) -> Response {
    match files.iter().find(|(n, _)| *n == name) {
        Some((_, bytes)) => (
            [
                (header::CONTENT_TYPE, kind),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            *bytes,
        )
            .into_response(),
        None => ApiError::not_found().into_response(),
    }
}

async fn costume(Path(name): Path<String>) -> Response {
    serve(COSTUMES, &name, "image/svg+xml")
}

async fn sound(Path(name): Path<String>) -> Response {
    serve(SOUNDS, &name, "audio/wav")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_name_has_its_file() {
        for c in kodlek_puzzles::creations::COSTUMES {
            assert!(
                COSTUMES.iter().any(|(n, _)| *n == format!("{c}.svg")),
                "{c}"
            );
        }
        for s in kodlek_puzzles::creations::SOUNDS {
            assert!(SOUNDS.iter().any(|(n, _)| *n == format!("{s}.wav")), "{s}");
        }
    }
}
